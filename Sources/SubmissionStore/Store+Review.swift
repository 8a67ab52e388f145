import Certification
import Foundation

/// A reviewer's or publisher's request to act on a submission.
public struct ReviewRequest: Sendable {
    public var action: ReviewAction
    public var text: String?
    /// For `assign`: who; defaults to the caller.
    public var assignee: String?
    /// For `comment` on one finding, and for `accept`.
    public var fingerprint: String?
    /// For `accept`: when the acceptance lapses.
    public var expiresAt: Date?

    public init(
        action: ReviewAction, text: String? = nil, assignee: String? = nil, fingerprint: String? = nil,
        expiresAt: Date? = nil
    ) {
        self.action = action
        self.text = text
        self.assignee = assignee
        self.fingerprint = fingerprint
        self.expiresAt = expiresAt
    }
}

/// A finding a reviewer accepted for a submission.
public struct AcceptedFinding: Sendable, Codable, Hashable {
    public var fingerprint: String
    public var ruleId: String
    public var reason: String
    public var actor: String
    public var createdAt: Date
    public var expiresAt: Date?
}

extension Store {
    /// Takes a review action: checks the caller's role and the transition, then records the
    /// event and the new state in one transaction (with its webhook deliveries).
    public func perform(_ request: ReviewRequest, on id: String, by principal: Principal) async throws -> SubmissionSummary {
        guard request.action.isPermitted(for: principal.role) else {
            throw ReviewError.forbidden(
                "A \(principal.role.rawValue) token cannot '\(request.action.rawValue)'; \(request.action == .withdraw ? "the publisher or an admin" : "a reviewer or admin") can."
            )
        }
        if let fingerprint = request.fingerprint, !Self.isFingerprint(fingerprint) {
            throw ReviewError.invalid(
                "fingerprint '\(fingerprint.prefix(64))' is not a finding's fingerprint (24 lowercase hex digits).")
        }
        return try await database.write(durable: false) { db in
            let now = Self.now()
            guard let current = try await Self.fetchSummary(db, id: id), principal.canSee(publisher: current.publisher) else {
                throw StoreError.notFound("submission \(id)")
            }
            let state = SubmissionState(rawValue: current.state) ?? .submitted
            let (allowed, target) = request.action.transition(from: state)
            guard allowed else {
                throw ReviewError.notAllowed(
                    action: request.action.rawValue, state: current.state,
                    allowed: ReviewAction.allowed(in: state, for: principal.role).map(\.rawValue))
            }
            var text = request.text?.trimmingCharacters(in: .whitespacesAndNewlines)
            if text?.isEmpty == true { text = nil }
            switch request.action {
            case .comment:
                guard text != nil else { throw ReviewError.invalid("A comment needs a text.") }
                // A fingerprint that is well formed but not in the latest run conflicts with the
                // submission's state (a new run may have fixed it): 409, as approving does.
                if let fingerprint = request.fingerprint {
                    guard try await Self.latestFinding(db, submissionId: id, fingerprint: fingerprint) != nil else {
                        throw ReviewError.conflict("No finding with fingerprint \(fingerprint) in the latest run.")
                    }
                }
            case .accept:
                guard let fingerprint = request.fingerprint else {
                    throw ReviewError.invalid("Accepting a finding needs its fingerprint.")
                }
                guard let reason = text else { throw ReviewError.invalid("Accepting a finding needs a reason (text).") }
                guard let finding = try await Self.latestFinding(db, submissionId: id, fingerprint: fingerprint) else {
                    throw ReviewError.conflict("No finding with fingerprint \(fingerprint) in the latest run.")
                }
                guard finding.isAcceptable else {
                    throw ReviewError.conflict(
                        "Finding \(fingerprint) (\(finding.ruleId)) is an error: errors block certification and cannot be accepted; only warnings, infos and breaking changes the publisher has confirmed can."
                    )
                }
                if let expiresAt = request.expiresAt, expiresAt.timeIntervalSince1970 <= now {
                    throw ReviewError.invalid(
                        "expiresAt \(ISO8601DateFormatter().string(from: expiresAt)) is in the past: an acceptance must last beyond now."
                    )
                }
                try await db.execute(
                    sql: """
                        INSERT INTO accepted_finding (submission_id, fingerprint, rule_id, reason, actor, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (submission_id, fingerprint) DO UPDATE SET
                            reason = excluded.reason, actor = excluded.actor, created_at = excluded.created_at,
                            expires_at = excluded.expires_at
                        """,
                    arguments: [id, fingerprint, finding.ruleId, reason, principal.actor, now, request.expiresAt?.timeIntervalSince1970])
            case .assign:
                let assignee = request.assignee ?? principal.label ?? principal.actor
                try await db.execute(sql: "UPDATE submission SET assignee = ? WHERE id = ?", arguments: [assignee, id])
                text = text.map { "\(assignee): \($0)" } ?? assignee
            case .unassign:
                try await db.execute(sql: "UPDATE submission SET assignee = NULL WHERE id = ?", arguments: [id])
            case .approve:
                let blocking = try await Self.blockingFindingCount(db, submissionId: id, revision: current.revision, now: now)
                guard let blocking else {
                    throw ReviewError.conflict("The latest revision has no finished run yet; wait for the checks before approving.")
                }
                if blocking > 0 {
                    throw ReviewError.conflict(
                        "The latest run has \(blocking) blocking finding(s); request changes instead, or re-run the checks.")
                }
            case .certify:
                try await db.execute(
                    sql: "UPDATE submission SET certified_revision = revision WHERE id = ?", arguments: [id])
            case .requestChanges, .reject, .withdraw:
                break
            }
            if let target {
                try await db.execute(
                    sql: "UPDATE submission SET state = ?, state_changed_at = ? WHERE id = ?",
                    arguments: [target.rawValue, now, id])
            }
            try await Self.appendEvent(
                db, submissionId: id, revision: current.revision, actor: principal.actor,
                action: request.action.rawValue, from: target == nil ? nil : current.state, to: target?.rawValue,
                text: text, fingerprint: request.fingerprint, now: now)
            guard let summary = try await Self.fetchSummary(db, id: id) else { throw StoreError.notFound("submission \(id)") }
            return summary
        }
    }

