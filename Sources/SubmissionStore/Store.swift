import Certification
import ConnectorPackage
import Crypto
import Foundation
import Logging
import StageCatalog

/// Seals secrets the store must keep but not hold in the clear (webhook signing secrets), with
/// a key that lives outside the database.
public protocol SecretSealing: Sendable {
    func seal(data plain: Data) throws -> Data
    func open(data sealed: Data) throws -> Data
}

/// The submission store: the service's operations as async methods, each one transaction, over
/// a SQL database that is either the embedded SQLite file (GRDB, the default) or a PostgreSQL
/// server shared by several processes (postgres-nio). The SQL is written once; `SQLDatabase`
/// runs it on either.
public final class Store: Sendable {
    public let database: any SQLDatabase
    /// The SQLite file, when the store is one.
    public let path: String?
    /// When set, webhook secrets are stored sealed with it.
    let sealer: (any SecretSealing)?

    /// Opens (creating if needed) the SQLite database at `path` and applies the embedded
    /// migrations. With `sealer`, webhook secrets are written sealed (and read back through it).
    public init(path: String, sealer: (any SecretSealing)? = nil) throws {
        let sqlite = try SQLiteDatabase(path: path)
        try sqlite.migrateNow(Self.migrations(for: .sqlite))
        self.database = sqlite
        self.path = path
        self.sealer = sealer
    }

    /// A store over a database already migrated (`open`).
    init(database: any SQLDatabase, sealer: (any SecretSealing)?) {
        self.database = database
        self.path = (database as? SQLiteDatabase)?.path
        self.sealer = sealer
    }

    /// Opens the store at `location` and applies the migrations not yet applied (once, under a
    /// lock, when several processes start together).
    public static func open(
        _ location: StoreLocation, sealer: (any SecretSealing)? = nil, logger: Logger = Logger(label: "certify.store")
    ) async throws -> Store {
        switch location {
        case .sqlite(let path):
            return try Store(path: path, sealer: sealer)
        case .postgres(let configuration):
            let database = try await PostgresDatabase.connect(configuration, logger: logger)
            do {
                _ = try await database.migrate(migrations(for: .postgres))
            } catch {
                await database.close()
                throw error
            }
            return Store(database: database, sealer: sealer)
        }
    }

    /// Closes the database's connections.
    public func close() async {
        await database.close()
    }

    public var dialect: SQLDialect { database.dialect }

    /// The migrations of `dialect`, from `Migrations/DIALECT/*.sql` embedded at build time, in
    /// name order, each recorded by its file name.
    public static func migrations(for dialect: SQLDialect) -> [SQLMigration] {
        let folder = dialect.rawValue + "/"
        return EmbeddedMigrations.files.filter { $0.name.hasPrefix(folder) && $0.name.hasSuffix(".sql") }
            .map { SQLMigration(name: String($0.name.dropFirst(folder.count)), text: $0.text) }
            .sorted { $0.name < $1.name }
    }

