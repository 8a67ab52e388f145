import Certification
import ConnectorPackage
import Foundation
import Pipeline
import Reports
import StageCatalog
import UseCases
import XCTest

@testable import CertifyServer
@testable import SubmissionStore

final class RecertificationTests: XCTestCase {
    /// Imports the fixture packages as certified connectors and runs their baseline checks.
    func importFixtures(into store: Store) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for name in ["clean", "broken-json", "missing-readme", "duplicate-keys"] {
            let package = try PackageLoader().load(path: TestPaths.package(name))
            let upload = Store.Upload(
                zip: try package.zipData(), contentSha256: package.contentHash, connector: name, fileName: name,
                stages: [], rulesetVersion: Ruleset.default.version, toolVersion: CertifyVersion.tool)
            let (id, outcome) = try await store.importCertified(publisher: "Contoso", actor: "import", upload: upload)
            XCTAssertEqual(outcome, .imported)
            ids[name] = id
            // Importing the same content again changes nothing.
            let reimportOutcome = try await store.importCertified(publisher: "Contoso", actor: "import", upload: upload).1
            XCTAssertEqual(reimportOutcome, .unchanged)
        }
        try await store.saveRuleset(.default)
        await WorkerPool(store: store).drain()
        let certifiedCount = try await store.scalar("SELECT count(*) FROM submission WHERE state = 'certified'")
        XCTAssertEqual(certifiedCount, 4, "imports stay certified")
        return ids
    }

    /// A stricter ruleset makes json-duplicate-key an error: exactly the connector with duplicate
    /// keys regresses and goes to the reviewers' queue; the others keep their verdicts.
    func testStricterRulesetListsExactlyTheAffectedConnectors() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let ids = try await importFixtures(into: store)

        let same = try await store.createRecertification(
            .all, stages: [], ruleset: .default, toolVersion: CertifyVersion.tool, actor: "admin")
        XCTAssertEqual(same.total, 4)
        await WorkerPool(store: store).drain()
        let sameBatch = try await store.recertification(id: same.id)
        let first = try XCTUnwrap(sameBatch)
        XCTAssertEqual(first.state, "finished")
        XCTAssertEqual(first.regressed, 0)
        let allUnchanged = try await store.recertificationItems(id: same.id).allSatisfy {
            $0.newFindings.isEmpty && $0.fixedFindings.isEmpty
        }
        XCTAssertTrue(allUnchanged)

        let stricter = Ruleset(rules: ["json-duplicate-key": .init(severity: .error)])
        let batch = try await store.createRecertification(
            .all, stages: [], ruleset: stricter, toolVersion: CertifyVersion.tool, actor: "admin")
        XCTAssertNotEqual(batch.rulesetVersion, same.rulesetVersion)
        await WorkerPool(store: store).drain()
        let stricterBatch = try await store.recertification(id: batch.id)
        let progress = try XCTUnwrap(stricterBatch)
        XCTAssertEqual(progress.state, "finished")
        XCTAssertEqual(progress.finished, 4)
        XCTAssertEqual(progress.regressed, 1)
        let items = try await store.recertificationItems(id: batch.id)
        XCTAssertEqual(items.filter(\.regressed).map(\.submissionId), [ids["duplicate-keys"]!])
        XCTAssertTrue(items.allSatisfy { $0.newFindings.isEmpty && $0.fixedFindings.isEmpty })
        let regraded = items.filter { !$0.regradedFindings.isEmpty }
        XCTAssertEqual(regraded.map(\.submissionId), [ids["duplicate-keys"]!], "only its finding changed: its severity")
        XCTAssertEqual(regraded.first?.regradedFindings.map(\.severity), [.error])
        let duplicateKeysState = try await store.submission(id: ids["duplicate-keys"]!)?.state
        XCTAssertEqual(duplicateKeysState, "recertification-failed")
        let brokenJsonState = try await store.submission(id: ids["broken-json"]!)?.state
        XCTAssertEqual(brokenJsonState, "certified", "failing before and after: not newly failing")
        let queue = try await store.queue(QueueFilter())
        XCTAssertEqual(queue.items.map(\.id), [ids["duplicate-keys"]!])

        let summary = RecertificationSummaryBuilder.summary(progress, items: items)
        let markdown = RecertificationRenderer.render(summary, as: .markdown)
        XCTAssertTrue(markdown.contains("| regressed | Contoso | duplicate-keys |"), markdown)
        XCTAssertTrue(markdown.contains("re-graded, now: error json-duplicate-key"), markdown)
        // What changed comes before the table of every connector (long for a whole catalogue).
        let changes = try XCTUnwrap(markdown.range(of: "## What changed"), markdown)
        let table = try XCTUnwrap(markdown.range(of: "## Connectors"), markdown)
        XCTAssertLessThan(changes.lowerBound, table.lowerBound)
        let json = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(RecertificationRenderer.render(summary, as: .json).utf8)) as? [String: Any])
        XCTAssertEqual(json["regressed"] as? Int, 1)
        let html = RecertificationRenderer.render(summary, as: .html)
        XCTAssertTrue(html.contains("regressed") && html.contains("duplicate-keys") && !html.contains("<script"))
    }

    func testSelectionsAndPriority() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        _ = try await importFixtures(into: store)
        await XCTAssertThrowsErrorAsync(
            try await store.createRecertification(
                .publisher("Nobody"), stages: [], ruleset: .default, toolVersion: "t", actor: "a"))
        let one = try await store.createRecertification(.connector("clean"), stages: [], ruleset: .default, toolVersion: "t", actor: "a")
        XCTAssertEqual(one.total, 1)
        // A new submission arriving after the batch is still checked first.
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        let submitted = try await store.createSubmission(
            publisher: "Contoso", actor: "t",
            upload: Store.Upload(
                zip: try package.zipData(), contentSha256: package.contentHash, connector: "new", fileName: nil, stages: [],
                rulesetVersion: Ruleset.default.version, toolVersion: "t"))
        let nextJob = try await store.claimNextJob(owner: "w", leaseSeconds: 30)
        let job = try XCTUnwrap(nextJob)
        XCTAssertEqual(job.submissionId, submitted.id)
        XCTAssertEqual(job.reason, .submission)
    }

    /// `certify recertify` killed with SIGKILL in the middle, then run again: the batch finishes,
    /// with every connector's run written once.
    func testRecertifySurvivesSIGKILL() async throws {
        let corpus = try TestPaths.requireCorpus()
        let binary = CheckCommandTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no certify binary at \(binary.path)") }
        let db = TestPaths.temporaryDatabase()
        func certify(_ arguments: [String]) async throws -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments + ["--db", db]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let importer = try await certify(["import", corpus.path, "--as-certified"])
        importer.waitUntilExit()
        XCTAssertEqual(importer.terminationStatus, 0)
        let store = try Store(path: db)
        let submissionCount = try await store.scalar("SELECT count(*) FROM submission")
        XCTAssertEqual(submissionCount, 619, "one submission per connector folder")

        let first = try await certify(["recertify", "--workers", "1"])
        // Kill it once some but not all of the batch is done.
        let deadline = Date().addingTimeInterval(60)
        var doneAtKill = 0
        while Date() < deadline {
            doneAtKill = try await store.scalar("SELECT count(*) FROM run WHERE reason = 'recertification' AND state = 'finished'")
            if doneAtKill > 20 { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        let total = try await store.scalar("SELECT count(*) FROM run WHERE reason = 'recertification'")
        XCTAssertEqual(total, 619)
        let finishedAfterKill = try await store.scalar("SELECT count(*) FROM run WHERE reason = 'recertification' AND state = 'finished'")
        XCTAssertLessThan(finishedAfterKill, total, "the kill came in the middle of the batch")

        let second = try await certify(["recertify", "--workers", "2"])
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        let batchCount = try await store.scalar("SELECT count(*) FROM recertification")
        XCTAssertEqual(batchCount, 1, "the batch was resumed, not restarted")
        let finishedBatchCount = try await store.scalar("SELECT count(*) FROM recertification WHERE state = 'finished'")
        XCTAssertEqual(finishedBatchCount, 1)
        let finishedRunCount = try await store.scalar("SELECT count(*) FROM run WHERE reason = 'recertification' AND state = 'finished'")
        XCTAssertEqual(finishedRunCount, 619)
        // Same packages, same rules: each run has exactly its baseline's findings, none twice.
        let mismatchedRunCount = try await store.scalar(
            """
            SELECT count(*) FROM run r WHERE r.reason = 'recertification'
            AND (SELECT count(*) FROM finding WHERE run_id = r.id) !=
                (SELECT count(*) FROM finding f JOIN run p ON p.id = f.run_id
                 WHERE p.submission_id = r.submission_id AND p.reason = 'import')
            """)
        XCTAssertEqual(
            mismatchedRunCount, 0)
        let stageResultCount = try await store.scalar(
            "SELECT count(*) FROM stage_result s JOIN run r ON r.id = s.run_id WHERE r.reason = 'recertification'")
        let expectedStageResults =
            try await store.scalar("SELECT count(*) FROM run WHERE reason = 'recertification'") * (1 + StageRegistry.staticNames.count)
        XCTAssertEqual(
            stageResultCount,
            expectedStageResults,
            "every run's stages written exactly once")
    }
}

/// A rule Microsoft enforces only since a day after a connector's last run (`since`) makes a
/// re-certification failure a new rule, not a regression.
final class NewRuleTests: XCTestCase {
    func item(previousRunAt: Date?, new: [Finding]) -> RecertificationItem {
        RecertificationItem(
            submissionId: "s", publisher: "Contoso", connector: "Contoso Weather", revision: 1, runId: 2, verdict: "fail",
            previousVerdict: "pass", regressed: true, newFindings: new, fixedFindings: [], regradedFindings: [], error: nil,
            previousRunAt: previousRunAt)
    }

    func testAFindingOfARuleNewerThanTheLastRunIsANewRule() throws {
        let rule = try XCTUnwrap(RuleCatalog.rule("default-no-schema"))
        let since = try XCTUnwrap(rule.since)
        let newRule = Finding(ruleId: rule.id, severity: .error, stage: "policy", message: "default has a schema")
        let before = ISO8601DateFormatter().date(from: "2024-06-01T12:00:00Z")!
        let after = ISO8601DateFormatter().date(from: "2026-06-01T12:00:00Z")!
        XCTAssertLessThan("2024-06-01", since)
        XCTAssertGreaterThan("2026-06-01", since)

        let older = item(previousRunAt: before, new: [newRule])
        XCTAssertEqual(RecertificationSummaryBuilder.newRuleFindings(of: older).map(\.ruleId), [rule.id])
        let progress = RecertificationProgress(
            id: 1, selection: "all", state: "finished", rulesetVersion: "r", toolVersion: "t", total: 1, finished: 1, passed: 0,
            failed: 1, regressed: 1, errored: 0, createdBy: "admin", createdAt: after, finishedAt: after)
        let summary = RecertificationSummaryBuilder.summary(progress, items: [older])
        XCTAssertEqual(summary.connectors.first?.outcome, "new-rule")
        XCTAssertEqual(summary.regressed, 0, "a new rule is not counted as a regression")
        XCTAssertTrue(RecertificationRenderer.render(summary, as: .markdown).contains("(a rule enforced since \(since))"))

        // Run after the rule came into force: a regression like any other.
        let newer = item(previousRunAt: after, new: [newRule])
        XCTAssertEqual(RecertificationSummaryBuilder.newRuleFindings(of: newer), [])
        XCTAssertEqual(RecertificationSummaryBuilder.summary(progress, items: [newer]).connectors.first?.outcome, "regressed")

        // A new error of another rule beside it is still a regression.
        let other = Finding(ruleId: "title-max-length", severity: .error, stage: "policy", message: "too long")
        let mixed = item(previousRunAt: before, new: [newRule, other])
        XCTAssertEqual(RecertificationSummaryBuilder.summary(progress, items: [mixed]).connectors.first?.outcome, "regressed")
    }
}
