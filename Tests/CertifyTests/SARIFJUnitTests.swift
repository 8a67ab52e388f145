import Certification
import Foundation
import JSONDocument
import JSONSchema
import StageCatalog
import XCTest

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Given two packages, one with errors, warnings, an operation finding and a hostile message, the
/// other with a skipped stage: the SARIF log is valid SARIF 2.1.0 that says where each finding is,
/// and the JUnit XML is well-formed with the right counts.
final class SARIFJUnitTests: XCTestCase {
    // MARK: - The report under test

    /// A control character (BEL), which XML 1.0 cannot carry, between characters it must escape.
    static let hostile = "Unexpected '}' <here> & \u{07}there"

    static let syntaxError = Finding(
        ruleId: "json-syntax", severity: .error, stage: "package", message: hostile,
        file: "apiDefinition.swagger.json", pointer: "/paths/~1forecast", line: 12, column: 5, signature: "}")
    static let duplicateKey = Finding(
        ruleId: "json-duplicate-key", severity: .warning, stage: "package", message: #"Key "publisher" appears twice."#,
        file: "apiProperties.json", pointer: "/properties/publisher", line: 3, signature: "publisher")
    static let byteOrderMark = Finding(
        ruleId: "json-byte-order-mark", severity: .info, stage: "package", message: "The file starts with a BOM.",
        file: "apiProperties.json")
    static let serverError = Finding(
        ruleId: "probe-server-error", severity: .error, stage: "probe", message: "GetForecast answered 500.",
        operation: "GetForecast", evidence: "GET https://api.contoso.example/v1/forecast\n-> 500 in 12 ms",
        signature: "500")
    /// A rule the catalogue does not know (an old stored run).
    static let retired = Finding(
        ruleId: "zz-retired-rule", severity: .info, stage: "package", message: "A rule that no longer exists.")

    static func makeReport() -> Report {
        let weather = PackageReport(
            name: "./Connectors/Contoso Weather/", verdict: .fail,
            stages: [
                StageResult(
                    name: "package", status: .failed, durationMs: 3.6,
                    findings: [duplicateKey, syntaxError, byteOrderMark]),
                StageResult(name: "schema", status: .passed, durationMs: 1.2, findings: []),
                StageResult(
                    name: "probe", status: .failed, durationMs: 120, summary: "1 called, 0 passed, 1 failed",
                    findings: [serverError]),
            ],
            facts: [.init("Submission", "42"), .init("Ruleset", "abc & <def>")])
        let broken = PackageReport(
            name: "/srv/connectors/Broken", verdict: .pass,
            stages: [
                StageResult(name: "package", status: .passed, durationMs: 2, findings: [retired]),
                StageResult(
                    name: "policy", status: .skipped, durationMs: 0,
                    skipReason: "apiDefinition.swagger.json is not \"valid\" JSON", findings: []),
            ])
        return Report(
            title: "certify check", generatedAt: Date(timeIntervalSince1970: 1_740_821_400), toolVersion: "0.1.0-test",
            packages: [weather, broken])
    }

    // MARK: - SARIF

    func sarifText() -> String { ReportRenderer.render(Self.makeReport(), as: .sarif) }

