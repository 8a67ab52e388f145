import Certification
import ConnectorPackage
import Foundation
import StageCatalog
import XCTest

@testable import Pipeline
@testable import SubmissionStore

/// The store's operations, on SQLite; `PostgresStoreTests` runs them all again on PostgreSQL.
class StoreTests: XCTestCase {
    class var backend: TestStoreBackend { .sqlite }

    func makeStore() async throws -> Store {
        try await TestDatabases.makeStore(Self.backend)
    }

    /// A new location on this backend, for tests that open it more than once.
    func makeLocation() async throws -> StoreLocation {
        switch Self.backend {
        case .sqlite: .sqlite(path: TestPaths.temporaryDatabase())
        case .postgres: .postgres(try await TestDatabases.freshPostgresDatabase())
        }
    }

    func makeUpload(_ fixture: String = "clean") throws -> Store.Upload {
        let package = try PackageLoader().load(path: TestPaths.package(fixture))
        return Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "Contoso Weather",
            fileName: "\(fixture).zip", stages: [], rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
    }

    /// The embedded migrations are exactly the files in Migrations/sqlite and
    /// Migrations/postgres, byte for byte.
    func testEmbeddedMigrationsEqualTheFolder() throws {
        for dialect in [SQLDialect.sqlite, .postgres] {
            let folder = TestPaths.packageRoot.appendingPathComponent("Migrations/\(dialect.rawValue)")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
            XCTAssertFalse(names.isEmpty, "no migrations in \(folder.path)")
            XCTAssertEqual(Store.migrations(for: dialect).map(\.name), names)
            for migration in Store.migrations(for: dialect) {
                let text = try String(contentsOf: folder.appendingPathComponent(migration.name), encoding: .utf8)
                XCTAssertEqual(migration.text, text, "\(dialect) \(migration.name) differs from its embedded copy")
            }
        }
    }

    func testMigrationsAreAppliedAndRecordedOnce() async throws {
        let location = try await makeLocation()
        let store = try await Store.open(location)
        let expected = Store.migrations(for: store.dialect).map(\.name)
        XCTAssertFalse(expected.isEmpty)
        let applied = try await store.appliedMigrations()
        XCTAssertEqual(applied, expected)
        // Opening again applies nothing twice and keeps the data.
        _ = try await store.createToken(role: .admin, publisher: nil, label: "a")
        let again = try await Store.open(location)
        let appliedAgain = try await again.appliedMigrations()
        XCTAssertEqual(appliedAgain, expected)
        let tokens = try await again.scalar("SELECT count(*) FROM api_token")
        XCTAssertEqual(tokens, 1)
        if store.dialect == .sqlite {
            let tables = try await again.scalar("SELECT count(*) FROM pragma_table_list WHERE name = 'submission'")
            XCTAssertEqual(tables, 1)
            let wal = try await again.scalar("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'")
            XCTAssertEqual(wal, 1)
        }
    }

    /// Processes that start together migrate once: the others wait for the first, then find
    /// every migration applied.
    func testStoresOpenedTogetherMigrateOnce() async throws {
        let location = try await makeLocation()
        let stores = try await withThrowingTaskGroup(of: Store.self) { group in
            for _ in 0..<4 { group.addTask { try await Store.open(location) } }
            return try await group.reduce(into: [Store]()) { $0.append($1) }
        }
        let expected = Store.migrations(for: stores[0].dialect).map(\.name)
        for store in stores {
            let applied = try await store.appliedMigrations()
            XCTAssertEqual(applied, expected)
        }
        let table = stores[0].dialect == .sqlite ? "grdb_migrations" : "certify_migrations"
        let recorded = try await stores[0].scalar("SELECT count(*) FROM \(table)")
        XCTAssertEqual(recorded, expected.count, "each migration recorded once")
    }

