/// Why a text is not strict JSON (RFC 8259), and where.
///
/// `position` is the first problem in the text, at the line and column Python 3.11's
/// `json.loads` reports for the same text (see `SourcePosition`), except for problems Python
/// does not see or reports without a position:
/// - invalid UTF-8 (Python fails to decode first): the first invalid byte anywhere in the text
///   wins over any syntax error, as with Python's decode-then-parse;
/// - `NaN`, `Infinity` and `-Infinity`, which Python accepts and RFC 8259 does not;
/// - nesting deeper than `JSONLimits.maximumDepth`.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The text ends where a value, a property name or a ':' is required (including inside a string).
        case unexpectedEndOfInput
        /// A character that cannot start or continue anything here (for example a non-ASCII space).
        case unexpectedCharacter
        /// A ',' directly before '}' or ']'. Reported at the closing bracket, like Python 3.11.
        case trailingComma
        /// Two values or members without a ',' between them. Reported at the second one.
        case missingComma
        /// A property name not followed by ':'.
        case missingColon
        /// A closing bracket that does not match the open one, a closing bracket with nothing
        /// open, or the end of the text while a bracket is still open after a complete value.
        case unbalancedBracket
        case invalidUTF8
        /// A raw U+0000–U+001F inside a string (tab and line feed included).
        case controlCharacterInString
        case invalidEscape
        case invalidNumber
        case invalidLiteral
        case depthLimitExceeded
        /// Something other than whitespace after the root value.
        case trailingContent
        /// Nothing but whitespace (and possibly a BOM).
        case emptyDocument
        /// `\u` not followed by four hexadecimal digits.
        case invalidUnicodeEscape
    }

    public var kind: Kind
    /// A sentence that says what is wrong and what to do.
    public var message: String
    public var position: SourcePosition

    public init(kind: Kind, message: String, position: SourcePosition) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    /// "line L, column C: message"
    public var description: String {
        "line \(position.line), column \(position.column): \(message)"
    }
}
