import JSONDocument
import JSONSchema
import XCTest

/// Parses JSON text written in a test; a typo is a test bug, reported where it is.
func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue {
    do {
        return try JSONDocument.parse(text: text).root
    } catch {
        XCTFail("test JSON does not parse: \(error)", file: file, line: line)
        return JSONValue(.null)
    }
}

/// (instance pointer, schema pointer, keyword, message) of each error, for exact comparisons.
func summary(_ errors: [SchemaError]) -> [String] {
    errors.map { "\($0.instancePointer) | \($0.schemaPointer) | \($0.keyword) | \($0.message)" }
}

/// Compiles, validates, and checks that `isValid` agrees with `validate`.
func errors(
    _ schema: String, _ instance: String, dialect: SchemaDialect = .draft4,
    file: StaticString = #filePath, line: UInt = #line
) throws -> [SchemaError] {
    let compiled = try CompiledSchema(json(schema, file: file, line: line), dialect: dialect)
    let value = json(instance, file: file, line: line)
    let found = compiled.validate(value)
    XCTAssertEqual(compiled.isValid(value), found.isEmpty, "isValid and validate disagree", file: file, line: line)
    return found
}
