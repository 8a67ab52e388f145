import Certification
import ConnectorPackage

/// Reads a C# script as tokens, never running it: comments are dropped, string and character
/// literals become one `literal` token each (regular, verbatim `@"..."`, interpolated `$"..."`
/// and raw `"""..."""`), so a `using` or `new HttpClient` inside a comment or a string is not
/// code. Every token keeps its byte offset for line and column.
struct PolicyFilesCSharp: Sendable {
    struct Token: Sendable {
        enum Kind: Sendable { case identifier, punctuation, literal, number }
        var kind: Kind
        var text: String
        var offset: Int
    }

    var tokens: [Token] = []

    init(_ bytes: [UInt8]) {
        var index = PolicyFilesText.hasByteOrderMark(bytes) ? 3 : 0
        let count = bytes.count
        func at(_ position: Int) -> UInt8 { position < count ? bytes[position] : 0 }
        while index < count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if byte == UInt8(ascii: "/") && at(index + 1) == UInt8(ascii: "/") {
                while index < count && bytes[index] != 0x0A { index += 1 }
            } else if byte == UInt8(ascii: "/") && at(index + 1) == UInt8(ascii: "*") {
                index += 2
                while index < count && !(bytes[index] == UInt8(ascii: "*") && at(index + 1) == UInt8(ascii: "/")) { index += 1 }
                index = min(count, index + 2)
            } else if let end = Self.literalEnd(bytes, index) {
                tokens.append(Token(kind: .literal, text: String(decoding: bytes[index..<end], as: UTF8.self), offset: index))
                index = end
            } else if Self.isIdentifierByte(byte) && !(byte >= 0x30 && byte <= 0x39) {
                let start = index
                while index < count && Self.isIdentifierByte(bytes[index]) { index += 1 }
                tokens.append(Token(kind: .identifier, text: String(decoding: bytes[start..<index], as: UTF8.self), offset: start))
            } else if byte >= 0x30 && byte <= 0x39 {
                let start = index
                while index < count && (Self.isIdentifierByte(bytes[index]) || bytes[index] == UInt8(ascii: ".")) { index += 1 }
                tokens.append(Token(kind: .number, text: String(decoding: bytes[start..<index], as: UTF8.self), offset: start))
            } else {
                tokens.append(Token(kind: .punctuation, text: String(UnicodeScalar(byte)), offset: index))
                index += 1
            }
        }
    }

    /// Letters, digits, `_`, `@` (verbatim identifiers) and any non-ASCII byte.
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        PolicyFilesSecretScanner.isWordByte(byte) || byte >= 0x80
    }

    /// When a string or character literal starts at `start`, where it ends.
    static func literalEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        let count = bytes.count
        var index = start
        var verbatim = false
        var interpolated = false
        while index < count && index - start < 3 && (bytes[index] == UInt8(ascii: "@") || bytes[index] == UInt8(ascii: "$")) {
            if bytes[index] == UInt8(ascii: "@") { verbatim = true } else { interpolated = true }
            index += 1
        }
        guard index < count else { return nil }
        let quote = bytes[index]
        if quote == UInt8(ascii: "'") && index == start {
            // A character literal: 'a', '\n', '\u0041'.
            var end = index + 1
            while end < count && end - index < 12 && bytes[end] != UInt8(ascii: "'") && bytes[end] != 0x0A {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            return end < count && bytes[end] == UInt8(ascii: "'") ? end + 1 : nil
        }
        guard quote == UInt8(ascii: "\"") else { return nil }
        // A raw string literal: three or more quotes, closed by as many.
        var quotes = 0
        while index + quotes < count && bytes[index + quotes] == UInt8(ascii: "\"") { quotes += 1 }
        if quotes >= 3 {
            var end = index + quotes
            while end < count {
                var run = 0
                while end + run < count && bytes[end + run] == UInt8(ascii: "\"") { run += 1 }
                if run >= quotes { return end + run }
                end += max(1, run)
            }
            return count
        }
        var end = index + 1
        var depth = 0
        while end < count {
            let byte = bytes[end]
            if interpolated && byte == UInt8(ascii: "{") {
                if end + 1 < count && bytes[end + 1] == UInt8(ascii: "{") {
                    end += 2
                    continue
                }
                depth += 1
            } else if interpolated && byte == UInt8(ascii: "}") && depth > 0 {
                depth -= 1
            } else if byte == UInt8(ascii: "\\") && !verbatim {
                end += 2
                continue
            } else if byte == UInt8(ascii: "\"") && depth == 0 {
                if verbatim && end + 1 < count && bytes[end + 1] == UInt8(ascii: "\"") {
                    end += 2
                    continue
                }
                return end + 1
            } else if byte == 0x0A && !verbatim && depth == 0 {
                return end  // an unterminated regular string ends at the line
            }
            end += 1
        }
        return count
    }

    /// A `using` directive: `using N;`, `using static N;`, `using A = N;`, `global using N;`.
    /// `using var x = ...;` and `using (...)` are statements and are not returned.
    struct UsingDirective: Sendable {
        var name: String
        var isStatic: Bool
        var isAlias: Bool
        /// Where the `using` keyword is.
        var offset: Int
    }

    var usingDirectives: [UsingDirective] {
        var result: [UsingDirective] = []
        for (index, token) in tokens.enumerated() where token.kind == .identifier && token.text == "using" {
            var cursor = index + 1
            var isStatic = false
            if cursor < tokens.count, tokens[cursor].text == "static" {
                isStatic = true
                cursor += 1
            }
            guard var (name, next) = qualifiedName(from: cursor), next < tokens.count else { continue }
            var isAlias = false
            if tokens[next].text == "=" {
                guard let (target, afterTarget) = qualifiedName(from: next + 1) else { continue }
                name = target
                next = afterTarget
                isAlias = true
                if next < tokens.count, tokens[next].text == "<" {
                    while next < tokens.count && tokens[next].text != ";" { next += 1 }
                }
            }
            guard next < tokens.count, tokens[next].text == ";" else { continue }
            result.append(UsingDirective(name: name, isStatic: isStatic, isAlias: isAlias, offset: token.offset))
        }
        return result
    }

    /// A dotted name starting at token `start` (`global::` allowed), and the index after it.
    func qualifiedName(from start: Int) -> (String, Int)? {
        var cursor = start
        var parts: [String] = []
        if cursor + 2 < tokens.count, tokens[cursor].text == "global", tokens[cursor + 1].text == ":", tokens[cursor + 2].text == ":" {
            cursor += 3
        }
        while cursor < tokens.count, tokens[cursor].kind == .identifier {
            parts.append(tokens[cursor].text)
            cursor += 1
            guard cursor < tokens.count, tokens[cursor].text == "." else { break }
            cursor += 1
        }
        return parts.isEmpty ? nil : (parts.joined(separator: "."), cursor)
    }

    /// The root-level script files of a package: `*.csx` and `script.cs`, any case.
    static func scripts(_ package: ConnectorPackage) -> [PackageFile] {
        package.files.filter { file in
            let name = file.path.lowercased()
            return !name.contains("/") && (name.hasSuffix(".csx") || name == "script.cs")
        }
    }
}
