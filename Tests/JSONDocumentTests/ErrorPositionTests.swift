import Foundation
import JSONDocument
import XCTest

/// Every error kind at the line and column Python 3.11's `json.loads` reports for the same text
/// (the Python message is in the comment of each row; the table was produced by running Python).
final class ErrorPositionTests: XCTestCase {
    static let pythonCases: [(text: String, kind: JSONParseError.Kind, line: Int, column: Int)] = [
        ("", .emptyDocument, 1, 1),  // Python: Expecting value
        ("   ", .emptyDocument, 1, 4),  // Python: Expecting value
        ("\n  ", .emptyDocument, 2, 3),  // Python: Expecting value
        ("{\"a\":1,}", .trailingComma, 1, 8),  // Python: Expecting property name enclosed in double quotes
        ("{\"a\":1 ,\n }", .trailingComma, 2, 2),  // Python: Expecting property name enclosed in double quotes
        ("[1,]", .trailingComma, 1, 4),  // Python: Expecting value
        ("[1,\n  ]", .trailingComma, 2, 3),  // Python: Expecting value
        ("{\"a\":1\r\n,\"b\":2,\r\n}", .trailingComma, 3, 1),  // Python: Expecting property name enclosed in double quotes
        ("{\n  \"naïve\": \"café\",\n  \"b\": [1,\n  ]\n}", .trailingComma, 4, 3),  // Python: Expecting value
        ("{\"a\":1 \"b\":2}", .missingComma, 1, 8),  // Python: Expecting ',' delimiter
        ("[1 2]", .missingComma, 1, 4),  // Python: Expecting ',' delimiter
        ("[1\n \"x\"]", .missingComma, 2, 2),  // Python: Expecting ',' delimiter
        ("[true false]", .missingComma, 1, 7),  // Python: Expecting ',' delimiter
        ("[\"a\" \"b\"]", .missingComma, 1, 6),  // Python: Expecting ',' delimiter
        ("{\n  \"k\": \"日本語\" \"x\": 1\n}", .missingComma, 2, 14),  // Python: Expecting ',' delimiter
        ("[{} {}]", .missingComma, 1, 5),  // Python: Expecting ',' delimiter
        ("{\"a\":[1,2}", .unbalancedBracket, 1, 10),  // Python: Expecting ',' delimiter
        ("[1}", .unbalancedBracket, 1, 3),  // Python: Expecting ',' delimiter
        ("]", .unbalancedBracket, 1, 1),  // Python: Expecting value
        ("[1]]", .unbalancedBracket, 1, 4),  // Python: Extra data
        ("{\"a\":1}}", .unbalancedBracket, 1, 8),  // Python: Extra data
        ("{\"a\":1},", .unbalancedBracket, 1, 8),  // Python: Extra data
        ("[1", .unbalancedBracket, 1, 3),  // Python: Expecting ',' delimiter
        ("{\"a\":1", .unbalancedBracket, 1, 7),  // Python: Expecting ',' delimiter
        ("{\"a\":{\"b\":1}\n", .unbalancedBracket, 2, 1),  // Python: Expecting ',' delimiter
        ("{\"a\":1,]", .unbalancedBracket, 1, 8),  // Python: Expecting property name enclosed in double quotes
        ("[}", .unbalancedBracket, 1, 2),  // Python: Expecting value
        ("{\"a\":]", .unbalancedBracket, 1, 6),  // Python: Expecting value
        ("{\"a\":1} x", .trailingContent, 1, 9),  // Python: Extra data
        ("1 2", .trailingContent, 1, 3),  // Python: Extra data
        ("trueX", .trailingContent, 1, 5),  // Python: Extra data
        ("\"a\"\n\n \"b\"", .trailingContent, 3, 2),  // Python: Extra data
        ("{", .unexpectedEndOfInput, 1, 2),  // Python: Expecting property name enclosed in double quotes
        ("[", .unexpectedEndOfInput, 1, 2),  // Python: Expecting value
        ("[1,", .unexpectedEndOfInput, 1, 4),  // Python: Expecting value
        ("{\"a\"", .unexpectedEndOfInput, 1, 5),  // Python: Expecting ':' delimiter
        ("{\"a\":", .unexpectedEndOfInput, 1, 6),  // Python: Expecting value
        ("{\"a\":1,", .unexpectedEndOfInput, 1, 8),  // Python: Expecting property name enclosed in double quotes
        ("\"abc", .unexpectedEndOfInput, 1, 1),  // Python: Unterminated string starting at
        ("\"a\\", .unexpectedEndOfInput, 1, 1),  // Python: Unterminated string starting at
        ("[\"ok\", \"abc", .unexpectedEndOfInput, 1, 8),  // Python: Unterminated string starting at
        ("{\"a\" 1}", .missingColon, 1, 6),  // Python: Expecting ':' delimiter
        ("{\"é\":1, \"x\" 2}", .missingColon, 1, 13),  // Python: Expecting ':' delimiter
        ("{\"a\"\n  \"b\"}", .missingColon, 2, 3),  // Python: Expecting ':' delimiter
        ("{1:2}", .unexpectedCharacter, 1, 2),  // Python: Expecting property name enclosed in double quotes
        ("{'a':1}", .unexpectedCharacter, 1, 2),  // Python: Expecting property name enclosed in double quotes
        ("{\"a\":}", .unexpectedCharacter, 1, 6),  // Python: Expecting value
        ("[1,,2]", .unexpectedCharacter, 1, 4),  // Python: Expecting value
        ("{,}", .unexpectedCharacter, 1, 2),  // Python: Expecting property name enclosed in double quotes
        ("[\u{2003} 1]", .unexpectedCharacter, 1, 2),  // Python: Expecting value
        ("{\"a\":1,\n\u{2003}\u{2003}\"b\":2}", .unexpectedCharacter, 2, 1),  // Python: Expecting property name enclosed in double quotes
        ("{\n  \"a\": 1\n\u{2003}\u{2003}}", .unexpectedCharacter, 3, 1),  // Python: Expecting ',' delimiter
        ("  \u{FEFF}[]", .unexpectedCharacter, 1, 3),  // Python: Expecting value
        ("[+1]", .unexpectedCharacter, 1, 2),  // Python: Expecting value
        ("{\"a\":1:}", .unexpectedCharacter, 1, 7),  // Python: Expecting ',' delimiter
        ("\"a\\x\"", .invalidEscape, 1, 3),  // Python: Invalid \escape
        ("\"\\u00e9x\\q\"", .invalidEscape, 1, 9),  // Python: Invalid \escape
        ("\"é\\a\"", .invalidEscape, 1, 3),  // Python: Invalid \escape
        ("\"a\\u12\"", .invalidUnicodeEscape, 1, 4),  // Python: Invalid \uXXXX escape
        ("\"a\\u12G4\"", .invalidUnicodeEscape, 1, 4),  // Python: Invalid \uXXXX escape
        ("\"\\u1234", .invalidUnicodeEscape, 1, 3),  // Python: Invalid \uXXXX escape
        ("\"\\ud800\\uZZZZ\"", .invalidUnicodeEscape, 1, 9),  // Python: Invalid \uXXXX escape
        ("\"\\ud800\\udc00", .invalidUnicodeEscape, 1, 9),  // Python: Invalid \uXXXX escape
        ("\"\\u\"", .invalidUnicodeEscape, 1, 3),  // Python: Invalid \uXXXX escape
        ("\"a\tb\"", .controlCharacterInString, 1, 3),  // Python: Invalid control character at
        ("\"a\nb\"", .controlCharacterInString, 1, 3),  // Python: Invalid control character at
        ("{\"k\": \"ab\u{1}\"}", .controlCharacterInString, 1, 10),  // Python: Invalid control character at
        ("[\"日本\", \"x\u{0}\"]", .controlCharacterInString, 1, 10),  // Python: Invalid control character at
        ("01", .invalidNumber, 1, 2),  // Python: Extra data
        ("-", .invalidNumber, 1, 1),  // Python: Expecting value
        ("-a", .invalidNumber, 1, 1),  // Python: Expecting value
        ("1.", .invalidNumber, 1, 2),  // Python: Extra data
        ("1.e5", .invalidNumber, 1, 2),  // Python: Extra data
        ("1e", .invalidNumber, 1, 2),  // Python: Extra data
        ("1e+", .invalidNumber, 1, 2),  // Python: Extra data
        ("-01", .invalidNumber, 1, 3),  // Python: Extra data
        ("[01]", .invalidNumber, 1, 3),  // Python: Expecting ',' delimiter
        ("[1.]", .invalidNumber, 1, 3),  // Python: Expecting ',' delimiter
        ("1.5.3", .invalidNumber, 1, 4),  // Python: Extra data
        ("{\"a\": 007}", .invalidNumber, 1, 8),  // Python: Expecting ',' delimiter
        ("[-]", .invalidNumber, 1, 2),  // Python: Expecting value
        ("tru", .invalidLiteral, 1, 1),  // Python: Expecting value
        ("nul", .invalidLiteral, 1, 1),  // Python: Expecting value
        ("True", .invalidLiteral, 1, 1),  // Python: Expecting value
        ("[1, undefined]", .invalidLiteral, 1, 5),  // Python: Expecting value
        ("{\"a\": fals}", .invalidLiteral, 1, 7),  // Python: Expecting value
    ]

