import Foundation
import JSONDocument
import JSONSchema
import XCTest

/// Every error is reported, each with exact pointers and a message a person understands.
final class ErrorReportingTests: XCTestCase {
    func testReportsEveryErrorNotJustTheFirst() throws {
        let found = try errors(
            """
            {"type": "object", "required": ["title", "version"],
             "properties": {"name": {"type": "string"}, "count": {"minimum": 5}, "tags": {"items": {"enum": ["a", "b"]}}},
             "additionalProperties": false}
            """,
            """
            {"name": 1, "count": 3, "tags": ["a", "c", "b", "d"], "extra": true}
            """)
        XCTAssertEqual(
            summary(found),
            [
                " | /required | required | missing required property 'title'",
                " | /required | required | missing required property 'version'",
                "/name | /properties/name/type | type | expected type string, found number",
                "/count | /properties/count/minimum | minimum | must be at least 5, found 3",
                "/tags/1 | /properties/tags/items/enum | enum | value must be one of: 'a', 'b'; found 'c'",
                "/tags/3 | /properties/tags/items/enum | enum | value must be one of: 'a', 'b'; found 'd'",
                "/extra | /additionalProperties | additionalProperties | property 'extra' is not allowed (additionalProperties is false)",
            ])
    }

    func testPointersAreEscapedAndFollowReferences() throws {
        let found = try errors(
            """
            {"definitions": {"positive": {"type": "integer", "minimum": 1}},
             "properties": {"a/b": {"additionalProperties": {"$ref": "#/definitions/positive"}}}}
            """,
            """
            {"a/b": {"x~y": 0, "ok": 2, "z": 1.5}}
            """)
        XCTAssertEqual(
            summary(found),
            [
                "/a~1b/x~0y | /definitions/positive/minimum | minimum | must be at least 1, found 0",
                "/a~1b/z | /definitions/positive/type | type | expected type integer, found number 1.5",
            ])
        XCTAssertEqual(found[0].description, "/a~1b/x~0y: must be at least 1, found 0 (schema #/definitions/positive/minimum)")
    }

