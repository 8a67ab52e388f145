import ConnectorPackage
import Foundation
import JSONDocument
import StageCatalog
import XCTest

@testable import Certification
@testable import SchemaConformance

/// The OpenAPI 2.0 structure and semantic rules (Sources/SchemaConformance/Structure): planted
/// violations are reported under the right rule, at the right pointer and line; every problem
/// is reported, not the first; clean documents stay clean; reference loops end.
final class OpenAPIStructureTests: XCTestCase {
    static var rules: [Rule] { SchemaRules.structure + SchemaRules.semantics }

    func findings(_ swagger: String) -> [Finding] {
        var files = ExamplePackage.minimalFiles
        files["apiDefinition.swagger.json"] = swagger
        let package = ConnectorPackage(name: "test", files: files.map { PackageFile(path: $0.key, bytes: Array($0.value.utf8)) })
        let input = StageInput(package: package, options: CheckOptions(stages: [SchemaStage.stageName]))
        return Self.rules.flatMap { $0.check(RuleContext(input: input, rule: $0.description)) }
    }

    /// The 1-based line of the first line of `text` that contains `needle`.
    func line(of needle: String, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines.firstIndex(where: { $0.contains(needle) }) else {
            XCTFail("no line contains \(needle)")
            return 0
        }
        return index + 1
    }

