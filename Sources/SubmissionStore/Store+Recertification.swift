import Certification
import Foundation
import StageCatalog

/// Which certified connectors a re-certification covers.
public enum RecertificationSelection: Sendable, Hashable, Codable, CustomStringConvertible {
    case all
    case publisher(String)
    case connector(String)

    public var description: String {
        switch self {
        case .all: "all"
        case .publisher(let name): "publisher:\(name)"
        case .connector(let name): "connector:\(name)"
        }
    }

    public init?(_ text: String) {
        if text == "all" {
            self = .all
        } else if text.hasPrefix("publisher:") {
            self = .publisher(String(text.dropFirst("publisher:".count)))
        } else if text.hasPrefix("connector:") {
            self = .connector(String(text.dropFirst("connector:".count)))
        } else {
            return nil
        }
    }
}

/// A batch's progress, counted from its runs.
public struct RecertificationProgress: Sendable, Codable, Hashable {
    public var id: Int64
    public var selection: String
    public var state: String
    public var rulesetVersion: String
    public var toolVersion: String
    public var total: Int
    public var finished: Int
    public var passed: Int
    public var failed: Int
    /// Passed before, fail now.
    public var regressed: Int
    /// Runs given up after repeated errors.
    public var errored: Int
    public var createdBy: String
    public var createdAt: Date
    public var finishedAt: Date?

    public var remaining: Int { total - finished - errored }
}

/// One connector's line in a re-certification summary.
public struct RecertificationItem: Sendable, Codable, Hashable {
    public var submissionId: String
    public var publisher: String
    public var connector: String
    public var revision: Int
    public var runId: Int64
    public var verdict: String?
    public var previousVerdict: String?
    public var regressed: Bool
    /// Findings not in the previous run of the same revision, matched by fingerprint.
    public var newFindings: [Finding]
    /// Findings of the previous run that are gone.
    public var fixedFindings: [Finding]
    /// Findings in both runs whose severity changed (a ruleset re-graded their rule), as they are now.
    public var regradedFindings: [Finding]
    public var error: String?
    /// When the previous run of the same revision was made: a new finding of a rule Microsoft
    /// enforces only since a later day (`RuleDescription.since`) is a new rule, not a regression.
    public var previousRunAt: Date? = nil
}

extension Store {
    // MARK: Rulesets

    /// Records a ruleset under its version (idempotent).
    public func saveRuleset(_ ruleset: Ruleset) async throws {
        try await database.write(durable: false) { db in
            try await db.execute(
                sql: "INSERT INTO ruleset (version, definition, created_at) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING",
                arguments: [ruleset.version, ruleset.canonicalJSON, Self.now()])
        }
    }

    /// The ruleset a run was made with; the default one when the version was never recorded.
    public func ruleset(version: String) async throws -> Ruleset {
        let text = try await database.read { db in
            try await db.scalar(String.self, sql: "SELECT definition FROM ruleset WHERE version = ?", arguments: [version])
        }
        guard let text else { return .default }
        return try Ruleset.decode(canonicalJSON: text)
    }

    // MARK: Import

    public enum ImportOutcome: String, Sendable {
        case imported, unchanged, revised
    }

