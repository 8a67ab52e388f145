import Certification
import ContentPolicy
import Foundation
import JSONDocument
import XCTest

/// Given the last certified swagger and a new one, this breaking change, at this pointer.
final class BreakingChangesTests: XCTestCase {
    /// The last certified revision: three operations, a shared parameter, a recursive definition.
    static let base = #"""
        {
          "swagger": "2.0",
          "info": {"title": "Tasks", "version": "1.0"},
          "host": "tasks.example",
          "basePath": "/",
          "schemes": ["https"],
          "paths": {
            "/tasks/{id}": {
              "get": {
                "operationId": "GetTask",
                "parameters": [
                  {"name": "id", "in": "path", "required": true, "type": "string"},
                  {"name": "X-Format", "in": "header", "required": false, "type": "string"}
                ],
                "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Task"}}}
              },
              "delete": {
                "operationId": "DeleteTask",
                "parameters": [{"$ref": "#/parameters/TaskId"}],
                "responses": {"204": {"description": "Deleted"}}
              }
            },
            "/tasks": {
              "post": {
                "operationId": "CreateTask",
                "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/NewTask"}}],
                "responses": {"201": {"description": "Created", "schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}
              }
            }
          },
          "parameters": {"TaskId": {"name": "id", "in": "path", "required": true, "type": "string"}},
          "definitions": {
            "Task": {
              "type": "object",
              "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "dueDate": {"type": "string", "format": "date"},
                "priority": {"type": "integer"},
                "status": {"type": "string", "enum": ["open", "done", "archived"]},
                "parent": {"$ref": "#/definitions/Task"},
                "tags": {"type": "array", "items": {"type": "string"}}
              }
            },
            "NewTask": {
              "type": "object",
              "required": ["title"],
              "properties": {
                "title": {"type": "string"},
                "dueDate": {"type": "string"},
                "status": {"type": "string", "enum": ["open", "done"]}
              }
            }
          },
          "securityDefinitions": {"api_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}
        }
        """#

    /// The base swagger with each `(old, new)` text replaced; each old text must occur exactly once.
    func revised(_ replacements: [(String, String)], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var text = Self.base
        for (old, new) in replacements {
            XCTAssertEqual(text.components(separatedBy: old).count, 2, "'\(old)' must occur once", file: file, line: line)
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    func compare(_ newText: String, old oldText: String = base) throws -> [Finding] {
        BreakingChanges.compare(
            old: try JSONDocument.parse(text: oldText), new: try JSONDocument.parse(text: newText),
            newFile: "apiDefinition.swagger.json", oldProperties: nil, newProperties: nil, newPropertiesFile: nil)
    }

    /// Exactly one finding, of `rule`, at `pointer`, with its line; returns it for more checks.
    @discardableResult
    func assertOnly(
        _ findings: [Finding], _ rule: String, at pointer: String, file: StaticString = #filePath, line: UInt = #line
    ) -> Finding? {
        XCTAssertEqual(findings.map(\.ruleId), [rule], findings.map(\.message).joined(separator: "\n"), file: file, line: line)
        guard let finding = findings.first, findings.count == 1 else { return nil }
        XCTAssertEqual(finding.pointer, pointer, file: file, line: line)
        XCTAssertEqual(finding.file, "apiDefinition.swagger.json", file: file, line: line)
        XCTAssertNotNil(finding.line, file: file, line: line)
        XCTAssertEqual(finding.stage, "policy", file: file, line: line)
        return finding
    }

    func testAnUnchangedSwaggerBreaksNothing() throws {
        XCTAssertEqual(try compare(Self.base).map(\.message), [])
    }

    func testAddingOptionalThingsBreaksNothing() throws {
        let findings = try compare(
            try revised([
                (
                    #""tags": {"type": "array", "items": {"type": "string"}}"#,
                    #""tags": {"type": "array", "items": {"type": "string"}}, "url": {"type": "string"}"#
                ),
                (#""enum": ["open", "done"]"#, #""enum": ["open", "done", "blocked"]"#),
                (
                    #"{"name": "X-Format", "in": "header", "required": false, "type": "string"}"#,
                    #"{"name": "X-Format", "in": "header", "required": false, "type": "string"}, {"name": "verbose", "in": "query", "type": "boolean"}, {"name": "api-version", "in": "query", "required": true, "type": "string", "default": "2", "x-ms-visibility": "internal"}"#
                ),
            ]))
        XCTAssertEqual(findings.map(\.message), [])
    }

    func testOperationRemoved() throws {
        let findings = try compare(
            try revised([
                (#""delete": {"#, #""x-delete": {"#)
            ]))
        let finding = assertOnly(findings, "breaking-operation-removed", at: "/paths/~1tasks~1{id}")
        XCTAssertEqual(finding?.severity, .error)
        XCTAssertEqual(finding?.operation, "DeleteTask")
        XCTAssertTrue(finding?.message.contains("'DeleteTask' (DELETE /tasks/{id}) was removed") == true, finding?.message ?? "")
    }

    func testRenamedOperationIdIsARemoval() throws {
        let findings = try compare(try revised([(#""operationId": "DeleteTask""#, #""operationId": "RemoveTask""#)]))
        let finding = assertOnly(findings, "breaking-operation-removed", at: "/paths/~1tasks~1{id}/delete")
        XCTAssertTrue(finding?.message.contains("now has operationId 'RemoveTask'") == true, finding?.message ?? "")
    }

    func testOperationMadeInternal() throws {
        let findings = try compare(
            try revised([
                (#""operationId": "GetTask","#, #""operationId": "GetTask", "x-ms-visibility": "internal","#)
            ]))
        assertOnly(findings, "breaking-operation-internal", at: "/paths/~1tasks~1{id}/get/x-ms-visibility")
    }

    func testPathChanged() throws {
        let findings = try compare(try revised([(#""/tasks": {"#, #""/tasks/new": {"#)]))
        let finding = assertOnly(findings, "breaking-path-or-method-changed", at: "/paths/~1tasks~1new/post")
        XCTAssertTrue(finding?.message.contains("from POST /tasks to POST /tasks/new") == true, finding?.message ?? "")
    }

    func testMethodChanged() throws {
        let findings = try compare(try revised([(#""post": {"#, #""put": {"#)]))
        assertOnly(findings, "breaking-path-or-method-changed", at: "/paths/~1tasks/put")
    }

    func testParameterLocationChanged() throws {
        let findings = try compare(try revised([(#""in": "header", "required": false"#, #""in": "query", "required": false"#)]))
        let finding = assertOnly(findings, "breaking-parameter-location-changed", at: "/paths/~1tasks~1{id}/get/parameters/1/in")
        XCTAssertTrue(finding?.message.contains("from header to query") == true, finding?.message ?? "")
    }

    func testRequiredParameterAdded() throws {
        let findings = try compare(
            try revised([
                (
                    #"{"name": "X-Format", "in": "header", "required": false, "type": "string"}"#,
                    #"{"name": "X-Format", "in": "header", "required": false, "type": "string"}, {"name": "project", "in": "query", "required": true, "type": "string"}"#
                )
            ]))
        let finding = assertOnly(findings, "breaking-required-input-added", at: "/paths/~1tasks~1{id}/get/parameters/2")
        XCTAssertTrue(finding?.message.contains("new required query parameter 'project'") == true, finding?.message ?? "")
    }

    func testOptionalParameterMadeRequired() throws {
        let findings = try compare(try revised([(#""in": "header", "required": false"#, #""in": "header", "required": true"#)]))
        assertOnly(findings, "breaking-required-input-added", at: "/paths/~1tasks~1{id}/get/parameters/1/required")
    }

    func testRequiredBodyPropertyAdded() throws {
        let findings = try compare(try revised([(#""required": ["title"]"#, #""required": ["title", "dueDate"]"#)]))
        let finding = assertOnly(findings, "breaking-required-input-added", at: "/definitions/NewTask/properties/dueDate")
        XCTAssertTrue(
            finding?.message
                == "Property 'dueDate' of the body of 'CreateTask' is now required; it was optional in the last certified revision.",
            finding?.message ?? "")
    }

    func testOutputPropertyRemoved() throws {
        let findings = try compare(try revised([(#""dueDate": {"type": "string", "format": "date"},"#, "")]))
        let finding = assertOnly(findings, "breaking-output-property-removed", at: "/definitions/Task/properties")
        XCTAssertTrue(
            finding?.message.hasPrefix(
                "Property 'dueDate' of the 200 response of 'GetTask' was removed (it was in the last certified revision)")
                == true, finding?.message ?? "")
    }

    func testOutputSchemaRemoved() throws {
        let findings = try compare(try revised([(##""schema": {"$ref": "#/definitions/Task"}"##, #""x-schema": {}"#)]))
        assertOnly(findings, "breaking-output-property-removed", at: "/paths/~1tasks~1{id}/get/responses/200")
    }

    func testTypeChanged() throws {
        let findings = try compare(try revised([(#""priority": {"type": "integer"}"#, #""priority": {"type": "string"}"#)]))
        let finding = assertOnly(findings, "breaking-type-changed", at: "/definitions/Task/properties/priority/type")
        XCTAssertEqual(finding?.message, "The type of property 'priority' of the 200 response of 'GetTask' changed from integer to string.")
    }

    func testArrayItemTypeChanged() throws {
        let findings = try compare(try revised([(#""items": {"type": "string"}"#, #""items": {"type": "object"}"#)]))
        assertOnly(findings, "breaking-type-changed", at: "/definitions/Task/properties/tags/items/type")
    }

    func testEnumValuesRemoved() throws {
        let findings = try compare(try revised([(#"["open", "done", "archived"]"#, #"["open", "done"]"#)]))
        let finding = assertOnly(findings, "breaking-enum-values-removed", at: "/definitions/Task/properties/status/enum")
        XCTAssertTrue(finding?.message.contains("\"archived\"") == true, finding?.message ?? "")
    }

    func testInputEnumValuesRemoved() throws {
        let findings = try compare(try revised([(#""enum": ["open", "done"]"#, #""enum": ["open"]"#)]))
        assertOnly(findings, "breaking-enum-values-removed", at: "/definitions/NewTask/properties/status/enum")
    }

    func testAuthTypeChanged() throws {
        let findings = try compare(
            try revised([
                (
                    #"{"api_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}"#,
                    #"{"oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://tasks.example/authorize", "tokenUrl": "https://tasks.example/token", "scopes": {}}}"#
                )
            ]))
        let finding = assertOnly(findings, "breaking-auth-type-changed", at: "/securityDefinitions")
        XCTAssertEqual(finding?.severity, .error)
        XCTAssertTrue(finding?.message.contains("from apiKey to oauth2 (accessCode)") == true, finding?.message ?? "")
    }

    func testIdentityProviderChanged() throws {
        func properties(_ provider: String) -> String {
            #"{"properties": {"connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": {"identityProvider": "\#(provider)", "clientId": "x", "scopes": []}}}}}"#
        }
        let swagger = try JSONDocument.parse(text: Self.base)
        let findings = BreakingChanges.compare(
            old: swagger, new: swagger, newFile: "apiDefinition.swagger.json",
            oldProperties: try JSONDocument.parse(text: properties("aad")),
            newProperties: try JSONDocument.parse(text: properties("oauth2generic")), newPropertiesFile: "apiProperties.json")
        XCTAssertEqual(findings.map(\.ruleId), ["breaking-auth-type-changed"])
        XCTAssertEqual(findings.first?.file, "apiProperties.json")
        XCTAssertEqual(findings.first?.pointer, "/properties/connectionParameters/token/oAuthSettings/identityProvider")
        XCTAssertEqual(findings.first?.severity, .error)
        let unchanged = BreakingChanges.compare(
            old: swagger, new: swagger, newFile: "apiDefinition.swagger.json",
            oldProperties: try JSONDocument.parse(text: properties("aad")),
            newProperties: try JSONDocument.parse(text: properties("AAD")), newPropertiesFile: "apiProperties.json")
        XCTAssertEqual(unchanged.map(\.message), [])
    }

    /// The same break, written on other lines, keeps its fingerprint; the line moves.
    func testFingerprintIgnoresLines() throws {
        let change = (#""priority": {"type": "integer"}"#, #""priority": {"type": "string"}"#)
        let first = try compare(try revised([change]))
        let moved = try compare("\n\n\n" + (try revised([change])))
        XCTAssertEqual(first.map(\.fingerprint), moved.map(\.fingerprint))
        XCTAssertEqual(first.first.flatMap(\.line).map { $0 + 3 }, moved.first?.line)
    }

    /// A reviewer may accept a breaking change the publisher confirmed, as Microsoft's reviewers
    /// do; never a changed authentication type, and no other error.
    func testBreakingErrorsAreTheOnlyAcceptableErrors() throws {
        let removed = try XCTUnwrap(try compare(try revised([(#""delete": {"#, #""x-delete": {"#)])).first)
        XCTAssertEqual(removed.severity, .error)
        XCTAssertTrue(removed.isAcceptable)
        let auth = Finding(ruleId: "breaking-auth-type-changed", severity: .error, stage: "policy", message: "m")
        XCTAssertFalse(auth.isAcceptable)
        let other = Finding(ruleId: "json-syntax", severity: .error, stage: "package", message: "m")
        XCTAssertFalse(other.isAcceptable)
        XCTAssertTrue(Finding(ruleId: "json-syntax", severity: .warning, stage: "package", message: "m").isAcceptable)
    }

    func testOneRulePerKind() {
        XCTAssertEqual(
            BreakingChanges.rules.map(\.id),
            [
                "breaking-operation-removed", "breaking-operation-internal", "breaking-path-or-method-changed",
                "breaking-parameter-location-changed", "breaking-required-input-added", "breaking-output-property-removed",
                "breaking-type-changed", "breaking-enum-values-removed", "breaking-auth-type-changed",
            ])
        for rule in BreakingChanges.rules {
            // Errors, as Microsoft's Breaking Change Detector prints them (##[error]).
            XCTAssertEqual(rule.severity, .error, rule.id)
            XCTAssertEqual(rule.stage, "policy")
            XCTAssertFalse(rule.summary.isEmpty || rule.source.isEmpty || rule.fix.isEmpty, rule.id)
        }
    }

    /// Every certified connector compared with itself: nothing breaks, nothing crashes.
    func testCorpusComparedWithItselfBreaksNothing() throws {
        let corpus = try TestPaths.requireCorpus()
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        var compared = 0
        var elapsed = Duration.zero
        var slowest = (folder: "", time: Duration.zero)
        let clock = ContinuousClock()
        for folder in folders {
            let base = corpus.appendingPathComponent(folder)
            guard let swaggerData = try? Data(contentsOf: base.appendingPathComponent("apiDefinition.swagger.json")),
                let swagger = try? JSONDocument.parse([UInt8](swaggerData))
            else { continue }
            let properties = (try? Data(contentsOf: base.appendingPathComponent("apiProperties.json")))
                .flatMap { try? JSONDocument.parse([UInt8]($0)) }
            var findings: [Finding] = []
            let time = clock.measure {
                findings = BreakingChanges.compare(
                    old: swagger, new: swagger, newFile: "apiDefinition.swagger.json", oldProperties: properties,
                    newProperties: properties, newPropertiesFile: "apiProperties.json")
            }
            XCTAssertEqual(findings.map(\.message), [], folder)
            compared += 1
            elapsed += time
            if time > slowest.time { slowest = (folder, time) }
        }
        XCTAssertGreaterThan(compared, 500)
        print(
            "BreakingChanges: compared \(compared) corpus swaggers with themselves in \(elapsed) (slowest: \(slowest.folder), \(slowest.time))"
        )
    }
}
