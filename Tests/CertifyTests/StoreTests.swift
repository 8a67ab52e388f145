import Certification
import ConnectorPackage
import Foundation
import StageCatalog
import XCTest

@testable import Pipeline
@testable import SubmissionStore

final class StoreTests: XCTestCase {
    func makeUpload(_ fixture: String = "clean") throws -> Store.Upload {
        let package = try PackageLoader().load(path: TestPaths.package(fixture))
        return Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "Contoso Weather",
            fileName: "\(fixture).zip", stages: [], rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
    }

    /// The embedded migrations are exactly the files in Migrations/, byte for byte.
    func testEmbeddedMigrationsEqualTheFolder() throws {
        let folder = TestPaths.packageRoot.appendingPathComponent("Migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        XCTAssertEqual(Store.migrations.map(\.name), names)
        for migration in Store.migrations {
            let text = try String(contentsOf: folder.appendingPathComponent(migration.name), encoding: .utf8)
            XCTAssertEqual(migration.text, text, "\(migration.name) differs from its embedded copy")
        }
    }

    func testMigrationsAreAppliedAndRecordedOnce() throws {
        let path = TestPaths.temporaryDatabase()
        let store = try Store(path: path)
        XCTAssertEqual(try store.appliedMigrations(), Store.migrations.map(\.name))
        // Opening again applies nothing twice and keeps the data.
        _ = try store.createToken(role: .admin, publisher: nil, label: "a")
        let again = try Store(path: path)
        XCTAssertEqual(try again.appliedMigrations(), Store.migrations.map(\.name))
        XCTAssertEqual(try again.scalar("SELECT count(*) FROM api_token"), 1)
        XCTAssertEqual(try again.scalar("SELECT count(*) FROM pragma_table_list WHERE name = 'submission'"), 1)
        XCTAssertEqual(try again.scalar("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1)
    }

    func testTokensAreHashedAtRest() throws {
        let path = TestPaths.temporaryDatabase()
        let store = try Store(path: path)
        let token = try store.createToken(role: .submitter, publisher: "Contoso", label: "ci")
        XCTAssertTrue(token.hasPrefix("cert_"))
        let principal = try XCTUnwrap(try store.authenticate(token: token))
        XCTAssertEqual(principal.role, .submitter)
        XCTAssertEqual(principal.publisher, "Contoso")
        XCTAssertNil(try store.authenticate(token: token + "x"))
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM api_token WHERE token_sha256 = '\(sha256Hex(Array(token.utf8)))'"), 1)
        // The token itself is nowhere in the database file.
        let bytes =
            try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        XCTAssertNil(bytes.range(of: Data(token.utf8)), "the plain token must not be stored")
        XCTAssertThrowsError(try store.createToken(role: .submitter, publisher: nil, label: nil))
    }

    func testIdenticalResubmissionStoresBytesOnce() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let upload = try makeUpload()
        let first = try store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        _ = try store.addRevision(submissionId: first.id, actor: "t", upload: upload)
        _ = try store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        XCTAssertEqual(try store.blobCount(), 1)
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM revision"), 3)
        _ = try store.addRevision(submissionId: first.id, actor: "t", upload: try makeUpload("broken-json"))
        XCTAssertEqual(try store.blobCount(), 2)
    }

    /// A worker that dies keeps its lease until it expires; then another worker takes the job,
    /// and the dead worker's late results are refused, so the run's results are written once.
    func testExpiredLeaseIsReclaimedAndResultsAreWrittenOnce() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let submission = try store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload("broken-json"))
        let first = try XCTUnwrap(try store.claimNextJob(owner: "worker-a", leaseSeconds: 0.3))
        XCTAssertNil(try store.claimNextJob(owner: "worker-b", leaseSeconds: 0.3), "a live lease is not taken")
        XCTAssertEqual(try store.submission(id: submission.id)?.state, "checking")
        try await Task.sleep(for: .milliseconds(400))
        let second = try XCTUnwrap(try store.claimNextJob(owner: "worker-b", leaseSeconds: 30))
        XCTAssertEqual(second.jobId, first.jobId)
        XCTAssertEqual(second.attempts, 2)

        let package = try PackageLoader().load(path: TestPaths.package("broken-json"))
        let result = await StageRunner().run(package, path: "x")
        XCTAssertThrowsError(try store.completeRun(first, result: result)) { error in
            XCTAssertEqual(error as? StoreError, .leaseLost(jobId: first.jobId))
        }
        try store.completeRun(second, result: result)
        XCTAssertThrowsError(try store.completeRun(second, result: result), "a second completion writes nothing")
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM finding"), result.findings.count)
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM stage_result"), result.stages.count)
        XCTAssertEqual(try store.submission(id: submission.id)?.state, "changes-required")
        XCTAssertNil(try store.claimNextJob(owner: "worker-c", leaseSeconds: 30))
    }