    func testTokensAreHashedAtRest() async throws {
        let store = try await makeStore()
        let token = try await store.createToken(role: .submitter, publisher: "Contoso", label: "ci")
        XCTAssertTrue(token.hasPrefix("cert_"))
        let authenticated = try await store.authenticate(token: token)
        let principal = try XCTUnwrap(authenticated)
        XCTAssertEqual(principal.role, .submitter)
        XCTAssertEqual(principal.publisher, "Contoso")
        let wrongPrincipal = try await store.authenticate(token: token + "x")
        XCTAssertNil(wrongPrincipal)
        let hashedTokenCount = try await store.scalar(
            "SELECT count(*) FROM api_token WHERE token_sha256 = '\(sha256Hex(Array(token.utf8)))'")
        XCTAssertEqual(hashedTokenCount, 1)
        if let path = store.path {
            // The token itself is nowhere in the database file.
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            XCTAssertNil(bytes.range(of: Data(token.utf8)), "the plain token must not be stored")
        } else {
            // Nor in any column of its row.
            let rows = try await store.database.read { db in
                try await db.scalar(
                    Int.self, sql: "SELECT count(*) FROM api_token t WHERE strpos(t::text, ?) > 0", arguments: [token])
            }
            XCTAssertEqual(rows, 0, "the plain token must not be stored")
        }
        await XCTAssertThrowsErrorAsync(try await store.createToken(role: .submitter, publisher: nil, label: nil))
    }

    func testIdenticalResubmissionStoresBytesOnce() async throws {
        let store = try await makeStore()
        let upload = try makeUpload()
        let first = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        _ = try await store.addRevision(submissionId: first.id, actor: "t", upload: upload)
        _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        let blobsBefore = try await store.blobCount()
        XCTAssertEqual(blobsBefore, 1)
        let revisionCount = try await store.scalar("SELECT count(*) FROM revision")
        XCTAssertEqual(revisionCount, 3)
        _ = try await store.addRevision(submissionId: first.id, actor: "t", upload: try makeUpload("broken-json"))
        let blobsAfter = try await store.blobCount()
        XCTAssertEqual(blobsAfter, 2)
    }

    /// A worker that dies keeps its lease until it expires; then another worker takes the job,
    /// and the dead worker's late results are refused, so the run's results are written once.
    func testExpiredLeaseIsReclaimedAndResultsAreWrittenOnce() async throws {
        let store = try await makeStore()
        let submission = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload("broken-json"))
        let firstClaim = try await store.claimNextJob(owner: "worker-a", leaseSeconds: 0.3)
        let first = try XCTUnwrap(firstClaim)
        let competingClaim = try await store.claimNextJob(owner: "worker-b", leaseSeconds: 0.3)
        XCTAssertNil(competingClaim, "a live lease is not taken")
        let stateWhileLeased = try await store.submission(id: submission.id)?.state
        XCTAssertEqual(stateWhileLeased, "checking")
        try await Task.sleep(for: .milliseconds(400))
        let reclaimed = try await store.claimNextJob(owner: "worker-b", leaseSeconds: 30)
        let second = try XCTUnwrap(reclaimed)
        XCTAssertEqual(second.jobId, first.jobId)
        XCTAssertEqual(second.attempts, 2)

