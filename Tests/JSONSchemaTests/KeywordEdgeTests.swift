import JSONDocument
import JSONSchema
import XCTest

/// Edges the official suite touches lightly: exact decimal arithmetic, ECMA-262 patterns on
/// ICU, and formats.
final class KeywordEdgeTests: XCTestCase {
    func valid(_ schema: String, _ instance: String, file: StaticString = #filePath, line: UInt = #line) throws -> Bool {
        try errors(schema, instance, file: file, line: line).isEmpty
    }

    func testMultipleOfIsExactWithDecimals() throws {
        XCTAssertTrue(try valid(#"{"multipleOf": 0.1}"#, "0.3"), "0.3 / 0.1 is not an integer in binary floating point")
        XCTAssertTrue(try valid(#"{"multipleOf": 0.01}"#, "19.99"))
        XCTAssertFalse(try valid(#"{"multipleOf": 0.01}"#, "19.999"))
        XCTAssertTrue(try valid(#"{"multipleOf": 1e-8}"#, "0.00000123"))
        XCTAssertTrue(try valid(#"{"multipleOf": 3}"#, "1.2e1"))
        XCTAssertFalse(try valid(#"{"multipleOf": 3}"#, "1e1"))
        XCTAssertTrue(try valid(#"{"multipleOf": 7}"#, "700000000000000000000000000000000000000000"))
        XCTAssertFalse(try valid(#"{"multipleOf": 7}"#, "700000000000000000000000000000000000000001"))
        XCTAssertTrue(try valid(#"{"multipleOf": 0.5}"#, "1e308"))
        XCTAssertTrue(try valid(#"{"multipleOf": 2}"#, "-0"))
    }

    func testBoundsCompareExactly() throws {
        XCTAssertFalse(try valid(#"{"maximum": 9007199254740992}"#, "9007199254740993"), "equal as Doubles, not as numbers")
        XCTAssertTrue(try valid(#"{"minimum": 0.1, "exclusiveMinimum": true}"#, "0.10000000000000000001"))
        XCTAssertFalse(try valid(#"{"minimum": 0.1, "exclusiveMinimum": true}"#, "1e-1"))
        XCTAssertTrue(try valid(#"{"maximum": 1e400}"#, "1e399"))
    }

    func testPatternsFollowECMA262() throws {
        XCTAssertTrue(try valid(#"{"pattern": "^{{.*}}$"}"#, #""{{name}}""#), "a brace that is not a quantifier is literal")
        XCTAssertTrue(try valid(#"{"pattern": "^a{2}$"}"#, #""aa""#))
        XCTAssertFalse(try valid(#"{"pattern": "^a{2}$"}"#, #""a{2}""#))
        XCTAssertTrue(try valid(#"{"pattern": "^[[]+$"}"#, #""[[""#), "'[' inside a class is literal")
        XCTAssertFalse(try valid(#"{"pattern": "^[]$"}"#, #""a""#), "[] matches nothing")
        XCTAssertTrue(try valid(#"{"pattern": "^[^]$"}"#, #""\n""#), "[^] matches anything")
        XCTAssertTrue(try valid(#"{"pattern": "^\\d+(\\.\\d+)?$"}"#, #""3.14""#))
        XCTAssertFalse(try valid(#"{"pattern": "^\\w+$"}"#, #""é""#))
        XCTAssertFalse(try valid(#"{"pattern": "abc$"}"#, #""abc\n""#))
        XCTAssertTrue(try valid(#"{"pattern": "x-"}"#, #""a x-b""#), "patterns are searched, not anchored")
        XCTAssertTrue(try valid(#"{"pattern": "^\\a\\e$"}"#, #""ae""#), "identity escapes of letters ICU would read otherwise")
        XCTAssertTrue(try valid(#"{"pattern": "^[a\\-z]+$"}"#, #""-a""#))
    }

    /// What ECMA-262 (without flags, with Annex B) accepts compiles; what only other dialects
    /// accept is refused with a reason (compared with Node 20 by hand).
    func testPatternSyntaxIsECMA262() {
        for valid in [
            "^[^]*$", "^\\p{L}+$", "^a\\0b$", "a*?", "a{2}?", "(?:a)(?=b)(?!c)(?<=d)(?<!e)(?<year>\\d{4})", "a{,3}",
            "^{{.*}}$", "]", "}", "a{1",
        ] {
            XCTAssertNoThrow(try ECMARegex.compile(valid), valid)
        }
        for invalid in ["(?i)abc", "a++", "a**", "(?>a)", "(?#note)x", "^*", "x{1}{2}", "{1}", "+a", "a|*", "a*??", "(?<1a>x)", "(", "[a"] {
            XCTAssertThrowsError(try ECMARegex.compile(invalid), invalid)
        }
        do {
            _ = try ECMARegex.compile("(?i)abc")
            XCTFail("(?i) is not ECMA-262")
        } catch {
            XCTAssertTrue(error.message.contains("(?i"), error.message)
        }
    }

    func testFormats() throws {
        let checks: [(String, String, Bool)] = [
            ("date-time", "2024-02-29T12:00:00.5+05:30", true),
            ("date-time", "2023-02-29T12:00:00Z", false),
            ("date-time", "2024-05-01 12:00:00Z", false),
            ("email", "first.last+tag@sub.example.org", true),
            ("email", "\"quoted name\"@example.org", true),
            ("email", "user@[192.168.0.1]", true),
            ("email", "user@@example.org", false),
            ("hostname", "api.contoso.com", true),
            ("hostname", "api..contoso.com", false),
            ("ipv4", "10.0.0.255", true),
            ("ipv4", "10.0.0.01", false),
            ("ipv6", "2001:db8::ff00:42:8329", true),
            ("ipv6", "2001:db8:::1", false),
            ("uri", "https://contoso.com/terms?lang=en#top", true),
            ("uri", "https://contoso.com/my terms", false),
            ("uri", "urn:isbn:0451450523", true),
            ("regex", "^[a-z]+$", true),
            ("regex", "(unclosed", false),
        ]
        for (format, value, expected) in checks {
            let instance = JSONValue(.string(value))
            let compiled = try CompiledSchema(json(#"{"format": "\#(format)"}"#))
            XCTAssertEqual(compiled.isValid(instance), expected, "\(format): \(value)")
        }
    }

    func testIdScopingAndBaseURI() throws {
        struct Remote: SchemaResolver {
            func document(for uri: String) -> JSONValue? {
                uri == "https://schemas.example.com/common/name.json" ? json(#"{"type": "string", "minLength": 1}"#) : nil
            }
        }
        let schema = json(#"{"properties": {"name": {"$ref": "common/name.json"}}}"#)
        let compiled = try CompiledSchema(schema, baseURI: "https://schemas.example.com/root.json", resolver: Remote())
        let found = compiled.validate(json(#"{"name": ""}"#))
        XCTAssertEqual(summary(found), ["/name | /minLength | minLength | must be at least 1 character long, found 0"])
        XCTAssertEqual(found.first?.schemaDocument, "https://schemas.example.com/common/name.json")
        XCTAssertThrowsError(try CompiledSchema(schema), "without a base URI the relative $ref names nothing known")
    }
}