    func testErrorsAtPythonsLineAndColumn() {
        for (text, kind, line, column) in Self.pythonCases {
            do {
                let document = try JSONDocument.parse(text: text)
                XCTFail("\(text.debugDescription) parsed as \(document.root.typeName), expected \(kind)")
            } catch {
                XCTAssertEqual(error.kind, kind, "kind for \(text.debugDescription): \(error)")
                XCTAssertEqual(error.position.line, line, "line for \(text.debugDescription): \(error)")
                XCTAssertEqual(error.position.column, column, "column for \(text.debugDescription): \(error)")
                XCTAssertFalse(error.message.isEmpty)
                XCTAssertEqual(error.description, "line \(line), column \(column): \(error.message)")
            }
        }
    }

    func testEveryKindIsCovered() {
        let covered = Set(Self.pythonCases.map(\.kind)).union([.invalidUTF8, .depthLimitExceeded])
        XCTAssertEqual(covered, Set(JSONParseError.Kind.allCases))
    }

    func testErrorOffsetIsTheByteOffset() {
        // "é" is two bytes, one column.
        XCTAssertEqual(parseError("{\"é\":1 \"b\":2}")?.position, SourcePosition(line: 1, column: 8, offset: 8))
        XCTAssertEqual(parseError("[1,\n  ]")?.position, SourcePosition(line: 2, column: 3, offset: 6))
    }