    func testMessagesForEachKeyword() throws {
        func message(_ schema: String, _ instance: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
            let found = try errors(schema, instance, file: file, line: line)
            XCTAssertEqual(found.count, 1, "\(summary(found))", file: file, line: line)
            return found.first?.message ?? ""
        }
        XCTAssertEqual(try message(#"{"type": ["string", "null"]}"#, "3"), "expected type string or null, found number")
        XCTAssertEqual(try message(#"{"maximum": 10, "exclusiveMaximum": true}"#, "10"), "must be less than 10, found 10")
        XCTAssertEqual(try message(#"{"multipleOf": 0.01}"#, "1.005"), "must be a multiple of 0.01, found 1.005")
        XCTAssertEqual(try message(#"{"minLength": 3}"#, #""ab""#), "must be at least 3 characters long, found 2")
        XCTAssertEqual(try message(#"{"maxLength": 1}"#, #""ab""#), "must be at most 1 character long, found 2")
        XCTAssertEqual(try message(#"{"pattern": "^[a-z]+$"}"#, #""A1""#), "'A1' does not match the pattern '^[a-z]+$'")
        XCTAssertEqual(
            try message(#"{"format": "date-time"}"#, #""2024-13-01T00:00:00Z""#),
            "'2024-13-01T00:00:00Z' is not a valid date-time: expected an RFC 3339 date-time such as 2024-05-01T13:45:00Z")
        XCTAssertEqual(try message(#"{"minItems": 2}"#, "[1]"), "must have at least 2 items, found 1")
        XCTAssertEqual(try message(#"{"uniqueItems": true}"#, "[1, 2, 1.0]"), "items #0 and #2 are equal (1); items must be unique")
        XCTAssertEqual(
            try message(#"{"items": [{}], "additionalItems": false}"#, "[1, 2, 3]"),
            "has 3 items, but only 1 is allowed (additionalItems is false)")
        XCTAssertEqual(try message(#"{"maxProperties": 1}"#, #"{"a": 1, "b": 2}"#), "must have at most 1 property, found 2")
        XCTAssertEqual(
            try message(#"{"dependencies": {"card": ["billing"]}}"#, #"{"card": 1}"#), "property 'card' requires property 'billing'")
        XCTAssertEqual(try message(#"{"not": {"type": "string"}}"#, #""x""#), "must not match the schema in 'not'")
        XCTAssertEqual(try message(#"{"enum": ["a", "b"]}"#, #""c""#), "value must be one of: 'a', 'b'; found 'c'")
        XCTAssertEqual(
            try message(#"{"properties": {"basePath": {}}, "additionalProperties": false}"#, #"{"basepath": "/"}"#),
            "property 'basepath' is not allowed (additionalProperties is false); did you mean 'basePath'?")
    }

    func testCombinatorsReportOnceWithTheClosestBranch() throws {
        let schema = """
            {"definitions": {
                "body": {"type": "object", "required": ["name", "in", "schema"], "properties": {"in": {"enum": ["body"]}}},
                "query": {"type": "object", "required": ["name", "in", "type"], "properties": {"in": {"enum": ["query"]}}}},
             "oneOf": [{"$ref": "#/definitions/body"}, {"$ref": "#/definitions/query"}]}
            """
        let none = try errors(schema, #"{"name": "q", "in": "query"}"#)
        XCTAssertEqual(
            summary(none),
            [
                " | /oneOf | oneOf | does not match any of the oneOf schemas; it must match exactly one; closest is #1 (#/definitions/query), which fails with: missing required property 'type'"
            ])
        let two = try errors(#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "3")
        XCTAssertEqual(summary(two), [" | /oneOf | oneOf | matches 2 of the oneOf schemas (#0 and #1); it must match exactly one"])
        let any = try errors(#"{"anyOf": [{"type": "string"}, {"type": "object", "required": ["id"]}]}"#, #"{"ID": 1}"#)
        XCTAssertEqual(
            summary(any),
            [
                " | /anyOf | anyOf | does not match any of the anyOf schemas; closest is #1 (#/anyOf/1), which fails with: missing required property 'id'"
            ])
        // allOf is not a choice: its branches' errors are all reported, where they are.
        let all = try errors(#"{"allOf": [{"required": ["a"]}, {"properties": {"b": {"type": "string"}}}]}"#, #"{"b": 2}"#)
        XCTAssertEqual(
            summary(all),
            [
                " | /allOf/0/required | required | missing required property 'a'",
                "/b | /allOf/1/properties/b/type | type | expected type string, found number",
            ])
    }

    func testErrorsInOtherDocumentsNameTheirDocument() throws {
        let compiled = try CompiledSchema(json(#"{"properties": {"schema": {"$ref": "http://json-schema.org/draft-04/schema#"}}}"#))
        let found = compiled.validate(json(#"{"schema": {"minLength": -1}}"#))
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.instancePointer, "/schema/minLength")
        XCTAssertEqual(found.first?.schemaPointer, "/definitions/positiveInteger/minimum")
        XCTAssertEqual(found.first?.schemaDocument, "http://json-schema.org/draft-04/schema")
        XCTAssertEqual(
            found.first?.description,
            "/schema/minLength: must be at least 0, found -1 (schema http://json-schema.org/draft-04/schema#/definitions/positiveInteger/minimum)"
        )
    }

    func testCompileErrorsSayWhatAndWhere() {
        func compileError(_ schema: String, file: StaticString = #filePath, line: UInt = #line) -> SchemaCompileError? {
            do {
                _ = try CompiledSchema(json(schema, file: file, line: line))
                XCTFail("compiled", file: file, line: line)
                return nil
            } catch {
                return error
            }
        }
        let missing = compileError(##"{"properties": {"a": {"$ref": "#/definitions/nope"}}}"##)
        XCTAssertEqual(missing?.schemaPointer, "/properties/a/$ref")
        XCTAssertEqual(
            missing?.message, ##"cannot resolve $ref "#/definitions/nope": there is nothing at #/definitions/nope in this document"##)
        let remote = compileError(#"{"$ref": "http://example.com/other.json"}"#)
        XCTAssertEqual(
            remote?.message, #"cannot resolve $ref "http://example.com/other.json": no document is known at http://example.com/other.json"#)
        let regex = compileError(#"{"patternProperties": {"(": {}}}"#)
        XCTAssertEqual(regex?.schemaPointer, "/patternProperties/(")
        XCTAssertEqual(regex?.message, #"invalid regular expression "(": not a valid regular expression"#)
        let shape = compileError(#"{"properties": {"a": {"minLength": -1}}}"#)
        XCTAssertEqual(shape?.description, "#/properties/a/minLength: 'minLength' must be a non-negative integer")
        let loop = compileError(
            ##"{"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"allOf": [{"$ref": "#/definitions/a"}]}}, "$ref": "#/definitions/a"}"##
        )
        XCTAssertEqual(loop?.message.hasPrefix("circular reference: "), true, loop?.message ?? "")
        let notASchema = compileError(#"{"items": 3}"#)
        XCTAssertEqual(notASchema?.description, "#/items: 'items' must be a schema or an array of schemas")
    }

    func testRecursiveSchemasAndDeepInstances() throws {
        let tree = try CompiledSchema(json(##"{"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}}"##))
        var text = #"{"children": []}"#
        for _ in 0..<60 { text = #"{"children": [\#(text)]}"# }
        XCTAssertTrue(tree.isValid(json(text)))
        // Deeper than the evaluator follows: reported, not a crash.
        for _ in 0..<10 { text = #"{"children": [\#(text)]}"# }
        let found = tree.validate(json(text))
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.message.contains("nested more than"), true)
    }

    func testOneCompiledSchemaServesManyThreads() throws {
        let schema = try CompiledSchema(
            json(
                #"{"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 1}, "tags": {"items": {"pattern": "^[a-z]+$"}}}}"#
            ))
        let good = json(#"{"id": 3, "tags": ["a", "bc"]}"#)
        let bad = json(#"{"id": 0, "tags": ["A"]}"#)
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 200) { iteration in
            let ok =
                iteration % 2 == 0
                ? schema.isValid(good) && schema.validate(good).isEmpty
                : !schema.isValid(bad) && schema.validate(bad).count == 2
            if !ok { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
    }

    func testFormatAssertionCanBeTurnedOff() throws {
        let schema = json(#"{"format": "email"}"#)
        XCTAssertFalse(try CompiledSchema(schema).isValid(json(#""not an address""#)))
        XCTAssertTrue(try CompiledSchema(schema, formatAssertion: false).isValid(json(#""not an address""#)))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
