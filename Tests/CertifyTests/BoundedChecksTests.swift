import ConnectorPackage
import Foundation
import JSONDocument
import JSONSchema
import XCTest

@testable import Certification
@testable import ContentPolicy
@testable import SchemaConformance

/// Checks of a publisher's swagger are bounded (issue 11, defects 2 and 3): schema walks are
/// linear in the document, and publisher-supplied patterns run within a step budget. Before the
/// fix, the forty-level document below did not finish and each catastrophic pattern cost over
/// a second; a regression here shows up as a test run that never ends.
final class BoundedChecksTests: XCTestCase {
    /// `D0..D(levels-1)` each `allOf: [{$ref: D(i+1)}, {$ref: D(i+1)}]`: 2^levels paths to the
    /// last definition, which has a catastrophic pattern. An example on D0 and an
    /// `x-ms-test-value` on a parameter with the same pattern.
    static func allOfBomb(levels: Int, parameters: Int = 1) -> String {
        var definitions: [String] = []
        for i in 0..<levels {
            let example = i == 0 ? #", "example": {"a": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}"# : ""
            definitions.append(
                ##""D\##(i)": {"allOf": [{"$ref": "#/definitions/D\##(i + 1)"}, {"$ref": "#/definitions/D\##(i + 1)"}]\##(example)}"##)
        }
        definitions.append(#""D\#(levels)": {"type": "object", "properties": {"a": {"type": "string", "pattern": "^(a+)+$"}}}"#)
        let parameterList = (0..<parameters).map {
            #"{"name": "q\#($0)", "in": "query", "type": "string", "pattern": "^(a+)+$", "x-ms-test-value": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}"#
        }.joined(separator: ", ")
        return ##"""
            {"swagger": "2.0", "info": {"title": "Bomb", "version": "1.0"}, "host": "api.contoso.example", "basePath": "/",
             "schemes": ["https"], "produces": ["application/json"],
             "paths": {"/x": {"get": {"operationId": "GetX", "parameters": [\##(parameterList)],
               "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/D0"}}}}}},
             "definitions": {\##(definitions.joined(separator: ",\n"))}}
            """##
    }

    func schemaFindings(_ swagger: String) -> [Finding] {
        var files = ExamplePackage.minimalFiles
        files["apiDefinition.swagger.json"] = swagger
        let package = ConnectorPackage(name: "test", files: files.map { PackageFile(path: $0.key, bytes: Array($0.value.utf8)) })
        let input = StageInput(package: package, options: CheckOptions(stages: [SchemaStage.stageName]))
        let rules = SchemaRules.structure + SchemaRules.semantics
        return rules.flatMap { $0.check(RuleContext(input: input, rule: $0.description)) }
    }

    func testFortyLevelsOfDoubledAllOfAreCheckedOnce() {
        let findings = schemaFindings(Self.allOfBomb(levels: 40))
        let example = findings.filter { $0.ruleId == "example-conforms" }
        XCTAssertEqual(example.count, 1, "the example's one problem, reported once: \(example.map(\.message))")
        XCTAssertTrue(example.first?.message.contains("too complex to match") == true, example.first?.message ?? "none")
        XCTAssertEqual(example.first?.pointer, "/definitions/D0/example/a")
    }

    /// Sixty parameters with the same catastrophic pattern: the pattern is reported once and not
    /// run sixty times.
    func testACatastrophicPatternIsReportedOnceAsTooComplex() {
        let findings = schemaFindings(Self.allOfBomb(levels: 2, parameters: 60))
        let testValues = findings.filter { $0.ruleId == "test-value-conforms" }
        XCTAssertEqual(testValues.count, 1, testValues.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(testValues.first?.message.contains("maximumMatchSteps") == true, testValues.first?.message ?? "none")
    }

    func testMatchOutcomes() throws {
        let nested = try ECMARegex.compile("^(a+)+$")
        XCTAssertEqual(nested.match(String(repeating: "a", count: 40) + "!"), .tooComplex)
        XCTAssertEqual(nested.match(String(repeating: "a", count: 40)), .matched)
        XCTAssertEqual(nested.match("b"), .notMatched)
        // A linear pattern over a long text is given the steps it needs (matchStepsPerCharacter).
        let linear = try ECMARegex.compile("^[a-z]+!$")
        XCTAssertEqual(linear.match(String(repeating: "a", count: 1_000_000) + "!"), .matched)
        XCTAssertEqual(linear.match(String(repeating: "a", count: 1_000_000) + "?"), .notMatched)
    }

    /// The JSON Schema engine (probe responses) on the same document: one error for the
    /// pattern, no exponential walk.
    func testTheSchemaEngineWalksDoubledAllOfOnce() throws {
        let document = try JSONDocument.parse(Array(Self.allOfBomb(levels: 40).utf8))
        let schema = try CompiledSchema(
            root: document.root, pointer: JSONPointer(tokens: ["definitions", "D0"]), dialect: .swagger2, formatAssertion: false)
        let instance = try JSONDocument.parse(Array(#"{"a": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}"#.utf8))
        let errors = schema.validate(instance.root)
        XCTAssertEqual(errors.count, 1, errors.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(errors.first?.keyword, "pattern")
        XCTAssertTrue(errors.first?.message.contains("too complex") == true, errors.first?.message ?? "none")
        let valid = try JSONDocument.parse(Array(#"{"a": "aaaa"}"#.utf8))
        XCTAssertTrue(schema.validate(valid.root).isEmpty)
        XCTAssertTrue(schema.isValid(valid.root))
    }

    /// Eight levels of `allOf` with ten references each to the next definition: the breaking-
    /// change comparison walked 10^8 paths (minutes) before each definition was expanded once.
    /// A property removed at the bottom is still found, once.
    func testBreakingChangesExpandEachAllOfMemberOnce() throws {
        func swagger(bottom: String) -> String {
            var definitions: [String] = []
            for i in 0..<8 {
                let members = (0..<10).map { _ in ##"{"$ref": "#/definitions/D\##(i + 1)"}"## }.joined(separator: ", ")
                definitions.append(##""D\##(i)": {"allOf": [\##(members)], "properties": {"p\##(i)": {"type": "string"}}}"##)
            }
            definitions.append(##""D8": {"type": "object", "properties": {\##(bottom)}}"##)
            return ##"""
                {"swagger": "2.0", "info": {"title": "Wide", "version": "1.0"}, "host": "api.contoso.example", "basePath": "/",
                 "schemes": ["https"], "paths": {"/x": {"get": {"operationId": "GetX",
                   "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/D0"}}}}}},
                 "definitions": {\##(definitions.joined(separator: ",\n"))}}
                """##
        }
        let old = try JSONDocument.parse(text: swagger(bottom: ##""a": {"type": "string"}, "b": {"type": "string"}"##))
        let new = try JSONDocument.parse(text: swagger(bottom: ##""a": {"type": "string"}"##))
        let findings = BreakingChanges.compare(
            old: old, new: new, newFile: "apiDefinition.swagger.json", oldProperties: nil, newProperties: nil, newPropertiesFile: nil)
        XCTAssertEqual(findings.map(\.ruleId), ["breaking-output-property-removed"], findings.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(findings.first?.message.contains("'b'") == true, findings.first?.message ?? "none")
    }

    /// Counting the sentences of a long intro.md copied everything before each full stop.
    func testSentenceCountIsLinear() {
        let text = String(repeating: "Word. ", count: 200_000)
        XCTAssertEqual(PolicyFilesMarkdown.sentenceCount(text), 200_000)
        XCTAssertEqual(PolicyFilesMarkdown.sentenceCount("Use it e.g. daily. Then stop."), 2, "abbreviations still do not end a sentence")
        XCTAssertEqual(
            PolicyFilesMarkdown.sentenceCount("It works, etc . And more."), 1, "the word before a lone full stop (etc) is read, as before")
        let longWord = String(repeating: "x", count: 1_000_000) + String(repeating: " .", count: 100_000)
        XCTAssertEqual(PolicyFilesMarkdown.sentenceCount(longWord), 1)
    }

    func testALongContactEmailIsNotMatchedByThePattern() {
        XCTAssertFalse(PolicySwaggerText.isEmail(String(repeating: "a", count: 100_000) + "@" + String(repeating: "b-", count: 50_000)))
        XCTAssertTrue(PolicySwaggerText.isEmail("support@contoso.example.com"))
    }
}
