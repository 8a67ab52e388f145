import ConnectorPackage
import Foundation
import JSONDocument
import XCTest

@testable import Certification
@testable import SchemaConformance

/// The recorded walk (`OASWalkRecord`) that the schema rules share must call a visitor exactly
/// as the walker itself does: same kinds, same values, same paths, same order; and a replay
/// limited to objects with some key must be the whole replay filtered.
final class OASWalkRecordTests: XCTestCase {
    struct Visit: Equatable {
        var kind: OASKind
        var path: [String]
        var line: Int?
        var column: Int?
    }

    struct Collector: OASVisitor, OASNodeVisitor {
        var visits: [Visit] = []
        mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String]) {
            visits.append(Visit(kind: kind, path: path, line: value.position.line, column: value.position.column))
        }
        mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: OASNodePath) {
            visit(kind, value, at: path.tokens)
        }
    }

    func assertReplayMatchesWalk(_ root: JSONValue, _ name: String) {
        let record = OASWalkRecord(root)
        for extensionSchemas in [false, true] {
            var walked = Collector()
            OASWalker(extensionSchemas: extensionSchemas).walk(root, &walked)
            var replayed = Collector()
            record.replay(&replayed, extensionSchemas: extensionSchemas)
            XCTAssertEqual(walked.visits.count, replayed.visits.count, "\(name), extensionSchemas \(extensionSchemas)")
            if let index = walked.visits.indices.first(where: { $0 < replayed.visits.count && walked.visits[$0] != replayed.visits[$0] }) {
                XCTFail("\(name): visit \(index) differs: walked \(walked.visits[index]), replayed \(replayed.visits[index])")
            }
            if extensionSchemas {
                // Every node's path computed from its parents is the path the walk gave it.
                for index in record.nodes.indices where record.path(of: index) != walked.visits[index].path {
                    XCTFail("\(name): path of node \(index) is \(record.path(of: index)), walked \(walked.visits[index].path)")
                    break
                }
                // A replay of the objects with "$ref" or "default" is the whole walk filtered.
                let keys: OASKeySet = [.ref, .default]
                var some = Collector()
                record.replay(&some, where: { !$0.isDisjoint(with: keys) })
                let expected = zip(walked.visits, record.nodes).filter { visit, node in
                    guard let object = node.value.object else { return false }
                    return object["$ref"] != nil || object["default"] != nil
                }.map(\.0)
                XCTAssertEqual(some.visits, expected, name)
            }
        }
    }

    func testReplayOfExamplesWithNotificationSchemasAndNesting() throws {
        let text = ##"""
            {"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"},
             "paths": {"/hooks": {"x-ms-notification-content": {"schema": {"$ref": "#/definitions/A"}},
               "post": {"x-ms-notification-content": {"description": "d", "schema": {"type": "object", "properties": {"id": {"type": "string", "default": 1}}}},
                        "parameters": [{"name": "body", "in": "body", "schema": {"type": "array", "items": [{"$ref": "#/definitions/A"}, {"type": "string"}]}}],
                        "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/A"}, "headers": {"X-A": {"type": "array", "items": {"type": "integer", "default": "x"}}}}}}}},
             "definitions": {"A": {"allOf": [{"$ref": "#/definitions/B"}], "additionalProperties": {"type": "string"}}, "B": {"type": "object"}},
             "parameters": {"p": {"name": "p", "in": "query", "type": "string", "default": 3}},
             "x-ms-notification-content": {"schema": {"type": "string"}}}
            """##
        let root = try JSONDocument.parse(Array(text.utf8)).root
        assertReplayMatchesWalk(root, "example")
        let record = OASWalkRecord(root)
        // The notification schemas of the path item and of the operation, and the property, are in
        // the record, marked as inside the extension; nothing else is (not the root's).
        let inside = record.nodes.indices.filter { record.nodes[$0].inExtension }.map { record.path(of: $0).joined(separator: "/") }
        XCTAssertEqual(
            inside,
            [
                "paths//hooks/post/x-ms-notification-content/schema", "paths//hooks/post/x-ms-notification-content/schema/properties/id",
                "paths//hooks/x-ms-notification-content/schema",
            ])
    }

    func testReplayMatchesWalkOverTheCorpus() throws {
        let corpus = try TestPaths.requireCorpus()
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted() where !name.hasPrefix(".") {
            let folder = corpus.appendingPathComponent(name)
            guard let package = try? PackageLoader().load(path: folder.path), let swagger = package.file(.swagger),
                let document = try? JSONDocument.parse(swagger.bytes)
            else { continue }
            assertReplayMatchesWalk(document.root, name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 600, "the corpus has 608 parseable swaggers")
    }
}
