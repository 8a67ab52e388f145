/// A key that appears more than once in the same object. Not an error: RFC 8259 only says
/// names SHOULD be unique; the caller decides what to report.
public struct DuplicateKey: Sendable {
    public var key: String
    /// The pointer of the object that holds the key twice.
    public var pointer: JSONPointer
    /// The key position of the first member with this key.
    public var first: SourcePosition
    /// The key position of this later member.
    public var duplicate: SourcePosition

    public init(key: String, pointer: JSONPointer, first: SourcePosition, duplicate: SourcePosition) {
        self.key = key
        self.pointer = pointer
        self.first = first
        self.duplicate = duplicate
    }
}

/// A strict (RFC 8259) JSON text, parsed with the position of every value and key.
///
/// Choices where RFC 8259 leaves room:
/// - A UTF-8 byte order mark at the very start is skipped and recorded in `hasByteOrderMark`;
///   anywhere else U+FEFF is an unexpected character.
/// - `\u` escapes of lone surrogates (which Python keeps and Swift strings cannot hold) are
///   accepted and decoded as U+FFFD REPLACEMENT CHARACTER; a high surrogate escape followed by a
///   low surrogate escape decodes to the pair's scalar.
/// - Of a duplicated key the last member wins, as in most readers (Python's `json`, JavaScript,
///   Json.NET): only it stays in the object, in its place; every duplicate is listed in
///   `duplicateKeys` with the positions of the first member and of the repeating one.
/// - `NaN`, `Infinity` and `-Infinity` are rejected (Python accepts them).
public struct JSONDocument: Sendable {
    public var root: JSONValue
    /// In the order of the duplicate members in the text.
    public var duplicateKeys: [DuplicateKey]
    public var hasByteOrderMark: Bool

    public init(root: JSONValue, duplicateKeys: [DuplicateKey] = [], hasByteOrderMark: Bool = false) {
        self.root = root
        self.duplicateKeys = duplicateKeys
        self.hasByteOrderMark = hasByteOrderMark
    }

    /// Parses UTF-8 bytes (with or without a BOM).
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONParseError) -> JSONDocument {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Self.parse(buffer: buffer, limits: limits)
        }
        return try result.get()
    }

    /// Parses any collection of UTF-8 bytes, such as Foundation's `Data` or an `ArraySlice`.
    public static func parse(_ bytes: some Collection<UInt8>, limits: JSONLimits = .default) throws(JSONParseError) -> JSONDocument {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Self.parse(buffer: buffer, limits: limits)
        }
        if let contiguous { return try contiguous.get() }
        return try parse(Array(bytes), limits: limits)
    }

    /// Parses a Swift string (its UTF-8 form).
    public static func parse(text: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONDocument {
        var text = text
        let result = text.withUTF8 { buffer in
            Self.parse(buffer: buffer, limits: limits)
        }
        return try result.get()
    }

    /// Parses bytes in place; the buffer is not retained.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits = .default) -> Result<JSONDocument, JSONParseError> {
        var parser = Parser(buffer: buffer, limits: limits)
        do {
            let root = try parser.parseDocument()
            var duplicates = parser.duplicates
            if duplicates.count > 1 {
                duplicates.sort { $0.duplicate.offset < $1.duplicate.offset }
            }
            return .success(JSONDocument(root: root, duplicateKeys: duplicates, hasByteOrderMark: parser.hasByteOrderMark))
        } catch {
            // Python decodes the whole text before it parses: invalid UTF-8 anywhere wins.
            if error.kind != .invalidUTF8, let bad = UTF8Check.firstInvalid(buffer, from: parser.hasByteOrderMark ? 3 : 0) {
                return .failure(ErrorFactory.invalidUTF8(buffer, at: bad))
            }
            return .failure(error)
        }
    }

    /// The position where the value at `pointer` starts, or nil when there is none.
    public func position(of pointer: JSONPointer) -> SourcePosition? {
        root.value(at: pointer)?.position
    }

    /// For a pointer to an object member, the position of the member's key (where an editor
    /// should put the cursor for "this property"); for anything else the value's position.
    public func keyPosition(of pointer: JSONPointer) -> SourcePosition? {
        guard let last = pointer.tokens.last, let parent = pointer.parent else { return root.position }
        guard let container = root.value(at: parent) else { return nil }
        if let object = container.object {
            return object.member(last)?.keyPosition
        }
        return container.value(at: JSONPointer(tokens: [last]))?.position
    }

    /// The value at `pointer`.
    public subscript(pointer: JSONPointer) -> JSONValue? {
        root.value(at: pointer)
    }
}
