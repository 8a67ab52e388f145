import Certification
import ConnectorPackage
import Foundation
import XCTest

/// `certify check --registry DIR` (title-unique) and `--baseline FILE` (accepted findings).
final class RegistryBaselineTests: XCTestCase {

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testTitleAlreadyInTheRegistryIsReportedButNotAgainstItself() throws {
        let registry = try temporaryFolder()
        let other = registry.appendingPathComponent("Other Weather")
        try FileManager.default.copyItem(atPath: TestPaths.package("clean"), toPath: other.path)
        // Same title, other case and spacing.
        let swagger = other.appendingPathComponent("apiDefinition.swagger.json")
        let text = try String(contentsOf: swagger, encoding: .utf8).replacingOccurrences(
            of: "\"Contoso Weather\"", with: "\"contoso  WEATHER\"")
        try text.write(to: swagger, atomically: true, encoding: .utf8)

        let outcome = try CheckCommandTests.run(["check", TestPaths.package("clean"), "--registry", registry.path, "--format", "json"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let findings = try findingIds(outcome.stdout)
        XCTAssertEqual(findings.filter { $0 == "title-unique" }.count, 1)
        // The registry's own connector is not compared with itself.
        let own = try CheckCommandTests.run(["check", other.path, "--registry", registry.path, "--format", "json"])
        XCTAssertFalse(try findingIds(own.stdout).contains("title-unique"))
    }

    func testBaselineSilencesAcceptedWarningsUntilTheyExpire() throws {
        let first = try CheckCommandTests.run(["check", TestPaths.package("duplicate-keys"), "--format", "json"])
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let finding = try XCTUnwrap(((root["packages"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])?.first)
        XCTAssertEqual(finding["ruleId"] as? String, "json-duplicate-key")
        let fingerprint = try XCTUnwrap(finding["fingerprint"] as? String)
        let folder = try temporaryFolder()
        func baseline(_ body: String) throws -> String {
            let path = folder.appendingPathComponent("baseline-\(UUID().uuidString).yaml").path
            try body.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let valid = try baseline(
            "accepted:\n  - fingerprint: \(fingerprint)\n    reason: Both keys carry the same value.\n    expires: 2999-01-01\n")
        let silenced = try CheckCommandTests.run(["check", TestPaths.package("duplicate-keys"), "--baseline", valid, "--format", "json"])
        XCTAssertFalse(try findingIds(silenced.stdout).contains("json-duplicate-key"))
        XCTAssertEqual(silenced.stderr, "certify: the baseline \(valid) suppressed 1 finding\n")
        let expired = try baseline("accepted:\n  - fingerprint: \(fingerprint)\n    reason: Old.\n    expires: 2001-01-01\n")
        let back = try CheckCommandTests.run(["check", TestPaths.package("duplicate-keys"), "--baseline", expired, "--format", "json"])
        XCTAssertTrue(try findingIds(back.stdout).contains("json-duplicate-key"))
        XCTAssertEqual(back.stderr, "certify: the baseline \(expired) suppressed 0 findings; expired: \(expired):2:5\n")
        let stale = try baseline("accepted:\n  - fingerprint: 0123456789abcdef01234567\n    reason: Gone.\n    expires: 2999-01-01\n")
        let nothing = try CheckCommandTests.run(["check", TestPaths.package("duplicate-keys"), "--baseline", stale])
        XCTAssertEqual(nothing.stderr, "certify: the baseline \(stale) suppressed 0 findings; matched nothing: \(stale):2:5\n")
        let noReason = try baseline("accepted:\n  - fingerprint: \(fingerprint)\n    expires: 2999-01-01\n")
        let refused = try CheckCommandTests.run(["check", TestPaths.package("duplicate-keys"), "--baseline", noReason])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("reason"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(":2:"), "the error says where: \(refused.stderr)")
    }

    func findingIds(_ json: String) throws -> [String] {
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (root["packages"] as? [[String: Any]] ?? []).flatMap {
            ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["ruleId"] as? String }
        }
    }
}