    /// Names of the migrations applied to this database.
    public func appliedMigrations() async throws -> [String] {
        try await database.appliedMigrations()
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: Tokens

    /// Creates a token and returns it; only its SHA-256 is stored.
    public func createToken(role: Principal.Role, publisher: String?, label: String?) async throws -> String {
        if role == .submitter && (publisher ?? "").isEmpty {
            throw StoreError.invalid("a submitter token needs a publisher")
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = "cert_" + hexString(bytes)
        let hash = sha256Hex(Array(token.utf8))
        try await database.write(durable: false) { db in
            try await db.execute(
                sql: "INSERT INTO api_token (token_sha256, role, publisher, label, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, role.rawValue, publisher, label, Self.now()])
        }
        return token
    }

    /// The principal a token stands for, or nil when it is unknown or revoked.
    public func authenticate(token: String) async throws -> Principal? {
        let hash = sha256Hex(Array(token.utf8))
        return try await database.read { db in
            try await db.fetchOne(
                sql: "SELECT id, role, publisher, label FROM api_token WHERE token_sha256 = ? AND revoked_at IS NULL",
                arguments: [hash]
            ).map { try $0.decode(TokenRow.self).principal }
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

    /// The `synchronous` level of the SQLite writer (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA), for
    /// tests; nil on PostgreSQL.
    func synchronousLevel() async throws -> Int? {
        guard database.dialect == .sqlite else { return nil }
        return try await database.write(durable: false) { db in
            try await db.scalar(Int.self, sql: "PRAGMA synchronous")
        }
    }

    /// Stores a new submission with its first revision, and queues its run, in one transaction:
    /// once this returns, the submission and its job are on disk (`durableWrite`).
    public func createSubmission(publisher: String, actor: String, upload: Upload) async throws -> SubmissionSummary {
        let id = Self.newSubmissionId()
        // Only new rows, and counters updated in one statement: READ COMMITTED keeps it correct,
        // and intakes at once that add to the same counter row wait for each other's commit
        // instead of one being aborted and run again (SERIALIZABLE).
        let summary = try await database.write(durable: true, isolation: .readCommitted) { db in
            let now = Self.now()
            try await db.execute(
                sql: """
                    INSERT INTO submission (id, publisher, connector, state, state_changed_at, revision, created_at)
                    VALUES (?, ?, ?, ?, ?, 1, ?)
                    """,
                arguments: [id, publisher, upload.connector, SubmissionState.submitted.rawValue, now, now])
            try await Self.appendRevision(db, submissionId: id, number: 1, actor: actor, upload: upload, now: now)
            try await Self.appendEvent(
                db, submissionId: id, revision: 1, actor: actor, action: "submitted", from: nil,
                to: SubmissionState.submitted.rawValue, text: nil, now: now)
            guard let summary = try await Self.fetchSummary(db, id: id) else { throw StoreError.notFound("submission \(id)") }
            return summary
        }
        await database.notifyJobsQueued()
        return summary
    }

    /// Adds a revision to an existing submission and queues its run, on disk when this returns
    /// (`durableWrite`).
    public func addRevision(submissionId: String, actor: String, upload: Upload) async throws -> SubmissionSummary {
        // The submission's row is locked where it is read (FOR UPDATE), as for a new one.
        let summary = try await database.write(durable: true, isolation: .readCommitted) { db in
            guard let current = try await Self.fetchSummary(db, id: submissionId, forUpdate: true) else {
                throw StoreError.notFound("submission \(submissionId)")
            }
            let terminal: Set<String> = [SubmissionState.withdrawn.rawValue, SubmissionState.rejected.rawValue]
            if terminal.contains(current.state) {
                throw StoreError.invalid("submission \(submissionId) is \(current.state); a new revision cannot be added")
            }
            let now = Self.now()
            let number = current.revision + 1
            try await db.execute(
                sql: """
                    UPDATE submission SET revision = ?, connector = ?, state = ?, state_changed_at = ?
                    WHERE id = ?
                    """,
                arguments: [number, upload.connector, SubmissionState.submitted.rawValue, now, submissionId])
            try await Self.appendRevision(db, submissionId: submissionId, number: number, actor: actor, upload: upload, now: now)
            try await Self.appendEvent(
                db, submissionId: submissionId, revision: number, actor: actor, action: "revision-submitted",
                from: current.state, to: SubmissionState.submitted.rawValue, text: nil, now: now)
            guard let summary = try await Self.fetchSummary(db, id: submissionId) else {
                throw StoreError.notFound("submission \(submissionId)")
            }
            return summary
        }
        await database.notifyJobsQueued()
        return summary
    }

    static func appendRevision(
        _ db: any SQLSession, submissionId: String, number: Int, actor: String, upload: Upload, now: Double
    ) async throws {
        try await insertRevision(db, submissionId: submissionId, number: number, actor: actor, upload: upload, now: now)
        let runId = try await enqueueRun(
            db, submissionId: submissionId, revision: number, reason: .submission, stages: upload.stages,
            rulesetVersion: upload.rulesetVersion, toolVersion: upload.toolVersion, priority: 10, now: now)
        if let sealed = upload.runSecret {
            // In the same transaction as the job, so no worker can take the run without it.
            try await db.execute(
                sql: "INSERT INTO run_secret (run_id, sealed, created_at) VALUES (?, ?, ?)", arguments: [runId, sealed, now])
        }
    }

    /// Stores the package bytes (once per content) and the revision row.
    static func insertRevision(
        _ db: any SQLSession, submissionId: String, number: Int, actor: String, upload: Upload, now: Double
    ) async throws {
        let blobHash = sha256Hex(upload.zip)
        // Content-addressed: an identical upload is stored once.
        try await db.execute(
            sql: "INSERT INTO blob (sha256, size, data, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
            arguments: [blobHash, upload.zip.count, upload.zip, now])
        try await db.execute(
            sql: """
                INSERT INTO revision (submission_id, number, blob_sha256, content_sha256, file_name, submitted_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [submissionId, number, blobHash, upload.contentSha256, upload.fileName, actor, now])
    }

    /// Queues a run of `revision` and its job.
    @discardableResult
    static func enqueueRun(
        _ db: any SQLSession, submissionId: String, revision: Int, reason: RunReason, stages: [String],
        rulesetVersion: String, toolVersion: String, priority: Int, now: Double
    ) async throws -> Int64 {
        guard
            let runId = try await db.scalar(
                Int64.self,
                sql: """
                    INSERT INTO run (submission_id, revision, reason, state, stages, ruleset_version, tool_version, created_at)
                    VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) RETURNING id
                    """,
                arguments: [
                    submissionId, revision, reason.rawValue, stages.joined(separator: ","), rulesetVersion, toolVersion, now,
                ])
        else { throw StoreError.database("the new run has no id") }
        try await db.execute(
            sql: "INSERT INTO job (run_id, priority, state, available_at, created_at) VALUES (?, ?, 'queued', ?, ?)",
            arguments: [runId, priority, now, now])
        return runId
    }

    static func appendEvent(
        _ db: any SQLSession, submissionId: String, revision: Int?, actor: String, action: String, from: String?,
        to: String?, text: String?, fingerprint: String? = nil, now: Double
    ) async throws {
        guard
            let eventId = try await db.scalar(
                Int64.self,
                sql: """
                    INSERT INTO review_event (submission_id, revision, actor, action, from_state, to_state, text, fingerprint, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                arguments: [submissionId, revision, actor, action, from, to, text, fingerprint, now])
        else { throw StoreError.database("the new review event has no id") }
        if to != nil {
            try await enqueueWebhookDeliveries(db, eventId: eventId, submissionId: submissionId, now: now)
        }
    }

    static func newSubmissionId() -> String {
        let alphabet = Array("abcdefghjkmnpqrstvwxyz23456789")
        var random = SystemRandomNumberGenerator()
        return "sub_" + String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    public func submission(id: String) async throws -> SubmissionSummary? {
        try await database.read { db in try await Self.fetchSummary(db, id: id) }
    }

    static let summaryColumns = "id, publisher, connector, state, state_changed_at, assignee, revision, created_at"

    static func summary(_ row: SQLRow) throws -> SubmissionSummary {
        try row.decode(SubmissionRow.self).summary
    }

    /// The submission `id`; `forUpdate` locks its row on PostgreSQL until the transaction ends,
    /// for a write that moves it on from the state read here.
    static func fetchSummary(_ db: any SQLSession, id: String, forUpdate: Bool = false) async throws -> SubmissionSummary? {
        let lock = forUpdate && db.dialect == .postgres ? " FOR UPDATE" : ""
        return try await db.fetchOne(sql: "SELECT \(summaryColumns) FROM submission WHERE id = ?\(lock)", arguments: [id]).map(summary)
    }

    /// The submission with its revisions, latest run and review history.
    public func submissionDetail(id: String) async throws -> SubmissionDetail? {
        try await database.read { db in
            guard let summary = try await Self.fetchSummary(db, id: id) else { return nil }
            let revisions = try await db.fetchAll(
                sql: """
                    SELECT number, blob_sha256, content_sha256, file_name, submitted_by, created_at
                    FROM revision WHERE submission_id = ? ORDER BY number
                    """,
                arguments: [id]
            ).map { try $0.decode(RevisionRecord.self) }
            let latestRunId = try await db.scalar(Int64.self, sql: "SELECT max(id) FROM run WHERE submission_id = ?", arguments: [id])
            let latestRun = try await latestRunId.asyncFlatMap { try await Self.fetchRun(db, id: $0) }
            let events = try await Self.fetchEvents(db, submissionId: id)
            return SubmissionDetail(submission: summary, revisions: revisions, latestRun: latestRun, events: events)
        }
    }

    static func fetchEvents(_ db: any SQLSession, submissionId: String) async throws -> [ReviewEvent] {
        try await db.fetchAll(
            sql: """
                SELECT id, revision, actor, action, from_state, to_state, text, fingerprint, created_at
                FROM review_event WHERE submission_id = ? ORDER BY id
                """,
            arguments: [submissionId]
        ).map { try $0.decode(ReviewEvent.self) }
    }

    public func run(id: Int64) async throws -> StoredRun? {
        try await database.read { db in try await Self.fetchRun(db, id: id) }
    }

    static func fetchRun(_ db: any SQLSession, id: Int64) async throws -> StoredRun? {
        guard
            let row = try await db.fetchOne(
                sql: """
                    SELECT id, submission_id, revision, reason, state, verdict, stages, ruleset_version, tool_version,
                           created_at, started_at, finished_at, error
                    FROM run WHERE id = ?
                    """,
                arguments: [id])
        else { return nil }
        let record = try row.decode(RunRow.self).record
        var findingsByStage: [String: [Finding]] = [:]
        for finding in try await fetchFindings(db, runId: id) {
            findingsByStage[finding.stage, default: []].append(finding)
        }
        let stages = try await db.fetchAll(
            sql: "SELECT name, status, duration_ms, skip_reason, summary FROM stage_result WHERE run_id = ? ORDER BY position",
            arguments: [id]
        ).asyncMap { s in
            let name: String = try s["name"]
            return StageResult(
                name: name, status: StageStatus(rawValue: try s["status"]) ?? .failed, durationMs: try s["duration_ms"],
                skipReason: try s["skip_reason"], summary: try s["summary"], findings: findingsByStage[name] ?? [],
                exchanges: name == StageRegistry.probeStageName ? try await fetchExchanges(db, runId: id) : [])
        }
        return StoredRun(run: record, stages: stages)
    }

    /// The package bytes of a revision.
    public func packageZip(submissionId: String, revision: Int) async throws -> Data? {
        try await database.read { db in
            try await db.scalar(
                Data.self,
                sql: """
                    SELECT blob.data FROM revision JOIN blob ON blob.sha256 = revision.blob_sha256
                    WHERE revision.submission_id = ? AND revision.number = ?
                    """,
                arguments: [submissionId, revision])
        }
    }

    /// How many distinct package blobs are stored (content addressing keeps duplicates out).
    public func blobCount() async throws -> Int {
        try await database.read { db in try await db.scalar(Int.self, sql: "SELECT count(*) FROM blob") ?? 0 }
    }

    // MARK: Queue

    public func queue(_ filter: QueueFilter, now: Date = Date()) async throws -> QueuePage {
        let limit = max(1, min(filter.limit, QueueFilter.maximumLimit))
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        var common: [String] = []
        var commonArguments: [any SQLBindable] = []
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
            arguments += filter.states.map { $0 as any SQLBindable }
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
        let pageArguments = SQLArguments(arguments + [limit + 1])
        let countArguments = SQLArguments(commonArguments)
        return try await database.read { db in
            let rows = try await db.fetchAll(
                sql: "SELECT \(Self.summaryColumns) FROM submission \(whereClause) ORDER BY state_changed_at, id LIMIT ?",
                arguments: pageArguments)
            var items = try rows.map(Self.summary)
            var next: String?
            if items.count > limit {
                items.removeLast()
                let last = rows[limit - 1]
                next = Self.encodeCursor(time: try last["state_changed_at"], id: try last["id"])
            }
            var counts: [String: Int] = [:]
            // Unfiltered, the counts the triggers keep (migration 0007); filtered, counted.
            let countSQL =
                commonWhere.isEmpty
                ? "SELECT state, sum(n) AS n FROM submission_state_count GROUP BY state HAVING sum(n) <> 0"
                : "SELECT state, count(*) AS n FROM submission \(commonWhere) GROUP BY state"
            for row in try await db.fetchAll(sql: countSQL, arguments: countArguments) {
                counts[try row["state"]] = try row["n"]
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
    public func claimNextJob(owner: String, leaseSeconds: Double, maximumAttempts: Int = 5) async throws -> ClaimedJob? {
        let expired = try await database.read { db in
            try await db.scalar(
                Int.self, sql: "SELECT count(*) FROM job WHERE state = 'leased' AND lease_expires_at < ?",
                arguments: [Self.now()])
        }
        if let expired, expired > 0 {
            try await database.write(durable: false) { db in
                let now = Self.now()
                // Expired leases go back to the queue (or fail, once out of attempts).
                try await db.execute(
                    sql: """
                        UPDATE job SET state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END,
                                       last_error = 'lease expired: the worker stopped before finishing',
                                       lease_owner = NULL, lease_expires_at = NULL
                        WHERE state = 'leased' AND lease_expires_at < ?
                        """,
                    arguments: [maximumAttempts, now])
                try await Self.failRunsOfFailedJobs(db, now: now)
            }
        }
        // On PostgreSQL several workers claim at once: each skips the rows another has locked,
        // at READ COMMITTED (SERIALIZABLE would abort one of two claims that read the same row).
        return try await database.write(durable: false, isolation: .readCommitted) { db in
            let now = Self.now()
            let skipLocked = db.dialect == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
            guard
                let row = try await db.fetchOne(
                    sql: """
                        UPDATE job SET state = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
                        WHERE id = (SELECT id FROM job WHERE state = 'queued' AND available_at <= ?
                                    ORDER BY priority DESC, id LIMIT 1 \(skipLocked))
                        RETURNING id, run_id, attempts
                        """,
                    arguments: [owner, now + leaseSeconds, now])
            else { return nil }
            let runId: Int64 = try row["run_id"]
            guard
                let run = try await db.fetchOne(
                    sql: "SELECT submission_id, revision, stages, reason, ruleset_version FROM run WHERE id = ?",
                    arguments: [runId])
            else { throw StoreError.notFound("run \(runId)") }
            try await db.execute(
                sql: "UPDATE run SET state = 'running', started_at = ? WHERE id = ?", arguments: [now, runId])
            let submissionId: String = try run["submission_id"]
            let revision: Int = try run["revision"]
            let stored: String = try run["reason"]
            guard let reason = RunReason(rawValue: stored) else {
                throw StoreError.invalid("run \(runId) has the unknown reason '\(stored)'")
            }
            if reason == .submission {
                try await Self.moveSubmission(
                    db, id: submissionId, onlyForRevision: revision, from: [SubmissionState.submitted.rawValue],
                    to: SubmissionState.checking.rawValue, actor: "system", action: "checking-started", now: now)
            }
            let stages = (try run["stages"] as String).split(separator: ",").map(String.init)
            let accepted = try await db.column(
                String.self,
                sql: "SELECT fingerprint FROM accepted_finding WHERE submission_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [submissionId, now])
            return ClaimedJob(
                jobId: try row["id"], runId: runId, submissionId: submissionId, revision: revision, stages: stages,
                attempts: try row["attempts"], leaseOwner: owner, reason: reason, rulesetVersion: try run["ruleset_version"],
                acceptedFindings: Set(accepted))
        }
    }

    /// Extends a lease while a long stage runs. Throws `leaseLost` when another worker has it.
    public func renewLease(_ job: ClaimedJob, leaseSeconds: Double) async throws {
        try await database.write(durable: false) { db in
            let changed = try await db.execute(
                sql: "UPDATE job SET lease_expires_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
                arguments: [Self.now() + leaseSeconds, job.jobId, job.leaseOwner])
            if changed == 0 { throw StoreError.leaseLost(jobId: job.jobId) }
        }
    }

    /// Writes a run's results, once: only the worker holding the lease can, and in the same
    /// transaction the job is closed and the submission moves on. A worker whose lease was
    /// taken over writes nothing.
    public func completeRun(_ job: ClaimedJob, result: PackageResult) async throws {
        // READ COMMITTED on PostgreSQL: the job's row is updated only by its lease holder, the
        // submission's row is locked where it is read (FOR UPDATE), and a batch's runs settle
        // under the batch's row lock; SERIALIZABLE would abort one of any two runs of a batch
        // finishing at once, since each reads the others' states.
        try await database.write(durable: false, isolation: .readCommitted) { db in
            let now = Self.now()
            let changed = try await db.execute(
                sql: "UPDATE job SET state = 'done', finished_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
                arguments: [now, job.jobId, job.leaseOwner])
            if changed == 0 { throw StoreError.leaseLost(jobId: job.jobId) }
            var stageRows: [SQLArguments] = []
            var exchangeRows: [SQLArguments] = []
            var findingRows: [SQLArguments] = []
            for (position, stage) in result.stages.enumerated() {
                stageRows.append([
                    job.runId, position, stage.name, stage.status.rawValue, stage.durationMs, stage.skipReason,
                    stage.summary,
                ])
                for e in stage.exchanges {
                    exchangeRows.append([
                        job.runId, exchangeRows.count, e.operation, e.method, e.url, e.requestHeaders.joined(separator: "\n"),
                        e.status, e.latencyMs, e.responseHeaders.joined(separator: "\n"), e.bodyExcerpt, e.error,
                    ])
                }
                for f in stage.findings {
                    findingRows.append([
                        job.runId, f.ruleId, f.severity.rawValue, f.stage, f.message, f.file, f.pointer, f.line,
                        f.column, f.operation, f.evidence, f.fingerprint,
                    ])
                }
            }
            try await db.executeMany(
                sql:
                    "INSERT INTO stage_result (run_id, position, name, status, duration_ms, skip_reason, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: stageRows)
            try await db.executeMany(
                sql: """
                    INSERT INTO probe_exchange (run_id, position, operation, method, url, request_headers, status,
                                                latency_ms, response_headers, body_excerpt, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: exchangeRows)
            try await db.executeMany(
                sql: """
                    INSERT INTO finding (run_id, rule_id, severity, stage, message, file, pointer, line, "column",
                                         operation, evidence, fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: findingRows)
            try await db.execute(
                sql: "UPDATE run SET state = 'finished', verdict = ?, finished_at = ? WHERE id = ?",
                arguments: [result.verdict.rawValue, now, job.runId])
            // Credentials were for this run only.
            try await db.execute(sql: "DELETE FROM run_secret WHERE run_id = ?", arguments: [job.runId])
            switch job.reason {
            case .submission:
                let next = result.verdict == .pass ? SubmissionState.awaitingReview : SubmissionState.changesRequired
                let errors = result.findings.filter { $0.severity == .error }.count
                try await Self.moveSubmission(
                    db, id: job.submissionId, onlyForRevision: job.revision,
                    from: [SubmissionState.checking.rawValue, SubmissionState.submitted.rawValue], to: next.rawValue,
                    actor: "system", action: "checks-finished",
                    text: "Run \(job.runId): \(result.verdict.rawValue), \(errors) blocking finding(s).", now: now)
            case .recertification:
                try await Self.settleRecertificationRun(
                    db, runId: job.runId, submissionId: job.submissionId, revision: job.revision,
                    verdict: result.verdict.rawValue, now: now)
            case .import:
                break  // an import records the baseline; the state stays as imported
            }
        }
    }

    /// Records a failed attempt: the job is retried later, or given up after `maximumAttempts`.
    public func failAttempt(_ job: ClaimedJob, error: String, retryAfterSeconds: Double, maximumAttempts: Int = 5) async throws {
        try await database.write(durable: false) { db in
            let now = Self.now()
            try await db.execute(
                sql: """
                    UPDATE job SET state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END,
                                   last_error = ?, available_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'leased' AND lease_owner = ?
                    """,
                arguments: [maximumAttempts, error, now + retryAfterSeconds, job.jobId, job.leaseOwner])
            try await Self.failRunsOfFailedJobs(db, now: now)
        }
    }

    /// Ends a job as failed now, whatever attempts it has left: its run is failed with `reason`
    /// and the job is never taken again (a run out of time). Only the worker holding the lease
    /// can; any other gets `leaseLost` and writes nothing.
    public func giveUpJob(_ job: ClaimedJob, reason: String) async throws {
        try await database.write(durable: false) { db in
            let now = Self.now()
            let changed = try await db.execute(
                sql: """
                    UPDATE job SET state = 'failed', last_error = ?, finished_at = ?, lease_owner = NULL,
                                   lease_expires_at = NULL
                    WHERE id = ? AND state = 'leased' AND lease_owner = ?
                    """,
                arguments: [reason, now, job.jobId, job.leaseOwner])
            if changed == 0 { throw StoreError.leaseLost(jobId: job.jobId) }
            try await Self.failRunsOfFailedJobs(db, now: now)
        }
    }

    static func failRunsOfFailedJobs(_ db: any SQLSession, now: Double) async throws {
        let given = try await db.fetchAll(
            sql: """
                SELECT id, submission_id, revision FROM run WHERE state IN ('queued', 'running') AND recertification_id IS NOT NULL
                  AND id IN (SELECT run_id FROM job WHERE state = 'failed')
                """)
        // A submission's checks that could not run: the submission leaves `checking` for a state
        // a person acts on, with an event saying why (and its webhook).
        let checks = try await db.fetchAll(
            sql: """
                SELECT run.id, run.submission_id, run.revision, job.last_error, job.attempts FROM run JOIN job ON job.run_id = run.id
                WHERE run.state IN ('queued', 'running') AND run.reason = 'submission' AND job.state = 'failed'
                """)
        try await db.execute(
            sql: """
                UPDATE run SET state = 'failed', finished_at = ?,
                               error = (SELECT last_error FROM job WHERE job.run_id = run.id)
                WHERE state IN ('queued', 'running') AND id IN (SELECT run_id FROM job WHERE state = 'failed')
                """,
            arguments: [now])
        try await db.execute(sql: "DELETE FROM run_secret WHERE run_id IN (SELECT id FROM run WHERE state = 'failed')")
        for run in given {
            try await settleRecertificationRun(
                db, runId: try run["id"], submissionId: try run["submission_id"], revision: try run["revision"], verdict: nil, now: now)
        }
        for run in checks {
            let runId: Int64 = try run["id"]
            let revision: Int = try run["revision"]
            let attempts: Int = try run["attempts"]
            let reason = (try run["last_error"] as String?) ?? "no reason recorded"
            try await moveSubmission(
                db, id: try run["submission_id"], onlyForRevision: revision,
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
        _ db: any SQLSession, id: String, onlyForRevision revision: Int?, from: [String], to: String, actor: String,
        action: String, text: String? = nil, now: Double
    ) async throws {
        guard let current = try await fetchSummary(db, id: id, forUpdate: true), revision == nil || current.revision == revision,
            from.contains(current.state)
        else { return }
        try await db.execute(
            sql: "UPDATE submission SET state = ?, state_changed_at = ? WHERE id = ?", arguments: [to, now, id])
        try await appendEvent(
            db, submissionId: id, revision: revision, actor: actor, action: action, from: current.state, to: to,
            text: text, now: now)
    }

    /// Jobs not yet done (queued or leased).
    public func pendingJobCount() async throws -> Int {
        try await database.read { db in
            try await db.scalar(Int.self, sql: "SELECT count(*) FROM job WHERE state IN ('queued', 'leased')") ?? 0
        }
    }

    public func statistics() async throws -> StoreStatistics {
        try await database.read { db in
            func counts(_ sql: String) async throws -> [String: Int] {
                var result: [String: Int] = [:]
                for row in try await db.fetchAll(sql: sql) { result[try row[0] ?? "none"] = try row[1] }
                return result
            }
            return StoreStatistics(
                submissionsByState: try await counts("SELECT state, count(*) FROM submission GROUP BY state"),
                jobsByState: try await counts("SELECT state, count(*) FROM job GROUP BY state"),
                runsByVerdict: try await counts("SELECT coalesce(verdict, state), count(*) FROM run GROUP BY 1"))
        }
    }

    /// Runs a read-only query, for tests and diagnostics.
    public func scalar(_ sql: String) async throws -> Int {
        try await database.read { db in try await db.scalar(Int.self, sql: sql) ?? 0 }
    }
}

extension Store {
    /// SQLite's query plan for each statement, for tests that check indexes are used.
    public func queryPlans(_ statements: [String]) async throws -> [(String, String)] {
        try await database.read { db in
            try await statements.asyncMap { sql in
                let explain = db.dialect == .sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN "
                let rows = try await db.fetchAll(sql: explain + sql)
                let column = db.dialect == .sqlite ? "detail" : "QUERY PLAN"
                return (sql, try rows.map { try $0[column] as String? ?? "" }.joined(separator: "; "))
            }
        }
    }
}

extension Store {
    /// Owners of the leases held now.
    public func leaseOwners() async throws -> [String] {
        try await database.read { db in
            try await db.column(String.self, sql: "SELECT DISTINCT lease_owner FROM job WHERE state = 'leased' AND lease_owner IS NOT NULL")
        }
    }

    /// Puts the jobs leased by `owners` back in the queue at once, without waiting for their
    /// leases to expire: used at start-up for the leases of a process that is known to be dead.
    @discardableResult
    public func releaseLeases(ofOwners owners: [String]) async throws -> Int {
        guard !owners.isEmpty else { return 0 }
        return try await database.write(durable: false) { db in
            let marks = Array(repeating: "?", count: owners.count).joined(separator: ", ")
            return try await db.execute(
                sql: """
                    UPDATE job SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL,
                                   last_error = 'the worker''s process ended before finishing'
                    WHERE state = 'leased' AND lease_owner IN (\(marks))
                    """,
                arguments: SQLArguments(owners))
        }
    }
}

extension Store {
    static func fetchExchanges(_ db: any SQLSession, runId: Int64) async throws -> [Exchange] {
        try await db.fetchAll(
            sql: """
                SELECT operation, method, url, request_headers, status, latency_ms, response_headers, body_excerpt, error
                FROM probe_exchange WHERE run_id = ? ORDER BY position
                """,
            arguments: [runId]
        ).map { row in
            Exchange(
                operation: try row["operation"], method: try row["method"], url: try row["url"],
                requestHeaders: (try row["request_headers"] as String).split(separator: "\n").map(String.init),
                status: try row["status"], latencyMs: try row["latency_ms"],
                responseHeaders: (try row["response_headers"] as String).split(separator: "\n").map(String.init),
                bodyExcerpt: try row["body_excerpt"], error: try row["error"])
        }
    }

    /// Keeps a run's sealed probe settings until the run ends.
    public func saveRunSecret(runId: Int64, sealed: Data) async throws {
        try await database.write(durable: false) { db in
            try await db.execute(
                sql: "INSERT OR REPLACE INTO run_secret (run_id, sealed, created_at) VALUES (?, ?, ?)",
                arguments: [runId, sealed, Self.now()])
        }
    }

    public func runSecret(runId: Int64) async throws -> Data? {
        try await database.read { db in
            try await db.scalar(Data.self, sql: "SELECT sealed FROM run_secret WHERE run_id = ?", arguments: [runId])
        }
    }

    /// The latest run of a submission's latest revision.
    public func latestRunId(submissionId: String) async throws -> Int64? {
        try await database.read { db in
            try await db.scalar(Int64.self, sql: "SELECT max(id) FROM run WHERE submission_id = ?", arguments: [submissionId])
        }
    }
}