    func testFailingJobIsRetriedThenGivenUp() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        _ = try store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload())
        for attempt in 1...3 {
            let job = try XCTUnwrap(try store.claimNextJob(owner: "w", leaseSeconds: 30, maximumAttempts: 3))
            XCTAssertEqual(job.attempts, attempt)
            try store.failAttempt(job, error: "boom \(attempt)", retryAfterSeconds: 0, maximumAttempts: 3)
        }
        XCTAssertNil(try store.claimNextJob(owner: "w", leaseSeconds: 30, maximumAttempts: 3))
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM job WHERE state = 'failed'"), 1)
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM run WHERE state = 'failed' AND error = 'boom 3'"), 1)
    }

    /// A submission whose checks are given up does not stay in `checking`: it moves to
    /// changes-required with an event that says why, and its publisher's webhooks are told.
    func testASubmissionWhoseChecksAreGivenUpLeavesChecking() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        _ = try store.createWebhook(publisher: "Contoso", url: "https://hooks.contoso.example/certify", secret: nil, actor: "t")
        let submission = try store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload())
        for attempt in 1...2 {
            let job = try XCTUnwrap(try store.claimNextJob(owner: "w", leaseSeconds: 30, maximumAttempts: 2))
            XCTAssertEqual(try store.submission(id: submission.id)?.state, "checking")
            try store.failAttempt(job, error: "database is locked (attempt \(attempt))", retryAfterSeconds: 0, maximumAttempts: 2)
        }
        XCTAssertEqual(try store.submission(id: submission.id)?.state, "changes-required")
        let detail = try XCTUnwrap(try store.submissionDetail(id: submission.id))
        let event = try XCTUnwrap(detail.events.last)
        XCTAssertEqual(event.action, "checks-failed")
        XCTAssertEqual(event.actor, "system")
        XCTAssertTrue(event.text?.contains("database is locked (attempt 2)") == true, event.text ?? "")
        XCTAssertTrue(event.text?.contains("2 attempts") == true, event.text ?? "")
        XCTAssertEqual(
            try store.scalar("SELECT count(*) FROM webhook_delivery WHERE payload LIKE '%checks-failed%'"), 1,
            "the publisher's webhook is told")

        // A run given up for time (no retry) does the same.
        let second = try store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload())
        let job = try XCTUnwrap(try store.claimNextJob(owner: "w", leaseSeconds: 30))
        try store.giveUpJob(job, reason: "the checks took longer than 300 s (maximumRunSeconds)")
        XCTAssertEqual(try store.submission(id: second.id)?.state, "changes-required")
    }

    func testWorkersFinishEveryJobOnce() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        for fixture in ["clean", "broken-json", "missing-readme", "duplicate-keys"] {
            _ = try store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload(fixture))
        }
        let pool = WorkerPool(store: store, configuration: PipelineConfiguration(workers: 2, pollInterval: .milliseconds(20)))
        let task = Task { await pool.run() }
        let deadline = Date().addingTimeInterval(20)
        while try store.pendingJobCount() > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        task.cancel()
        await task.value
        XCTAssertEqual(try store.pendingJobCount(), 0)
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM run WHERE state = 'finished'"), 4)
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM stage_result"), 4, "one package stage result per run")
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM submission WHERE state = 'awaiting-review'"), 2)
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM submission WHERE state = 'changes-required'"), 2)
    }

    func testQueuePagesOldestFirstWithFiltersAndCounts() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let upload = try makeUpload()
        var ids: [String] = []
        for index in 0..<7 {
            ids.append(try store.createSubmission(publisher: index % 2 == 0 ? "Contoso" : "Fabrikam", actor: "t", upload: upload).id)
        }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try store.queue(QueueFilter(limit: 3, cursor: cursor))
            XCTAssertLessThanOrEqual(page.items.count, 3)
            seen += page.items.map(\.id)
            XCTAssertEqual(page.counts["submitted"], 7)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, ids, "every submission once, oldest first")
        let contoso = try store.queue(QueueFilter(publisher: "Contoso"))
        XCTAssertEqual(contoso.items.count, 4)
        XCTAssertEqual(contoso.counts["submitted"], 4)
        XCTAssertEqual(try store.queue(QueueFilter(states: ["certified"])).items.count, 0)
        XCTAssertEqual(try store.queue(QueueFilter(minimumAgeSeconds: 3600)).items.count, 0)
        XCTAssertEqual(try store.queue(QueueFilter(minimumAgeSeconds: 0)).items.count, 7)
        XCTAssertThrowsError(try store.queue(QueueFilter(cursor: "not-a-cursor")))
    }

    /// The queue's queries use the indexes made for them, not a scan of the table.
    func testQueueQueriesUseIndexes() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let plans = try store.queryPlans([
            "SELECT id FROM submission WHERE state IN ('awaiting-review') ORDER BY state_changed_at, id LIMIT 50",
            "SELECT id FROM submission WHERE publisher = 'x' ORDER BY state_changed_at, id LIMIT 50",
            "SELECT id FROM job WHERE state = 'queued' AND available_at <= 0 ORDER BY priority DESC, id LIMIT 1",
        ])
        for (sql, plan) in plans {
            XCTAssertTrue(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "\(sql): \(plan)")
        }
    }
}

final class LeaseRecoveryTests: XCTestCase {
    /// A lease held by a process of this host that has ended is released at start-up.
    func testLeasesOfADeadProcessAreReleasedAtStart() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        let upload = Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "c", fileName: nil, stages: [],
            rulesetVersion: "r", toolVersion: "t")
        _ = try store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        _ = try store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        // A process that has certainly ended: start one and wait for it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let host = ProcessInfo.processInfo.hostName
        let deadOwner = "\(host):\(process.processIdentifier):deadbeef/0"
        let liveOwner = "other-host:1:cafebabe/0"
        _ = try XCTUnwrap(try store.claimNextJob(owner: deadOwner, leaseSeconds: 3600))
        _ = try XCTUnwrap(try store.claimNextJob(owner: liveOwner, leaseSeconds: 3600))
        WorkerPool(store: store).recoverAbandonedLeases()
        XCTAssertEqual(try store.leaseOwners(), [liveOwner], "only the dead process's lease is released")
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM job WHERE state = 'queued'"), 1)
    }
}