    /// Seeds the catalogue: the package becomes a certified submission of its publisher, with a
    /// run (reason `import`) that records its findings as the baseline for re-certification. A
    /// connector is known by its publisher and its folder (`upload.fileName`): titles repeat in
    /// the real catalogue. One already imported with the same content is left as it is; with
    /// other content it gets a new certified revision.
    public func importCertified(publisher: String, actor: String, upload: Upload) async throws -> (String, ImportOutcome) {
        let imported: (String, ImportOutcome) = try await database.write(durable: false) { db in
            let now = Self.now()
            if let row = try await db.fetchOne(
                sql: """
                    SELECT s.id, s.revision, r.content_sha256 FROM submission s
                    JOIN revision r ON r.submission_id = s.id AND r.number = s.revision
                    WHERE s.publisher = ? AND s.certified_revision IS NOT NULL AND r.file_name = ?
                    ORDER BY s.created_at LIMIT 1
                    """,
                arguments: [publisher, upload.fileName ?? upload.connector])
            {
                let id: String = try row["id"]
                if (try row["content_sha256"] as String) == upload.contentSha256 { return (id, .unchanged) }
                let number = (try row["revision"] as Int) + 1
                try await Self.insertRevision(db, submissionId: id, number: number, actor: actor, upload: upload, now: now)
                try await db.execute(
                    sql:
                        "UPDATE submission SET revision = ?, certified_revision = ?, state = 'certified', state_changed_at = ? WHERE id = ?",
                    arguments: [number, number, now, id])
                try await Self.appendEvent(
                    db, submissionId: id, revision: number, actor: actor, action: "imported", from: nil, to: "certified",
                    text: "Imported as certified.", now: now)
                try await Self.enqueueRun(
                    db, submissionId: id, revision: number, reason: .import, stages: upload.stages,
                    rulesetVersion: upload.rulesetVersion, toolVersion: upload.toolVersion, priority: 5, now: now)
                return (id, .revised)
            }
            let id = Self.newSubmissionId()
            try await db.execute(
                sql: """
                    INSERT INTO submission (id, publisher, connector, state, state_changed_at, revision, certified_revision, created_at)
                    VALUES (?, ?, ?, 'certified', ?, 1, 1, ?)
                    """,
                arguments: [id, publisher, upload.connector, now, now])
            try await Self.insertRevision(db, submissionId: id, number: 1, actor: actor, upload: upload, now: now)
            try await Self.appendEvent(
                db, submissionId: id, revision: 1, actor: actor, action: "imported", from: nil, to: "certified",
                text: "Imported as certified.", now: now)
            try await Self.enqueueRun(
                db, submissionId: id, revision: 1, reason: .import, stages: upload.stages,
                rulesetVersion: upload.rulesetVersion, toolVersion: upload.toolVersion, priority: 5, now: now)
            return (id, .imported)
        }
        if imported.1 != .unchanged { await database.notifyJobsQueued() }
        return imported
    }

    // MARK: Batches

    /// Starts a batch: a run of the latest certified revision of every selected connector, at a
    /// lower priority than new submissions. One transaction: the batch exists whole or not at all.
    public func createRecertification(
        _ selection: RecertificationSelection, stages: [String], ruleset: Ruleset, toolVersion: String, actor: String
    ) async throws -> RecertificationProgress {
        try await saveRuleset(ruleset)
        let id: Int64 = try await database.write(durable: false) { db in
            let now = Self.now()
            var condition = "certified_revision IS NOT NULL AND state NOT IN ('withdrawn', 'rejected')"
            var arguments: [any SQLBindable] = []
            switch selection {
            case .all: break
            case .publisher(let name):
                condition += " AND publisher = ?"
                arguments.append(name)
            case .connector(let name):
                condition += " AND connector = ?"
                arguments.append(name)
            }
            let targets = try await db.fetchAll(
                sql: "SELECT id, certified_revision FROM submission WHERE \(condition) ORDER BY publisher, connector, id",
                arguments: SQLArguments(arguments))
            guard !targets.isEmpty else {
                throw StoreError.invalid("No certified connector matches the selection '\(selection)'.")
            }
            guard
                let batch = try await db.scalar(
                    Int64.self,
                    sql: """
                        INSERT INTO recertification (selection, ruleset_version, tool_version, state, total, created_by, created_at)
                        VALUES (?, ?, ?, 'running', ?, ?, ?) RETURNING id
                        """,
                    arguments: [selection.description, ruleset.version, toolVersion, targets.count, actor, now])
            else { throw StoreError.database("the new re-certification has no id") }
            for target in targets {
                let runId = try await Self.enqueueRun(
                    db, submissionId: try target["id"], revision: try target["certified_revision"], reason: .recertification,
                    stages: stages, rulesetVersion: ruleset.version, toolVersion: toolVersion, priority: 0, now: now)
                try await db.execute(sql: "UPDATE run SET recertification_id = ? WHERE id = ?", arguments: [batch, runId])
            }
            return batch
        }
        await database.notifyJobsQueued()
        guard let batch = try await recertification(id: id) else { throw StoreError.notFound("re-certification \(id)") }
        return batch
    }

    public func recertification(id: Int64) async throws -> RecertificationProgress? {
        try await database.read { db in try await Self.fetchRecertification(db, id: id) }
    }

    /// Batches not yet finished, oldest first.
    public func unfinishedRecertifications() async throws -> [RecertificationProgress] {
        try await database.read { db in
            try await db.column(Int64.self, sql: "SELECT id FROM recertification WHERE state = 'running' ORDER BY id")
                .asyncCompactMap { try await Self.fetchRecertification(db, id: $0) }
        }
    }

