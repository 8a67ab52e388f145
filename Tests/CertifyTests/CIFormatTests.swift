import Certification
import Foundation
import XCTest

@testable import Reports

/// `certify check --format github|azure`, and the verdict that follows `--fail-on`.
final class CIFormatTests: XCTestCase {
    /// A report with one finding of each severity; the error's message and file carry every
    /// character the formats must escape.
    func report() -> Report {
        let error = Finding(
            ruleId: "json-syntax", severity: .error, stage: "package", message: "100% wrong:\r\nsecond line, with; ]",
            file: "dir:a,b/apiDefinition.swagger.json", pointer: "/paths", line: 3, column: 7)
        let warning = Finding(
            ruleId: "description-sentence", severity: .warning, stage: "policy", message: "No period", file: "readme.md",
            line: 1, column: 1)
        let info = Finding(ruleId: "summary-length", severity: .info, stage: "policy", message: "Long")
        return Report(
            title: "t", toolVersion: "0",
            packages: [
                PackageReport(
                    name: "pkg.zip", verdict: .fail,
                    stages: [StageResult(name: "policy", status: .failed, durationMs: 1, findings: [info, warning, error])])
            ])
    }

    func testGitHubWorkflowCommandsEscapeAsTheToolkitDoes() {
        let lines = CIAnnotationRenderer.github(report()).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines,
            [
                // Errors first, then warnings, then infos (as notices).
                "::error file=dir%3Aa%2Cb/apiDefinition.swagger.json,line=3,col=7,title=json-syntax (error)::100%25 wrong:%0D%0Asecond line, with; ] (at /paths) [json-syntax]",
                "::warning file=readme.md,line=1,col=1,title=description-sentence (warning)::No period [description-sentence]",
                "::notice title=summary-length (info)::Long [summary-length]",
                "certify: 1 package, 1 failed: 1 error, 1 warning, 1 info",
            ])
    }

    func testAzureLoggingCommandsEscapeAsTheTaskLibraryDoes() {
        let lines = CIAnnotationRenderer.azure(report()).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines,
            [
                "##vso[task.logissue type=error;sourcepath=dir:a,b/apiDefinition.swagger.json;linenumber=3;columnnumber=7;code=json-syntax;]100%AZP25 wrong:%0D%0Asecond line, with; ] (at /paths) [json-syntax]",
                "##vso[task.logissue type=warning;sourcepath=readme.md;linenumber=1;columnnumber=1;code=description-sentence;]No period [description-sentence]",
                "info: pkg.zip: Long [summary-length]",
                "certify: 1 package, 1 failed: 1 error, 1 warning, 1 info",
            ])
        // A property value's ';' and ']' would end the property list or the command.
        XCTAssertEqual(CIAnnotationRenderer.azureProperty("a;b]c%"), "a%3Bb%5Dc%AZP25")
    }

    func testTheVerdictFollowsFailOnAndAgreesWithTheExitStatus() throws {
        // The clean fixture with one warning: GetForecast's description loses its period.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certify-warning-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: TestPaths.package("clean"), toPath: folder.path)
        defer { try? FileManager.default.removeItem(at: folder) }
        let swagger = folder.appendingPathComponent("apiDefinition.swagger.json")
        let text = try String(contentsOf: swagger, encoding: .utf8)
        try text.replacingOccurrences(of: "next days at a place.\"", with: "next days at a place\"")
            .write(to: swagger, atomically: true, encoding: .utf8)
        let byDefault = try CheckCommandTests.run(["check", folder.path])
        XCTAssertEqual(byDefault.status, 0)
        XCTAssertTrue(byDefault.stdout.hasPrefix("PASS "), byDefault.stdout)
        let strict = try CheckCommandTests.run(["check", folder.path, "--fail-on", "warning"])
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stdout.hasPrefix("FAIL "), "the verdict printed is the exit status's: \(strict.stdout)")
        let json = try CheckCommandTests.run(["check", folder.path, "--fail-on", "warning", "--format", "json"])
        XCTAssertTrue(json.stdout.contains("\"verdict\" : \"fail\"") || json.stdout.contains("\"verdict\":\"fail\""), json.stdout)
        let info = try CheckCommandTests.run(["check", folder.path, "--fail-on", "info", "--format", "github"])
        XCTAssertEqual(info.status, 1)
        XCTAssertTrue(info.stdout.hasPrefix("::warning file=\(folder.path)/apiDefinition.swagger.json,line=19,col=24,"), info.stdout)
        let never = try CheckCommandTests.run(["check", TestPaths.package("broken-json"), "--fail-on", "never"])
        XCTAssertEqual(never.status, 0)
        XCTAssertTrue(never.stdout.hasPrefix("FAIL "), "never keeps the exit status 0; the verdict still counts errors")
    }

    func testTheTitleIsTheConnectorsNameAndThePathIsAFact() throws {
        let path = TestPaths.package("clean")
        let text = try CheckCommandTests.run(["check", path])
        XCTAssertTrue(text.stdout.hasPrefix("PASS Contoso Weather (no findings)\n  Path: \(path)\n"), text.stdout)
        let markdown = try CheckCommandTests.run(["check", path, "--format", "markdown"])
        XCTAssertTrue(markdown.stdout.hasPrefix("# Contoso Weather\n"), markdown.stdout)
        // Machine formats keep the path: JSON's `path`, SARIF's locations.
        let json = try CheckCommandTests.run(["check", path, "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["packages"] as? [[String: Any]])?.first?["path"] as? String, path)
        // A package whose swagger has no title is named by its path.
        let broken = try CheckCommandTests.run(["check", TestPaths.package("broken-json")])
        XCTAssertTrue(broken.stdout.hasPrefix("FAIL \(TestPaths.package("broken-json")) ("), broken.stdout)
    }

    func testSeveralOutputsInOneRunAsFormatAndOutputPairs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certify-outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("a.json").path
        let sarif = directory.appendingPathComponent("b.sarif").path
        let run = try CheckCommandTests.run([
            "check", TestPaths.package("broken-json"), "--format", "json", "--output", json, "--format", "sarif", "--output", sarif,
        ])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.hasPrefix("FAIL "), "the verdict and totals on the terminal: \(run.stdout)")
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 2, run.stdout)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        XCTAssertNotNil(object?["packages"])
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any]
        XCTAssertEqual(log?["version"] as? String, "2.1.0")
        // One format may go to standard output; two cannot.
        let stdout = try CheckCommandTests.run([
            "check", TestPaths.package("clean"), "--format", "json", "--output", json, "--format", "github",
        ])
        XCTAssertTrue(stdout.stdout.hasPrefix("certify: 1 package"), stdout.stdout)
        let refused = try CheckCommandTests.run(["check", TestPaths.package("clean"), "--format", "json", "--format", "sarif"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("one --output per --format"), refused.stderr)
    }

    func testRecertifyExitsNonZeroWhenAConnectorRegressed() throws {
        // A certified connector with one warning; the stricter ruleset makes it an error.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("certify-regress-\(UUID().uuidString)")
        let catalogue = root.appendingPathComponent("catalogue")
        try FileManager.default.createDirectory(at: catalogue, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = catalogue.appendingPathComponent("contoso-weather")
        try FileManager.default.copyItem(atPath: TestPaths.package("clean"), toPath: folder.path)
        let swagger = folder.appendingPathComponent("apiDefinition.swagger.json")
        try String(contentsOf: swagger, encoding: .utf8).replacingOccurrences(of: "next days at a place.\"", with: "next days at a place\"")
            .write(to: swagger, atomically: true, encoding: .utf8)
        let ruleset = root.appendingPathComponent("stricter.yaml")
        try "rules:\n  description-sentence: error\n".write(to: ruleset, atomically: true, encoding: .utf8)
        let db = root.appendingPathComponent("certify.sqlite").path
        XCTAssertEqual(try CheckCommandTests.run(["import", catalogue.path, "--as-certified", "--db", db]).status, 0)
        let regressed = try CheckCommandTests.run(["recertify", "--db", db, "--ruleset", ruleset.path])
        XCTAssertEqual(regressed.status, 1, regressed.stderr)
        XCTAssertTrue(regressed.stderr.contains("1 connector(s) regressed (--fail-on regressed)"), regressed.stderr)
        XCTAssertTrue(regressed.stdout.contains("REGRESSED"), regressed.stdout)
        // The same regression in a second store, with --fail-on never: reported, exit status 0.
        let other = root.appendingPathComponent("other.sqlite").path
        XCTAssertEqual(try CheckCommandTests.run(["import", catalogue.path, "--as-certified", "--db", other]).status, 0)
        let never = try CheckCommandTests.run(["recertify", "--db", other, "--ruleset", ruleset.path, "--fail-on", "never"])
        XCTAssertEqual(never.status, 0, never.stderr)
        XCTAssertTrue(never.stdout.contains("REGRESSED"), never.stdout)
        let sarif = try CheckCommandTests.run(["recertify", "--db", db, "--format", "sarif"])
        XCTAssertEqual(sarif.status, 2, "a format the summary has not is refused")
    }
}
