import Certification
import ConnectorPackage
import Foundation

/// An API token as an admin sees it: never the token itself, which only its holder has.
public struct TokenRecord: Sendable, Hashable {
    public var id: Int64
    public var role: Principal.Role
    public var publisher: String?
    public var label: String?
    public var createdAt: Date
    public var revokedAt: Date?
}

/// A submission's latest run in one line, for queue rows.
public struct RunCounts: Sendable, Hashable {
    public var runId: Int64
    public var state: String
    public var verdict: String?
    public var errors: Int
    public var warnings: Int
    public var infos: Int
}

extension Store {
    // MARK: Console sessions

    /// Longest session value stored (a console session is a few hundred bytes).
    public static let maximumSessionValueBytes = 4096

    /// Stores a session under the SHA-256 of `key`; `tokenId` ties it to the token it was
    /// signed in with. With `create`, an existing key is a conflict (returns false).
    public func saveSession(key: String, tokenId: Int64?, value: String, expiresAt: Double?, create: Bool) async throws -> Bool {
        guard value.utf8.count <= Self.maximumSessionValueBytes else {
            throw StoreError.invalid("a session is over maximumSessionValueBytes (\(Self.maximumSessionValueBytes))")
        }
        let hash = sha256Hex(Array(key.utf8))
        return try await database.write(durable: false) { db in
            let existing = try await db.fetchOne(sql: "SELECT expires_at FROM console_session WHERE key_sha256 = ?", arguments: [hash])
            if create, let existing, (try existing["expires_at"] as Double?).map({ $0 > Self.now() }) ?? true {
                return false
            }
            if existing != nil, expiresAt == nil {
                try await db.execute(
                    sql: "UPDATE console_session SET value = ?, token_id = ? WHERE key_sha256 = ?",
                    arguments: [value, tokenId, hash])
            } else {
                try await db.execute(
                    sql: """
                        INSERT INTO console_session (key_sha256, token_id, value, expires_at, created_at)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (key_sha256) DO UPDATE SET token_id = excluded.token_id, value = excluded.value,
                            expires_at = excluded.expires_at
                        """,
                    arguments: [hash, tokenId, value, expiresAt, Self.now()])
            }
            return true
        }
    }

    /// The session stored under `key` and when it expires, unless it has expired.
    public func session(key: String) async throws -> (value: String, expiresAt: Double?)? {
        let hash = sha256Hex(Array(key.utf8))
        return try await database.read { db in
            guard
                let row = try await db.fetchOne(
                    sql: "SELECT value, expires_at FROM console_session WHERE key_sha256 = ?", arguments: [hash])
            else { return nil }
            let expiresAt: Double? = try row["expires_at"]
            if let expiresAt, expiresAt <= Self.now() { return nil }
            return (try row["value"], expiresAt)
        }
    }

    /// Ends the session stored under `key` (sign-out); also drops every expired session.
    public func removeSession(key: String) async throws {
        let hash = sha256Hex(Array(key.utf8))
        try await database.write(durable: false) { db in
            try await db.execute(sql: "DELETE FROM console_session WHERE key_sha256 = ?", arguments: [hash])
            try await db.execute(sql: "DELETE FROM console_session WHERE expires_at <= ?", arguments: [Self.now()])
        }
    }

