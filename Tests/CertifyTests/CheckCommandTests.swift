import Foundation
import XCTest

/// `certify check` as a user runs it: the built binary, its output and its exit status.
final class CheckCommandTests: XCTestCase {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        // swift test builds the executable beside the test bundle.
        Bundle.main.bundleURL.appendingPathComponent("certify")
    }

    func certify(_ arguments: [String]) throws -> Outcome { try Self.run(arguments) }

    static func run(_ arguments: [String]) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("the certify binary is not at \(binary.path); build it with 'swift build' first")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A probe budget that is not a number of seconds in range is a usage error (2), never a trap
    /// when it becomes a Duration.
    func testProbeBudgetOutOfRangeIsAUsageError() throws {
        for value in ["nan", "inf", "1e300", "0", "-5"] {
            let outcome = try certify(["check", TestPaths.package("clean"), "--probe-budget", value])
            XCTAssertEqual(outcome.status, 2, "\(value): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("--probe-budget"), outcome.stderr)
        }
        XCTAssertEqual(try certify(["check", TestPaths.package("clean"), "--probe-budget", "60"]).status, 0)
    }

    func testCleanPackagePassesWithStatus0() throws {
        let outcome = try certify(["check", TestPaths.package("clean")])
        XCTAssertEqual(outcome.status, 0, outcome.stdout + outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("PASS"))
    }

    func testBrokenPackageFailsWithStatus1AndThePosition() throws {
        let outcome = try certify(["check", TestPaths.package("broken-json")])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stdout.contains("apiDefinition.swagger.json:11:23: error:"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("[json-syntax]"))
    }

    func testFailOnChangesTheThreshold() throws {
        let warningOnly = TestPaths.package("duplicate-keys")
        XCTAssertEqual(try certify(["check", warningOnly]).status, 0)
        XCTAssertEqual(try certify(["check", warningOnly, "--fail-on", "warning"]).status, 1)
        XCTAssertEqual(try certify(["check", TestPaths.package("broken-json"), "--fail-on", "never"]).status, 0)
    }

    func testUsageErrorsAndUnreadablePathsExit2WithOneLine() throws {
        for arguments in [
            ["check", "/nonexistent/connector"],
            ["check"],
            ["check", TestPaths.package("clean"), "--format", "yaml"],
            ["check", TestPaths.package("clean"), "--fail-on", "sometimes"],
            ["check", "--corpus", "/nonexistent/folder"],
        ] {
            let outcome = try certify(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            let lines = outcome.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.hasPrefix("certify: "), outcome.stderr)
        }
    }

    func testJSONFormatFollowsTheContract() throws {
        let outcome = try certify([
            "check", TestPaths.package("broken-json"), TestPaths.package("clean"), "--format", "json",
        ])
        XCTAssertEqual(outcome.status, 1)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        XCTAssertNotNil(root["summary"] as? [String: Any])
        let packages = try XCTUnwrap(root["packages"] as? [[String: Any]])
        XCTAssertEqual(packages.map { $0["verdict"] as? String }, ["fail", "pass"])
        XCTAssertEqual(packages[0]["path"] as? String, TestPaths.package("broken-json"))
        let stage = try XCTUnwrap((packages[0]["stages"] as? [[String: Any]])?.first)
        XCTAssertEqual(stage["name"] as? String, "package")
        XCTAssertEqual(stage["status"] as? String, "failed")
        XCTAssertNotNil(stage["durationMs"] as? Double)
        let finding = try XCTUnwrap((packages[0]["findings"] as? [[String: Any]])?.first)
        XCTAssertEqual(finding["ruleId"] as? String, "json-syntax")
        XCTAssertEqual(finding["severity"] as? String, "error")
        XCTAssertEqual(finding["stage"] as? String, "package")
        XCTAssertEqual(finding["file"] as? String, "apiDefinition.swagger.json")
        XCTAssertEqual(finding["line"] as? Int, 11)
        XCTAssertEqual(finding["column"] as? Int, 23)
        XCTAssertEqual((finding["fingerprint"] as? String)?.count, 24)
    }

    func testOutputFileAndZipInput() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("certify-\(UUID()).md").path
        let outcome = try certify(["check", TestPaths.zip("traversal.zip"), "--format", "markdown", "--output", output])
        XCTAssertEqual(outcome.status, 1)
        // The report is in the file; the terminal gets only the verdict and the totals.
        XCTAssertEqual(
            outcome.stdout,
            "FAIL \(TestPaths.zip("traversal.zip")) (1 error, 0 warnings, 0 infos)\n1 package: 0 passed, 1 failed (1 error, 0 warnings)\n")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertTrue(text.contains("package-refused"), text)
    }

    /// The whole corpus: no crash, and exactly the files known not to be JSON are flagged as such.
    func testCorpusFlagsExactlyTheBrokenFiles() throws {
        let corpus = try TestPaths.requireCorpus()
        let outcome = try certify(["check", "--corpus", corpus.path, "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let packages = try XCTUnwrap(root["packages"] as? [[String: Any]])
        XCTAssertEqual(packages.count, 619)
        var flagged: [String: Set<String>] = [:]
        for package in packages {
            let name = URL(fileURLWithPath: package["path"] as! String).lastPathComponent
            for finding in package["findings"] as? [[String: Any]] ?? [] {
                guard let rule = finding["ruleId"] as? String, rule == "json-syntax" || rule == "json-trailing-comma" else { continue }
                flagged[rule, default: []].insert(
                    "\(name)/\(finding["file"] as! String):\(finding["line"] as! Int):\(finding["column"] as! Int)")
            }
        }
        // Positions as Python's json module reports them (the corpus README lists these files).
        XCTAssertEqual(
            flagged["json-syntax"],
            [
                "CognitiveServicesTextAnalytics/apiDefinition.swagger.json:276:6",
                "Easyvista_Service._Manager/apiDefinition.swagger.json:3819:47",
                "IN-D Invoice Data Capture/apiDefinition.swagger.json:51:13",
                "ZohoSign/apiDefinition.swagger.json:14:1",
                "Shopranos/apiProperties.json:22:4",
                "SigningHub/apiProperties.json:24:13",
                "gofileroom/apiProperties.json:91:1",
            ])
        // The seven swaggers whose only fault is trailing commas are read, and each comma is
        // reported where it is (Python reports the bracket after the first), envoy's fourteen too.
        let envoy = [
            "2197:58", "2201:56", "2712:56", "2716:54", "3494:56", "3498:54", "4004:56", "4008:54", "4341:56", "4345:54",
            "4639:48", "4643:46", "4977:48", "4981:46",
        ].map { "envoy/apiDefinition.swagger.json:\($0)" }
        XCTAssertEqual(
            flagged["json-trailing-comma"],
            Set(
                [
                    "Cireson Service Manager Portal/apiDefinition.swagger.json:53:45",
                    "DocuMotor/apiDefinition.swagger.json:47:30",
                    "DocuSignDemo/apiDefinition.swagger.json:1635:12",
                    "PUG Gamified Engagement/apiDefinition.swagger.json:733:6",
                    "Plumsail Documents/apiDefinition.swagger.json:1299:14",
                    "Revizto (Ireland)/apiDefinition.swagger.json:980:50",
                ] + envoy))
    }
}