    func testMessagesSayWhatAndWhatToDo() {
        XCTAssertEqual(parseError("{\"a\":1,}")?.message, "Trailing comma before '}': remove the comma after the last member.")
        XCTAssertEqual(parseError("[1,]")?.message, "Trailing comma before ']': remove the comma after the last element.")
        let unclosed = parseError("{\n  \"a\": [1, 2\n}")
        XCTAssertEqual(unclosed?.kind, .unbalancedBracket)
        XCTAssertEqual(unclosed?.message, "Unexpected '}': the '[' opened at line 2, column 8 must be closed with ']' first.")
        XCTAssertEqual(
            parseError("[\u{2003}1]")?.message,
            "Unexpected U+2003 EM SPACE: JSON whitespace is only space, tab, line feed and carriage return; replace it with spaces.")
        XCTAssertEqual(parseError("[\"a\tb\"]")?.message, "A raw tab (U+0009) inside a string: write it as \\t, or remove it.")
    }

    func testNonStandardLiteralsThatPythonAcceptsAreRejected() {
        for (text, kind, column) in [
            ("NaN", JSONParseError.Kind.invalidLiteral, 1), ("[Infinity]", .invalidLiteral, 2), ("[1, -Infinity]", .invalidNumber, 5),
        ] {
            let error = parseError(text)
            XCTAssertEqual(error?.kind, kind, text)
            XCTAssertEqual(error?.position.line, 1, text)
            XCTAssertEqual(error?.position.column, column, text)
        }
    }

