import Certification
import ConnectorPackage
import Crypto
import Foundation
import Logging
import OutboundHTTP
import StageCatalog
import XCTest

@testable import Pipeline
@testable import SubmissionStore

/// Every store test again, on PostgreSQL (skipped, saying why, without a server). Linux's
/// XCTest finds only the tests a class declares, so each is named here;
/// `testEveryTestRunsOnBothBackends` checks none is missing.
final class PostgresStoreTests: StoreTests {
    override class var backend: TestStoreBackend { .postgres }

    override func testEmbeddedMigrationsEqualTheFolder() throws { try super.testEmbeddedMigrationsEqualTheFolder() }
    override func testMigrationsAreAppliedAndRecordedOnce() async throws { try await super.testMigrationsAreAppliedAndRecordedOnce() }
    override func testStoresOpenedTogetherMigrateOnce() async throws { try await super.testStoresOpenedTogetherMigrateOnce() }
    override func testTokensAreHashedAtRest() async throws { try await super.testTokensAreHashedAtRest() }
    override func testIdenticalResubmissionStoresBytesOnce() async throws { try await super.testIdenticalResubmissionStoresBytesOnce() }
    override func testExpiredLeaseIsReclaimedAndResultsAreWrittenOnce() async throws {
        try await super.testExpiredLeaseIsReclaimedAndResultsAreWrittenOnce()
    }
    override func testFailingJobIsRetriedThenGivenUp() async throws { try await super.testFailingJobIsRetriedThenGivenUp() }
    override func testASubmissionWhoseChecksAreGivenUpLeavesChecking() async throws {
        try await super.testASubmissionWhoseChecksAreGivenUpLeavesChecking()
    }
    override func testWorkersFinishEveryJobOnce() async throws { try await super.testWorkersFinishEveryJobOnce() }
    override func testQueuePagesOldestFirstWithFiltersAndCounts() async throws {
        try await super.testQueuePagesOldestFirstWithFiltersAndCounts()
    }
    override func testStateCountsAgreeWithCountingTheTable() async throws { try await super.testStateCountsAgreeWithCountingTheTable() }
    override func testQueueQueriesUseIndexes() async throws { try await super.testQueueQueriesUseIndexes() }
}

/// The review workflow again, on PostgreSQL.
final class PostgresReviewWorkflowTests: ReviewWorkflowTests {
    override class var backend: TestStoreBackend { .postgres }

    override func testFullReviewCycleWithInvalidTransitionsRefused() async throws {
        try await super.testFullReviewCycleWithInvalidTransitionsRefused()
    }
    override func testErrorsCannotBeAcceptedAndApprovalNeedsACleanRun() async throws {
        try await super.testErrorsCannotBeAcceptedAndApprovalNeedsACleanRun()
    }
    override func testAnAcceptanceEndsLaterThanNowAndADateAloneLastsThatDay() async throws {
        try await super.testAnAcceptanceEndsLaterThanNowAndADateAloneLastsThatDay()
    }
    override func testReportsListAcceptedFindingsAndNameTheFindingOfEachEvent() async throws {
        try await super.testReportsListAcceptedFindingsAndNameTheFindingOfEachEvent()
    }
    override func testARecertificationNamesItsSelection() async throws { try await super.testARecertificationNamesItsSelection() }
    override func testTransitionTableIsClosed() { super.testTransitionTableIsClosed() }
}

/// The suites above name every test of the suites they repeat.
final class BothBackendsTests: XCTestCase {
    func testEveryTestRunsOnBothBackends() throws {
        let folder = TestPaths.packageRoot.appendingPathComponent("Tests/CertifyTests")
        let repeats = try String(contentsOf: folder.appendingPathComponent("PostgresStoreTests.swift"), encoding: .utf8)
        for (file, suite) in [("StoreTests.swift", "StoreTests"), ("ReviewWorkflowTests.swift", "ReviewWorkflowTests")] {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            guard let start = source.range(of: "class \(suite): XCTestCase") else { return XCTFail("no \(suite) in \(file)") }
            let body = source[start.upperBound...].components(separatedBy: "\nfinal class").first ?? ""
            let tests = body.components(separatedBy: "\n    func test").dropFirst().compactMap { $0.split(separator: "(").first }
            XCTAssertFalse(tests.isEmpty, suite)
            for test in tests {
                XCTAssertTrue(repeats.contains("override func test\(test)("), "Postgres\(suite) does not run test\(test)")
            }
        }
    }
}

