import Certification
import ConnectorPackage
import Foundation

/// A publisher's registered webhook (its secret is shown once, at creation).
public struct Webhook: Sendable, Codable, Hashable {
    public var id: Int64
    public var publisher: String
    public var url: String
    public var createdBy: String
    public var createdAt: Date
}

/// The limits on what a webhook may be; each is named in the refusal that hits it.
public enum WebhookLimits {
    /// Longest webhook URL, in UTF-8 bytes. Longer URLs (100 KB and more) trip an AsyncHTTPClient
    /// precondition that kills the process; none is registered, and none stored earlier is sent.
    public static let maximumWebhookURLBytes = 2048
    /// Shortest signing secret a publisher may choose, in characters.
    public static let minimumWebhookSecretCharacters = 16
    /// Longest signing secret, in UTF-8 bytes.
    public static let maximumWebhookSecretBytes = 256

    /// Why `url` cannot be a webhook URL by size, or nil.
    public static func urlRefusal(_ url: String) -> String? {
        let bytes = url.utf8.count
        return bytes > maximumWebhookURLBytes
            ? "the webhook URL is \(bytes) bytes, over maximumWebhookURLBytes (\(maximumWebhookURLBytes))" : nil
    }

    /// Why `secret` cannot be a signing secret, or nil.
    public static func secretRefusal(_ secret: String) -> String? {
        if secret.count < minimumWebhookSecretCharacters {
            return "a webhook secret must have at least \(minimumWebhookSecretCharacters) characters (or leave it out to get one)"
        }
        if secret.utf8.count > maximumWebhookSecretBytes {
            return "the webhook secret is \(secret.utf8.count) bytes, over maximumWebhookSecretBytes (\(maximumWebhookSecretBytes))"
        }
        return nil
    }
}

/// A delivery a dispatcher has leased.
public struct DueDelivery: Sendable, Hashable {
    public var id: Int64
    public var url: String
    /// The signing secret; nil when it is sealed and this store cannot open it (no key, or
    /// another key): the delivery must then fail rather than be signed wrongly.
    public var secret: String?
    public var payload: String
    public var attempts: Int
    public var leaseOwner: String
}

public struct DeliveryRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var webhookId: Int64
    public var eventId: Int64
    public var state: String
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?
    /// When the next attempt is due, while the delivery is pending.
    public var nextAttemptAt: Date?
    /// Every attempt so far, oldest first.
    public var history: [DeliveryAttempt] = []
}

/// One attempt of a delivery: when, what the receiver answered (or the error), how long it took.
public struct DeliveryAttempt: Sendable, Codable, Hashable {
    public var attempt: Int
    public var at: Date
    public var status: Int?
    public var error: String?
    public var durationMs: Double
}

