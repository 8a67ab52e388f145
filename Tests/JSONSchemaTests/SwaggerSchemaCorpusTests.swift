import Foundation
import JSONDocument
import JSONSchema
import XCTest

/// The official Swagger 2.0 JSON Schema (draft-04) over every certified connector's swagger,
/// with Python's `jsonschema` (4.26, Draft4Validator, same schema) as the oracle.
final class SwaggerSchemaCorpusTests: XCTestCase {
    static let shared = OfficialSuite.packageRoot.appendingPathComponent("../shared").standardized
    static let schemaURL = shared.appendingPathComponent("conformance/swagger-2.0.schema.json")
    static let corpusURL = shared.appendingPathComponent("corpus/certified")

    /// The connectors whose swagger python-jsonschema's Draft4Validator rejects with this
    /// schema (with or without its FormatChecker: it checks neither `uri` without the rfc3987
    /// package nor more of `email` than an "@"). Ours must reject exactly these, checking
    /// formats (no corpus swagger has a bad `uri` or `email`, so the verdicts are the same
    /// with `formatAssertion: false`).
    static let invalidPerPython: Set<String> = [
        "Aletheia", "AzureIoTCentral", "HouseRaterQA", "JotForm Enterprise", "MoreApp Forms", "PDF4me",
        "PDF4me Connect", "Peakboard", "Power Textor", "USB4SAP", "tyntec-SMS", "tyntec-Viber", "tyntec-WA",
    ]

    func loadSchema() throws -> JSONValue {
        guard FileManager.default.fileExists(atPath: Self.schemaURL.path) else {
            throw XCTSkip("The Swagger 2.0 schema is not at \(Self.schemaURL.path) (it lives in ../shared, in the development setup only).")
        }
        return try OfficialSuite.loadJSON(Self.schemaURL)
    }

    func testTheSwaggerSchemaIsAValidDraft4Schema() throws {
        let schema = try loadSchema()
        XCTAssertEqual(CompiledSchema.draft4MetaSchema.validate(schema), [])
        XCTAssertNoThrow(try CompiledSchema(schema))
    }

    func testCorpusVerdictsMatchPythonJSONSchema() throws {
        let schemaValue = try loadSchema()
        guard FileManager.default.fileExists(atPath: Self.corpusURL.path) else {
            throw XCTSkip("The connector corpus is not at \(Self.corpusURL.path).")
        }
        let withFormats = try CompiledSchema(schemaValue)

        var files = 0
        var unparseable = 0
        var parsed = 0
        var invalid: Set<String> = []
        var errorCount = 0
        let start = Date()
        for folder in try FileManager.default.contentsOfDirectory(atPath: Self.corpusURL.path).sorted() {
            let folderURL = Self.corpusURL.appendingPathComponent(folder)
            // One connector spells it apidefinition.swagger.json.
            guard
                let name = (try? FileManager.default.contentsOfDirectory(atPath: folderURL.path))?
                    .first(where: { $0.lowercased() == "apidefinition.swagger.json" })
            else { continue }
            files += 1
            let bytes = Array(try Data(contentsOf: folderURL.appendingPathComponent(name)))
            guard let document = try? JSONDocument.parse(bytes) else {
                unparseable += 1
                continue
            }
            parsed += 1
            let errors = withFormats.validate(document.root)
            let valid = withFormats.isValid(document.root)
            XCTAssertEqual(valid, errors.isEmpty, "\(folder): isValid and validate disagree")
            if !valid { invalid.insert(folder) }
            errorCount += errors.count
            for error in errors {
                // Every error points at something that exists in the swagger.
                XCTAssertNotNil(document.root.value(at: error.instancePointer.parent ?? .root), "\(folder): \(error)")
            }
        }
        print(
            "SwaggerSchemaCorpusTests: \(files) swaggers, \(parsed) parsed, \(unparseable) not JSON; \(invalid.count) invalid (\(errorCount) errors) in \(String(format: "%.2f", Date().timeIntervalSince(start)))s"
        )
        XCTAssertEqual(files, 619)
        XCTAssertEqual(unparseable, 11)
        XCTAssertEqual(invalid.subtracting(Self.invalidPerPython).sorted(), [], "rejected by us only")
        XCTAssertEqual(Self.invalidPerPython.subtracting(invalid).sorted(), [], "rejected by Python only")
    }

    /// Every definition and every inline response schema of every parseable corpus swagger
    /// compiles in the swagger2 dialect, as the probing stage will compile them.
    func testEveryCorpusSchemaCompilesInTheSwaggerDialect() throws {
        guard FileManager.default.fileExists(atPath: Self.corpusURL.path) else {
            throw XCTSkip("The connector corpus is not at \(Self.corpusURL.path).")
        }
        var compiled = 0
        var warnings = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: Self.corpusURL.path).sorted() {
            let folderURL = Self.corpusURL.appendingPathComponent(folder)
            guard
                let name = (try? FileManager.default.contentsOfDirectory(atPath: folderURL.path))?
                    .first(where: { $0.lowercased() == "apidefinition.swagger.json" }),
                let root = try? OfficialSuite.loadJSON(folderURL.appendingPathComponent(name))
            else { continue }
            var pointers = (root["definitions"]?.object?.members ?? []).map { JSONPointer(tokens: ["definitions", $0.key]) }
            // Response schemas that are not just a $ref to a definition (those compile above).
            for path in root["paths"]?.object?.members ?? [] {
                for operation in path.value.object?.members ?? [] {
                    for response in operation.value["responses"]?.object?.members ?? [] {
                        guard let schema = response.value["schema"]?.object, schema["$ref"] == nil else { continue }
                        pointers.append(JSONPointer(tokens: ["paths", path.key, operation.key, "responses", response.key, "schema"]))
                    }
                }
            }
            for pointer in pointers {
                do {
                    warnings += try CompiledSchema(root: root, pointer: pointer, dialect: .swagger2).warnings.count
                    compiled += 1
                } catch {
                    XCTFail("\(folder): \(error)")
                }
            }
        }
        print("SwaggerSchemaCorpusTests: \(compiled) definitions and response schemas compiled (swagger2), \(warnings) warnings")
        XCTAssertGreaterThan(compiled, 10_000)
    }

    func testCorpusErrorsReadWell() throws {
        let schema = try CompiledSchema(try loadSchema())
        func errors(_ folder: String) throws -> [String] {
            let url = Self.corpusURL.appendingPathComponent(folder).appendingPathComponent("apiDefinition.swagger.json")
            guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("no corpus") }
            return schema.validate(try OfficialSuite.loadJSON(url)).map(\.description)
        }
        XCTAssertEqual(
            try errors("USB4SAP"),
            [
                "/basepath: property 'basepath' is not allowed (additionalProperties is false); did you mean 'basePath'? (schema #/additionalProperties)"
            ])
        XCTAssertEqual(
            try errors("JotForm Enterprise"),
            [
                #"/host: '{{replace_with_your_domain}}' does not match the pattern '^[^{}/ :\\]+(?::\d+)?$' (schema #/properties/host/pattern)"#
            ])
        XCTAssertEqual(
            try errors("AzureIoTCentral"),
            [
                "/paths/~1api~1preview~1_internal~1workflow~1schema~1WebhookActionBody/get/responses: must not match the schema in 'not' (schema #/definitions/responses/not)",
                "/paths/~1api~1preview~1_internal~1workflow~1schema~1WebhookActionBody/get/responses: must have at least 1 property, found 0 (schema #/definitions/responses/minProperties)",
            ])
    }
}