    /// How many unexpired sessions a token has (admins see it; tests check revocation).
    public func sessionCount(tokenId: Int64) async throws -> Int {
        try await database.read { db in
            try await db.scalar(
                Int.self, sql: "SELECT count(*) FROM console_session WHERE token_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [tokenId, Self.now()]) ?? 0
        }
    }

    // MARK: Tokens, for admins

    /// The principal of token `id`, unless it is revoked: sessions are checked against it on
    /// every request, so a revoked token's sessions stop at once.
    public func principal(tokenId: Int64) async throws -> Principal? {
        try await database.read { db in
            try await db.fetchOne(
                sql: "SELECT id, role, publisher, label FROM api_token WHERE id = ? AND revoked_at IS NULL",
                arguments: [tokenId]
            ).map { try $0.decode(TokenRow.self).principal }
        }
    }

    /// Every token, newest first, without the tokens themselves.
    public func tokens() async throws -> [TokenRecord] {
        try await database.read { db in
            try await db.fetchAll(
                sql: "SELECT id, role, publisher, label, created_at, revoked_at FROM api_token ORDER BY id DESC"
            ).compactMap { row in
                guard let role = Principal.Role(rawValue: try row["role"]) else { return nil }
                return TokenRecord(
                    id: try row["id"], role: role, publisher: try row["publisher"], label: try row["label"],
                    createdAt: Date(timeIntervalSince1970: try row["created_at"]),
                    revokedAt: (try row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// Revokes token `id` and ends its console sessions; false when there is no such token or it
    /// was already revoked.
    public func revokeToken(id: Int64) async throws -> Bool {
        try await database.write(durable: false) { db in
            let changed =
                try await db.execute(
                    sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Self.now(), id])
                > 0
            try await db.execute(sql: "DELETE FROM console_session WHERE token_id = ?", arguments: [id])
            return changed
        }
    }

    // MARK: Queue rows

    /// The latest run of each of `submissionIds` with its counts by severity: one query for a
    /// page of the queue.
    public func latestRunCounts(submissionIds: [String]) async throws -> [String: RunCounts] {
        guard !submissionIds.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: submissionIds.count).joined(separator: ", ")
        return try await database.read { db in
            var result: [String: RunCounts] = [:]
            let rows = try await db.fetchAll(
                sql: """
                    SELECT run.id, run.submission_id, run.state, run.verdict,
                        (SELECT count(*) FROM finding WHERE finding.run_id = run.id AND severity = 'error') AS errors,
                        (SELECT count(*) FROM finding WHERE finding.run_id = run.id AND severity = 'warning') AS warnings,
                        (SELECT count(*) FROM finding WHERE finding.run_id = run.id AND severity = 'info') AS infos
                    FROM run
                    WHERE run.id IN (SELECT max(id) FROM run WHERE submission_id IN (\(marks)) GROUP BY submission_id)
                    """,
                arguments: SQLArguments(submissionIds))
            for row in rows {
                result[try row["submission_id"]] = RunCounts(
                    runId: try row["id"], state: try row["state"], verdict: try row["verdict"], errors: try row["errors"],
                    warnings: try row["warnings"], infos: try row["infos"])
            }
            return result
        }
    }

    /// The latest finished run of one revision (submission or re-certification), for comparing
    /// revisions.
    public func latestFinishedRun(submissionId: String, revision: Int) async throws -> StoredRun? {
        try await database.read { db in
            let id = try await db.scalar(
                Int64.self, sql: "SELECT max(id) FROM run WHERE submission_id = ? AND revision = ? AND state = 'finished'",
                arguments: [submissionId, revision])
            return try await id.asyncFlatMap { try await Self.fetchRun(db, id: $0) }
        }
    }

    /// The most recent finding of each of `fingerprints` in any run of the submission: what a
    /// review event or an accepted finding is about, even once a later run no longer has it.
    public func findings(submissionId: String, fingerprints: Set<String>) async throws -> [String: Finding] {
        guard !fingerprints.isEmpty else { return [:] }
        let list = Array(fingerprints)
        let marks = Array(repeating: "?", count: list.count).joined(separator: ", ")
        return try await database.read { db in
            var result: [String: Finding] = [:]
            let rows = try await db.fetchAll(
                sql: """
                    SELECT finding.rule_id, finding.severity, finding.stage, finding.message, finding.file, finding.pointer,
                        finding.line, finding."column", finding.operation, finding.fingerprint
                    FROM finding JOIN run ON run.id = finding.run_id
                    WHERE run.submission_id = ? AND finding.fingerprint IN (\(marks))
                    ORDER BY finding.id
                    """,
                arguments: SQLArguments([submissionId] + list))
            for f in rows {
                var finding = Finding(
                    ruleId: try f["rule_id"], severity: Severity(rawValue: try f["severity"]) ?? .error, stage: try f["stage"],
                    message: try f["message"], file: try f["file"], pointer: try f["pointer"], line: try f["line"], column: try f["column"],
                    operation: try f["operation"])
                finding.fingerprint = try f["fingerprint"]
                result[finding.fingerprint] = finding
            }
            return result
        }
    }
}