extension Store {
    /// Registers a webhook for a publisher and returns it with its signing secret.
    public func createWebhook(publisher: String, url: String, secret: String?, actor: String) async throws -> (Webhook, String) {
        if let refusal = WebhookLimits.urlRefusal(url) ?? secret.flatMap(WebhookLimits.secretRefusal) {
            throw StoreError.invalid(refusal)
        }
        var random = SystemRandomNumberGenerator()
        let secret = secret ?? "whsec_" + hexString((0..<24).map { _ in UInt8.random(in: 0...255, using: &random) })
        let stored = try storedSecret(secret)
        return try await database.write(durable: false) { db in
            let now = Self.now()
            guard
                let id = try await db.scalar(
                    Int64.self,
                    sql: "INSERT INTO webhook (publisher, url, secret, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    arguments: [publisher, url, stored, actor, now])
            else { throw StoreError.database("the new webhook has no id") }
            let webhook = Webhook(
                id: id, publisher: publisher, url: url, createdBy: actor,
                createdAt: Date(timeIntervalSince1970: now))
            return (webhook, secret)
        }
    }

    /// The prefix of a sealed secret in the `secret` column: "sealed:v1:" and the base64 of
    /// the AES-GCM box (nonce, ciphertext, tag).
    static let sealedPrefix = "sealed:v1:"

    /// A secret as the database keeps it: sealed when the store has a sealer.
    func storedSecret(_ secret: String) throws -> String {
        guard let sealer else { return secret }
        return Self.sealedPrefix + (try sealer.seal(data: Data(secret.utf8))).base64EncodedString()
    }

    /// A secret as stored, opened; nil when it is sealed and cannot be opened here.
    func openedSecret(_ stored: String) -> String? {
        guard stored.hasPrefix(Self.sealedPrefix) else { return stored }
        guard let sealer, let box = Data(base64Encoded: String(stored.dropFirst(Self.sealedPrefix.count))),
            let plain = try? sealer.open(data: box)
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Seals the webhook secrets still stored in the clear (written before the store had a
    /// sealer); returns how many. Nothing happens without a sealer.
    @discardableResult
    public func sealPlaintextWebhookSecrets() async throws -> Int {
        guard sealer != nil else { return 0 }
        return try await database.write(durable: false) { db in
            let rows = try await db.fetchAll(sql: "SELECT id, secret FROM webhook WHERE secret NOT LIKE 'sealed:%'")
            for row in rows {
                try await db.execute(
                    sql: "UPDATE webhook SET secret = ? WHERE id = ?",
                    arguments: [try storedSecret(try row["secret"]), try row["id"] as Int64])
            }
            return rows.count
        }
    }

    public func webhooks(publisher: String?) async throws -> [Webhook] {
        try await database.read { db in
            let filter = publisher == nil ? "" : "AND publisher = ?"
            return try await db.fetchAll(
                sql: "SELECT id, publisher, url, created_by, created_at FROM webhook WHERE deleted_at IS NULL \(filter) ORDER BY id",
                arguments: SQLArguments((publisher.map { [$0] } ?? []) as [any SQLBindable])
            ).map { row in
                Webhook(
                    id: try row["id"], publisher: try row["publisher"], url: try row["url"], createdBy: try row["created_by"],
                    createdAt: Date(timeIntervalSince1970: try row["created_at"]))
            }
        }
    }

    /// Why a pending delivery of a deleted webhook is never attempted again.
    public static let cancelledForDeletedWebhook = "cancelled: the webhook was deleted"

    /// Stops a webhook. In the same transaction its pending deliveries are cancelled, with the
    /// reason, so none goes out after the delete; its recorded deliveries and attempts stay.
    public func deleteWebhook(id: Int64, publisher: String?) async throws -> Bool {
        try await database.write(durable: false) { db in
            let now = Self.now()
            let filter = publisher == nil ? "" : "AND publisher = ?"
            let changed = try await db.execute(
                sql: "UPDATE webhook SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL \(filter)",
                arguments: SQLArguments([now, id] as [any SQLBindable] + (publisher.map { [$0] } ?? [])))
            guard changed > 0 else { return false }
            try await Self.cancelDeliveriesOfDeletedWebhooks(db, webhookId: id)
            return true
        }
    }

    /// Cancels the pending deliveries of deleted webhooks (of one, or of all: those a delete
    /// left pending before deletes cancelled them). A cancelled delivery keeps its attempts.
    static func cancelDeliveriesOfDeletedWebhooks(_ db: any SQLSession, webhookId: Int64? = nil) async throws {
        let hooks = webhookId == nil ? "SELECT id FROM webhook WHERE deleted_at IS NOT NULL" : "?"
        try await db.execute(
            sql: """
                UPDATE webhook_delivery SET state = 'cancelled', last_error = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'pending' AND webhook_id IN (\(hooks))
                """,
            arguments: SQLArguments(
                [cancelledForDeletedWebhook as any SQLBindable] + (webhookId.map { [$0] } ?? [])))
    }

    public func deliveries(webhookId: Int64) async throws -> [DeliveryRecord] {
        try await database.read { db in
            try await db.fetchAll(
                sql: """
                    SELECT id, webhook_id, event_id, state, attempts, last_status, last_error, created_at, delivered_at,
                        next_attempt_at
                    FROM webhook_delivery WHERE webhook_id = ? ORDER BY id
                    """,
                arguments: [webhookId]
            ).map { row in
                var record = DeliveryRecord(
                    id: try row["id"], webhookId: try row["webhook_id"], eventId: try row["event_id"], state: try row["state"],
                    attempts: try row["attempts"], lastStatus: try row["last_status"], lastError: try row["last_error"],
                    createdAt: Date(timeIntervalSince1970: try row["created_at"]),
                    deliveredAt: (try row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
                if record.state == "pending" {
                    record.nextAttemptAt = (try row["next_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:))
                }
                return record
            }.asyncMap { record in
                var record = record
                record.history = try await db.fetchAll(
                    sql: """
                        SELECT attempt, status, error, duration_ms, created_at FROM webhook_attempt
                        WHERE delivery_id = ? ORDER BY attempt, id
                        """,
                    arguments: [record.id]
                ).map { row in
                    DeliveryAttempt(
                        attempt: try row["attempt"], at: Date(timeIntervalSince1970: try row["created_at"]), status: try row["status"],
                        error: try row["error"], durationMs: try row["duration_ms"])
                }
                return record
            }
        }
    }

    /// The outbox: a delivery per live webhook of the submission's publisher, in the transaction
    /// of the state change, so no change is lost and none is announced that did not happen.
    static func enqueueWebhookDeliveries(_ db: any SQLSession, eventId: Int64, submissionId: String, now: Double) async throws {
        guard let submission = try await fetchSummary(db, id: submissionId) else { return }
        let hooks = try await db.column(
            Int64.self, sql: "SELECT id FROM webhook WHERE publisher = ? AND deleted_at IS NULL", arguments: [submission.publisher])
        guard !hooks.isEmpty,
            let event = try await db.fetchOne(
                sql: "SELECT actor, action, from_state, to_state, text, revision, created_at FROM review_event WHERE id = ?",
                arguments: [eventId])
        else { return }
        var body: [String: Any] = [
            "type": "submission.state-changed",
            "eventId": eventId,
            "submission": [
                "id": submission.id, "publisher": submission.publisher, "connector": submission.connector,
                "revision": submission.revision, "link": "/v1/submissions/\(submission.id)",
            ] as [String: Any],
            "action": try event["action"] as String,
            "actor": try event["actor"] as String,
            "to": try event["to_state"] as String? ?? submission.state,
            "at": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: try event["created_at"])),
        ]
        if let from = try event["from_state"] as String? { body["from"] = from }
        if let text = try event["text"] as String? { body["text"] = text }
        let payload = String(
            decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]),
            as: UTF8.self)
        for hook in hooks {
            try await db.execute(
                sql: """
                    INSERT INTO webhook_delivery (webhook_id, event_id, payload, state, next_attempt_at, created_at)
                    VALUES (?, ?, ?, 'pending', ?, ?)
                    """,
                arguments: [hook, eventId, payload, now, now])
        }
    }

    /// Leases deliveries that are due (or whose dispatcher died), oldest first; never one of a
    /// deleted webhook (any still pending are cancelled here).
    public func claimDueDeliveries(owner: String, limit: Int, leaseSeconds: Double) async throws -> [DueDelivery] {
        try await database.write(durable: false) { db in
            let now = Self.now()
            try await Self.cancelDeliveriesOfDeletedWebhooks(db)
            let rows = try await db.fetchAll(
                sql: """
                    SELECT d.id, w.url, w.secret, d.payload, d.attempts FROM webhook_delivery d
                    JOIN webhook w ON w.id = d.webhook_id AND w.deleted_at IS NULL
                    WHERE d.state = 'pending' AND d.next_attempt_at <= ?
                      AND (d.lease_expires_at IS NULL OR d.lease_expires_at < ?)
                    ORDER BY d.next_attempt_at, d.id LIMIT ?
                    """,
                arguments: [now, now, limit])
            var claimed: [DueDelivery] = []
            for row in rows {
                try await db.execute(
                    sql: "UPDATE webhook_delivery SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                    arguments: [owner, now + leaseSeconds, try row["id"] as Int64])
                claimed.append(
                    DueDelivery(
                        id: try row["id"], url: try row["url"], secret: openedSecret(try row["secret"]), payload: try row["payload"],
                        attempts: try row["attempts"], leaseOwner: owner))
            }
            return claimed
        }
    }

    /// Right before an attempt: whether the delivery may still go out (still pending, still
    /// leased by this dispatcher, its webhook not deleted). If so its lease is renewed for
    /// `leaseSeconds`, the attempt's time; if not, nothing must be sent.
    public func confirmDeliveryLease(_ delivery: DueDelivery, leaseSeconds: Double) async throws -> Bool {
        try await database.write(durable: false) { db in
            try await db.execute(
                sql: """
                    UPDATE webhook_delivery SET lease_expires_at = ?
                    WHERE id = ? AND state = 'pending' AND lease_owner = ?
                      AND webhook_id IN (SELECT id FROM webhook WHERE deleted_at IS NULL)
                    """,
                arguments: [Self.now() + leaseSeconds, delivery.id, delivery.leaseOwner]) > 0
        }
    }

    /// Records one attempt; a failed one is retried after `retryAfter`, or given up after
    /// `maximumAttempts`. The attempt is always recorded, but a delivery cancelled meanwhile (its
    /// webhook deleted while the request was in flight) stays cancelled, with its reason.
    public func recordDeliveryAttempt(
        _ delivery: DueDelivery, status: Int?, error: String?, durationMs: Double, retryAfter: Double,
        maximumAttempts: Int
    ) async throws {
        try await database.write(durable: false) { db in
            let now = Self.now()
            let attempt = delivery.attempts + 1
            let delivered = error == nil && status.map { (200..<300).contains($0) } == true
            try await db.execute(
                sql: "INSERT INTO webhook_attempt (delivery_id, attempt, status, error, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [delivery.id, attempt, status, error, durationMs, now])
            let state = delivered ? "delivered" : (attempt >= maximumAttempts ? "failed" : "pending")
            let changed = try await db.execute(
                sql: """
                    UPDATE webhook_delivery SET state = ?, attempts = ?, last_status = ?, last_error = ?,
                        next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, delivered_at = ?
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [state, attempt, status, error, now + retryAfter, delivered ? now : nil, delivery.id])
            if changed == 0 {
                // Cancelled meanwhile: count the attempt, keep the state and its reason.
                try await db.execute(
                    sql:
                        "UPDATE webhook_delivery SET attempts = CASE WHEN attempts > ? THEN attempts ELSE ? END, last_status = ? WHERE id = ?",
                    arguments: [attempt, attempt, status, delivery.id])
            }
        }
    }
}

/// The signature a receiver checks: `X-Certify-Signature: sha256=HEX`, HMAC-SHA256 of the exact
/// body bytes with the webhook's secret.
public enum WebhookSignature {
    public static let header = "X-Certify-Signature"

    public static func sign(_ body: [UInt8], secret: String) -> String {
        "sha256=" + hmacSHA256Hex(key: Array(secret.utf8), message: body)
    }
}
