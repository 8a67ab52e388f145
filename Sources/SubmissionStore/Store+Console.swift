import Certification
import ConnectorPackage
import Foundation
import GRDB

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
    public func saveSession(key: String, tokenId: Int64?, value: String, expiresAt: Double?, create: Bool) throws -> Bool {
        guard value.utf8.count <= Self.maximumSessionValueBytes else {
            throw StoreError.invalid("a session is over maximumSessionValueBytes (\(Self.maximumSessionValueBytes))")
        }
        let hash = sha256Hex(Array(key.utf8))
        return try pool.write { db in
            let existing = try Row.fetchOne(
                db, sql: "SELECT expires_at FROM console_session WHERE key_sha256 = ?", arguments: [hash])
            if create, let existing, (existing["expires_at"] as Double?).map({ $0 > Self.now() }) ?? true {
                return false
            }
            if existing != nil, expiresAt == nil {
                try db.execute(
                    sql: "UPDATE console_session SET value = ?, token_id = ? WHERE key_sha256 = ?",
                    arguments: [value, tokenId, hash])
            } else {
                try db.execute(
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
    public func session(key: String) throws -> (value: String, expiresAt: Double?)? {
        let hash = sha256Hex(Array(key.utf8))
        return try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT value, expires_at FROM console_session WHERE key_sha256 = ?", arguments: [hash])
            else { return nil }
            let expiresAt: Double? = row["expires_at"]
            if let expiresAt, expiresAt <= Self.now() { return nil }
            return (row["value"], expiresAt)
        }
    }

    /// Ends the session stored under `key` (sign-out); also drops every expired session.
    public func removeSession(key: String) throws {
        let hash = sha256Hex(Array(key.utf8))
        try pool.write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE key_sha256 = ?", arguments: [hash])
            try db.execute(sql: "DELETE FROM console_session WHERE expires_at <= ?", arguments: [Self.now()])
        }
    }

    /// How many unexpired sessions a token has (admins see it; tests check revocation).
    public func sessionCount(tokenId: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM console_session WHERE token_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [tokenId, Self.now()]) ?? 0
        }
    }

    // MARK: Tokens, for admins

    /// The principal of token `id`, unless it is revoked: sessions are checked against it on
    /// every request, so a revoked token's sessions stop at once.
    public func principal(tokenId: Int64) throws -> Principal? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, role, publisher, label FROM api_token WHERE id = ? AND revoked_at IS NULL",
                    arguments: [tokenId]),
                let role = Principal.Role(rawValue: row["role"])
            else { return nil }
            return Principal(tokenId: row["id"], role: role, publisher: row["publisher"], label: row["label"])
        }
    }

    /// Every token, newest first, without the tokens themselves.
    public func tokens() throws -> [TokenRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, role, publisher, label, created_at, revoked_at FROM api_token ORDER BY id DESC"
            ).compactMap { row in
                guard let role = Principal.Role(rawValue: row["role"]) else { return nil }
                return TokenRecord(
                    id: row["id"], role: role, publisher: row["publisher"], label: row["label"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// Revokes token `id` and ends its console sessions; false when there is no such token or it
    /// was already revoked.
    public func revokeToken(id: Int64) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Self.now(), id])
            let changed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM console_session WHERE token_id = ?", arguments: [id])
            return changed
        }
    }

    // MARK: Queue rows

    /// The latest run of each of `submissionIds` with its counts by severity: one query for a
    /// page of the queue.
    public func latestRunCounts(submissionIds: [String]) throws -> [String: RunCounts] {
        guard !submissionIds.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: submissionIds.count).joined(separator: ", ")
        return try pool.read { db in
            var result: [String: RunCounts] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT run.id, run.submission_id, run.state, run.verdict,
                        (SELECT count(*) FROM finding WHERE finding.run_id = run.id AND severity = 'error') AS errors,
                        (SELECT count(*) FROM finding WHERE finding.run_id = run.id AND severity = 'warning') AS warnings,
                        (SELECT count(*) FROM finding WHERE finding.run_id = run.id AND severity = 'info') AS infos
                    FROM run
                    WHERE run.id IN (SELECT max(id) FROM run WHERE submission_id IN (\(marks)) GROUP BY submission_id)
                    """,
                arguments: StatementArguments(submissionIds))
            for row in rows {
                result[row["submission_id"]] = RunCounts(
                    runId: row["id"], state: row["state"], verdict: row["verdict"], errors: row["errors"],
                    warnings: row["warnings"], infos: row["infos"])
            }
            return result
        }
    }

    /// The latest finished run of one revision (submission or re-certification), for comparing
    /// revisions.
    public func latestFinishedRun(submissionId: String, revision: Int) throws -> StoredRun? {
        try pool.read { db in
            let id = try Int64.fetchOne(
                db,
                sql: "SELECT max(id) FROM run WHERE submission_id = ? AND revision = ? AND state = 'finished'",
                arguments: [submissionId, revision])
            return try id.flatMap { try Self.fetchRun(db, id: $0) }
        }
    }

    /// The most recent finding of each of `fingerprints` in any run of the submission: what a
    /// review event or an accepted finding is about, even once a later run no longer has it.
    public func findings(submissionId: String, fingerprints: Set<String>) throws -> [String: Finding] {
        guard !fingerprints.isEmpty else { return [:] }
        let list = Array(fingerprints)
        let marks = Array(repeating: "?", count: list.count).joined(separator: ", ")
        return try pool.read { db in
            var result: [String: Finding] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT finding.rule_id, finding.severity, finding.stage, finding.message, finding.file, finding.pointer,
                        finding.line, finding."column", finding.operation, finding.fingerprint
                    FROM finding JOIN run ON run.id = finding.run_id
                    WHERE run.submission_id = ? AND finding.fingerprint IN (\(marks))
                    ORDER BY finding.id
                    """,
                arguments: StatementArguments([submissionId] + list))
            for f in rows {
                var finding = Finding(
                    ruleId: f["rule_id"], severity: Severity(rawValue: f["severity"]) ?? .error, stage: f["stage"],
                    message: f["message"], file: f["file"], pointer: f["pointer"], line: f["line"], column: f["column"],
                    operation: f["operation"])
                finding.fingerprint = f["fingerprint"]
                result[finding.fingerprint] = finding
            }
            return result
        }
    }
}
