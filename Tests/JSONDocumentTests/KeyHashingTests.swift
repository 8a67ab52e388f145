import JSONDocument
import XCTest

/// The parser hashes keys while it scans them, caches repeated strings, and indexes large
/// objects by the same hash that lookups compute from a `String`: these tests pin that the
/// three agree, whatever the key's length, escapes or non-ASCII characters.
final class KeyHashingTests: XCTestCase {
    /// Keys of every length around the 8-byte words the scan and the hash read, written plainly,
    /// with escapes, or with non-ASCII characters.
    static let keys: [String] = (0..<40).flatMap { length -> [String] in
        let body = String(repeating: "k", count: length)
        return [body, body + "é", "😀" + body, body + "\n", body + "\"" + "x"]
    }

    static func escaped(_ key: String) -> String {
        key.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\"", with: "\\\"")
    }

    func testLookupsInLargeObjectsFindEveryKey() throws {
        // Each key written plainly where it can be, and once more through \u escapes (a duplicate).
        var members = Self.keys.enumerated().map { "\"\(Self.escaped($1))\": \($0)" }
        members.append("\"\\u006b\\u006b\": -1")
        let document = try JSONDocument.parse(text: "{" + members.joined(separator: ",\n") + "}")
        let object = try XCTUnwrap(document.root.object)
        // "kk" (key 10) is repeated at the end: that last member is the one kept.
        for (offset, key) in Self.keys.enumerated() {
            let index = try XCTUnwrap(object.firstIndex(of: key), key)
            XCTAssertEqual(object.members[index].key, key)
            XCTAssertEqual(object[key]?.int, key == "kk" ? -1 : offset, key)
        }
        XCTAssertEqual(object.count, Self.keys.count)
        XCTAssertNil(object["kkk\u{301}"])
        XCTAssertNil(object["missing"])
        XCTAssertEqual(document.duplicateKeys.map(\.key), ["kk"])
        XCTAssertEqual(document.duplicateKeys.first?.first.line, 1 + 2 * 5)
    }

    func testEscapedAndPlainKeysAreDuplicatesWhenTheirTextIsEqual() throws {
        let small = try JSONDocument.parse(text: #"{"ab": 1, "\u0061b": 2, "a\u00e9": 3, "aé": 4, "é": 5, "e\u0301": 6}"#)
        XCTAssertEqual(small.duplicateKeys.map(\.key), ["ab", "aé"])
        XCTAssertEqual(small.duplicateKeys.map(\.duplicate.column), [11, 39])
        XCTAssertEqual(small.root["ab"]?.int, 2)
        XCTAssertEqual(small.root["e\u{301}"]?.int, 6)

        let filler = (0..<12).map { "\"f\($0)\": \($0)" }.joined(separator: ", ")
        let large = try JSONDocument.parse(text: #"{"\u0061b": 1, "# + filler + #", "ab": 2, "\u00e9": 3, "e\u0301": 4, "é": 5}"#)
        XCTAssertEqual(large.duplicateKeys.map(\.key), ["ab", "é"])
        XCTAssertEqual(large.root["ab"]?.int, 2)
        XCTAssertEqual(large.root["\u{E9}"]?.int, 5)
        XCTAssertEqual(large.root["e\u{301}"]?.int, 4)
    }

    func testRepeatedStringsKeepTheirOwnValuesAndPositions() throws {
        // Strings short and long, repeated (shared through the parser's cache) and not.
        let long = String(repeating: "description ", count: 30)
        let values = ["type", "string", "a longer repeated value", long, "type", "a longer repeated value", long, "", "", "é😀"]
        let items = values.map { "{\"type\": \"\($0)\", \"a longer repeated key\": \"\($0)\"}" }
        let document = try JSONDocument.parse(text: "[" + items.joined(separator: ",\n") + "]")
        for (offset, value) in values.enumerated() {
            XCTAssertEqual(document.root[offset]?["type"]?.string, value)
            XCTAssertEqual(document.root[offset]?["a longer repeated key"]?.string, value)
            XCTAssertEqual(document.root[offset]?.position.line, offset + 1)
            XCTAssertEqual(document.root[offset]?.object?.members.map(\.key), ["type", "a longer repeated key"])
        }
        XCTAssertTrue(document.duplicateKeys.isEmpty)
    }

    func testObjectsBuiltInCodeIndexTheirMembers() throws {
        let position = SourcePosition(line: 1, column: 1, offset: 0)
        var members = Self.keys.enumerated().map {
            JSONObject.Member(key: $1, keyPosition: position, value: JSONValue(.number(String($0))))
        }
        members.append(JSONObject.Member(key: "k", keyPosition: position, value: JSONValue(.null)))
        members.append(JSONObject.Member(key: "\u{FC}", keyPosition: position, value: JSONValue(.bool(true))))
        var object = JSONObject(members: members)
        for (offset, key) in Self.keys.enumerated() {
            XCTAssertEqual(object.firstIndex(of: key), offset, key)
        }
        XCTAssertEqual(object["\u{FC}"]?.bool, true)
        XCTAssertNil(object["u\u{308}"])
        // Changing the members rebuilds the index.
        object.members.insert(JSONObject.Member(key: "k", keyPosition: position, value: JSONValue(.string("new"))), at: 0)
        object.members.append(JSONObject.Member(key: "added", keyPosition: position, value: JSONValue(.null)))
        XCTAssertEqual(object["k"]?.string, "new")
        XCTAssertEqual(object.firstIndex(of: "added"), object.count - 1)
        XCTAssertEqual(object.firstIndex(of: ""), 1)
    }
}
