import Foundation
import JSONDocument

/// A byte-level look at the swagger's text before a walk: a rule that can only fire where some
/// key is written (`"pattern"`, `"$ref"`) skips the walk when the text has no such key. Most
/// connectors have no `pattern`, no `x-ms-test-value`, no empty `enum`: the walk of the whole
/// document is then saved for a scan at memory speed.
///
/// Sound because a JSON object key is written in the text between quotes, byte for byte, unless
/// it uses `\u` escapes: a text with an escape that could spell an ASCII letter, "$" or "-"
/// (`\u0070` for "p") always takes the walk.
enum OASTextScan {
    /// Whether the rule must walk the document: the text has `"key"` followed (after the colon)
    /// by a value whose first bytes satisfy `value` (any value when nil), or an escape that
    /// could hide such a key.
    static func mayHave(_ bytes: [UInt8], key: String, value: ((UnsafeBufferPointer<UInt8>, Int) -> Bool)? = nil) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            hasASCIIEscape(buffer) || contains(buffer, key: key, value: value)
        }
    }

    /// Any of the keys (with any value).
    static func mayHaveAny(_ bytes: [UInt8], keys: [String]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            hasASCIIEscape(buffer) || keys.contains { contains(buffer, key: $0, value: nil) }
        }
    }

    static func contains(_ buffer: UnsafeBufferPointer<UInt8>, key: String, value: ((UnsafeBufferPointer<UInt8>, Int) -> Bool)?) -> Bool {
        let needle = Array("\"\(key)\"".utf8)
        var from = 0
        while let found = find(needle, in: buffer, from: from) {
            from = found + needle.count
            guard let value else { return true }
            // The value after optional whitespace, ":" and whitespace.
            var index = skipSpace(buffer, from)
            guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { continue }
            index = skipSpace(buffer, index + 1)
            if index < buffer.count, value(buffer, index) { return true }
        }
        return false
    }

    /// Every distinct string written as the value of a "$ref" key (a superset of the document's
    /// references: data in examples counts too), or nil when the text cannot tell (escapes).
    static func referenceTexts(_ bytes: [UInt8]) -> Set<String>? {
        bytes.withUnsafeBufferPointer { buffer -> Set<String>? in
            if hasASCIIEscape(buffer) { return nil }
            let needle = Array("\"$ref\"".utf8)
            var texts = Set<String>()
            var from = 0
            while let found = find(needle, in: buffer, from: from) {
                from = found + needle.count
                var index = skipSpace(buffer, from)
                guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { continue }
                index = skipSpace(buffer, index + 1)
                guard index < buffer.count, buffer[index] == UInt8(ascii: "\"") else { continue }
                let start = index + 1
                var end = start
                while end < buffer.count, buffer[end] != UInt8(ascii: "\""), buffer[end] != UInt8(ascii: "\\") { end += 1 }
                guard end < buffer.count, buffer[end] == UInt8(ascii: "\"") else { return nil }  // an escape: cannot tell
                texts.insert(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
                from = end + 1
            }
            return texts
        }
    }

    /// A value that starts with "[" and is an empty array.
    static func emptyArray(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard buffer[index] == UInt8(ascii: "[") else { return false }
        let next = skipSpace(buffer, index + 1)
        return next < buffer.count && buffer[next] == UInt8(ascii: "]")
    }

    /// A value that is an array.
    static func array(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        buffer[index] == UInt8(ascii: "[")
    }

    /// A string value that does not start with "#" (a reference to another document).
    static func nonLocalString(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard buffer[index] == UInt8(ascii: "\""), index + 1 < buffer.count else { return false }
        return buffer[index + 1] != UInt8(ascii: "#")
    }

    static func skipSpace(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var index = start
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// A `\u00XX` escape whose character is an ASCII letter, "$" or "-": the only escapes that
    /// could spell one of the keys the rules look for.
    static func hasASCIIEscape(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        let count = buffer.count
        var index = 0
        // memchr to each backslash: most texts have few.
        while index < count, let found = memchr(base + index, Int32(UInt8(ascii: "\\")), count - index) {
            let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if at + 5 < count, buffer[at + 1] == UInt8(ascii: "u"), buffer[at + 2] == UInt8(ascii: "0"), buffer[at + 3] == UInt8(ascii: "0"),
               let high = hex(buffer[at + 4]), let low = hex(buffer[at + 5]) {
                let scalar = high << 4 | low
                if (scalar >= 0x41 && scalar <= 0x5A) || (scalar >= 0x61 && scalar <= 0x7A) || scalar == 0x24 || scalar == 0x2D { return true }
            }
            index = at + 2  // skip the escaped character (so "\\" then "u" is not an escape)
        }
        return false
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The C library's memmem (glibc and Darwin both have it; Swift does not import it on
    /// Linux, where it is a GNU extension), found once. It searches at several GB/s; the
    /// fallback below is a plain Horspool search.
    typealias MemMem = @convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeMutableRawPointer?
    static let memmem: MemMem? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "memmem") else { return nil }
        return unsafeBitCast(symbol, to: MemMem.self)
    }()

    /// The first index of `needle` in `buffer` at or after `from`.
    static func find(_ needle: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let length = needle.count
        guard length > 0, buffer.count - from >= length, let base = buffer.baseAddress else { return nil }
        if let memmem {
            let found = needle.withUnsafeBufferPointer { memmem(base + from, buffer.count - from, $0.baseAddress, length) }
            return found.map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) }
        }
        var shift = [Int](repeating: length, count: 256)
        for index in 0..<(length - 1) { shift[Int(needle[index])] = length - 1 - index }
        var position = from
        let last = needle[length - 1]
        while position + length <= buffer.count {
            let byte = buffer[position + length - 1]
            if byte == last {
                var index = length - 2
                while index >= 0 && buffer[position + index] == needle[index] { index -= 1 }
                if index < 0 { return position }
            }
            position += shift[Int(byte)]
        }
        return nil
    }
}

extension RuleContext {
    /// The swagger's bytes, for `OASTextScan`.
    var swaggerBytes: [UInt8] { swagger?.file.bytes ?? [] }
}
