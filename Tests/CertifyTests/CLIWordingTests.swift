import Foundation
import HummingbirdTesting
import XCTest

@testable import CertifyServer

/// What the CLI says when asked for rules or given a mistake: each message names the command's
/// help, says a path once, and suggests what was probably meant.
final class CLIWordingTests: XCTestCase {
    func run(_ arguments: [String]) throws -> CheckCommandTests.Outcome { try CheckCommandTests.run(arguments) }

    func testRulesListIsATableThatFiltersAndHasJSON() throws {
        let all = try run(["rules", "list"])
        XCTAssertEqual(all.status, 0)
        XCTAssertTrue(all.stdout.hasPrefix("RULE "), all.stdout.prefix(200).description)
        XCTAssertTrue(all.stdout.contains(" SEVERITY STAGE    SUMMARY"))
        let errors = try run(["rules", "list", "--severity", "error", "--stage", "package"])
        let rows = errors.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { !$0.isEmpty }
        XCTAssertFalse(rows.isEmpty)
        XCTAssertTrue(rows.allSatisfy { $0.contains(" error ") && $0.contains(" package ") }, errors.stdout)
        XCTAssertTrue(errors.stdout.contains("rules, ruleset") && errors.stdout.contains(" of "), errors.stdout)
        let json = try run(["rules", "list", "--stage", "probe", "--json"])
        let items = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]])
        XCTAssertFalse(items.isEmpty)
        XCTAssertTrue(items.allSatisfy { $0["stage"] == "probe" && $0["id"] != nil && $0["fix"] != nil })
        let wrong = try run(["rules", "list", "--stage", "nope"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("see certify rules list --help"), wrong.stderr)
    }

    func testRuleIdsMatchWithoutCaseAndAnUnknownOneSuggestsTheNearest() throws {
        let upper = try run(["rules", "explain", "JSON-SYNTAX"])
        XCTAssertEqual(upper.status, 0)
        XCTAssertTrue(upper.stdout.hasPrefix("json-syntax (error, stage package)"), upper.stdout)
        let typo = try run(["rules", "explain", "json-sintax"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("Did you mean 'json-syntax'?"), typo.stderr)
    }

    func testUsageErrorsNameTheCommandsHelpAndPathsAreSaidOnce() throws {
        let check = try run(["check"])
        XCTAssertEqual(check.status, 2)
        XCTAssertTrue(check.stderr.contains("(see certify check --help)"), check.stderr)
        let serve = try run(["serve", "--port", "99999"])
        XCTAssertTrue(serve.stderr.contains("(see certify serve --help)"), serve.stderr)
        let previous = try run(["check", TestPaths.package("clean"), "--previous", "/nonexistent"])
        XCTAssertEqual(previous.status, 2)
        XCTAssertEqual(previous.stderr, "certify: /nonexistent: no such file or folder\n")
        let notZip = try run(["check", TestPaths.zip("not-a-zip.zip")])
        XCTAssertTrue(notZip.stdout.contains("error: not a zip archive: it does not start with the zip signature 'PK'"), notZip.stdout)
        XCTAssertFalse(notZip.stdout.contains("upload"), "check is not an upload")
    }

    /// The client commands against a live server: `submit` prints the id on standard output and
    /// a summary on standard error; `status` prints the summary, and the JSON with --json.
    func testSubmitAndStatusSpeakToAPersonAndTheIdGoesToStandardOutput() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port ?? 0)"
            let submitted = try CheckCommandTests.run(["submit", TestPaths.package("clean"), "--server", server, "--token", f.contoso])
            XCTAssertEqual(submitted.status, 0, submitted.stderr)
            let id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertTrue(id.hasPrefix("sub_") && !id.contains("\n"), "only the id on standard output: \(submitted.stdout)")
            XCTAssertTrue(submitted.stderr.contains("state:     submitted"), submitted.stderr)
            await f.drain()
            let status = try CheckCommandTests.run(["status", id, "--server", server, "--token", f.contoso])
            XCTAssertEqual(status.status, 0, status.stderr)
            XCTAssertTrue(status.stdout.hasPrefix("\(id)  Contoso Weather (Contoso)\n"), status.stdout)
            XCTAssertTrue(status.stdout.contains("state:     awaiting-review since "), status.stdout)
            XCTAssertTrue(status.stdout.contains("verdict pass: 0 errors, 0 warnings, 0 infos"), status.stdout)
            XCTAssertTrue(status.stdout.contains("next:      nothing: a reviewer will pick it up"), status.stdout)
            let json = try CheckCommandTests.run(["status", id, "--json", "--server", server, "--token", f.contoso])
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(object["id"] as? String, id)
            let missing = try CheckCommandTests.run(["webhooks", "remove", "999", "--server", server, "--token", f.contoso])
            XCTAssertEqual(missing.status, 1)
            XCTAssertTrue(missing.stderr.contains("404: No such webhook"), missing.stderr)
        }
    }
}
