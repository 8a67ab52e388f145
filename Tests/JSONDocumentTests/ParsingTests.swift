import Foundation
import JSONDocument
import XCTest

final class ParsingTests: XCTestCase {
    func testValuesAndTheirPositions() throws {
        let text = """
            {
              "name": "Contoso",
              "count": 3,
              "ok": true,
              "none": null,
              "list": [1, "two", false, {"x": []}],
              "empty": {}
            }
            """
        let document = try JSONDocument.parse(text: text)
        let root = document.root
        XCTAssertEqual(root.typeName, "object")
        XCTAssertEqual(root.position, SourcePosition(line: 1, column: 1, offset: 0))
        XCTAssertEqual(root.object?.keys, ["name", "count", "ok", "none", "list", "empty"])
        XCTAssertEqual(root.object?.count, 6)
        XCTAssertEqual(root["name"]?.string, "Contoso")
        XCTAssertEqual(root["name"]?.position, SourcePosition(line: 2, column: 11, offset: 12))
        XCTAssertEqual(root.object?.member("name")?.keyPosition, SourcePosition(line: 2, column: 3, offset: 4))
        XCTAssertEqual(root["count"]?.int, 3)
        XCTAssertEqual(root["count"]?.typeName, "number")
        XCTAssertEqual(root["ok"]?.bool, true)
        XCTAssertEqual(root["ok"]?.typeName, "boolean")
        XCTAssertEqual(root["none"]?.isNull, true)
        XCTAssertEqual(root["none"]?.typeName, "null")
        XCTAssertEqual(root["list"]?.array?.count, 4)
        XCTAssertEqual(root["list"]?[1]?.string, "two")
        XCTAssertEqual(root["list"]?[1]?.position, SourcePosition(line: 6, column: 15, offset: 81))
        XCTAssertEqual(root["list"]?[2]?.bool, false)
        XCTAssertNil(root["list"]?[4])
        XCTAssertNil(root["list"]?[-1])
        XCTAssertEqual(root["list"]?[3]?["x"]?.typeName, "array")
        XCTAssertEqual(root["empty"]?.object?.count, 0)
        XCTAssertNil(root["missing"])
        XCTAssertNil(root["name"]?["x"])
        XCTAssertNil(root["name"]?.int)
        XCTAssertFalse(document.hasByteOrderMark)
        XCTAssertTrue(document.duplicateKeys.isEmpty)
    }

    func testScalarRoots() throws {
        XCTAssertEqual(try JSONDocument.parse(text: " \"x\" ").root.string, "x")
        XCTAssertEqual(try JSONDocument.parse(text: "-0.5e-3").root.numberText, "-0.5e-3")
        XCTAssertEqual(try JSONDocument.parse(text: "null").root.isNull, true)
        XCTAssertEqual(try JSONDocument.parse(text: "\r\n\tfalse\n").root.position, SourcePosition(line: 2, column: 2, offset: 3))
    }

    func testColumnsCountUnicodeScalarsAndLinesOnlyLineFeeds() throws {
        // "日本語" is 9 bytes and 3 columns; "😀" is 4 bytes and 1 column; a lone CR does not end a line (as in Python).
        let document = try JSONDocument.parse(text: "{\"日本語\": \"😀\", \"b\": 1,\r\"c\": [\"é\", 2]}")
        XCTAssertEqual(document.root["日本語"]?.position, SourcePosition(line: 1, column: 9, offset: 14))
        XCTAssertEqual(document.root["b"]?.position, SourcePosition(line: 1, column: 19, offset: 27))
        XCTAssertEqual(document.root.object?.member("c")?.keyPosition, SourcePosition(line: 1, column: 22, offset: 30))
        XCTAssertEqual(document.root["c"]?[1]?.position, SourcePosition(line: 1, column: 33, offset: 42))
        // Non-ASCII and escapes in the same string.
        let mixed = try JSONDocument.parse(text: "[\"é\\n😀\", 1]")
        XCTAssertEqual(mixed.root[0]?.string, "é\n😀")
        XCTAssertEqual(mixed.root[1]?.position, SourcePosition(line: 1, column: 10, offset: 13))
    }

    func testNumberTextIsExact() throws {
        let numbers = [
            "0", "-0", "1", "-1", "12345678901234567890123", "0.1", "1.0", "1.10", "-0.0e-0", "1e400", "1E+2", "2.5e-10",
            "3.141592653589793238462643383279", "9007199254740993",
        ]
        let document = try JSONDocument.parse(text: "[" + numbers.joined(separator: ",") + "]")
        XCTAssertEqual(document.root.array?.compactMap(\.numberText), numbers)
        XCTAssertEqual(document.root[13]?.int, 9_007_199_254_740_993, "integers are exact beyond 2^53")
        XCTAssertEqual(document.root[1]?.int, 0)  // "-0"
        XCTAssertEqual(document.root[8]?.int, 0)  // "-0.0e-0"
        XCTAssertEqual(document.root[6]?.int, 1)  // "1.0"
        XCTAssertEqual(document.root[10]?.int, 100)  // "1E+2"
        XCTAssertNil(document.root[7]?.int)  // "1.10"
        XCTAssertNil(document.root[4]?.int)  // does not fit
        XCTAssertEqual(document.root[5]?.double, 0.1)
        XCTAssertEqual(document.root[9]?.double, .infinity)
        XCTAssertEqual(document.root[6]?.isIntegral, true)
        XCTAssertEqual(document.root[9]?.isIntegral, true)
        XCTAssertEqual(document.root[8]?.isIntegral, true)
        XCTAssertEqual(document.root[11]?.isIntegral, false)
        XCTAssertEqual(document.root[12]?.isIntegral, false)
    }