/// What only the PostgreSQL store does: the same schema as SQLite's, claims that skip locked
/// rows, idle workers woken by NOTIFY, conflicts run again.
final class PostgresOnlyTests: XCTestCase {
    func upload(_ connector: String = "Contoso Weather") throws -> Store.Upload {
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        return Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: connector, fileName: "clean.zip",
            stages: [], rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
    }

    /// The two dialects' migrations describe the same tables, with the same columns in the same
    /// order, the same nullability, and the same indexes.
    func testTheTwoSchemasDescribeTheSameTablesAndColumns() async throws {
        let postgres = try await TestDatabases.makeStore(.postgres)
        let sqlite = try await TestDatabases.makeStore(.sqlite)
        let sqliteColumns = try await sqlite.database.read { db in
            try await db.fetchAll(
                sql: """
                    SELECT m.name AS table_name, p.name AS column_name, p."notnull" AS not_null, p.pk AS primary_key
                    FROM sqlite_master m JOIN pragma_table_info(m.name) p
                    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'grdb_migrations'
                    ORDER BY m.name, p.cid
                    """
            ).map { row in
                let notNull = try (row["not_null"] as Int) == 1 || (row["primary_key"] as Int) > 0
                return "\(try row["table_name"] as String).\(try row["column_name"] as String) \(notNull ? "NOT NULL" : "NULL")"
            }
        }
        let postgresColumns = try await postgres.database.read { db in
            try await db.fetchAll(
                sql: """
                    SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable::text AS nullable
                    FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name <> 'certify_migrations'
                    ORDER BY table_name, ordinal_position
                    """
            ).map { row in
                "\(try row["table_name"] as String).\(try row["column_name"] as String) \((try row["nullable"] as String) == "NO" ? "NOT NULL" : "NULL")"
            }
        }
        XCTAssertGreaterThan(sqliteColumns.count, 100)
        XCTAssertEqual(postgresColumns, sqliteColumns)
        let sqliteIndexes = try await sqlite.database.read { db in
            try await db.column(
                String.self,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        let postgresIndexes = try await postgres.database.read { db in
            try await db.column(
                String.self,
                sql: """
                    SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'
                      AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY indexname
                    """)
        }
        XCTAssertFalse(sqliteIndexes.isEmpty)
        XCTAssertEqual(postgresIndexes, sqliteIndexes)
    }

    /// Stores opened separately (as processes are) claim concurrently: every job is taken once,
    /// none twice, none left.
    func testConcurrentClaimsTakeEveryJobOnce() async throws {
        let location = try await TestDatabases.freshPostgresDatabase()
        let seed = try await Store.open(.postgres(location))
        let jobs = 60
        for index in 0..<jobs {
            _ = try await seed.createSubmission(publisher: "Contoso", actor: "t", upload: try upload("Connector \(index)"))
        }
        let claimers = 4
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for claimer in 0..<claimers {
                group.addTask {
                    let store = try await Store.open(.postgres(location))
                    var mine: [Int64] = []
                    while let job = try await store.claimNextJob(owner: "claimer-\(claimer)", leaseSeconds: 60) {
                        mine.append(job.runId)
                        try await store.completeRun(
                            job,
                            result: PackageResult(
                                path: "x", stages: [StageResult(name: "schema", status: .passed, durationMs: 1, findings: [])]))
                    }
                    await store.close()
                    return mine
                }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let all = claimed.flatMap { $0 }
        XCTAssertEqual(all.count, jobs, "every job claimed")
        XCTAssertEqual(Set(all).count, jobs, "no job claimed twice")
        XCTAssertGreaterThan(claimed.filter { !$0.isEmpty }.count, 1, "more than one claimer took jobs")
        let done = try await seed.scalar("SELECT count(*) FROM job WHERE state = 'done' AND attempts = 1")
        XCTAssertEqual(done, jobs)
        let events = try await seed.scalar("SELECT count(*) FROM review_event WHERE action = 'checks-finished'")
        XCTAssertEqual(events, jobs, "each submission moved on once")
    }

    /// A re-certification batch whose runs finish at once in several stores (processes): every
    /// run settles once and the batch ends finished, whichever run is last.
    func testABatchFinishedByConcurrentWorkersEndsFinished() async throws {
        let location = try await TestDatabases.freshPostgresDatabase()
        let seed = try await Store.open(.postgres(location))
        let connectors = 40
        for index in 0..<connectors {
            var upload = try upload("Connector \(index)")
            upload.fileName = "connector-\(index)"
            _ = try await seed.importCertified(publisher: "Contoso", actor: "t", upload: upload)
        }
        // The import's own runs first.
        while let job = try await seed.claimNextJob(owner: "import", leaseSeconds: 60) {
            try await seed.completeRun(
                job, result: PackageResult(path: "x", stages: [StageResult(name: "schema", status: .passed, durationMs: 1, findings: [])]))
        }
        let batch = try await seed.createRecertification(
            .all, stages: ["schema"], ruleset: .default, toolVersion: CertifyVersion.tool, actor: "admin")
        XCTAssertEqual(batch.total, connectors)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for claimer in 0..<4 {
                group.addTask {
                    let store = try await Store.open(.postgres(location))
                    while let job = try await store.claimNextJob(owner: "claimer-\(claimer)", leaseSeconds: 60) {
                        try await store.completeRun(
                            job,
                            result: PackageResult(
                                path: "x", stages: [StageResult(name: "schema", status: .passed, durationMs: 1, findings: [])]))
                    }
                    await store.close()
                }
            }
            try await group.waitForAll()
        }
        let progress = try await seed.recertification(id: batch.id)
        XCTAssertEqual(progress?.state, "finished", "the batch's last run finished it")
        XCTAssertEqual(progress?.finished, connectors)
        let settled = try await seed.scalar("SELECT count(*) FROM run WHERE recertification_id IS NOT NULL AND state = 'finished'")
        XCTAssertEqual(settled, connectors)
    }

    /// An idle worker waits on LISTEN, not on its poll: a submission made through another store
    /// (another process) is taken long before the poll interval ends.
    func testAnIdleWorkerIsWokenByNotify() async throws {
        let location = try await TestDatabases.freshPostgresDatabase()
        let workerStore = try await Store.open(.postgres(location))
        let serverStore = try await Store.open(.postgres(location))
        let pool = WorkerPool(
            store: workerStore, configuration: PipelineConfiguration(workers: 1, pollInterval: .seconds(60)),
            logger: Logger(label: "tests"))
        let workers = Task { await pool.run() }
        defer { workers.cancel() }
        // The worker found nothing and is waiting (its first wait starts the listener).
        try await Task.sleep(for: .milliseconds(700))
        let start = ContinuousClock.now
        let submission = try await serverStore.createSubmission(publisher: "Contoso", actor: "t", upload: try upload())
        try await waitUntil("the run finishes", seconds: 30) {
            try await serverStore.submission(id: submission.id)?.state == SubmissionState.awaitingReview.rawValue
        }
        let waited = ContinuousClock.now - start
        // Without the notification the worker would sleep out its 60 s poll.
        XCTAssertLessThan(waited, .seconds(30))
    }

    /// Two reviewers decide on one submission at the same moment: PostgreSQL runs one
    /// transaction again, and the history shows exactly one decision from each state.
    func testConcurrentDecisionsAreSerialized() async throws {
        let store = try await TestDatabases.makeStore(.postgres)
        let submission = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try upload())
        let claimed = try await store.claimNextJob(owner: "w", leaseSeconds: 60)
        let job = try XCTUnwrap(claimed)
        try await store.completeRun(
            job, result: PackageResult(path: "x", stages: [StageResult(name: "schema", status: .passed, durationMs: 1, findings: [])]))
        // Both read awaiting-review and try to move it on.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for reviewer in ["alice", "bob", "carol", "dave"] {
                group.addTask {
                    do {
                        _ = try await store.database.write(durable: false) { db in
                            try await Store.moveSubmission(
                                db, id: submission.id, onlyForRevision: nil, from: [SubmissionState.awaitingReview.rawValue],
                                to: SubmissionState.inReview.rawValue, actor: reviewer, action: "review-started", now: Store.now())
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.filter { $0 }.count, 4, "every transaction committed (a conflicting one was run again)")
        let starts = try await store.scalar("SELECT count(*) FROM review_event WHERE action = 'review-started'")
        XCTAssertEqual(starts, 1, "only the first moved it; the others found it already in review")
    }
}

/// `certify migrate-store`'s copy: SQLite into PostgreSQL, verified, and the same again changes
/// nothing.
final class StoreCopyTests: XCTestCase {
    func testASQLiteStoreCopiedIntoPostgreSQLIsTheSameAndACopyAgainChangesNothing() async throws {
        let sealer = SecretSealer(key: SymmetricKey(size: .bits256))
        let source = try await TestDatabases.makeStore(.sqlite, sealer: sealer)
        let destinationLocation = StoreLocation.postgres(try await TestDatabases.freshPostgresDatabase())
        let destination = try await Store.open(destinationLocation, sealer: sealer)
        // A little of everything: tokens, submissions with findings, a webhook with its sealed
        // secret and a delivery, a decision, a re-certification batch.
        let token = try await source.createToken(role: .submitter, publisher: "Contoso", label: "ci")
        let package = try PackageLoader().load(path: TestPaths.package("broken-json"))
        let upload = Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "Broken", fileName: "broken.zip",
            stages: ["package", "schema"], rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
        let (hook, secret) = try await source.createWebhook(
            publisher: "Contoso", url: "https://hooks.example.com/x", secret: nil, actor: "t")
        let first = try await source.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        _ = try await source.createSubmission(publisher: "Fabrikam", actor: "t", upload: upload)
        let claimed = try await source.claimNextJob(owner: "w", leaseSeconds: 60)
        let job = try XCTUnwrap(claimed)
        let finding = Finding(
            ruleId: "json-syntax", severity: .error, stage: "schema", message: "Expected ',' — here", file: "a.json",
            pointer: "/x", line: 3, column: 7, operation: nil, signature: "x")
        try await source.completeRun(
            job,
            result: PackageResult(path: "x", stages: [StageResult(name: "schema", status: .failed, durationMs: 1.25, findings: [finding])]))
        _ = try await source.perform(
            ReviewRequest(action: .comment, text: "Please fix the JSON ✓"), on: first.id,
            by: Principal(tokenId: 1, role: .reviewer, publisher: nil, label: "alice"))

        let reports = try await StoreCopy(from: source, to: destination, batchRows: 2).run()
        XCTAssertEqual(reports.map(\.table), StoreCopy.tables.map(\.name))
        for report in reports {
            XCTAssertTrue(report.verified, "\(report)")
        }
        XCTAssertGreaterThan(reports.reduce(0) { $0 + $1.copied }, 10)
        // The copy reads as the source does.
        let before = try await source.submissionDetail(id: first.id)
        let after = try await destination.submissionDetail(id: first.id)
        XCTAssertEqual(after?.events.map(\.text), before?.events.map(\.text))
        XCTAssertEqual(after?.latestRun?.stages.first?.findings, before?.latestRun?.stages.first?.findings)
        let principal = try await destination.authenticate(token: token)
        XCTAssertEqual(principal?.publisher, "Contoso", "the token works on the copy")
        let zip = try await destination.packageZip(submissionId: first.id, revision: 1)
        XCTAssertEqual(zip, upload.zip)
        let hooks = try await destination.webhooks(publisher: "Contoso")
        XCTAssertEqual(hooks.map(\.id), [hook.id])
        let storedSecret = try await destination.scalar("SELECT count(*) FROM webhook WHERE secret LIKE 'sealed:%'")
        XCTAssertEqual(storedSecret, 1, "the secret stays sealed")
        let deliveries = try await destination.claimDueDeliveries(owner: "d", limit: 10, leaseSeconds: 60)
        XCTAssertEqual(deliveries.first?.secret, secret, "the copy's secret opens with the same key")

        // New rows on the copy take new ids.
        _ = try await destination.createToken(role: .reviewer, publisher: nil, label: "bob")
        let third = try await destination.createSubmission(publisher: "Contoso", actor: "t", upload: upload)
        XCTAssertNotNil(third)

        // Again: nothing copied, everything verified (the new rows are the destination's own).
        let again = try await StoreCopy(from: source, to: destination).run()
        XCTAssertEqual(again.reduce(0) { $0 + $1.copied }, 0)
        XCTAssertEqual(again.first { $0.table == "finding" }?.verified, true)
        XCTAssertEqual(again.first { $0.table == "api_token" }?.verified, false, "the destination has a token the source lacks")

        // A destination row that differs from the source's is reported, not overwritten.
        try await destination.database.write(durable: false) { db in
            try await db.execute(sql: "UPDATE finding SET message = 'changed' WHERE rule_id = 'json-syntax'")
        }
        let tampered = try await StoreCopy(from: source, to: destination).run()
        XCTAssertEqual(tampered.first { $0.table == "finding" }?.verified, false)
        XCTAssertEqual(tampered.first { $0.table == "submission" }?.verified, false, "the third submission is only there")
        XCTAssertEqual(tampered.first { $0.table == "blob" }?.verified, true)
    }

    func testAStoreIsNotCopiedIntoItself() async throws {
        let store = try await TestDatabases.makeStore(.sqlite)
        await XCTAssertThrowsErrorAsync(try await StoreCopy(from: store, to: store).run()) { error in
            XCTAssertTrue("\(error)".contains("the same store"), "\(error)")
        }
    }
}

/// Where a store is, read from a URL or a path: the forms people type, and the wrong ones.
final class StoreLocationTests: XCTestCase {
    func testPostgresURLs() throws {
        let location = try PostgresLocation(
            url: "postgres://certify:s%40cret@db.example.com:6543/certify?sslmode=verify-full&max_connections=20")
        XCTAssertEqual(location.host, "db.example.com")
        XCTAssertEqual(location.port, 6543)
        XCTAssertEqual(location.username, "certify")
        XCTAssertEqual(location.password, "s@cret")
        XCTAssertEqual(location.database, "certify")
        XCTAssertEqual(location.tls, .verifyFull)
        XCTAssertEqual(location.maximumConnections, 20)
        XCTAssertEqual(location.redacted, "postgres://certify:***@db.example.com:6543/certify")
        XCTAssertEqual(try PostgresLocation(url: "postgres://u@h/" + String(repeating: "d", count: 63)).database.count, 63)
        let plain = try PostgresLocation(url: "postgresql://u@127.0.0.1/d")
        XCTAssertEqual(plain.port, 5432)
        XCTAssertEqual(plain.tls, .prefer)
        XCTAssertNil(plain.password)
        XCTAssertEqual(try PostgresLocation(url: "postgres://u:p@[::1]:5433/d").host, "::1")
    }

    func testStoreLocations() throws {
        XCTAssertEqual(try StoreLocation.parse("certify.sqlite"), .sqlite(path: "certify.sqlite"))
        XCTAssertEqual(try StoreLocation.parse("sqlite:/var/lib/certify.sqlite"), .sqlite(path: "/var/lib/certify.sqlite"))
        XCTAssertEqual(try StoreLocation.parse("sqlite:///var/lib/certify.sqlite"), .sqlite(path: "/var/lib/certify.sqlite"))
        guard case .postgres = try StoreLocation.parse("postgres://u:p@h/d") else { return XCTFail("not postgres") }
        XCTAssertEqual("\(try StoreLocation.parse("postgres://u:secret@h/d"))", "postgres://u:***@h:5432/d")
    }

    /// Each wrong URL is refused with what is wrong, and never with its password.
    func testWrongLocationsAreRefusedWithoutThePassword() {
        let wrong: [(String, String)] = [
            ("", "empty"),
            ("mysql://u:hunter2@h/d", "not a database this service knows"),
            ("postgres://u:hunter2@/d", "names no host"),
            ("postgres://:hunter2@h/d", "names no user"),
            ("postgres://u:hunter2@h", "names no database"),
            ("postgres://u:hunter2@h/a/b", "names no database"),
            ("postgres://u:hunter2@h/d?sslmode=sometimes", "sslmode 'sometimes'"),
            ("postgres://u:hunter2@h/d?max_connections=0", "max_connections '0'"),
            ("postgres://u:hunter2@h/d?max_connections=99999999999999999999", "max_connections"),
            ("postgres://u:hunter2@h/d?connect_timeout=-1", "connect_timeout '-1'"),
            ("postgres://u:hunter2@h/d?options=-c%20search_path%3Devil", "'options' is not one this service reads"),
            ("sqlite:", "names no SQLite file"),
            ("postgres://u:hunter2@h/" + String(repeating: "d", count: 64), "database name has 64 bytes"),
            ("postgres://" + String(repeating: "u", count: 64) + ":hunter2@h/d", "user name has 64 bytes"),
            ("postgres://u:hunter2@" + String(repeating: "h", count: 254) + "/d", "host name has 254 bytes"),
        ]
        for (text, expected) in wrong {
            XCTAssertThrowsError(try StoreLocation.parse(text), text) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(expected), "\(text): \(message)")
                XCTAssertFalse(message.contains("hunter2"), "\(text): the password is in the message: \(message)")
            }
        }
    }

    /// The server's own refusal is said at once, with the server named and the password not:
    /// no such database, a wrong password, no TLS where the URL requires it.
    func testTheServersRefusalIsSaid() async throws {
        let location = try TestDatabases.requirePostgres()
        var missing = location
        missing.database = "certify_no_such_database"
        var wrong = location
        wrong.password = "hunter2-wrong"
        var tls = location
        tls.tls = .require
        for (bad, expected) in [(missing, "does not exist"), (wrong, "password authentication failed"), (tls, "does not offer TLS")] {
            do {
                _ = try await Store.open(.postgres(bad))
                XCTFail("opened \(bad.redacted)")
            } catch {
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
                XCTAssertTrue("\(error)".contains("\(bad.host):\(bad.port)"), "\(error)")
                XCTAssertFalse("\(error)".contains("hunter2"), "\(error)")
            }
        }
    }

    /// A server that does not answer is an error within the connect timeout, naming the server
    /// without its password: not a hang.
    func testAnUnreachableServerIsAnErrorNotAHang() async throws {
        let port = try XCTUnwrap(UnusedLoopbackPort.find())
        let location = try PostgresLocation(url: "postgres://u:hunter2@127.0.0.1:\(port)/d?connect_timeout=1")
        let start = ContinuousClock.now
        do {
            _ = try await Store.open(.postgres(location))
            XCTFail("opened a store on a closed port")
        } catch {
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
            XCTAssertFalse("\(error)".contains("hunter2"), "\(error)")
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(20))
    }
}

/// The small SQL helpers the PostgreSQL store relies on.
final class SQLTextTests: XCTestCase {
    func testPlaceholdersBecomeNumberedOutsideStringsAndNames() {
        XCTAssertEqual(postgresPlaceholders("SELECT ? , '?', \"a?\", ?"), "SELECT $1 , '?', \"a?\", $2")
        XCTAssertEqual(postgresPlaceholders("SELECT 'it''s ?' , ?"), "SELECT 'it''s ?' , $1")
        XCTAssertEqual(postgresPlaceholders("no placeholders"), "no placeholders")
    }

    func testMigrationsSplitAtStatementEnds() {
        let statements = splitSQLStatements(
            """
            -- a comment; with a semicolon
            CREATE TABLE a (x TEXT DEFAULT ';');
            CREATE INDEX a_x ON a(x); -- trailing
            ALTER TABLE a ADD COLUMN "column;" TEXT
            """)
        XCTAssertEqual(
            statements,
            ["CREATE TABLE a (x TEXT DEFAULT ';')", "CREATE INDEX a_x ON a(x)", "ALTER TABLE a ADD COLUMN \"column;\" TEXT"])
        for migration in Store.migrations(for: .postgres) {
            XCTAssertFalse(splitSQLStatements(migration.text).isEmpty, migration.name)
        }
    }
}

/// Rows decoded as typed records, and what is refused.
final class SQLRowDecoderTests: XCTestCase {
    let columns = ["id", "publisher", "connector", "state", "state_changed_at", "assignee", "revision", "created_at"]

    func row(_ state: SQLValue, assignee: SQLValue = .null, revision: SQLValue = .integer(2)) -> SQLRow {
        SQLRow(
            columns: columns,
            values: [
                .text("sub_x"), .text("Contoso"), .text("Weather"), state, .real(1_700_000_000.5), assignee, revision,
                .integer(1_700_000_000),
            ])
    }

    func testARowBecomesARecordWithEnumsAndDates() throws {
        let summary = try row(.text("awaiting-review"), assignee: .text("alice")).decode(SubmissionRow.self).summary
        XCTAssertEqual(summary.state, "awaiting-review")
        XCTAssertEqual(summary.assignee, "alice")
        XCTAssertEqual(summary.revision, 2)
        XCTAssertEqual(summary.stateChangedAt, Date(timeIntervalSince1970: 1_700_000_000.5))
        XCTAssertEqual(summary.createdAt, Date(timeIntervalSince1970: 1_700_000_000), "an integer column read as seconds too")
        XCTAssertNil(try row(.text("submitted")).decode(SubmissionRow.self).assignee)
    }

    func testWhatARowCannotHoldIsAnErrorNamingTheColumn() {
        let wrong: [(SQLRow, String)] = [
            (row(.text("limbo")), "state"),
            (row(.null), "state"),
            (row(.text("submitted"), revision: .text("two")), "revision"),
            (SQLRow(columns: ["id"], values: [.text("x")]), "publisher"),
        ]
        for (row, column) in wrong {
            XCTAssertThrowsError(try row.decode(SubmissionRow.self)) { error in
                guard case StoreError.column(let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains(column), message)
            }
        }
        XCTAssertThrowsError(
            try SQLRow(columns: ["id", "role", "publisher", "label"], values: [.integer(1), .text("owner"), .null, .null])
                .decode(TokenRow.self))
    }
}
