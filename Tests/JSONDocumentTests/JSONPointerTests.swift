import JSONDocument
import XCTest

/// RFC 6901, with the RFC's own example document (section 5) and URI fragment forms (section 6).
final class JSONPointerTests: XCTestCase {
    static let rfcDocument = #"""
        {
           "foo": ["bar", "baz"],
           "": 0,
           "a/b": 1,
           "c%d": 2,
           "e^f": 3,
           "g|h": 4,
           "i\\j": 5,
           "k\"l": 6,
           " ": 7,
           "m~n": 8
        }
        """#

    /// (string form, URI fragment form, expected value as compact JSON, line of the value)
    static let rfcPointers: [(String, String, String, Int)] = [
        ("", "#", "", 1),
        ("/foo", "#/foo", #"["bar","baz"]"#, 2),
        ("/foo/0", "#/foo/0", #""bar""#, 2),
        ("/", "#/", "0", 3),
        ("/a~1b", "#/a~1b", "1", 4),
        ("/c%d", "#/c%25d", "2", 5),
        ("/e^f", "#/e%5Ef", "3", 6),
        ("/g|h", "#/g%7Ch", "4", 7),
        (#"/i\j"#, "#/i%5Cj", "5", 8),
        (#"/k"l"#, "#/k%22l", "6", 9),
        ("/ ", "#/%20", "7", 10),
        ("/m~0n", "#/m~0n", "8", 11),
    ]

    func testRFC6901Examples() throws {
        let document = try JSONDocument.parse(text: Self.rfcDocument)
        for (text, fragment, expected, line) in Self.rfcPointers {
            let pointer = try JSONPointer(parsing: text)
            let value = try XCTUnwrap(document.root.value(at: pointer), text)
            if text.isEmpty {
                XCTAssertEqual(value.object?.count, 10)
            } else {
                XCTAssertEqual(value.jsonText, expected, text)
            }
            XCTAssertEqual(document.position(of: pointer)?.line, line, text)
            XCTAssertEqual(pointer.description, text, "round trip of \(text)")
            XCTAssertEqual(pointer.uriFragment, fragment, text)
            XCTAssertEqual(try JSONPointer(uriFragment: fragment), pointer, fragment)
        }
    }

    func testTokensAreUnescaped() throws {
        XCTAssertEqual(try JSONPointer(parsing: "/a~1b/~0c/").tokens, ["a/b", "~c", ""])
        XCTAssertEqual(try JSONPointer(parsing: "/~01").tokens, ["~1"], "~01 is '~' then '1', not '/'")
        XCTAssertEqual(try JSONPointer(parsing: "").tokens, [])
        XCTAssertEqual(try JSONPointer(parsing: "/").tokens, [""])
        XCTAssertEqual(try JSONPointer(parsing: "//x").tokens, ["", "x"])
        XCTAssertEqual(JSONPointer.root.tokens, [])
        XCTAssertEqual(JSONPointer.root.description, "")
        XCTAssertEqual(("/paths/~1pets~1{id}" as JSONPointer).tokens, ["paths", "/pets/{id}"])
    }

    func testEscapeAndAppend() {
        XCTAssertEqual(JSONPointer.escape("a/b~c"), "a~1b~0c")
        XCTAssertEqual(JSONPointer.escape("~1"), "~01")
        XCTAssertEqual(JSONPointer.escape("plain"), "plain")
        let pointer = JSONPointer.root.appending("paths").appending("/pets/{id}").appending("get").appending("parameters").appending(0)
        XCTAssertEqual(pointer.description, "/paths/~1pets~1{id}/get/parameters/0")
        XCTAssertEqual(pointer.uriFragment, "#/paths/~1pets~1%7Bid%7D/get/parameters/0")
        XCTAssertEqual(pointer.parent?.description, "/paths/~1pets~1{id}/get/parameters")
        XCTAssertNil(JSONPointer.root.parent)
        XCTAssertTrue(pointer.hasPrefix("/paths"))
        XCTAssertFalse(pointer.hasPrefix("/definitions"))
        XCTAssertEqual(JSONPointer(tokens: ["é"]).uriFragment, "#/%C3%A9")
        XCTAssertEqual(try JSONPointer(uriFragment: "#/%C3%A9").tokens, ["é"])
    }

    func testInvalidPointersThrow() {
        for text in ["a", "a/b", "#/a", "/~", "/a~2", "/~a", "~0"] {
            XCTAssertThrowsError(try JSONPointer(parsing: text), text)
        }
        for fragment in ["/a", "#/%", "#/%4", "#/%zz", "#/%FF", "#/~3"] {
            XCTAssertThrowsError(try JSONPointer(uriFragment: fragment), fragment)
        }
    }

    func testArrayIndexTokens() throws {
        let document = try JSONDocument.parse(text: #"{"a": [10, 20, 30], "01": "key"}"#)
        XCTAssertEqual(document.root.value(at: "/a/2")?.int, 30)
        XCTAssertNil(document.root.value(at: "/a/3"))
        XCTAssertNil(document.root.value(at: "/a/01"), "leading zeros are not indexes")
        XCTAssertNil(document.root.value(at: "/a/-"), "'-' is past the end")
        XCTAssertNil(document.root.value(at: "/a/+1"))
        XCTAssertNil(document.root.value(at: "/a/0/x"))
        XCTAssertEqual(document.root.value(at: "/01")?.string, "key", "object members take any token")
        XCTAssertNil(document.root.value(at: "/b"))
    }
}
