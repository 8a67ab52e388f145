/// A place in a JSON text.
///
/// - `line` is 1-based; lines are separated by LF (U+000A) only, as in Python's `json` module
///   (a CR before the LF is the last column of its line).
/// - `column` is 1-based and counts Unicode scalars (code points) from the start of the line,
///   like Python's `json` module on the decoded text. A UTF-8 byte order mark is not counted:
///   columns on line 1 of a file with a BOM are those of the text with the BOM stripped (which is
///   what Python reports for `json.loads(bytes)` and for `utf-8-sig` decoded text).
/// - `offset` is the byte offset in the original bytes, BOM included.
public struct SourcePosition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// "line L, column C"
    public var description: String { "line \(line), column \(column)" }
}
