/// Reading JSON the way Microsoft's tools read a connector: Json.NET (the .NET service behind
/// the certification validator, and PowerShell's `ConvertFrom-Json` in its pipeline) accepts a
/// comma before a closing bracket, which RFC 8259 does not. Seven certified swaggers have one.
/// certify reports each such comma (json-trailing-comma) and reads the rest of the document.
extension JSONDocument {
    /// Most trailing commas repaired in one text; past it the text is reported as not JSON.
    /// Each repair parses the text again, so this bounds the work at this many parses.
    public static let maximumTrailingCommaRepairs = 64

    /// Parses `bytes` as strict JSON except that a ',' directly before '}' or ']' is read as
    /// white space. Returns the document and where each such comma is. Every position in the
    /// document is that of the original text (a comma becomes one space, so no byte moves).
    /// Fails as `parse` does for any other problem, and for more than
    /// `maximumTrailingCommaRepairs` trailing commas (with the error at the one past it).
    public static func parseAllowingTrailingCommas(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONParseError)
        -> (document: JSONDocument, trailingCommas: [SourcePosition])
    {
        var text = bytes
        var commas: [SourcePosition] = []
        while true {
            do {
                return (try parse(text, limits: limits), commas)
            } catch {
                guard error.kind == .trailingComma, commas.count < maximumTrailingCommaRepairs,
                    let comma = trailingComma(before: error.position, in: text)
                else { throw error }
                text[comma.offset] = UInt8(ascii: " ")
                commas.append(comma)
            }
        }
    }

    /// The ',' before the closing bracket at `bracket`, skipping JSON white space, with its
    /// line and column counted as `SourcePosition` counts them.
    static func trailingComma(before bracket: SourcePosition, in text: [UInt8]) -> SourcePosition? {
        var index = min(bracket.offset, text.count) - 1
        var lineFeeds = 0
        while index >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) {
            if text[index] == 0x0A { lineFeeds += 1 }
            index -= 1
        }
        guard index >= 0, text[index] == UInt8(ascii: ",") else { return nil }
        let line = bracket.line - lineFeeds
        guard lineFeeds > 0 else {
            // Same line: count the scalars between the comma and the bracket.
            let between = text[(index + 1)..<bracket.offset].filter { $0 & 0xC0 != 0x80 }.count
            return SourcePosition(line: line, column: bracket.column - between - 1, offset: index)
        }
        var start = index
        while start > 0, text[start - 1] != 0x0A { start -= 1 }
        var column = text[start..<index].filter { $0 & 0xC0 != 0x80 }.count + 1
        // A byte order mark is not counted on line 1.
        if start == 0, text.starts(with: [0xEF, 0xBB, 0xBF]) { column -= 1 }
        return SourcePosition(line: line, column: column, offset: index)
    }
}