    static let planted = #"""
        {
          "swagger": "2.0",
          "info": {"title": "Contoso", "version": 1},
          "host": "https://api.contoso.example",
          "basePath": "v1",
          "schemes": ["https", "HTTP"],
          "produces": ["json"],
          "paths": {
            "/items/{itemId}": {
              "get": {
                "operationId": "GetItem",
                "deprecated": "no",
                "parameters": [
                  {"name": "filter", "in": "body", "schema": {"type": "object"}},
                  {"name": "top", "in": "query", "type": "integer", "default": "10", "minimum": 5, "maximum": 1},
                  {"name": "top", "in": "query", "type": "integer"},
                  {"name": "mode", "in": "Query", "type": "string"}
                ],
                "responses": {
                  "200": {"description": "OK", "schema": {"$ref": "#/definitions/Itme"}},
                  "2XX": {"description": "Also OK"}
                },
                "security": [{"apikey": []}]
              }
            },
            "/items": {
              "post": {
                "operationId": "GetItem",
                "parameters": [{"name": "id", "in": "path", "type": "string"}],
                "responses": {"201": {"schema": {"type": "object"}}}
              }
            }
          },
          "definitions": {
            "Item": {
              "type": "object",
              "required": ["Id"],
              "properties": {
                "id": {"type": "string", "pattern": "^[a-z+$"},
                "kind": {"type": "strng", "enum": []},
                "size": {"type": "integer", "nullable": true}
              }
            },
            "External": {"$ref": "common.json#/definitions/Error"}
          },
          "securityDefinitions": {"api_key": {"type": "apiKey", "name": "X-Key"}}
        }
        """#

    func testPlantedViolationsAreReportedAtTheirPointerAndLine() {
        let text = Self.planted
        let found = findings(text)
        let expected: [(rule: String, pointer: String, line: String)] = [
            ("openapi-structure", "/info/version", "\"version\": 1"),
            ("openapi-host", "/host", "\"host\""),
            ("openapi-base-path", "/basePath", "\"basePath\""),
            ("openapi-schemes", "/schemes/1", "\"schemes\""),
            ("openapi-mime-type", "/produces/0", "\"produces\""),
            ("openapi-structure", "/paths/~1items~1{itemId}/get/deprecated", "\"deprecated\""),
            ("get-no-body", "/paths/~1items~1{itemId}/get/parameters/0", "\"filter\""),
            ("default-conforms", "/paths/~1items~1{itemId}/get/parameters/1/default", "\"default\": \"10\""),
            ("min-max-order", "/paths/~1items~1{itemId}/get/parameters/1/minimum", "\"default\": \"10\""),
            (
                "parameter-unique", "/paths/~1items~1{itemId}/get/parameters/2",
                "{\"name\": \"top\", \"in\": \"query\", \"type\": \"integer\"}"
            ),
            ("openapi-parameter", "/paths/~1items~1{itemId}/get/parameters/3/in", "\"Query\""),
            ("path-parameters-match", "/paths/~1items~1{itemId}/get", "\"get\": {"),
            ("ref-resolves", "/paths/~1items~1{itemId}/get/responses/200/schema/$ref", "Itme"),
            ("response-status-code", "/paths/~1items~1{itemId}/get/responses/2XX", "\"2XX\""),
            ("security-requirement-defined", "/paths/~1items~1{itemId}/get/security/0/apikey", "\"apikey\""),
            (
                "operation-id-unique", "/paths/~1items/post/operationId",
                "\"operationId\": \"GetItem\",\n        \"parameters\": [{\"name\": \"id\""
            ),
            ("openapi-parameter", "/paths/~1items/post/parameters/0", "\"name\": \"id\", \"in\": \"path\""),
            ("path-parameters-match", "/paths/~1items/post/parameters/0", "\"name\": \"id\", \"in\": \"path\""),
            ("openapi-structure", "/paths/~1items/post/responses/201", "\"201\""),
            ("required-property-defined", "/definitions/Item/required/0", "\"required\": [\"Id\"]"),
            ("pattern-valid", "/definitions/Item/properties/id/pattern", "\"pattern\""),
            ("openapi-structure", "/definitions/Item/properties/kind/type", "\"strng\""),
            ("enum-not-empty", "/definitions/Item/properties/kind/enum", "\"strng\""),
            ("openapi-structure", "/definitions/Item/properties/size/nullable", "\"nullable\""),
            ("ref-external", "/definitions/External/$ref", "common.json"),
            ("openapi-security-definition", "/securityDefinitions/api_key", "\"api_key\": {"),
        ]
        for (rule, pointer, needle) in expected {
            let expectedLine: Int
            if needle.contains("\n") {
                // A needle spanning lines: the line where its first line occurs, after the first match.
                let first = String(needle.split(separator: "\n")[0])
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let second = String(needle.split(separator: "\n")[1]).trimmingCharacters(in: .whitespaces)
                let index = lines.indices.first { lines[$0].contains(first) && $0 + 1 < lines.count && lines[$0 + 1].contains(second) }
                expectedLine = (index ?? -1) + 1
            } else {
                expectedLine = line(of: needle, in: text)
            }
            let matches = found.filter { $0.ruleId == rule && $0.pointer == pointer }
            XCTAssertEqual(
                matches.count, 1, "\(rule) at \(pointer): \(found.filter { $0.ruleId == rule }.map { "\($0.pointer ?? "") \($0.message)" })"
            )
            if let finding = matches.first {
                XCTAssertEqual(finding.line, expectedLine, "\(rule) at \(pointer): line")
                XCTAssertEqual(finding.file, "apiDefinition.swagger.json")
                XCTAssertNotNil(finding.column)
                XCTAssertFalse(finding.message.isEmpty)
            }
        }
        // Every problem, and nothing else: each finding above is expected, except these.
        let unexpected = found.filter { finding in !expected.contains { $0.rule == finding.ruleId && $0.pointer == finding.pointer } }
        XCTAssertEqual(unexpected.map { "\($0.ruleId) \($0.pointer ?? "")" }, [])
    }

    func testMessagesNameTheFieldAndWhatTheSpecificationWants() {
        let found = findings(Self.planted)
        let unknown = found.first { $0.pointer == "/definitions/Item/properties/size/nullable" }
        XCTAssertTrue(unknown?.message.contains("\"nullable\" is not a field of a Schema Object") == true, unknown?.message ?? "")
        XCTAssertTrue(unknown?.message.contains("additionalProperties") == true, "lists the allowed fields")
        let version = found.first { $0.pointer == "/info/version" }
        XCTAssertEqual(version?.message, "\"version\" must be a string, not a number (1).")
        let inValue = found.first { $0.pointer == "/paths/~1items~1{itemId}/get/parameters/3/in" }
        XCTAssertTrue(inValue?.message.contains("write \"query\"") == true, inValue?.message ?? "")
    }

    func testTheCleanFixtureAndARichCleanSwaggerStayClean() {
        XCTAssertEqual(findings(ExamplePackage.minimalFiles["apiDefinition.swagger.json"]!).map(\.ruleId), [])
        let rich = #"""
            {
              "swagger": "2.0",
              "info": {"title": "Contoso", "version": "1.0", "license": {"name": "MIT"}, "x-ms-api-annotation": {"status": "Preview"}},
              "host": "api.contoso.example:8443", "basePath": "/", "schemes": ["https"],
              "consumes": ["application/json"], "produces": ["application/json", "application/*+json"],
              "tags": [{"name": "files", "externalDocs": {"url": "https://contoso.example/docs"}}],
              "paths": {
                "/files/{folder}": {
                  "parameters": [{"$ref": "#/parameters/folder"}],
                  "post": {
                    "operationId": "Upload", "tags": ["files"], "consumes": ["multipart/form-data"],
                    "parameters": [
                      {"name": "file", "in": "formData", "type": "file", "required": true},
                      {"name": "labels", "in": "formData", "type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "collectionFormat": "multi"}
                    ],
                    "responses": {"201": {"$ref": "#/responses/Created"}, "default": {"description": "Error", "schema": {"$ref": "#/definitions/Error"}}},
                    "security": [{"oauth": ["files.write"]}]
                  },
                  "get": {
                    "operationId": "Download",
                    "parameters": [{"name": "X-Trace", "in": "header", "type": "string", "pattern": "^[\\w:/?#[\\]@]+$"}],
                    "responses": {"200": {"description": "The file.", "schema": {"type": "file"}, "headers": {"X-Count": {"type": "integer", "minimum": 0}}}},
                    "x-ms-notification-content": {"description": "x", "schema": {"$ref": "#/definitions/Node"}}
                  },
                  "x-ms-notes": "vendor extension"
                }
              },
              "parameters": {"folder": {"name": "folder", "in": "path", "required": true, "type": "string", "x-ms-url-encoding": "single"}},
              "responses": {"Created": {"description": "Created.", "schema": {"$ref": "#/definitions/Node"}, "examples": {"application/json": {"id": "n1", "children": []}}}},
              "definitions": {
                "Node": {
                  "type": "object", "required": ["id"], "discriminator": "id",
                  "properties": {
                    "id": {"type": "string", "example": "n1", "readOnly": true, "xml": {"attribute": true}},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
                    "size": {"type": "integer", "format": "int64", "default": 0, "minimum": 0, "maximum": 10, "x-nullable": true},
                    "meta": {"type": "object", "additionalProperties": {"type": "string"}}
                  },
                  "x-ms-summary": "Node"
                },
                "Error": {"allOf": [{"$ref": "#/definitions/Node"}, {"type": "object", "properties": {"code": {"type": "integer"}}}]}
              },
              "securityDefinitions": {
                "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://login.contoso.example/authorize", "tokenUrl": "https://login.contoso.example/token", "scopes": {"files.write": "Write files"}},
                "key": {"type": "apiKey", "in": "query", "name": "key"},
                "basic": {"type": "basic"}
              },
              "security": [{"key": []}, {"basic": []}]
            }
            """#
        XCTAssertEqual(findings(rich).map { "\($0.ruleId) \($0.pointer ?? ""): \($0.message)" }, [])
    }

    func testReferenceLoopsEndAndOnlyEmptyLoopsAreReported() {
        let text = #"""
            {"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {},
             "definitions": {
               "A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/C"}, "C": {"$ref": "#/definitions/A"},
               "Self": {"$ref": "#/definitions/Self"},
               "Tree": {"type": "object", "properties": {"left": {"$ref": "#/definitions/Tree"}, "right": {"$ref": "#/definitions/Tree"}}, "default": {"left": {"left": {}}}},
               "Into": {"$ref": "#/definitions/A", "default": 1}
             }}
            """#
        let cycles = findings(text).filter { $0.ruleId == "ref-cycle" }
        XCTAssertEqual(Set(cycles.compactMap(\.pointer)), ["/definitions/A/$ref", "/definitions/Self/$ref"])
    }

    /// A webhook trigger's x-ms-notification-content may sit on the path item (where 193
    /// certified connectors put it) as well as on the operation: its schema is checked in both.
    func testNotificationSchemasOfPathItemsAreChecked() {
        let text = #"""
            {"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"},
             "paths": {"/hooks": {
               "x-ms-notification-content": {"schema": {"type": "object", "properties": {
                 "kind": {"type": "string", "enum": []},
                 "item": {"$ref": "#/definitions/Missing"}}}},
               "post": {"responses": {"201": {"description": "Created"}}}}}}
            """#
        let found = findings(text).map { "\($0.ruleId) \($0.pointer ?? "") \($0.line ?? 0)" }
        XCTAssertTrue(
            found.contains(
                "enum-not-empty /paths/~1hooks/x-ms-notification-content/schema/properties/kind/enum \(line(of: "\"kind\"", in: text))"),
            "\(found)")
        XCTAssertTrue(
            found.contains(
                "ref-resolves /paths/~1hooks/x-ms-notification-content/schema/properties/item/$ref \(line(of: "\"item\"", in: text))"),
            "\(found)")
    }

    /// A key written twice counts once, with its last value (as most readers do): a path item
    /// repeated is not two path items, and an operationId repeated is the later one.
    func testDuplicatedKeysCountOnceWithTheirLastValue() {
        let text = #"""
            {"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"},
             "paths": {
               "/a": {"get": {"operationId": "GetA", "responses": {"200": {"description": "OK"}}}},
               "/b": {"get": {"operationId": "GetB", "operationId": "GetA", "responses": {"200": {"description": "OK"}}}},
               "/a": {"get": {"operationId": "GetA", "responses": {"200": {"description": "OK"}}}}
             }}
            """#
        let unique = findings(text).filter { $0.ruleId == "operation-id-unique" }
        // The members that count: /b (GetA, its later operationId) then /a (the later copy, in
        // its place): one clash, /a against /b, not /a against itself.
        XCTAssertEqual(unique.map { $0.pointer ?? "" }, ["/paths/~1a/get/operationId"], "\(unique.map(\.message))")
        XCTAssertTrue(unique.first?.message.contains("of GET /a is already the operationId of GET /b") ?? false)
        XCTAssertEqual(unique.first?.line, 5, "the later copy of /a, on the text's fifth line")
    }

    /// A generated swagger with thousands of references that lead to one another is checked in
    /// time linear in their number (each chain followed once), and a long loop is reported
    /// once, its message cut to the first references and the count.
    func testLongReferenceChainsAreFollowedOnce() throws {
        let length = 5000
        var definitions: [String] = []
        for index in 0..<length {
            definitions.append(##""L\##(index)": {"$ref": "#/definitions/L\##((index + 1) % length)"}"##)
            definitions.append(##""C\##(index)": {"$ref": "#/definitions/C\##(index + 1)"}"##)
        }
        definitions.append(##""C\##(length)": {"type": "string"}"##)
        definitions.append(##""Top": {"allOf": [{"$ref": "#/definitions/A"}, {"$ref": "#/definitions/B"}], "example": {"x": 1}}"##)
        definitions.append(##""A": {"allOf": [{"$ref": "#/definitions/D"}]}, "B": {"allOf": [{"$ref": "#/definitions/D"}]}"##)
        definitions.append(##""D": {"type": "object", "properties": {"x": {"type": "string"}}}"##)
        let text =
            #"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"#
            + definitions.joined(separator: ",\n") + "}}"
        var files = ExamplePackage.minimalFiles
        files["apiDefinition.swagger.json"] = text
        let package = ConnectorPackage(name: "test", files: files.map { PackageFile(path: $0.key, bytes: Array($0.value.utf8)) })
        let input = StageInput(package: package, options: CheckOptions(stages: [SchemaStage.stageName]))
        let output = try XCTUnwrap(awaitStage(SchemaStage.make(), input))
        let cycles = output.findings.filter { $0.ruleId == "ref-cycle" }
        XCTAssertEqual(cycles.map { $0.pointer ?? "" }, ["/definitions/L0/$ref"], "one loop, reported from its smallest pointer")
        XCTAssertTrue(cycles.first?.message.contains("(\(length) references in all)") ?? false, cycles.first?.message ?? "")
        XCTAssertLessThan(cycles.first?.message.count ?? .max, 1000)
        // The diamond (Top includes D through A and through B): one example finding, not two.
        XCTAssertEqual(output.findings.filter { $0.ruleId == "example-conforms" }.map { $0.pointer ?? "" }, ["/definitions/Top/example/x"])
    }

    func awaitStage(_ stage: RuleStage, _ input: StageInput) -> StageOutput? {
        let box = OutputBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.output = await stage.run(input)
            done.signal()
        }
        done.wait()
        return box.output
    }

    func testEveryProblemOfAKindIsReported() {
        var paths: [String] = []
        for index in 0..<40 {
            paths.append(#""/p\#(index)": {"get": {"deprecated": "yes", "responses": {"200": {"description": "OK"}}}}"#)
        }
        let text = #"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"# + paths.joined(separator: ",") + "}}"
        XCTAssertEqual(findings(text).filter { $0.ruleId == "openapi-structure" }.count, 40)
    }

    /// The file a later oracle test reads: connector name -> why our structural verdict differs
    /// from the official Swagger 2.0 schema's on purpose.
    func testOracleDifferencesFileIsWellFormed() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/openapi-oracle-differences.json")
        let document = try JSONDocument.parse(Array(try Data(contentsOf: url)))
        let ids = Set(RuleCatalog.all.map(\.id))
        for rule in document.root["structuralRules"]?.array ?? [] {
            XCTAssertTrue(ids.contains(rule.string ?? ""), "unknown rule \(rule.jsonText)")
        }
        XCTAssertNotNil(document.root["differences"]?.object)
        for member in document.root["differences"]?.object?.members ?? [] {
            XCTAssertFalse(member.value.string?.isEmpty ?? true, member.key)
        }
    }
}

extension OpenAPIStructureTests {
    /// Rules that visit only the objects with a key they look for must still see keys written
    /// with \u escapes.
    func testKeysWrittenWithEscapesAreStillChecked() {
        let text = #"""
            {"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {},
             "definitions": {
               "Code": {"type": "string", "p\u0061ttern": "^[a-z+$", "\u0065num": []},
               "Other": {"\u0024ref": "other.json#/definitions/X"}
             }}
            """#
        let found = Set(findings(text).map { "\($0.ruleId) \($0.pointer ?? "")" })
        XCTAssertTrue(found.contains("pattern-valid /definitions/Code/pattern"), "\(found)")
        XCTAssertTrue(found.contains("enum-not-empty /definitions/Code/enum"), "\(found)")
        XCTAssertTrue(found.contains("ref-external /definitions/Other/$ref"), "\(found)")
    }
}

final class OutputBox: @unchecked Sendable {
    var output: StageOutput?
}
