/// The kind of a JSON value (same as `JSONValue.Kind`).
public typealias JSONKind = JSONValue.Kind

/// A JSON value with the position where it starts in its text.
public struct JSONValue: Sendable {
    public enum Kind: Sendable {
        case null
        case bool(Bool)
        /// The number's text exactly as written (RFC 8259 grammar), never rounded.
        case number(String)
        case string(String)
        case array([JSONValue])
        case object(JSONObject)
    }

    /// Where the value starts: its first character (the quote of a string, the bracket of a container).
    public var position: SourcePosition
    public var kind: Kind

    public init(_ kind: Kind, position: SourcePosition = SourcePosition(line: 0, column: 0, offset: 0)) {
        self.kind = kind
        self.position = position
    }

    /// The member's value for `key` (the first one if the key is duplicated), or nil when this
    /// is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = kind { return object[key] }
        return nil
    }

    /// The element at `index`, or nil when this is not an array or the index is out of range.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = kind, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = kind { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = kind { return value }
        return nil
    }

    /// The number's exact text, as written.
    public var numberText: String? {
        if case .number(let text) = kind { return text }
        return nil
    }

    /// The number as the nearest Double (infinite when out of range, as `Double("1e999")` is).
    public var double: Double? {
        if case .number(let text) = kind { return Double(text) }
        return nil
    }

    /// The number as an Int when its value is an integer that fits: "42", "-7", also "1.0" and
    /// "2e3" (values written with a fraction or exponent only when exact below 2^53).
    public var int: Int? {
        guard case .number(let text) = kind else { return nil }
        if let value = Int(text) { return value }
        guard NumberText.isIntegral(text), let value = Double(text),
            value.magnitude < 9_007_199_254_740_992
        else { return nil }
        return Int(value)
    }

    /// True when this is a number whose value is mathematically an integer ("3", "3.0", "3e2",
    /// "-0", "1.5e1"); decided on the text, exactly, whatever its size.
    public var isIntegral: Bool {
        if case .number(let text) = kind { return NumberText.isIntegral(text) }
        return false
    }

    public var array: [JSONValue]? {
        if case .array(let elements) = kind { return elements }
        return nil
    }

    public var object: JSONObject? {
        if case .object(let object) = kind { return object }
        return nil
    }

    public var isNull: Bool {
        if case .null = kind { return true }
        return false
    }

    /// "null", "boolean", "number", "string", "array" or "object".
    public var typeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value at `pointer` (RFC 6901); nil when there is none. Array tokens must be decimal indexes without leading zeros.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current.kind {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// JSON equality, as JSON Schema defines it: numbers by mathematical value ("1.0" equals
    /// "1", "1e2" equals "100"), strings by code points, arrays element by element, objects by
    /// the same set of keys with equal values (of duplicated keys, the member lookups find).
    public func jsonEquals(_ other: JSONValue) -> Bool {
        switch (kind, other.kind) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b || NumberText.decimal(a) == NumberText.decimal(b)
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.jsonEquals($1) }
        case (.object(let a), .object(let b)):
            let aKeys = a.uniqueKeys
            let bKeys = b.uniqueKeys
            guard aKeys.count == bKeys.count else { return false }
            for key in aKeys {
                guard let left = a[key], let right = b[key], left.jsonEquals(right) else { return false }
            }
            return true
        default: return false
        }
    }

    /// Compact JSON text of this value (no whitespace; strings escaped minimally; numbers as
    /// written; duplicate members kept). Useful to quote values in messages.
    public var jsonText: String {
        var out: [UInt8] = []
        JSONWriter.write(self, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The members of a JSON object, in document order. A parsed object has each key once (the
/// parser keeps the last member of a duplicated key); one built in code may repeat a key, and
/// lookups then find the first.
public struct JSONObject: Sendable {
    public struct Member: Sendable {
        public var key: String
        /// Where the key's opening quote is.
        public var keyPosition: SourcePosition
        public var value: JSONValue

        public init(key: String, keyPosition: SourcePosition, value: JSONValue) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    /// Objects with more members than this get a hash index for lookups.
    static let indexThreshold = 8

    /// In document order. Changing it rebuilds the lookup index.
    public var members: [Member] {
        didSet { index = JSONObject.makeIndex(members) }
    }

    /// For objects above `indexThreshold`: an open-addressing table (see `MemberIndex`) of the
    /// first member of each distinct key, hashed by the key's UTF-8 with `ByteHash`.
    private var index: [Int32]?

    public init(members: [Member]) {
        self.members = members
        self.index = JSONObject.makeIndex(members)
    }

    /// For the parser, which builds the index while it looks for duplicate keys.
    init(members: [Member], index: [Int32]?) {
        self.members = members
        self.index = index
    }

    static func makeIndex(_ members: [Member]) -> [Int32]? {
        guard members.count > indexThreshold else { return nil }
        let hashes = members.map { ByteHash.hash($0.key) }
        var duplicates: [(first: Int, duplicate: Int)] = []
        return MemberIndex.build(
            count: members.count, duplicates: &duplicates,
            hash: { hashes[$0] }, sameKey: { sameUTF8(members[$0].key, members[$1].key) })
    }

    /// The first member's index for `key`, comparing keys by code points (not by Swift's
    /// canonical equivalence).
    public func firstIndex(of key: String) -> Int? {
        if let index {
            let mask = index.count &- 1
            var slot = Int(ByteHash.hash(key)) & mask
            while index[slot] != 0 {
                let found = Int(index[slot]) &- 1
                if sameUTF8(members[found].key, key) { return found }
                slot = (slot &+ 1) & mask
            }
            return nil
        }
        for (offset, member) in members.enumerated() where sameUTF8(member.key, key) {
            return offset
        }
        return nil
    }

    /// The value of the first member named `key`.
    public subscript(key: String) -> JSONValue? {
        guard let found = firstIndex(of: key) else { return nil }
        return members[found].value
    }

    /// The first member named `key` (with its key position).
    public func member(_ key: String) -> Member? {
        guard let found = firstIndex(of: key) else { return nil }
        return members[found]
    }

    /// Keys in document order, duplicates kept.
    public var keys: [String] { members.map(\.key) }

    /// Keys in document order, each once.
    public var uniqueKeys: [String] {
        var seen = Set<String>()
        var result: [String] = []
        for member in members where seen.insert(member.key).inserted {
            result.append(member.key)
        }
        return result
    }

    /// The number of members, duplicates included.
    public var count: Int { members.count }

    public var isEmpty: Bool { members.isEmpty }
}

/// `JSONObject`'s index: an open-addressing table of member index + 1 per slot (0 is empty),
/// linear probing, a power-of-two size at least twice the member count so that probes stay short.
enum MemberIndex {
    /// The index of `count` members, where `hash(k)` is the `ByteHash` of member k's key and
    /// `sameKey(a, b)` says whether members a and b (whose hashes are equal) have the same key.
    /// Each member whose key an earlier member has is appended to `duplicates`, with the first
    /// member that has it.
    @inline(__always)
    static func build(
        count: Int, duplicates: inout [(first: Int, duplicate: Int)],
        hash: (Int) -> UInt32, sameKey: (Int, Int) -> Bool
    ) -> [Int32] {
        var size = 16
        while size < count &* 2 { size <<= 1 }
        let mask = size &- 1
        var table = [Int32](repeating: 0, count: size)
        for k in 0..<count {
            let h = hash(k)
            var slot = Int(h) & mask
            while table[slot] != 0 {
                let first = Int(table[slot]) &- 1
                if hash(first) == h && sameKey(first, k) {
                    duplicates.append((first, k))
                    break
                }
                slot = (slot &+ 1) & mask
            }
            if table[slot] == 0 { table[slot] = Int32(k &+ 1) }
        }
        return table
    }
}

/// Exact reasoning about number texts that match the RFC 8259 grammar.
enum NumberText {
    /// (negative, significant digits without leading/trailing zeros, exponent of the last digit);
    /// zero is (false, "", 0).
    struct Decimal: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }

    static func decimal(_ text: String) -> Decimal {
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var inFraction = false
        var utf8 = text.utf8[...]
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        while let byte = utf8.first {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte) }
                if inFraction { fractionDigits += 1 }
            } else if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent =
                    Int(String(decoding: utf8.dropFirst(), as: UTF8.self))
                    ?? (utf8.dropFirst().first == UInt8(ascii: "-") ? Int.min / 2 : Int.max / 2)
                break
            }
            utf8 = utf8.dropFirst()
        }
        // Leading zeros of the fraction ("0.05") were skipped but still count as fraction digits.
        var lastExponent = exponent &- fractionDigits
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            lastExponent &+= 1
        }
        if digits.isEmpty { return Decimal(negative: false, digits: [], exponent: 0) }
        return Decimal(negative: negative, digits: digits, exponent: lastExponent)
    }

    static func isIntegral(_ text: String) -> Bool {
        let value = decimal(text)
        return value.digits.isEmpty || value.exponent >= 0
    }
}

enum JSONWriter {
    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value.kind {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (offset, member) in object.members.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
