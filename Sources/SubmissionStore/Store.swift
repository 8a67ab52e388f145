import Certification
import ConnectorPackage
import Crypto
import Foundation
import GRDB
import StageCatalog

/// Seals secrets the store must keep but not hold in the clear (webhook signing secrets), with
/// a key that lives outside the database.
public protocol SecretSealing: Sendable {
    func seal(data plain: Data) throws -> Data
    func open(data sealed: Data) throws -> Data
}

/// The submission store: one type owning the SQLite database, offering the service's operations
/// as methods, each one transaction. SQLite in WAL mode through a GRDB `DatabasePool`: one writer,
/// many readers.
public final class Store: Sendable {
    let pool: DatabasePool
    public let path: String
    /// When set, webhook secrets are stored sealed with it.
    let sealer: (any SecretSealing)?

    /// Opens (creating if needed) the database at `path` and applies the embedded migrations.
    /// With `sealer`, webhook secrets are written sealed (and read back through it).
    public init(path: String, sealer: (any SecretSealing)? = nil) throws {
        self.path = path
        self.sealer = sealer
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The migrations, from `Migrations/*.sql` embedded at build time, applied in name order and
    /// recorded in `grdb_migrations`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.text)
            }
        }
        return migrator
    }

    public static var migrations: [(name: String, text: String)] {
        EmbeddedMigrations.files.filter { $0.name.hasSuffix(".sql") }.sorted { $0.name < $1.name }
    }

    /// Names of the migrations applied to this database.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: Tokens

    /// Creates a token and returns it; only its SHA-256 is stored.
    public func createToken(role: Principal.Role, publisher: String?, label: String?) throws -> String {
        if role == .submitter && (publisher ?? "").isEmpty {
            throw StoreError.invalid("a submitter token needs a publisher")
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = "cert_" + hexString(bytes)
        let hash = sha256Hex(Array(token.utf8))
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_token (token_sha256, role, publisher, label, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, role.rawValue, publisher, label, Self.now()])
        }
        return token
    }

    /// The principal a token stands for, or nil when it is unknown or revoked.
    public func authenticate(token: String) throws -> Principal? {
        let hash = sha256Hex(Array(token.utf8))
        return try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, role, publisher, label FROM api_token WHERE token_sha256 = ? AND revoked_at IS NULL",
                    arguments: [hash]),
                let role = Principal.Role(rawValue: row["role"])
            else { return nil }
            return Principal(tokenId: row["id"], role: role, publisher: row["publisher"], label: row["label"])
        }
    }

    // MARK: Submissions

    /// What a new submission or revision brings.
    public struct Upload: Sendable {
        public var zip: Data
        public var contentSha256: String
        public var connector: String
        public var fileName: String?
        public var stages: [String]
        public var rulesetVersion: String
        public var toolVersion: String
        /// The run's sealed probe settings (credentials), kept until the run ends.
        public var runSecret: Data?

        public init(
            zip: Data, contentSha256: String, connector: String, fileName: String?, stages: [String],
            rulesetVersion: String, toolVersion: String, runSecret: Data? = nil
        ) {
            self.runSecret = runSecret
            self.zip = zip
            self.contentSha256 = contentSha256
            self.connector = connector
            self.fileName = fileName
            self.stages = stages
            self.rulesetVersion = rulesetVersion
            self.toolVersion = toolVersion
        }
    }

    /// A write whose commit is on disk when it returns, for what the service acknowledges to a
    /// caller (a submission or a revision answered 201). Its transaction commits with
    /// `synchronous = FULL`, so the WAL is synced at the commit and the write survives a power
    /// loss as well as a crash of the process. Other writes keep `NORMAL`, which in WAL mode
    /// survives a crash of the process, and a power loss without corrupting the database, but
    /// may lose the last commits before it.
    func durableWrite<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: Result<T, any Error>?
            try db.inTransaction {
                do {
                    result = .success(try body(db))
                    return .commit
                } catch {
                    result = .failure(error)
                    return .rollback
                }
            }
            guard let result else { throw StoreError.invalid("the write did not run") }
            return try result.get()
        }
    }

    /// The `synchronous` level of a connection (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA), for tests.
    static func synchronousLevel(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
    }

    /// Stores a new submission with its first revision, and queues its run, in one transaction:
    /// once this returns, the submission and its job are on disk (`durableWrite`).
    public func createSubmission(publisher: String, actor: String, upload: Upload) throws -> SubmissionSummary {
        let id = Self.newSubmissionId()
        return try durableWrite { db in
            let now = Self.now()
            try db.execute(
                sql: """
                    INSERT INTO submission (id, publisher, connector, state, state_changed_at, revision, created_at)
                    VALUES (?, ?, ?, ?, ?, 1, ?)
                    """,
                arguments: [id, publisher, upload.connector, SubmissionState.submitted.rawValue, now, now])
            try Self.appendRevision(db, submissionId: id, number: 1, actor: actor, upload: upload, now: now)
            try Self.appendEvent(
                db, submissionId: id, revision: 1, actor: actor, action: "submitted", from: nil,
                to: SubmissionState.submitted.rawValue, text: nil, now: now)
            guard let summary = try Self.fetchSummary(db, id: id) else { throw StoreError.notFound("submission \(id)") }
            return summary
        }
    }

    /// Adds a revision to an existing submission and queues its run, on disk when this returns
    /// (`durableWrite`).
    public func addRevision(submissionId: String, actor: String, upload: Upload) throws -> SubmissionSummary {
        try durableWrite { db in
            guard let current = try Self.fetchSummary(db, id: submissionId) else {
                throw StoreError.notFound("submission \(submissionId)")
            }
            let terminal: Set<String> = [SubmissionState.withdrawn.rawValue, SubmissionState.rejected.rawValue]
            if terminal.contains(current.state) {
                throw StoreError.invalid("submission \(submissionId) is \(current.state); a new revision cannot be added")
            }
            let now = Self.now()
            let number = current.revision + 1
            try db.execute(
                sql: """
                    UPDATE submission SET revision = ?, connector = ?, state = ?, state_changed_at = ?
                    WHERE id = ?
                    """,
                arguments: [number, upload.connector, SubmissionState.submitted.rawValue, now, submissionId])
            try Self.appendRevision(db, submissionId: submissionId, number: number, actor: actor, upload: upload, now: now)
            try Self.appendEvent(
                db, submissionId: submissionId, revision: number, actor: actor, action: "revision-submitted",
                from: current.state, to: SubmissionState.submitted.rawValue, text: nil, now: now)
            guard let summary = try Self.fetchSummary(db, id: submissionId) else { throw StoreError.notFound("submission \(submissionId)") }
            return summary
        }
    }

    static func appendRevision(
        _ db: Database, submissionId: String, number: Int, actor: String, upload: Upload, now: Double
    ) throws {
        try insertRevision(db, submissionId: submissionId, number: number, actor: actor, upload: upload, now: now)
        let runId = try enqueueRun(
            db, submissionId: submissionId, revision: number, reason: .submission, stages: upload.stages,
            rulesetVersion: upload.rulesetVersion, toolVersion: upload.toolVersion, priority: 10, now: now)
        if let sealed = upload.runSecret {
            // In the same transaction as the job, so no worker can take the run without it.
            try db.execute(
                sql: "INSERT INTO run_secret (run_id, sealed, created_at) VALUES (?, ?, ?)", arguments: [runId, sealed, now])
        }
    }

    /// Stores the package bytes (once per content) and the revision row.
    static func insertRevision(
        _ db: Database, submissionId: String, number: Int, actor: String, upload: Upload, now: Double
    ) throws {
        let blobHash = sha256Hex(upload.zip)
        // Content-addressed: an identical upload is stored once.
        try db.execute(
            sql: "INSERT INTO blob (sha256, size, data, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
            arguments: [blobHash, upload.zip.count, upload.zip, now])
        try db.execute(
            sql: """
                INSERT INTO revision (submission_id, number, blob_sha256, content_sha256, file_name, submitted_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [submissionId, number, blobHash, upload.contentSha256, upload.fileName, actor, now])
    }

    /// Queues a run of `revision` and its job.
    @discardableResult
    static func enqueueRun(
        _ db: Database, submissionId: String, revision: Int, reason: RunReason, stages: [String],
        rulesetVersion: String, toolVersion: String, priority: Int, now: Double
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO run (submission_id, revision, reason, state, stages, ruleset_version, tool_version, created_at)
                VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)
                """,
            arguments: [submissionId, revision, reason.rawValue, stages.joined(separator: ","), rulesetVersion, toolVersion, now])
        let runId = db.lastInsertedRowID
        try db.execute(
            sql: "INSERT INTO job (run_id, priority, state, available_at, created_at) VALUES (?, ?, 'queued', ?, ?)",
            arguments: [runId, priority, now, now])
        return runId
    }

    static func appendEvent(
        _ db: Database, submissionId: String, revision: Int?, actor: String, action: String, from: String?,
        to: String?, text: String?, fingerprint: String? = nil, now: Double
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO review_event (submission_id, revision, actor, action, from_state, to_state, text, fingerprint, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [submissionId, revision, actor, action, from, to, text, fingerprint, now])
        if to != nil {
            try enqueueWebhookDeliveries(db, eventId: db.lastInsertedRowID, submissionId: submissionId, now: now)
        }
    }

    static func newSubmissionId() -> String {
        let alphabet = Array("abcdefghjkmnpqrstvwxyz23456789")
        var random = SystemRandomNumberGenerator()
        return "sub_" + String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    public func submission(id: String) throws -> SubmissionSummary? {
        try pool.read { db in try Self.fetchSummary(db, id: id) }
    }

    static let summaryColumns = "id, publisher, connector, state, state_changed_at, assignee, revision, created_at"

    static func summary(_ row: Row) -> SubmissionSummary {
        SubmissionSummary(
            id: row["id"], publisher: row["publisher"], connector: row["connector"], state: row["state"],
            stateChangedAt: Date(timeIntervalSince1970: row["state_changed_at"]), assignee: row["assignee"],
            revision: row["revision"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func fetchSummary(_ db: Database, id: String) throws -> SubmissionSummary? {
        try Row.fetchOne(db, sql: "SELECT \(summaryColumns) FROM submission WHERE id = ?", arguments: [id]).map(summary)
    }

    /// The submission with its revisions, latest run and review history.
    public func submissionDetail(id: String) throws -> SubmissionDetail? {
        try pool.read { db in
            guard let summary = try Self.fetchSummary(db, id: id) else { return nil }
            let revisions = try Row.fetchAll(
                db,
                sql: """
                    SELECT number, blob_sha256, content_sha256, file_name, submitted_by, created_at
                    FROM revision WHERE submission_id = ? ORDER BY number
                    """,
                arguments: [id]
            ).map { row in
                RevisionRecord(
                    number: row["number"], blobSha256: row["blob_sha256"], contentSha256: row["content_sha256"],
                    fileName: row["file_name"], submittedBy: row["submitted_by"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
            let latestRunId = try Int64.fetchOne(
                db, sql: "SELECT max(id) FROM run WHERE submission_id = ?", arguments: [id])
            let latestRun = try latestRunId.flatMap { try Self.fetchRun(db, id: $0) }
            let events = try Self.fetchEvents(db, submissionId: id)
            return SubmissionDetail(submission: summary, revisions: revisions, latestRun: latestRun, events: events)
        }
    }

    static func fetchEvents(_ db: Database, submissionId: String) throws -> [ReviewEvent] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, revision, actor, action, from_state, to_state, text, fingerprint, created_at
                FROM review_event WHERE submission_id = ? ORDER BY id
                """,
            arguments: [submissionId]
        ).map { row in
            ReviewEvent(
                id: row["id"], revision: row["revision"], actor: row["actor"], action: row["action"],
                fromState: row["from_state"], toState: row["to_state"], text: row["text"],
                fingerprint: row["fingerprint"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    public func run(id: Int64) throws -> StoredRun? {
        try pool.read { db in try Self.fetchRun(db, id: id) }
    }

    static func fetchRun(_ db: Database, id: Int64) throws -> StoredRun? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, submission_id, revision, reason, state, verdict, stages, ruleset_version, tool_version,
                           created_at, started_at, finished_at, error
                    FROM run WHERE id = ?
                    """,
                arguments: [id])
        else { return nil }
        let record = RunRecord(
            id: row["id"], submissionId: row["submission_id"], revision: row["revision"], reason: row["reason"],
            state: row["state"], verdict: row["verdict"], stages: row["stages"], rulesetVersion: row["ruleset_version"],
            toolVersion: row["tool_version"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            startedAt: (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            error: row["error"])
        var findingsByStage: [String: [Finding]] = [:]
        for finding in try fetchFindings(db, runId: id) {
            findingsByStage[finding.stage, default: []].append(finding)
        }
        let stages = try Row.fetchAll(
            db,
            sql: "SELECT name, status, duration_ms, skip_reason, summary FROM stage_result WHERE run_id = ? ORDER BY position",
            arguments: [id]
        ).map { s in
            let name: String = s["name"]
            return StageResult(
                name: name, status: StageStatus(rawValue: s["status"]) ?? .failed, durationMs: s["duration_ms"],
                skipReason: s["skip_reason"], summary: s["summary"], findings: findingsByStage[name] ?? [],
                exchanges: name == StageRegistry.probeStageName ? try fetchExchanges(db, runId: id) : [])
        }
        return StoredRun(run: record, stages: stages)
    }

    /// The package bytes of a revision.
    public func packageZip(submissionId: String, revision: Int) throws -> Data? {
        try pool.read { db in
            try Data.fetchOne(
                db,
                sql: """
                    SELECT blob.data FROM revision JOIN blob ON blob.sha256 = revision.blob_sha256
                    WHERE revision.submission_id = ? AND revision.number = ?
                    """,
                arguments: [submissionId, revision])
        }
    }

    /// How many distinct package blobs are stored (content addressing keeps duplicates out).
    public func blobCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM blob") ?? 0 }
    }

    // MARK: Queue

    public func queue(_ filter: QueueFilter, now: Date = Date()) throws -> QueuePage {
        let limit = max(1, min(filter.limit, QueueFilter.maximumLimit))
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        var common: [String] = []
        var commonArguments: [any DatabaseValueConvertible] = []
        if let publisher = filter.publisher {
            common.append("publisher = ?")
            commonArguments.append(publisher)
        }
        if let assignee = filter.assignee {
            common.append("assignee = ?")
            commonArguments.append(assignee)
        }
        if let age = filter.minimumAgeSeconds {
            common.append("state_changed_at <= ?")
            commonArguments.append(now.timeIntervalSince1970 - age)
        }
        conditions += common
        arguments += commonArguments
        if !filter.states.isEmpty {
            conditions.append("state IN (\(Array(repeating: "?", count: filter.states.count).joined(separator: ", ")))")
            arguments += filter.states.map { $0 as any DatabaseValueConvertible }
        }
        if let cursor = filter.cursor {
            guard let (time, id) = Self.decodeCursor(cursor) else {
                throw StoreError.invalid("cursor '\(cursor.prefix(64))' is not a cursor this server issued")
            }
            conditions.append("(state_changed_at, id) > (?, ?)")
            arguments += [time, id]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let commonWhere = common.isEmpty ? "" : "WHERE " + common.joined(separator: " AND ")
        return try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.summaryColumns) FROM submission \(whereClause) ORDER BY state_changed_at, id LIMIT ?",
                arguments: StatementArguments(arguments + [limit + 1]))
            var items = rows.map(Self.summary)
            var next: String?
            if items.count > limit {
                items.removeLast()
                let last = rows[limit - 1]
                next = Self.encodeCursor(time: last["state_changed_at"], id: last["id"])
            }
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT state, count(*) AS n FROM submission \(commonWhere) GROUP BY state",
                arguments: StatementArguments(commonArguments))
            {
                counts[row["state"]] = row["n"]
            }
            return QueuePage(items: items, nextCursor: next, counts: counts)
        }
    }

    static func encodeCursor(time: Double, id: String) -> String {
        Data("\(time.bitPattern)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `cursor` is one `queue` could have issued (the API checks it before asking).
    public static func isIssuedCursor(_ cursor: String) -> Bool {
        decodeCursor(cursor) != nil
    }

    static func decodeCursor(_ cursor: String) -> (Double, String)? {
        // Issued cursors are unpadded base64url of "BITS|ID": short, and of that alphabet only.
        guard !cursor.isEmpty, cursor.utf8.count <= 512,
            cursor.utf8.allSatisfy({ $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
        else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, let bits = UInt64(parts[0]), Double(bitPattern: bits).isFinite, !parts[1].isEmpty else {
            return nil
        }
        return (Double(bitPattern: bits), String(parts[1]))
    }

    // MARK: Jobs

    /// Leases the next job: the highest priority, oldest first. Jobs whose lease expired (their
    /// worker died) are taken again. A job that has failed `maximumAttempts` times is given up.
    public func claimNextJob(owner: String, leaseSeconds: Double, maximumAttempts: Int = 5) throws -> ClaimedJob? {
        try pool.write { db in
            let now = Self.now()
            // Expired leases go back to the queue (or fail, once out of attempts).
            try db.execute(
                sql: """
                    UPDATE job SET state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END,
                                   last_error = 'lease expired: the worker stopped before finishing',
                                   lease_owner = NULL, lease_expires_at = NULL
                    WHERE state = 'leased' AND lease_expires_at < ?
                    """,
                arguments: [maximumAttempts, now])
            try Self.failRunsOfFailedJobs(db, now: now)
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        UPDATE job SET state = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
                        WHERE id = (SELECT id FROM job WHERE state = 'queued' AND available_at <= ?
                                    ORDER BY priority DESC, id LIMIT 1)
                        RETURNING id, run_id, attempts
                        """,
                    arguments: [owner, now + leaseSeconds, now])
            else { return nil }
            let runId: Int64 = row["run_id"]
            guard
                let run = try Row.fetchOne(
                    db, sql: "SELECT submission_id, revision, stages, reason, ruleset_version FROM run WHERE id = ?",
                    arguments: [runId])
            else { throw StoreError.notFound("run \(runId)") }
            try db.execute(
                sql: "UPDATE run SET state = 'running', started_at = ? WHERE id = ?", arguments: [now, runId])
            let submissionId: String = run["submission_id"]
            let revision: Int = run["revision"]
            let stored: String = run["reason"]
            guard let reason = RunReason(rawValue: stored) else {
                throw StoreError.invalid("run \(runId) has the unknown reason '\(stored)'")
            }
            if reason == .submission {
                try Self.moveSubmission(
                    db, id: submissionId, onlyForRevision: revision, from: [SubmissionState.submitted.rawValue],
                    to: SubmissionState.checking.rawValue, actor: "system", action: "checking-started", now: now)
            }
            let stages = (run["stages"] as String).split(separator: ",").map(String.init)
            let accepted = try String.fetchAll(
                db,
                sql: "SELECT fingerprint FROM accepted_finding WHERE submission_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [submissionId, now])
            return ClaimedJob(
                jobId: row["id"], runId: runId, submissionId: submissionId, revision: revision, stages: stages,
                attempts: row["attempts"], leaseOwner: owner, reason: reason, rulesetVersion: run["ruleset_version"],
                acceptedFindings: Set(accepted))
        }
    }

    /// Extends a lease while a long stage runs. Throws `leaseLost` when another worker has it.
    public func renewLease(_ job: ClaimedJob, leaseSeconds: Double) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE job SET lease_expires_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
                arguments: [Self.now() + leaseSeconds, job.jobId, job.leaseOwner])
            if db.changesCount == 0 { throw StoreError.leaseLost(jobId: job.jobId) }
        }
    }

    /// Writes a run's results, once: only the worker holding the lease can, and in the same
    /// transaction the job is closed and the submission moves on. A worker whose lease was
    /// taken over writes nothing.
    public func completeRun(_ job: ClaimedJob, result: PackageResult) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(
                sql: "UPDATE job SET state = 'done', finished_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
                arguments: [now, job.jobId, job.leaseOwner])
            if db.changesCount == 0 { throw StoreError.leaseLost(jobId: job.jobId) }
            let stageStatement = try db.cachedStatement(
                sql:
                    "INSERT INTO stage_result (run_id, position, name, status, duration_ms, skip_reason, summary) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            let exchangeStatement = try db.cachedStatement(
                sql: """
                    INSERT INTO probe_exchange (run_id, position, operation, method, url, request_headers, status,
                                                latency_ms, response_headers, body_excerpt, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var exchangePosition = 0
            let findingStatement = try db.cachedStatement(
                sql: """
                    INSERT INTO finding (run_id, rule_id, severity, stage, message, file, pointer, line, "column",
                                         operation, evidence, fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (position, stage) in result.stages.enumerated() {
                try stageStatement.execute(arguments: [
                    job.runId, position, stage.name, stage.status.rawValue, stage.durationMs, stage.skipReason,
                    stage.summary,
                ])
                for e in stage.exchanges {
                    try exchangeStatement.execute(arguments: [
                        job.runId, exchangePosition, e.operation, e.method, e.url, e.requestHeaders.joined(separator: "\n"),
                        e.status, e.latencyMs, e.responseHeaders.joined(separator: "\n"), e.bodyExcerpt, e.error,
                    ])
                    exchangePosition += 1
                }
                for f in stage.findings {
                    try findingStatement.execute(arguments: [
                        job.runId, f.ruleId, f.severity.rawValue, f.stage, f.message, f.file, f.pointer, f.line,
                        f.column, f.operation, f.evidence, f.fingerprint,
                    ])
                }
            }
            try db.execute(
                sql: "UPDATE run SET state = 'finished', verdict = ?, finished_at = ? WHERE id = ?",
                arguments: [result.verdict.rawValue, now, job.runId])
            // Credentials were for this run only.
            try db.execute(sql: "DELETE FROM run_secret WHERE run_id = ?", arguments: [job.runId])
            switch job.reason {
            case .submission:
                let next = result.verdict == .pass ? SubmissionState.awaitingReview : SubmissionState.changesRequired
                let errors = result.findings.filter { $0.severity == .error }.count
                try Self.moveSubmission(
                    db, id: job.submissionId, onlyForRevision: job.revision,
                    from: [SubmissionState.checking.rawValue, SubmissionState.submitted.rawValue], to: next.rawValue,
                    actor: "system", action: "checks-finished",
                    text: "Run \(job.runId): \(result.verdict.rawValue), \(errors) blocking finding(s).", now: now)
            case .recertification:
                try Self.settleRecertificationRun(
                    db, runId: job.runId, submissionId: job.submissionId, revision: job.revision,
                    verdict: result.verdict.rawValue, now: now)
            case .import:
                break  // an import records the baseline; the state stays as imported
            }
        }
    }

    /// Records a failed attempt: the job is retried later, or given up after `maximumAttempts`.
    public func failAttempt(_ job: ClaimedJob, error: String, retryAfterSeconds: Double, maximumAttempts: Int = 5) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(
                sql: """
                    UPDATE job SET state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END,
                                   last_error = ?, available_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'leased' AND lease_owner = ?
                    """,
                arguments: [maximumAttempts, error, now + retryAfterSeconds, job.jobId, job.leaseOwner])
            try Self.failRunsOfFailedJobs(db, now: now)
        }
    }

    /// Ends a job as failed now, whatever attempts it has left: its run is failed with `reason`
    /// and the job is never taken again (a run out of time). Only the worker holding the lease
    /// can; any other gets `leaseLost` and writes nothing.
    public func giveUpJob(_ job: ClaimedJob, reason: String) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(
                sql: """
                    UPDATE job SET state = 'failed', last_error = ?, finished_at = ?, lease_owner = NULL,
                                   lease_expires_at = NULL
                    WHERE id = ? AND state = 'leased' AND lease_owner = ?
                    """,
                arguments: [reason, now, job.jobId, job.leaseOwner])
            if db.changesCount == 0 { throw StoreError.leaseLost(jobId: job.jobId) }
            try Self.failRunsOfFailedJobs(db, now: now)
        }
    }

    static func failRunsOfFailedJobs(_ db: Database, now: Double) throws {
        let given = try Row.fetchAll(
            db,
            sql: """
                SELECT id, submission_id, revision FROM run WHERE state IN ('queued', 'running') AND recertification_id IS NOT NULL
                  AND id IN (SELECT run_id FROM job WHERE state = 'failed')
                """)
        // A submission's checks that could not run: the submission leaves `checking` for a state
        // a person acts on, with an event saying why (and its webhook).
        let checks = try Row.fetchAll(
            db,
            sql: """
                SELECT run.id, run.submission_id, run.revision, job.last_error, job.attempts FROM run JOIN job ON job.run_id = run.id
                WHERE run.state IN ('queued', 'running') AND run.reason = 'submission' AND job.state = 'failed'
                """)
        try db.execute(
            sql: """
                UPDATE run SET state = 'failed', finished_at = ?,
                               error = (SELECT last_error FROM job WHERE job.run_id = run.id)
                WHERE state IN ('queued', 'running') AND id IN (SELECT run_id FROM job WHERE state = 'failed')
                """,
            arguments: [now])
        try db.execute(sql: "DELETE FROM run_secret WHERE run_id IN (SELECT id FROM run WHERE state = 'failed')")
        for run in given {
            try settleRecertificationRun(
                db, runId: run["id"], submissionId: run["submission_id"], revision: run["revision"], verdict: nil, now: now)
        }
        for run in checks {
            let runId: Int64 = run["id"]
            let revision: Int = run["revision"]
            let attempts: Int = run["attempts"]
            let reason = (run["last_error"] as String?) ?? "no reason recorded"
            try moveSubmission(
                db, id: run["submission_id"], onlyForRevision: revision,
                from: [SubmissionState.checking.rawValue, SubmissionState.submitted.rawValue],
                to: SubmissionState.changesRequired.rawValue, actor: "system", action: "checks-failed",
                text:
                    "Run \(runId) of revision \(revision) could not finish (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(reason). It has no verdict: send the revision again to re-run the checks, and tell the service's operators if it happens again.",
                now: now)
        }
    }

    /// Moves a submission between states when it is in one of `from` and its latest revision is
    /// `onlyForRevision` (a run of an older revision does not move it), with a review event.
    static func moveSubmission(
        _ db: Database, id: String, onlyForRevision revision: Int?, from: [String], to: String, actor: String,
        action: String, text: String? = nil, now: Double
    ) throws {
        guard let current = try fetchSummary(db, id: id), revision == nil || current.revision == revision,
            from.contains(current.state)
        else { return }
        try db.execute(
            sql: "UPDATE submission SET state = ?, state_changed_at = ? WHERE id = ?", arguments: [to, now, id])
        try appendEvent(
            db, submissionId: id, revision: revision, actor: actor, action: action, from: current.state, to: to,
            text: text, now: now)
    }

    /// Jobs not yet done (queued or leased).
    public func pendingJobCount() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM job WHERE state IN ('queued', 'leased')") ?? 0
        }
    }

    public func statistics() throws -> StoreStatistics {
        try pool.read { db in
            func counts(_ sql: String) throws -> [String: Int] {
                var result: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: sql) { result[row[0] ?? "none"] = row[1] }
                return result
            }
            return StoreStatistics(
                submissionsByState: try counts("SELECT state, count(*) FROM submission GROUP BY state"),
                jobsByState: try counts("SELECT state, count(*) FROM job GROUP BY state"),
                runsByVerdict: try counts("SELECT coalesce(verdict, state), count(*) FROM run GROUP BY 1"))
        }
    }

    /// Runs a read-only query, for tests and diagnostics.
    public func scalar(_ sql: String) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}

extension Store {
    /// SQLite's query plan for each statement, for tests that check indexes are used.
    public func queryPlans(_ statements: [String]) throws -> [(String, String)] {
        try pool.read { db in
            try statements.map { sql in
                let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql)
                return (sql, rows.map { $0["detail"] as String? ?? "" }.joined(separator: "; "))
            }
        }
    }
}

extension Store {
    /// Owners of the leases held now.
    public func leaseOwners() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT lease_owner FROM job WHERE state = 'leased' AND lease_owner IS NOT NULL")
        }
    }

    /// Puts the jobs leased by `owners` back in the queue at once, without waiting for their
    /// leases to expire: used at start-up for the leases of a process that is known to be dead.
    @discardableResult
    public func releaseLeases(ofOwners owners: [String]) throws -> Int {
        guard !owners.isEmpty else { return 0 }
        return try pool.write { db in
            let marks = Array(repeating: "?", count: owners.count).joined(separator: ", ")
            try db.execute(
                sql: """
                    UPDATE job SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL,
                                   last_error = 'the worker''s process ended before finishing'
                    WHERE state = 'leased' AND lease_owner IN (\(marks))
                    """,
                arguments: StatementArguments(owners))
            return db.changesCount
        }
    }
}

extension Store {
    static func fetchExchanges(_ db: Database, runId: Int64) throws -> [Exchange] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT operation, method, url, request_headers, status, latency_ms, response_headers, body_excerpt, error
                FROM probe_exchange WHERE run_id = ? ORDER BY position
                """,
            arguments: [runId]
        ).map { row in
            Exchange(
                operation: row["operation"], method: row["method"], url: row["url"],
                requestHeaders: (row["request_headers"] as String).split(separator: "\n").map(String.init),
                status: row["status"], latencyMs: row["latency_ms"],
                responseHeaders: (row["response_headers"] as String).split(separator: "\n").map(String.init),
                bodyExcerpt: row["body_excerpt"], error: row["error"])
        }
    }

    /// Keeps a run's sealed probe settings until the run ends.
    public func saveRunSecret(runId: Int64, sealed: Data) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO run_secret (run_id, sealed, created_at) VALUES (?, ?, ?)",
                arguments: [runId, sealed, Self.now()])
        }
    }

    public func runSecret(runId: Int64) throws -> Data? {
        try pool.read { db in try Data.fetchOne(db, sql: "SELECT sealed FROM run_secret WHERE run_id = ?", arguments: [runId]) }
    }

    /// The latest run of a submission's latest revision.
    public func latestRunId(submissionId: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(id) FROM run WHERE submission_id = ?", arguments: [submissionId])
        }
    }
}
