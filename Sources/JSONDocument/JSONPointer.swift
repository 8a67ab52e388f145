/// An RFC 6901 JSON Pointer: a list of reference tokens.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Why a text is not a JSON Pointer.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var text: String
        public var message: String
        public var description: String { "Invalid JSON Pointer \"\(text)\": \(message)" }
    }

    /// The unescaped reference tokens.
    public var tokens: [String]

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the RFC 6901 string form: "" is the root; otherwise it starts with "/", and "~" is
    /// only followed by "0" (for "~") or "1" (for "/").
    public init(parsing text: String) throws {
        if text.isEmpty {
            self.tokens = []
            return
        }
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw SyntaxError(text: text, message: "a pointer is empty or starts with '/'")
        }
        var tokens: [String] = []
        var current: [UInt8] = []
        var bytes = text.utf8.dropFirst().makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "/"):
                tokens.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            case UInt8(ascii: "~"):
                switch bytes.next() {
                case UInt8(ascii: "0"): current.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): current.append(UInt8(ascii: "/"))
                default: throw SyntaxError(text: text, message: "'~' must be followed by '0' or '1'")
                }
            default:
                current.append(byte)
            }
        }
        tokens.append(String(decoding: current, as: UTF8.self))
        self.tokens = tokens
    }

    /// Parses the URI fragment form ("#", "#/a~1b", "#/c%25d"): percent-decodes, then parses.
    public init(uriFragment: String) throws {
        guard uriFragment.utf8.first == UInt8(ascii: "#") else {
            throw SyntaxError(text: uriFragment, message: "a URI fragment starts with '#'")
        }
        var decoded: [UInt8] = []
        var bytes = Array(uriFragment.utf8.dropFirst())[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard bytes.count >= 2, let high = JSONPointer.hexValue(bytes[bytes.startIndex]),
                    let low = JSONPointer.hexValue(bytes[bytes.startIndex + 1])
                else {
                    throw SyntaxError(text: uriFragment, message: "'%' must be followed by two hexadecimal digits")
                }
                decoded.append(high << 4 | low)
                bytes = bytes.dropFirst(2)
            } else {
                decoded.append(byte)
            }
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw SyntaxError(text: uriFragment, message: "the percent-decoded bytes are not UTF-8")
        }
        try self.init(parsing: text)
    }

    /// A string literal must be a valid pointer; an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        do {
            try self.init(parsing: value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    public static let root = JSONPointer(tokens: [])

    public var isRoot: Bool { tokens.isEmpty }

    /// The pointer without its last token; nil for the root.
    public var parent: JSONPointer? {
        tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast()))
    }

    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(tokens: tokens + [String(index)])
    }

    /// True when `prefix`'s tokens start this pointer's tokens.
    public func hasPrefix(_ prefix: JSONPointer) -> Bool {
        tokens.count >= prefix.tokens.count && zip(tokens, prefix.tokens).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }

    /// The RFC 6901 string form: "" for the root, else "/" + each token escaped.
    public var description: String {
        var result = ""
        for token in tokens {
            result += "/"
            result += JSONPointer.escape(token)
        }
        return result
    }

    /// "~" -> "~0", "/" -> "~1".
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count + 2)
        for byte in token.utf8 {
            switch byte {
            case UInt8(ascii: "~"): out.append(contentsOf: [UInt8(ascii: "~"), UInt8(ascii: "0")])
            case UInt8(ascii: "/"): out.append(contentsOf: [UInt8(ascii: "~"), UInt8(ascii: "1")])
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The URI fragment identifier form (RFC 6901 section 6): "#" followed by the string form,
    /// with every byte outside RFC 3986's fragment characters percent-encoded as UTF-8.
    public var uriFragment: String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = [UInt8(ascii: "#")]
        for byte in description.utf8 {
            if JSONPointer.isFragmentCharacter(byte) {
                out.append(byte)
            } else {
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986: fragment = *( pchar / "/" / "?" ); pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
    static func isFragmentCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// RFC 6901 array index: "0" or a decimal without leading zeros; nil otherwise (including "-").
    public static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        if first == UInt8(ascii: "0") { return utf8.count == 1 ? 0 : nil }
        guard utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(token)
    }
}
