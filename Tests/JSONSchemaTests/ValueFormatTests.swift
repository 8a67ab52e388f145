import JSONSchema
import XCTest

/// `ValueFormat`: the formats of OpenAPI 2.0 values, as openapi-spec-validator 0.9.0 checks them
/// (expected answers below are Python's: `base64.b64decode(s, validate=True)`, `uuid.UUID`,
/// `rfc3339_validator`).
final class ValueFormatTests: XCTestCase {
    func testByteIsPaddedStandardBase64() {
        for valid in ["", "cGE=", "cA==", "QUJD", "ab/+", "cB=="] {
            XCTAssertEqual(ValueFormat.conforms(valid, to: "byte"), true, valid)
        }
        for invalid in ["pa", "c===", "abc=d===", "File...", "ab-_", "QUJD\n", "base64"] {
            XCTAssertEqual(ValueFormat.conforms(invalid, to: "byte"), false, invalid)
        }
    }

    func testDatesTimesAndUUIDs() {
        XCTAssertEqual(ValueFormat.conforms("2024-02-29", to: "date"), true)
        XCTAssertEqual(ValueFormat.conforms("2023-02-29", to: "date"), false, "not a leap year")
        XCTAssertEqual(ValueFormat.conforms("2019-01-01T00:00:00Z", to: "date"), false)
        XCTAssertEqual(ValueFormat.conforms("2017-01-01T00:00:00Z", to: "date-time"), true)
        XCTAssertEqual(ValueFormat.conforms("2017-01-01T00:00:00", to: "date-time"), false, "RFC 3339 needs an offset")
        XCTAssertEqual(ValueFormat.conforms("2000-01-02T12:45Z", to: "date-time"), false, "seconds are required")
        XCTAssertEqual(ValueFormat.conforms("13:45:00+01:00", to: "time"), true)
        XCTAssertEqual(ValueFormat.conforms("13:45", to: "time"), false)
        XCTAssertEqual(ValueFormat.conforms("123e4567-e89b-12d3-a456-426614174000", to: "uuid"), true)
        XCTAssertEqual(ValueFormat.conforms("123e4567e89b12d3a456426614174000", to: "uuid"), false)
        XCTAssertEqual(ValueFormat.conforms("idea-uuid-1", to: "uuid"), false)
    }

    func testLenientEmailAddressesAndUncheckedFormats() {
        XCTAssertEqual(ValueFormat.conforms("someone@example.com", to: "email"), true)
        XCTAssertEqual(ValueFormat.conforms("string", to: "email"), false)
        XCTAssertEqual(ValueFormat.conforms("10.0.0.1", to: "ipv4"), true)
        XCTAssertEqual(ValueFormat.conforms("10.0.0.256", to: "ipv4"), false)
        XCTAssertEqual(ValueFormat.conforms("::1", to: "ipv6"), true)
        XCTAssertNil(ValueFormat.conforms("anything", to: "password"))
        XCTAssertNil(ValueFormat.conforms("anything", to: "uri"))
        XCTAssertNil(ValueFormat.expectation(of: "binary"))
        XCTAssertNotNil(ValueFormat.expectation(of: "byte"))
    }
}
