/// A place in a JSON text.
///
/// - `line` is 1-based; lines are separated by LF (U+000A) only, as in Python's `json` module
///   (a CR before the LF is the last column of its line).
/// - `column` is 1-based and counts Unicode scalars (code points) from the start of the line,
///   like Python's `json` module on the decoded text. A UTF-8 byte order mark is not counted:
///   columns on line 1 of a file with a BOM are those of the text with the BOM stripped (which is
///   what Python reports for `json.loads(bytes)` and for `utf-8-sig` decoded text).
/// - `offset` is the byte offset in the original bytes, BOM included.
///
/// Each part is kept in 32 bits (a position is stored for every value and key of a document, so
/// its size is the tree's size); parts beyond 4 GiB saturate.
public struct SourcePosition: Sendable, Hashable, Codable, CustomStringConvertible {
    private var storedLine: UInt32
    private var storedColumn: UInt32
    private var storedOffset: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = UInt32(clamping: newValue) }
    }

    @inline(__always)
    public init(line: Int, column: Int, offset: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
        storedOffset = UInt32(clamping: offset)
    }

    /// "line L, column C"
    public var description: String { "line \(line), column \(column)" }

    private enum CodingKeys: String, CodingKey {
        case line, column, offset
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            line: try container.decode(Int.self, forKey: .line), column: try container.decode(Int.self, forKey: .column),
            offset: try container.decode(Int.self, forKey: .offset))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(offset, forKey: .offset)
    }
}