    /// A finding's fingerprint as `Finding.fingerprint` makes it: 12 bytes in lowercase hex.
    static func isFingerprint(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The findings accepted for a submission and not expired.
    public func acceptedFindings(submissionId: String, at date: Date = Date()) async throws -> [AcceptedFinding] {
        try await database.read { db in
            try await db.fetchAll(
                sql: """
                    SELECT fingerprint, rule_id, reason, actor, created_at, expires_at FROM accepted_finding
                    WHERE submission_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at
                    """,
                arguments: [submissionId, date.timeIntervalSince1970]
            ).map { row in
                AcceptedFinding(
                    fingerprint: try row["fingerprint"], ruleId: try row["rule_id"], reason: try row["reason"], actor: try row["actor"],
                    createdAt: Date(timeIntervalSince1970: try row["created_at"]),
                    expiresAt: (try row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    static func latestFinding(_ db: any SQLSession, submissionId: String, fingerprint: String) async throws -> Finding? {
        guard
            let runId = try await db.scalar(
                Int64.self, sql: "SELECT max(id) FROM run WHERE submission_id = ? AND state = 'finished'", arguments: [submissionId]),
            let row = try await db.fetchOne(
                sql: "SELECT rule_id, severity, stage, message FROM finding WHERE run_id = ? AND fingerprint = ? LIMIT 1",
                arguments: [runId, fingerprint])
        else { return nil }
        return Finding(
            ruleId: try row["rule_id"], severity: Severity(rawValue: try row["severity"]) ?? .error, stage: try row["stage"],
            message: try row["message"])
    }

    /// The errors of the latest finished run of `revision` that block approval (all but those a
    /// reviewer accepted: breaking changes the publisher confirmed, until they expire), or nil
    /// when the revision has no finished run.
    static func blockingFindingCount(_ db: any SQLSession, submissionId: String, revision: Int, now: Double) async throws -> Int? {
        guard
            let runId = try await db.scalar(
                Int64.self, sql: "SELECT max(id) FROM run WHERE submission_id = ? AND revision = ? AND state = 'finished'",
                arguments: [submissionId, revision])
        else { return nil }
        return try await db.scalar(
            Int.self,
            sql: """
                SELECT count(*) FROM finding WHERE run_id = ? AND severity = 'error'
                  AND fingerprint NOT IN (SELECT fingerprint FROM accepted_finding
                                          WHERE submission_id = ? AND (expires_at IS NULL OR expires_at > ?))
                """,
            arguments: [runId, submissionId, now]) ?? 0
    }
}