    public func recertifications(limit: Int = 50) async throws -> [RecertificationProgress] {
        try await database.read { db in
            try await db.column(Int64.self, sql: "SELECT id FROM recertification ORDER BY id DESC LIMIT ?", arguments: [limit])
                .asyncCompactMap { try await Self.fetchRecertification(db, id: $0) }
        }
    }

    static func fetchRecertification(_ db: any SQLSession, id: Int64) async throws -> RecertificationProgress? {
        guard
            let row = try await db.fetchOne(
                sql: """
                    SELECT b.id, b.selection, b.state, b.ruleset_version, b.tool_version, b.total, b.created_by,
                           b.created_at, b.finished_at,
                           count(CASE WHEN r.state = 'finished' THEN 1 END) AS finished,
                           count(CASE WHEN r.verdict = 'pass' THEN 1 END) AS passed,
                           count(CASE WHEN r.verdict = 'fail' THEN 1 END) AS failed,
                           count(CASE WHEN r.state = 'failed' THEN 1 END) AS errored,
                           count(CASE WHEN r.verdict = 'fail' AND (
                               SELECT p.verdict FROM run p WHERE p.submission_id = r.submission_id
                                 AND p.revision = r.revision AND p.state = 'finished' AND p.id < r.id
                               ORDER BY p.id DESC LIMIT 1) = 'pass' THEN 1 END) AS regressed
                    FROM recertification b LEFT JOIN run r ON r.recertification_id = b.id
                    WHERE b.id = ? GROUP BY b.id
                    """,
                arguments: [id])
        else { return nil }
        return RecertificationProgress(
            id: try row["id"], selection: try row["selection"], state: try row["state"], rulesetVersion: try row["ruleset_version"],
            toolVersion: try row["tool_version"], total: try row["total"], finished: try row["finished"], passed: try row["passed"],
            failed: try row["failed"], regressed: try row["regressed"], errored: try row["errored"], createdBy: try row["created_by"],
            createdAt: Date(timeIntervalSince1970: try row["created_at"]),
            finishedAt: (try row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// Per connector: verdict now and before, and the findings that are new or fixed relative to
    /// the previous finished run of the same revision, matched by fingerprint.
    public func recertificationItems(id: Int64) async throws -> [RecertificationItem] {
        try await database.read { db in
            let runs = try await db.fetchAll(
                sql: """
                    SELECT r.id, r.submission_id, r.revision, r.verdict, r.error, s.publisher, s.connector,
                           (SELECT p.id FROM run p WHERE p.submission_id = r.submission_id AND p.revision = r.revision
                              AND p.state = 'finished' AND p.id < r.id ORDER BY p.id DESC LIMIT 1) AS previous_id
                    FROM run r JOIN submission s ON s.id = r.submission_id
                    WHERE r.recertification_id = ? ORDER BY s.publisher, s.connector, r.id
                    """,
                arguments: [id])
            return try await runs.asyncMap { row in
                let runId: Int64 = try row["id"]
                let previousId: Int64? = try row["previous_id"]
                let current = try await Self.fetchFindings(db, runId: runId)
                let previous = try await previousId.asyncFlatMap { try await Self.fetchFindings(db, runId: $0) } ?? []
                let previousVerdict = try await previousId.asyncFlatMap {
                    try await db.scalar(String.self, sql: "SELECT verdict FROM run WHERE id = ?", arguments: [$0])
                }
                let previousRunAt = try await previousId.asyncFlatMap {
                    try await db.scalar(Double.self, sql: "SELECT created_at FROM run WHERE id = ?", arguments: [$0])
                }.map { Date(timeIntervalSince1970: $0) }
                let before = Set(previous.map(\.fingerprint))
                let after = Set(current.map(\.fingerprint))
                let previousSeverity = Dictionary(previous.map { ($0.fingerprint, $0.severity) }, uniquingKeysWith: { a, _ in a })
                let verdict: String? = try row["verdict"]
                return RecertificationItem(
                    submissionId: try row["submission_id"], publisher: try row["publisher"], connector: try row["connector"],
                    revision: try row["revision"], runId: runId, verdict: verdict, previousVerdict: previousVerdict,
                    regressed: verdict == "fail" && previousVerdict == "pass",
                    newFindings: current.filter { !before.contains($0.fingerprint) },
                    fixedFindings: previous.filter { !after.contains($0.fingerprint) },
                    regradedFindings: current.filter { finding in
                        previousSeverity[finding.fingerprint].map { $0 != finding.severity } ?? false
                    },
                    error: try row["error"], previousRunAt: previousRunAt)
            }
        }
    }

    static func fetchFindings(_ db: any SQLSession, runId: Int64) async throws -> [Finding] {
        try await db.fetchAll(
            sql: """
                SELECT rule_id, severity, stage, message, file, pointer, line, "column", operation, evidence, fingerprint
                FROM finding WHERE run_id = ? ORDER BY id
                """,
            arguments: [runId]
        ).map { f in
            var finding = Finding(
                ruleId: try f["rule_id"], severity: Severity(rawValue: try f["severity"]) ?? .error, stage: try f["stage"],
                message: try f["message"], file: try f["file"], pointer: try f["pointer"], line: try f["line"], column: try f["column"],
                operation: try f["operation"], evidence: try f["evidence"])
            finding.fingerprint = try f["fingerprint"]
            return finding
        }
    }

    /// After a run of a batch ends: moves a connector that newly fails to recertification-failed
    /// (and one that passes again back to certified), and closes the batch when its last run ends.
    static func settleRecertificationRun(
        _ db: any SQLSession, runId: Int64, submissionId: String, revision: Int, verdict: String?, now: Double
    ) async throws {
        if let verdict {
            let previous = try await db.scalar(
                String.self,
                sql: """
                    SELECT verdict FROM run WHERE submission_id = ? AND revision = ? AND state = 'finished' AND id < ?
                    ORDER BY id DESC LIMIT 1
                    """,
                arguments: [submissionId, revision, runId])
            if verdict == "fail" && previous == "pass" {
                try await moveSubmission(
                    db, id: submissionId, onlyForRevision: nil, from: [SubmissionState.certified.rawValue],
                    to: SubmissionState.recertificationFailed.rawValue, actor: "system", action: "recertification-failed",
                    text: "Re-certification run \(runId) fails where the previous run passed.", now: now)
            } else if verdict == "pass" {
                try await moveSubmission(
                    db, id: submissionId, onlyForRevision: nil, from: [SubmissionState.recertificationFailed.rawValue],
                    to: SubmissionState.certified.rawValue, actor: "system", action: "recertification-passed",
                    text: "Re-certification run \(runId) passes again.", now: now)
            }
        }
        if db.dialect == .postgres {
            // The runs of one batch settle one after another from here on: at READ COMMITTED the
            // statement below then sees every run settled before it, so the batch's last two
            // runs, finishing at once, cannot both leave it running.
            try await db.execute(
                sql: "SELECT id FROM recertification WHERE id = (SELECT recertification_id FROM run WHERE id = ?) FOR UPDATE",
                arguments: [runId])
        }
        try await db.execute(
            sql: """
                UPDATE recertification SET state = 'finished', finished_at = ?
                WHERE state = 'running' AND id = (SELECT recertification_id FROM run WHERE id = ?)
                  AND NOT EXISTS (SELECT 1 FROM run WHERE recertification_id = recertification.id
                                  AND state IN ('queued', 'running'))
                """,
            arguments: [now, runId])
    }
}

extension Store {
    /// Titles of the certified connectors other than `submissionId`, by normalised title, for
    /// the title-unique rule.
    public func certifiedTitles(excluding submissionId: String) async throws -> [String: String] {
        try await database.read { db in
            var titles: [String: String] = [:]
            for row in try await db.fetchAll(
                sql:
                    "SELECT connector, publisher FROM submission WHERE certified_revision IS NOT NULL AND id <> ? AND state <> 'withdrawn'",
                arguments: [submissionId])
            {
                let connector: String = try row["connector"]
                titles[TitleRegistry.key(connector)] = "\(connector) (\(try row["publisher"] as String))"
            }
            return titles
        }
    }
}

extension Store {
    /// The revision of a submission that was last certified, if any.
    public func certifiedRevision(submissionId: String) async throws -> Int? {
        try await database.read { db in
            try await db.scalar(Int.self, sql: "SELECT certified_revision FROM submission WHERE id = ?", arguments: [submissionId])
        }
    }
}