    func sarifRun() throws -> [String: Any] {
        let object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(sarifText().utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? String, "2.1.0")
        let runs = try XCTUnwrap(object["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        return runs[0]
    }

    func results(_ run: [String: Any]) throws -> [[String: Any]] {
        try XCTUnwrap(run["results"] as? [[String: Any]])
    }

    func result(_ run: [String: Any], _ ruleId: String) throws -> [String: Any] {
        try XCTUnwrap(results(run).first { $0["ruleId"] as? String == ruleId }, "no result for \(ruleId)")
    }

    func location(_ result: [String: Any]) throws -> [String: Any] {
        let locations = try XCTUnwrap(result["locations"] as? [[String: Any]])
        XCTAssertEqual(locations.count, 1)
        return locations[0]
    }

    func testSARIFDescribesTheToolAndTheRulesUsed() throws {
        let run = try sarifRun()
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "certify")
        XCTAssertEqual(driver["version"] as? String, "0.1.0-test")
        XCTAssertNotNil(driver["informationUri"] as? String)
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(
            rules.compactMap { $0["id"] as? String },
            ["json-byte-order-mark", "json-duplicate-key", "json-syntax", "probe-server-error", "zz-retired-rule"])

        let syntax = try XCTUnwrap(rules.first { $0["id"] as? String == "json-syntax" })
        let described = try XCTUnwrap(RuleCatalog.rule("json-syntax"))
        XCTAssertEqual(syntax["name"] as? String, "JsonSyntax")
        XCTAssertEqual((syntax["shortDescription"] as? [String: Any])?["text"] as? String, described.summary)
        XCTAssertNotNil((syntax["fullDescription"] as? [String: Any])?["text"] as? String)
        let help = try XCTUnwrap((syntax["help"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(help.contains(described.fix))
        XCTAssertTrue(help.contains(described.source))
        XCTAssertEqual(syntax["helpUri"] as? String, "https://certify.example/rules/json-syntax")
        XCTAssertEqual((syntax["defaultConfiguration"] as? [String: Any])?["level"] as? String, "error")

        let retired = try XCTUnwrap(rules.first { $0["id"] as? String == "zz-retired-rule" })
        XCTAssertEqual(Set(retired.keys), ["id", "helpUri"])

        let invocations = try XCTUnwrap(run["invocations"] as? [[String: Any]])
        XCTAssertEqual(invocations.first?["executionSuccessful"] as? Bool, true)
    }

    func testSARIFResultsPointAtTheirRulesWithLevelsAndFingerprints() throws {
        let run = try sarifRun()
        let rules = try XCTUnwrap(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let all = try results(run)
        XCTAssertEqual(all.count, 5)
        for result in all {
            let index = try XCTUnwrap(result["ruleIndex"] as? Int)
            XCTAssertEqual(rules[index]["id"] as? String, result["ruleId"] as? String)
        }
        let expected: [(Finding, String)] = [
            (Self.syntaxError, "error"), (Self.duplicateKey, "warning"), (Self.byteOrderMark, "note"),
            (Self.serverError, "error"), (Self.retired, "note"),
        ]
        for (finding, level) in expected {
            let result = try result(run, finding.ruleId)
            XCTAssertEqual(result["level"] as? String, level, finding.ruleId)
            XCTAssertEqual(result["partialFingerprints"] as? [String: String], ["certify/v1": finding.fingerprint])
            XCTAssertEqual((result["message"] as? [String: Any])?["text"] as? String, finding.message)
            XCTAssertEqual((result["properties"] as? [String: Any])?["stage"] as? String, finding.stage)
        }
    }

    func testSARIFLocationsHaveRegionsWhenTheLineIsKnown() throws {
        let run = try sarifRun()

        let syntax = try location(result(run, "json-syntax"))
        let physical = try XCTUnwrap(syntax["physicalLocation"] as? [String: Any])
        let artifact = try XCTUnwrap(physical["artifactLocation"] as? [String: Any])
        XCTAssertEqual(artifact["uri"] as? String, "Connectors/Contoso%20Weather/apiDefinition.swagger.json")
        XCTAssertEqual(artifact["uriBaseId"] as? String, "SRCROOT")
        let region = try XCTUnwrap(physical["region"] as? [String: Any])
        XCTAssertEqual(region["startLine"] as? Int, 12)
        XCTAssertEqual(region["startColumn"] as? Int, 5)
        let pointer = try XCTUnwrap((syntax["logicalLocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(pointer["fullyQualifiedName"] as? String, "/paths/~1forecast")
        XCTAssertEqual(pointer["name"] as? String, "/forecast")
        XCTAssertEqual(pointer["kind"] as? String, "value")

        let duplicate = try XCTUnwrap(location(result(run, "json-duplicate-key"))["physicalLocation"] as? [String: Any])
        XCTAssertEqual(duplicate["region"] as? [String: Int], ["startLine": 3])

        let bom = try XCTUnwrap(location(result(run, "json-byte-order-mark"))["physicalLocation"] as? [String: Any])
        XCTAssertNil(bom["region"])
        XCTAssertNil(try location(result(run, "json-byte-order-mark"))["logicalLocations"])

        let probe = try location(result(run, "probe-server-error"))
        let operation = try XCTUnwrap((probe["logicalLocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(operation["name"] as? String, "GetForecast")
        XCTAssertEqual(operation["kind"] as? String, "function")
        let packageOnly = try XCTUnwrap((probe["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])
        XCTAssertEqual(packageOnly["uri"] as? String, "Connectors/Contoso%20Weather")

        let absolute = try XCTUnwrap(
            (location(result(run, "zz-retired-rule"))["physicalLocation"] as? [String: Any])?["artifactLocation"]
                as? [String: Any])
        XCTAssertEqual(absolute["uri"] as? String, "file:///srv/connectors/Broken")
        XCTAssertNil(absolute["uriBaseId"])
    }

    func testSARIFEncodesPathsAsURIReferences() {
        let location = SARIFReportRenderer.artifactLocation(package: "C:Packs/a#b", file: "dir/ä ?.json")
        XCTAssertEqual(location.uri, "C%3APacks/a%23b/dir/%C3%A4%20%3F.json")
        XCTAssertEqual(SARIFReportRenderer.artifactLocation(package: ".", file: "x.json").uri, "x.json")
    }

    /// The schema next to the project, three levels up from this file (symbolic links resolved).
    static func sarifSchemaURL() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("../shared/conformance/sarif-schema-2.1.0.json").standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("The SARIF 2.1.0 schema is not at \(url.path)")
        }
        return url
    }

    func testSARIFValidatesAgainstTheSchema() throws {
        let schemaURL = try Self.sarifSchemaURL()
        let schemaDocument = try JSONDocument.parse(Array(try Data(contentsOf: schemaURL)))
        let schema = try CompiledSchema(schemaDocument.root)
        let instance = try JSONDocument.parse(text: sarifText())
        let errors = schema.validate(instance.root)
        XCTAssertEqual(errors.map(\.description), [])
    }

    /// An independent validator, so that a bug shared by our validator and our renderer shows.
    func testSARIFValidatesWithPythonJSONSchema() throws {
        let schemaURL = try Self.sarifSchemaURL()
        guard Self.run(["python3", "-c", "import jsonschema"]).status == 0 else {
            print("Skipping the Python check: python3 or its jsonschema module is missing.")
            throw XCTSkip("python3 or its jsonschema module is missing")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let instance = directory.appendingPathComponent("report.sarif")
        try Data(sarifText().utf8).write(to: instance)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            instance = json.load(open(sys.argv[2]))
            errors = list(jsonschema.Draft4Validator(schema).iter_errors(instance))
            for error in errors:
                print("/".join(map(str, error.absolute_path)), error.message)
            sys.exit(1 if errors else 0)
            """
        let outcome = Self.run(["python3", "-c", script, schemaURL.path, instance.path])
        XCTAssertEqual(outcome.status, 0, outcome.output)
    }

    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let outcome = runCommand(arguments)
        return (outcome.status, String(decoding: outcome.output, as: UTF8.self))
    }

    // MARK: - JUnit

    func junitText() -> String { ReportRenderer.render(Self.makeReport(), as: .junit) }

    func testJUnitDropsIllegalCharactersAndEscapesTheRest() {
        let text = junitText()
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
        XCTAssertTrue(text.contains("&lt;here&gt; &amp; there"))
        XCTAssertEqual(JUnitReportRenderer.attribute("a\"b'c\nd\u{0}"), "\"a&quot;b&apos;c&#10;d\"")
        XCTAssertEqual(JUnitReportRenderer.escape("x\u{1B}y\u{FFFE}\u{85}z\r"), "xyz&#13;")
    }

    #if canImport(FoundationXML) || os(macOS)
        func junitDocument() throws -> XMLDocument {
            try XMLDocument(data: Data(junitText().utf8), options: [])
        }

        func element(_ document: XMLDocument, _ path: String) throws -> XMLElement {
            try XCTUnwrap(try document.nodes(forXPath: path).first as? XMLElement, "nothing at \(path)")
        }

        func attributes(_ element: XMLElement, _ names: [String]) -> [String] {
            names.map { element.attribute(forName: $0)?.stringValue ?? "-" }
        }

        func testJUnitIsWellFormedWithTheCounts() throws {
            let document = try junitDocument()
            let counts = ["tests", "failures", "errors", "skipped"]
            let root = try element(document, "/testsuites")
            // One test case per stage and one per finding: 5 stages, 5 findings; the two errors fail.
            XCTAssertEqual(attributes(root, counts), ["10", "2", "0", "1"])
            XCTAssertEqual(root.attribute(forName: "time")?.stringValue, "0.127")

            let suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
            XCTAssertEqual(
                suites.map { $0.attribute(forName: "name")?.stringValue },
                [
                    "./Connectors/Contoso Weather/", "/srv/connectors/Broken",
                ])
            XCTAssertEqual(attributes(suites[0], counts + ["time"]), ["7", "2", "0", "0", "0.125"])
            XCTAssertEqual(attributes(suites[1], counts + ["time"]), ["3", "0", "0", "1", "0.002"])

            let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
            XCTAssertEqual(
                cases.map { attributes($0, ["classname", "name", "time"]) },
                [
                    ["./Connectors/Contoso Weather.package", "package", "0.004"],
                    // Errors first, each finding named by its rule and place.
                    [
                        "./Connectors/Contoso Weather.package", "json-syntax at apiDefinition.swagger.json:12:5 · /paths/~1forecast",
                        "0.000",
                    ],
                    [
                        "./Connectors/Contoso Weather.package", "json-duplicate-key at apiProperties.json:3 · /properties/publisher",
                        "0.000",
                    ],
                    ["./Connectors/Contoso Weather.package", "json-byte-order-mark at apiProperties.json", "0.000"],
                    ["./Connectors/Contoso Weather.schema", "schema", "0.001"],
                    ["./Connectors/Contoso Weather.probe", "probe", "0.120"],
                    // The probe stage's findings are named by operation.
                    ["./Connectors/Contoso Weather.probe", "probe-server-error on operation GetForecast", "0.000"],
                    ["/srv/connectors/Broken.package", "package", "0.002"],
                    ["/srv/connectors/Broken.package", "zz-retired-rule at the package", "0.000"],
                    ["/srv/connectors/Broken.policy", "policy", "0.000"],
                ])

            let property = try element(document, "/testsuites/testsuite[1]/properties/property[2]")
            XCTAssertEqual(attributes(property, ["name", "value"]), ["Ruleset", "abc & <def>"])
        }

        func testJUnitFailuresListTheErrorsAndSkipsGiveTheReason() throws {
            let document = try junitDocument()
            let failure = try element(document, "//testcase[starts-with(@name, 'json-syntax at ')]/failure")
            XCTAssertEqual(failure.attribute(forName: "message")?.stringValue, "Unexpected '}' <here> & there")
            XCTAssertEqual(failure.stringValue, "apiDefinition.swagger.json:12:5 json-syntax: Unexpected '}' <here> & there")
            // Warnings and infos pass, with the finding in system-out.
            let warning = try element(document, "//testcase[starts-with(@name, 'json-duplicate-key at ')]")
            XCTAssertEqual(try warning.nodes(forXPath: "failure").count, 0)
            XCTAssertEqual(
                try element(document, "//testcase[starts-with(@name, 'json-duplicate-key at ')]/system-out").stringValue,
                #"warning: apiProperties.json:3 json-duplicate-key: Key "publisher" appears twice."#)
            XCTAssertEqual(
                try element(document, "//testcase[starts-with(@name, 'json-byte-order-mark at ')]/system-out").stringValue,
                "info: apiProperties.json json-byte-order-mark: The file starts with a BOM.")
            // The package stage's own test case passes: its error is its own test case.
            XCTAssertEqual(try document.nodes(forXPath: "//testcase[@name='package'][1]/failure").count, 0)

            let probe = try element(document, "//testcase[@name='probe-server-error on operation GetForecast']/failure")
            XCTAssertEqual(probe.stringValue, "(package) probe-server-error: GetForecast answered 500. (operation GetForecast)")
            XCTAssertEqual(
                try element(document, "//testcase[@name='probe']/system-out").stringValue, "1 called, 0 passed, 1 failed")

            XCTAssertEqual(try document.nodes(forXPath: "//testcase[@name='schema']/*").count, 0)
            let skipped = try element(document, "//testcase[@name='policy']/skipped")
            XCTAssertEqual(skipped.attribute(forName: "message")?.stringValue, #"apiDefinition.swagger.json is not "valid" JSON"#)
            XCTAssertEqual(try document.nodes(forXPath: "//testcase[@name='policy']/failure").count, 0)
        }
    #else
        func testJUnitIsWellFormed() throws {
            throw XCTSkip("XMLDocument is not available on this platform")
        }
    #endif
}