    func testStringEscapes() throws {
        let text = #"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u00E9", "\ud83d\ude00", "x\u0000y", "plain é 😀"]"#
        let document = try JSONDocument.parse(text: text)
        XCTAssertEqual(document.root[0]?.string, "a\"b\\c/d\u{8}\u{C}\n\r\t")
        XCTAssertEqual(document.root[1]?.string, "éé")
        XCTAssertEqual(document.root[2]?.string, "😀")
        XCTAssertEqual(document.root[2]?.string?.unicodeScalars.count, 1)
        XCTAssertEqual(document.root[3]?.string?.utf8.count, 3)
        XCTAssertEqual(document.root[4]?.string, "plain é 😀")
    }

    func testLoneSurrogateEscapesBecomeReplacementCharacters() throws {
        let document = try JSONDocument.parse(text: #"["\ud800", "\udc00x", "\ud800\u0041", "\ud800\ud800\udc00"]"#)
        XCTAssertEqual(document.root[0]?.string, "\u{FFFD}")
        XCTAssertEqual(document.root[1]?.string, "\u{FFFD}x")
        XCTAssertEqual(document.root[2]?.string, "\u{FFFD}A")
        XCTAssertEqual(document.root[3]?.string, "\u{FFFD}\u{10000}")
    }

    func testLongStringsAcrossTheWordAtATimeScan() throws {
        for length in 0..<40 {
            let body = String(repeating: "a", count: length)
            for suffix in ["", "é", "\\n", "😀x"] {
                let text = "[\"\(body)\(suffix)\", 7]"
                let document = try JSONDocument.parse(text: text)
                let expected = body + (suffix == "\\n" ? "\n" : suffix)
                XCTAssertEqual(document.root[0]?.string, expected)
                XCTAssertEqual(document.root[1]?.position.column, 2 + body.count + 2 + suffix.unicodeScalars.count + 2)
            }
            let control = "[\"\(body)\u{1F}\"]"
            XCTAssertThrowsError(try JSONDocument.parse(text: control)) { error in
                XCTAssertEqual((error as? JSONParseError)?.position.column, 3 + length)
            }
        }
    }

    func testByteOrderMarkIsAcceptedAndRecorded() throws {
        let document = try JSONDocument.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8))
        XCTAssertTrue(document.hasByteOrderMark)
        XCTAssertEqual(document.root.position, SourcePosition(line: 1, column: 1, offset: 3))
        XCTAssertEqual(document.root["a"]?.position, SourcePosition(line: 1, column: 7, offset: 9))
        XCTAssertFalse(try JSONDocument.parse(text: "{}").hasByteOrderMark)
    }

    func testDuplicateKeysAreRecordedNotRejected() throws {
        let text = """
            {
              "a": 1,
              "b": {"x": 1, "y": 2, "x": 3},
              "list": [{"k": 1}, {"k": 2, "k": 3, "k": 4}],
              "a": 5
            }
            """
        let document = try JSONDocument.parse(text: text)
        XCTAssertEqual(document.root["a"]?.int, 5, "the last member wins, as in Python and JavaScript")
        XCTAssertEqual(document.root.object?.keys, ["b", "list", "a"], "each key once, the last member in its place")
        XCTAssertEqual(document.root["b"]?["x"]?.int, 3)
        XCTAssertEqual(document.root["b"]?.object?.keys, ["y", "x"])
        XCTAssertEqual(document.root["list"]?[1]?.object?.count, 1)
        XCTAssertEqual(document.root["list"]?[1]?["k"]?.int, 4, "of three, the third")
        XCTAssertEqual(document.position(of: JSONPointer(tokens: ["a"]))?.line, 5, "pointers lead to the member that counts")
        let duplicates = document.duplicateKeys
        XCTAssertEqual(duplicates.map(\.key), ["x", "k", "k", "a"])
        XCTAssertEqual(duplicates.map(\.pointer.description), ["/b", "/list/1", "/list/1", ""])
        XCTAssertEqual(duplicates[0].first, SourcePosition(line: 3, column: 9, offset: 20))
        XCTAssertEqual(duplicates[0].duplicate, SourcePosition(line: 3, column: 25, offset: 36))
        XCTAssertEqual(duplicates[1].first.column, 23)
        XCTAssertEqual(duplicates[1].duplicate.column, 31)
        XCTAssertEqual(duplicates[2].first.column, 23, "each later duplicate points at the first member")
        XCTAssertEqual(duplicates[2].duplicate.column, 39)
        XCTAssertEqual(duplicates[3].first, SourcePosition(line: 2, column: 3, offset: 4))
        XCTAssertEqual(duplicates[3].duplicate.line, 5)
    }

    func testDuplicateKeysInLargeObjectsUseTheIndex() throws {
        let members = (0..<50).map { "\"k\($0)\": \($0)" } + ["\"k7\": \"again\""]
        let document = try JSONDocument.parse(text: "{\"outer\": [0, {" + members.joined(separator: ", ") + "}]}")
        XCTAssertEqual(document.duplicateKeys.count, 1)
        XCTAssertEqual(document.duplicateKeys.first?.key, "k7")
        XCTAssertEqual(document.duplicateKeys.first?.pointer, JSONPointer(tokens: ["outer", "1"]))
        let object = try XCTUnwrap(document.root["outer"]?[1]?.object)
        XCTAssertEqual(object.count, 50, "the repeated key once")
        XCTAssertEqual(object["k7"]?.string, "again")
        XCTAssertEqual(object["k49"]?.int, 49)
        XCTAssertNil(object["k50"])
    }

    func testKeysCompareByCodePointsNotCanonicalEquivalence() throws {
        // "é" precomposed and "e" + combining acute are equal Swift Strings but different JSON keys.
        let document = try JSONDocument.parse(text: "{\"\u{E9}\": 1, \"e\u{301}\": 2}")
        XCTAssertTrue(document.duplicateKeys.isEmpty)
        XCTAssertEqual(document.root["e\u{301}"]?.int, 2)
        XCTAssertEqual(document.root["\u{E9}"]?.int, 1)
    }

    func testPositionOfPointer() throws {
        let document = try JSONDocument.parse(text: "{\n  \"paths\": {\n    \"/a/{id}\": {\"get\": [10, 20]}\n  }\n}")
        XCTAssertEqual(document.position(of: "/paths/~1a~1{id}/get/1"), SourcePosition(line: 3, column: 29, offset: 43))
        XCTAssertEqual(document.position(of: .root), SourcePosition(line: 1, column: 1, offset: 0))
        XCTAssertEqual(document.position(of: "/paths"), SourcePosition(line: 2, column: 12, offset: 13))
        XCTAssertEqual(document.keyPosition(of: "/paths"), SourcePosition(line: 2, column: 3, offset: 4))
        XCTAssertNil(document.position(of: "/paths/missing"))
        XCTAssertNil(document.position(of: "/paths/~1a~1{id}/get/01"))
        XCTAssertNil(document.position(of: "/paths/~1a~1{id}/get/-"))
        XCTAssertEqual(document[JSONPointer("/paths/~1a~1{id}/get/0")]?.int, 10)
    }

    func testOtherByteCollections() throws {
        let bytes = Array("[1, {\"a\": \"b\"}]".utf8)
        XCTAssertEqual(try JSONDocument.parse(bytes[...]).root[1]?["a"]?.string, "b")
        XCTAssertEqual(try JSONDocument.parse(Data(bytes)).root[0]?.int, 1)
        XCTAssertEqual(try JSONDocument.parse(bytes.lazy.map { $0 }).root[0]?.numberText, "1")
    }

    func testJSONEqualityAndText() throws {
        let a = try JSONDocument.parse(text: #"{"n": 1.0, "s": "x\n", "l": [true, null, 1e2], "o": {"p": 0}}"#).root
        let b = try JSONDocument.parse(text: #"{"o": {"p": -0.0}, "l": [true, null, 100], "s": "x\u000a", "n": 1}"#).root
        let c = try JSONDocument.parse(text: #"{"o": {"p": 0}, "l": [true, null, 100.5], "s": "x\n", "n": 1}"#).root
        XCTAssertTrue(a.jsonEquals(b))
        XCTAssertFalse(a.jsonEquals(c))
        XCTAssertEqual(a.jsonText, #"{"n":1.0,"s":"x\n","l":[true,null,1e2],"o":{"p":0}}"#)
    }

    func testBenchmarkMeasuresThroughput() {
        let inputs = [Array("{\"a\": [1, 2, 3]}".utf8), Array("[1,]".utf8)]
        let measurement = JSONBenchmark.run(inputs: inputs, iterations: 3)
        XCTAssertEqual(measurement.bytes, 20)
        XCTAssertEqual(measurement.failures, 1)
        XCTAssertGreaterThan(measurement.megabytesPerSecond, 0)
        let other = JSONBenchmark.run(inputs: inputs, iterations: 2) { $0.count > 5 }
        XCTAssertEqual(other.failures, 1)
        XCTAssertEqual(other.iterations, 2)
    }
}
