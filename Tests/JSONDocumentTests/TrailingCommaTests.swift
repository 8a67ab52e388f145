import XCTest

@testable import JSONDocument

/// Trailing commas are read as white space (as Microsoft's Json.NET readers do) and reported
/// where they are; everything else stays strict, and the repairs are bounded.
final class TrailingCommaTests: XCTestCase {
    func parse(_ text: String) throws(JSONParseError) -> (document: JSONDocument, trailingCommas: [SourcePosition]) {
        try JSONDocument.parseAllowingTrailingCommas(Array(text.utf8))
    }

    func testCommasAreFoundOnTheSameLineAndOnEarlierLines() throws {
        let (document, commas) = try parse("{\"a\": [1, 2,], \"b\": {\"c\": \"é\",\n\n  }\n}")
        XCTAssertEqual(commas.map { "\($0.line):\($0.column)" }, ["1:12", "1:30"])
        XCTAssertEqual(document.root["a"]?.array?.count, 2)
        // Positions in the document are those of the original text.
        XCTAssertEqual(document.position(of: JSONPointer(tokens: ["b", "c"]))?.column, 27)
    }

    func testAByteOrderMarkIsNotCountedInColumns() throws {
        let (_, commas) = try JSONDocument.parseAllowingTrailingCommas([0xEF, 0xBB, 0xBF] + Array("[1,\n]".utf8))
        XCTAssertEqual(commas.map { "\($0.line):\($0.column)" }, ["1:3"])
    }

    func testOtherFaultsStayErrors() {
        XCTAssertThrowsError(try parse("{\"a\": 1 \"b\": 2}")) { XCTAssertEqual(($0 as? JSONParseError)?.kind, .missingComma) }
        XCTAssertThrowsError(try parse("[1,,]")) { XCTAssertNotEqual(($0 as? JSONParseError)?.kind, .trailingComma) }
        XCTAssertThrowsError(try parse("[,]"))
    }

    func testRepairsStopAtTheLimit() throws {
        let limit = JSONDocument.maximumTrailingCommaRepairs
        // [[[1,],],] has three: one before each closing bracket.
        func nested(_ count: Int) -> String { String(repeating: "[", count: count) + "1" + String(repeating: ",]", count: count) }
        XCTAssertEqual(try parse(nested(limit)).trailingCommas.count, limit)
        let past = nested(limit + 1)
        XCTAssertThrowsError(try parse(past)) { XCTAssertEqual(($0 as? JSONParseError)?.kind, .trailingComma) }
    }
}
