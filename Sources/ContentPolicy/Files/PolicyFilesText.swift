import Certification
import ConnectorPackage
import Crypto
import Foundation
import JSONDocument

/// Helpers shared by the rules of this folder that read text files (README, intro.md,
/// script.csx) byte by byte: positions from byte offsets, masking, placeholders.
enum PolicyFilesText {
    /// Line and column (1-based) of a byte offset, with the conventions of `SourcePosition`:
    /// lines end at LF, columns count Unicode scalars, a leading UTF-8 BOM is not counted.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        let start = hasByteOrderMark(bytes) ? 3 : 0
        var line = 1
        var column = 1
        var index = start
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }

    /// Whether `needle` (ASCII) occurs in `bytes`, ignoring the case of ASCII letters.
    static func contains(_ bytes: [UInt8], _ needle: String, ignoringCase: Bool = false) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        let lowerFirst = lowerASCII(first)
        let upperFirst = ignoringCase && lowerFirst >= 0x61 && lowerFirst <= 0x7A ? lowerFirst - 0x20 : first
        let last = bytes.count - pattern.count
        return bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index <= last {
                let byte = buffer[index]
                if byte == first || byte == lowerFirst && ignoringCase || byte == upperFirst,
                    bytes.policyFilesHasPrefix(pattern, at: index, ignoringCase: ignoringCase)
                {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    static func hasByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// The lines of a text file with the byte offset where each starts (CR before LF dropped).
    static func lines(_ bytes: [UInt8]) -> [(offset: Int, text: String)] {
        var result: [(Int, String)] = []
        var start = hasByteOrderMark(bytes) ? 3 : 0
        var index = start
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                var end = index
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                result.append((start, String(decoding: bytes[start..<end], as: UTF8.self)))
                start = index + 1
            }
            index += 1
        }
        return result
    }

    /// Shows a suspected secret without revealing it: its first characters (at most 4, and
    /// never more than a third of it), then `****`.
    static func mask(_ secret: String) -> String {
        let shown = min(4, secret.count / 3)
        return String(secret.prefix(shown)) + "****"
    }

    /// A short hash of a secret, for finding signatures: stable, and it does not reveal it.
    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).prefix(6).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// Whether a value is an obvious stand-in rather than a real credential: empty, a word
    /// like `dummy` or `placeholder`, text in brackets (`[DUMMY_VALUE]`, `<put-clientId-here>`,
    /// `{{ client id }}`), a phrase ("Please enter your client id"), or repeated characters
    /// (`xxxxxxxx`, the zero GUID).
    static func isPlaceholder(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count < 6 { return true }
        let lower = trimmed.lowercased()
        if let first = lower.first, "<[{(*".contains(first) { return true }
        if lower.contains(" ") { return true }
        let words = [
            "dummy", "placeholder", "your", "here", "example", "sample", "xxxx", "****", "...", "replace", "insert",
            "enter", "client_id", "client-id", "clientid", "client_secret", "clientsecret", "secret_here", "changeme",
            "redacted", "test", "fake", "value", "todo", "tbd", "null", "none", "@connectionparameters", "@headers",
            "@queryparameters", "{{", "$(", "${",
        ]
        if words.contains(where: { lower.contains($0) }) { return true }
        let distinct = Set(lower.filter { $0 != "-" && $0 != "_" })
        return distinct.count <= 2
    }

    /// Shannon entropy of the characters, in bits per character.
    static func entropy(_ text: String) -> Double {
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let total = Double(text.count)
        guard total > 0 else { return 0 }
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }

    /// Whether a value looks like a GUID (8-4-4-4-12 hex digits).
    static func isGUID(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// Whether a value looks like a generated key: long, no spaces, mixed letters and digits,
    /// and random-looking (high entropy). Words, URLs, e-mail addresses and file paths do not.
    static func looksRandom(_ value: String, minimumLength: Int = 20, minimumEntropy: Double = 3.7) -> Bool {
        guard value.count >= minimumLength, !isPlaceholder(value) else { return false }
        guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_+/=.~".contains($0)) }) else {
            return false
        }
        if value.contains("://") || value.contains("@") || value.hasPrefix("/") { return false }
        let digits = value.filter(\.isNumber).count
        let letters = value.filter(\.isLetter).count
        guard digits >= 2, letters >= 4 else { return false }
        return entropy(value) >= minimumEntropy
    }
}

extension Array where Element == UInt8 {
    /// Whether `prefix` occurs at `index`; with `ignoringCase`, ASCII letters match either case.
    func policyFilesHasPrefix(_ prefix: [UInt8], at index: Int, ignoringCase: Bool = false) -> Bool {
        guard index >= 0, index + prefix.count <= count else { return false }
        for (offset, expected) in prefix.enumerated() {
            let actual = self[index + offset]
            if actual == expected { continue }
            if ignoringCase, PolicyFilesText.lowerASCII(actual) == PolicyFilesText.lowerASCII(expected) { continue }
            return false
        }
        return true
    }
}

extension PolicyFilesText {
    static func lowerASCII(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
    }
}

/// Every string value of a JSON document with its pointer and the key that holds it
/// (`nil` for array elements), in document order.
func policyFilesStrings(_ value: JSONValue, at pointer: JSONPointer = .root, key: String? = nil)
    -> [(pointer: JSONPointer, key: String?, value: String)]
{
    var result: [(JSONPointer, String?, String)] = []
    func walk(_ value: JSONValue, _ pointer: JSONPointer, _ key: String?) {
        switch value.kind {
        case .string(let text): result.append((pointer, key, text))
        case .array(let elements):
            for (index, element) in elements.enumerated() { walk(element, pointer.appending(index), nil) }
        case .object(let object):
            for member in object.members { walk(member.value, pointer.appending(member.key), member.key) }
        default: break
        }
    }
    walk(value, pointer, key)
    return result
}

/// The pointer of the innermost value (or member key) of a JSON document that contains the
/// byte at `offset`: the last child that starts at or before it, level by level.
func policyFilesPointer(containing offset: Int, in root: JSONValue) -> JSONPointer {
    var tokens: [String] = []
    var current = root
    while true {
        switch current.kind {
        case .object(let object):
            guard let member = object.members.last(where: { $0.keyPosition.offset <= offset }) else { return JSONPointer(tokens: tokens) }
            tokens.append(member.key)
            guard member.value.position.offset <= offset else { return JSONPointer(tokens: tokens) }
            current = member.value
        case .array(let elements):
            guard let index = elements.lastIndex(where: { $0.position.offset <= offset }) else { return JSONPointer(tokens: tokens) }
            tokens.append(String(index))
            current = elements[index]
        default:
            return JSONPointer(tokens: tokens)
        }
    }
}