    func testInvalidUTF8() {
        let cases: [(bytes: [UInt8], line: Int, column: Int, offset: Int)] = [
            ([0x22, 0xFF, 0x22], 1, 2, 1),  // not a UTF-8 byte
            ([0x5B, 0x22, 0xC3, 0xA9, 0x22, 0x2C, 0x22, 0xC0, 0xAF, 0x22, 0x5D], 1, 7, 7),  // overlong '/' after "é"
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, 2, 1),  // encoded surrogate
            ([0x0A, 0x22, 0x61, 0xE2, 0x82], 2, 3, 3),  // truncated at the end
            ([0x22, 0x80, 0x22], 1, 2, 1),  // stray continuation byte
            ([0x5B, 0xFE, 0x5D], 1, 2, 1),  // outside a string
            ([0xF4, 0x90, 0x80, 0x80], 1, 1, 0),  // beyond U+10FFFF
        ]
        for (bytes, line, column, offset) in cases {
            XCTAssertEqual(parseError(bytes)?.kind, .invalidUTF8, "\(bytes)")
            XCTAssertEqual(parseError(bytes)?.position, SourcePosition(line: line, column: column, offset: offset), "\(bytes)")
        }
        // Python decodes before it parses: invalid UTF-8 later in the text wins over an earlier syntax error.
        let later = parseError(Array("[1,]\n  \"".utf8) + [0xFF, 0x22])
        XCTAssertEqual(later?.kind, .invalidUTF8)
        XCTAssertEqual(later?.position, SourcePosition(line: 2, column: 4, offset: 8))
    }

    func testErrorPositionsWithByteOrderMark() {
        // Columns on line 1 are those of the text without the BOM (what Python reports); offsets include it.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        XCTAssertEqual(parseError(bom + Array("{\"a\":1,}".utf8))?.position, SourcePosition(line: 1, column: 8, offset: 10))
        XCTAssertEqual(parseError(bom + Array("[\n1 2]".utf8))?.position, SourcePosition(line: 2, column: 3, offset: 7))
        let empty = parseError(bom)
        XCTAssertEqual(empty?.kind, .emptyDocument)
        XCTAssertEqual(empty?.position, SourcePosition(line: 1, column: 1, offset: 3))
        // A second BOM is not whitespace.
        XCTAssertEqual(parseError(bom + bom + Array("[]".utf8))?.kind, .unexpectedCharacter)
    }

    func testDepthLimit() throws {
        let limits = JSONLimits(maximumDepth: 512)
        let atLimit = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let document = try JSONDocument.parse(text: atLimit, limits: limits)
        XCTAssertEqual(document.root.array?.count, 1)

        let overLimit = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = parseError(overLimit, limits: limits)
        XCTAssertEqual(error?.kind, .depthLimitExceeded)
        XCTAssertEqual(error?.position, SourcePosition(line: 1, column: 513, offset: 512))

        let objects = String(repeating: "{\"a\":", count: 3) + "1" + String(repeating: "}", count: 3)
        XCTAssertNoThrow(try JSONDocument.parse(text: objects, limits: JSONLimits(maximumDepth: 3)))
        XCTAssertEqual(parseError(objects, limits: JSONLimits(maximumDepth: 2))?.position.column, 11)
    }

    func testDefaultDepthLimitIs512() {
        XCTAssertEqual(JSONLimits.default.maximumDepth, 512)
        XCTAssertEqual(parseError(String(repeating: "[", count: 600))?.position.column, 513)
    }

    func testAMillionOpeningBracketsFailCleanly() {
        let text = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        let error = parseError(text)
        XCTAssertEqual(error?.kind, .depthLimitExceeded)
        XCTAssertEqual(error?.position.column, 513)
        // Without a practical limit the parser is iterative: the text just ends inside the arrays.
        let unlimited = parseError(text, limits: JSONLimits(maximumDepth: .max))
        XCTAssertEqual(unlimited?.kind, .unexpectedEndOfInput)
        XCTAssertEqual(unlimited?.position.column, 1_000_001)
    }

    func testDeepNestingOnASmallStackThread() {
        // 512 levels must parse and be released on a thread with a 512 KB stack, and a million
        // opening brackets must fail there without overflowing it.
        let done = DispatchSemaphore(value: 0)
        let text = String(repeating: "[{\"a\":", count: 256) + "1" + String(repeating: "}]", count: 256)
        let innermost = JSONPointer(tokens: Array(repeating: ["0", "a"], count: 256).flatMap { $0 })
        let box = ResultBox()
        let thread = Thread {
            switch Self.parse(Array(text.utf8)) {
            case .success(let document): box.set(document.root.value(at: innermost)?.numberText)
            case .failure(let error): box.set("error: \(error)")
            }
            if case .failure(let error) = Self.parse([UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)) {
                box.append(" \(error.kind)")
            }
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(box.value, "1 depthLimitExceeded")
    }

    static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) -> Result<JSONDocument, JSONParseError> {
        do {
            return .success(try JSONDocument.parse(bytes, limits: limits))
        } catch {
            return .failure(error)
        }
    }

    private func parseError(_ text: String, limits: JSONLimits = .default) -> JSONParseError? {
        parseError(Array(text.utf8), limits: limits)
    }

    private func parseError(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONParseError? {
        do {
            _ = try JSONDocument.parse(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? { lock.withLock { stored } }
    func set(_ value: String?) { lock.withLock { stored = value } }
    func append(_ text: String) { lock.withLock { stored = (stored ?? "") + text } }
}

/// `SourcePosition` keeps each part in 32 bits: the public API and the JSON form are unchanged,
/// and parts past 4 GiB saturate instead of wrapping.
final class SourcePositionStorageTests: XCTestCase {
    func testPartsRoundTripAndSaturateAtTheirLimit() {
        let largest = Int(UInt32.max)
        let position = SourcePosition(line: largest, column: 7, offset: 123)
        XCTAssertEqual(position.line, largest)
        XCTAssertEqual(position.column, 7)
        XCTAssertEqual(position.offset, 123)
        var past = SourcePosition(line: largest + 1, column: 1, offset: largest + 10)
        XCTAssertEqual(past.line, largest, "saturates, does not wrap to 0")
        XCTAssertEqual(past.offset, largest)
        past.column = -3
        XCTAssertEqual(past.column, 0)
        XCTAssertEqual(SourcePosition(line: 2, column: 3, offset: 4), SourcePosition(line: 2, column: 3, offset: 4))
        XCTAssertNotEqual(SourcePosition(line: 2, column: 3, offset: 4), SourcePosition(line: 2, column: 3, offset: 5))
    }

    func testJSONFormKeepsItsKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(SourcePosition(line: 12, column: 5, offset: 300))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"column":5,"line":12,"offset":300}"#)
        XCTAssertEqual(try JSONDecoder().decode(SourcePosition.self, from: data), SourcePosition(line: 12, column: 5, offset: 300))
    }
}