        let package = try PackageLoader().load(path: TestPaths.package("broken-json"))
        let result = await StageRunner().run(package, path: "x")
        await XCTAssertThrowsErrorAsync(try await store.completeRun(first, result: result)) { error in
            XCTAssertEqual(error as? StoreError, .leaseLost(jobId: first.jobId))
        }
        try await store.completeRun(second, result: result)
        await XCTAssertThrowsErrorAsync(try await store.completeRun(second, result: result), "a second completion writes nothing")
        let findingCount = try await store.scalar("SELECT count(*) FROM finding")
        XCTAssertEqual(findingCount, result.findings.count)
        let stageResultCount = try await store.scalar("SELECT count(*) FROM stage_result")
        XCTAssertEqual(stageResultCount, result.stages.count)
        let finalState = try await store.submission(id: submission.id)?.state
        XCTAssertEqual(finalState, "changes-required")
        let lateClaim = try await store.claimNextJob(owner: "worker-c", leaseSeconds: 30)
        XCTAssertNil(lateClaim)
    }

    func testFailingJobIsRetriedThenGivenUp() async throws {
        let store = try await makeStore()
        _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload())
        for attempt in 1...3 {
            let claimed = try await store.claimNextJob(owner: "w", leaseSeconds: 30, maximumAttempts: 3)
            let job = try XCTUnwrap(claimed)
            XCTAssertEqual(job.attempts, attempt)
            try await store.failAttempt(job, error: "boom \(attempt)", retryAfterSeconds: 0, maximumAttempts: 3)
        }
        let exhaustedClaim = try await store.claimNextJob(owner: "w", leaseSeconds: 30, maximumAttempts: 3)
        XCTAssertNil(exhaustedClaim)
        let failedJobCount = try await store.scalar("SELECT count(*) FROM job WHERE state = 'failed'")
        XCTAssertEqual(failedJobCount, 1)
        let failedRunCount = try await store.scalar("SELECT count(*) FROM run WHERE state = 'failed' AND error = 'boom 3'")
        XCTAssertEqual(failedRunCount, 1)
    }

    /// A submission whose checks are given up does not stay in `checking`: it moves to
    /// changes-required with an event that says why, and its publisher's webhooks are told.
    func testASubmissionWhoseChecksAreGivenUpLeavesChecking() async throws {
        let store = try await makeStore()
        _ = try await store.createWebhook(publisher: "Contoso", url: "https://hooks.contoso.example/certify", secret: nil, actor: "t")
        let submission = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload())
        for attempt in 1...2 {
            let claimed = try await store.claimNextJob(owner: "w", leaseSeconds: 30, maximumAttempts: 2)
            let job = try XCTUnwrap(claimed)
            let stateWhileChecking = try await store.submission(id: submission.id)?.state
            XCTAssertEqual(stateWhileChecking, "checking")
            try await store.failAttempt(job, error: "database is locked (attempt \(attempt))", retryAfterSeconds: 0, maximumAttempts: 2)
        }
        let stateAfterGivingUp = try await store.submission(id: submission.id)?.state
        XCTAssertEqual(stateAfterGivingUp, "changes-required")
        let storedDetail = try await store.submissionDetail(id: submission.id)
        let detail = try XCTUnwrap(storedDetail)
        let event = try XCTUnwrap(detail.events.last)
        XCTAssertEqual(event.action, "checks-failed")
        XCTAssertEqual(event.actor, "system")
        XCTAssertTrue(event.text?.contains("database is locked (attempt 2)") == true, event.text ?? "")
        XCTAssertTrue(event.text?.contains("2 attempts") == true, event.text ?? "")
        let deliveryCount = try await store.scalar("SELECT count(*) FROM webhook_delivery WHERE payload LIKE '%checks-failed%'")
        XCTAssertEqual(
            deliveryCount, 1,
            "the publisher's webhook is told")

        // A run given up for time (no retry) does the same.
        let second = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload())
        let secondClaim = try await store.claimNextJob(owner: "w", leaseSeconds: 30)
        let job = try XCTUnwrap(secondClaim)
        try await store.giveUpJob(job, reason: "the checks took longer than 300 s (maximumRunSeconds)")
        let secondState = try await store.submission(id: second.id)?.state
        XCTAssertEqual(secondState, "changes-required")
    }

    func testWorkersFinishEveryJobOnce() async throws {
        let store = try await makeStore()
        for fixture in ["clean", "broken-json", "missing-readme", "duplicate-keys"] {
            _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try makeUpload(fixture))
        }
        let pool = WorkerPool(store: store, configuration: PipelineConfiguration(workers: 2, pollInterval: .milliseconds(20)))
        let task = Task { await pool.run() }
        let deadline = Date().addingTimeInterval(20)
        while try await store.pendingJobCount() > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        task.cancel()
        await task.value
        let pendingCount = try await store.pendingJobCount()
        XCTAssertEqual(pendingCount, 0)
        let finishedRunCount = try await store.scalar("SELECT count(*) FROM run WHERE state = 'finished'")
        XCTAssertEqual(finishedRunCount, 4)
        let stageResultCount = try await store.scalar("SELECT count(*) FROM stage_result")
        XCTAssertEqual(stageResultCount, 4, "one package stage result per run")
        let awaitingReviewCount = try await store.scalar("SELECT count(*) FROM submission WHERE state = 'awaiting-review'")
        XCTAssertEqual(awaitingReviewCount, 2)
        let changesRequiredCount = try await store.scalar("SELECT count(*) FROM submission WHERE state = 'changes-required'")
        XCTAssertEqual(changesRequiredCount, 2)
    }

    func testQueuePagesOldestFirstWithFiltersAndCounts() async throws {
        let store = try await makeStore()
        let upload = try makeUpload()
        var ids: [String] = []
        for index in 0..<7 {
            ids.append(try await store.createSubmission(publisher: index % 2 == 0 ? "Contoso" : "Fabrikam", actor: "t", upload: upload).id)
        }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.queue(QueueFilter(limit: 3, cursor: cursor))
            XCTAssertLessThanOrEqual(page.items.count, 3)
            seen += page.items.map(\.id)
            XCTAssertEqual(page.counts["submitted"], 7)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, ids, "every submission once, oldest first")
        let contoso = try await store.queue(QueueFilter(publisher: "Contoso"))
        XCTAssertEqual(contoso.items.count, 4)
        XCTAssertEqual(contoso.counts["submitted"], 4)
        let certifiedCount = try await store.queue(QueueFilter(states: ["certified"])).items.count
        XCTAssertEqual(certifiedCount, 0)
        let oldCount = try await store.queue(QueueFilter(minimumAgeSeconds: 3600)).items.count
        XCTAssertEqual(oldCount, 0)
        let anyAgeCount = try await store.queue(QueueFilter(minimumAgeSeconds: 0)).items.count
        XCTAssertEqual(anyAgeCount, 7)
        await XCTAssertThrowsErrorAsync(try await store.queue(QueueFilter(cursor: "not-a-cursor")))
    }

    /// The queue's queries use the indexes made for them, not a scan of the table.
    /// The counts the triggers keep agree with counting the table, after new submissions,
    /// revisions, runs that move them on and a submission removed.
    func testStateCountsAgreeWithCountingTheTable() async throws {
        let store = try await makeStore()
        var ids: [String] = []
        for n in 0..<12 {
            ids.append(try await store.createSubmission(publisher: "P\(n % 3)", actor: "t", upload: try makeUpload()).id)
        }
        for _ in 0..<7 {
            let claimed = try await store.claimNextJob(owner: "w", leaseSeconds: 60)
            let job = try XCTUnwrap(claimed)
            try await store.completeRun(
                job, result: PackageResult(path: "x", stages: [StageResult(name: "schema", status: .passed, durationMs: 1, findings: [])]))
        }
        _ = try await store.addRevision(submissionId: ids[0], actor: "t", upload: try makeUpload())
        let removed = ids[11]
        try await store.database.write(durable: false) { db in
            try await db.execute(sql: "DELETE FROM review_event WHERE submission_id = ?", arguments: [removed])
            try await db.execute(sql: "DELETE FROM job WHERE run_id IN (SELECT id FROM run WHERE submission_id = ?)", arguments: [removed])
            try await db.execute(sql: "DELETE FROM run WHERE submission_id = ?", arguments: [removed])
            try await db.execute(sql: "DELETE FROM revision WHERE submission_id = ?", arguments: [removed])
            try await db.execute(sql: "DELETE FROM submission WHERE id = ?", arguments: [removed])
        }
        let counted = try await store.database.read { db in
            try await db.fetchAll(sql: "SELECT state, count(*) AS n FROM submission GROUP BY state").reduce(into: [String: Int]()) {
                $0[try $1["state"]] = try $1["n"]
            }
        }
        let page = try await store.queue(QueueFilter())
        XCTAssertEqual(page.counts, counted)
        XCTAssertEqual(counted.values.reduce(0, +), 11)
        XCTAssertEqual(counted["awaiting-review"], 6, "7 runs passed, one of them then revised")
    }

    func testQueueQueriesUseIndexes() async throws {
        try XCTSkipIf(Self.backend == .postgres, "the plans checked are SQLite's (PostgreSQL's planner scans small tables)")
        let store = try await makeStore()
        let plans = try await store.queryPlans([
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
        let store = try await TestDatabases.makeStore(.sqlite)
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        let upload = Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "c", fileName: nil, stages: [],
            rulesetVersion: "r", toolVersion: "t")
        _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        // A process that has certainly ended: start one and wait for it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let host = ProcessInfo.processInfo.hostName
        let deadOwner = "\(host):\(process.processIdentifier):deadbeef/0"
        let liveOwner = "other-host:1:cafebabe/0"
        let deadClaim = try await store.claimNextJob(owner: deadOwner, leaseSeconds: 3600)
        _ = try XCTUnwrap(deadClaim)
        let liveClaim = try await store.claimNextJob(owner: liveOwner, leaseSeconds: 3600)
        _ = try XCTUnwrap(liveClaim)
        await WorkerPool(store: store).recoverAbandonedLeases()
        let remainingOwners = try await store.leaseOwners()
        XCTAssertEqual(remainingOwners, [liveOwner], "only the dead process's lease is released")
        let queuedCount = try await store.scalar("SELECT count(*) FROM job WHERE state = 'queued'")
        XCTAssertEqual(queuedCount, 1)
    }
}
