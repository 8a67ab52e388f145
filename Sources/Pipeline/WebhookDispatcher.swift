import Foundation
import Logging
import OutboundHTTP
import SubmissionStore

/// Delivers the webhook outbox: each state change POSTed as JSON, signed with HMAC-SHA256
/// (`X-Certify-Signature: sha256=HEX` over the exact body), retried with exponential backoff,
/// every attempt recorded. Targets obey the private-network rule of `OutboundPolicy`.
public struct WebhookDispatcher: Sendable {
    public let store: Store
    public var policy: OutboundPolicy
    public var maximumAttempts: Int
    /// The first retry waits this long; each next one twice as long, up to an hour.
    public var initialBackoffSeconds: Double
    public var pollInterval: Duration
    /// How long a claimed delivery stays this dispatcher's; renewed right before each attempt.
    public var leaseSeconds: Double = 60
    /// The server's public base URL (`serve --public-url`): the payload's `submission.link` is
    /// made absolute with it, so a receiver can follow it. Nil keeps the path.
    public var publicURL: String?
    let logger: Logger
    let owner = "webhooks-\(getpid())-\(UUID().uuidString.prefix(8))"

    public init(
        store: Store, policy: OutboundPolicy = OutboundPolicy(requestTimeout: .seconds(10)), maximumAttempts: Int = 8,
        initialBackoffSeconds: Double = 5, pollInterval: Duration = .milliseconds(500),
        logger: Logger = Logger(label: "certify.webhooks")
    ) {
        self.store = store
        self.policy = policy
        self.maximumAttempts = maximumAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// The payload with `submission.link` prefixed by `publicURL` (signed after this, so the
    /// signature covers what is sent). Keys stay sorted, as the store wrote them.
    static func withAbsoluteLink(_ payload: String, publicURL: String?) -> String {
        guard let publicURL, var object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any],
            var submission = object["submission"] as? [String: Any], let link = submission["link"] as? String,
            link.hasPrefix("/")
        else { return payload }
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        submission["link"] = base + link
        object["submission"] = submission
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return payload
        }
        return String(decoding: data, as: UTF8.self)
    }

    public func run() async {
        while !Task.isCancelled {
            let delivered = await deliverDue()
            if delivered == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// Attempts every delivery that is due now; returns how many were attempted.
    @discardableResult
    public func deliverDue(limit: Int = 16) async -> Int {
        guard let due = try? await store.claimDueDeliveries(owner: owner, limit: limit, leaseSeconds: leaseSeconds), !due.isEmpty else {
            return 0
        }
        for delivery in due {
            await attempt(delivery)
        }
        return due.count
    }

    func attempt(_ delivery: DueDelivery) async {
        // The batch was claimed a while ago (earlier attempts can take their timeout each): the
        // webhook may have been deleted since, or the lease lost. Look again right before sending.
        do {
            guard try await store.confirmDeliveryLease(delivery, leaseSeconds: leaseSeconds) else {
                logger.info("webhook delivery \(delivery.id) not attempted: cancelled, its webhook deleted, or taken by another dispatcher")
                return
            }
        } catch {
            logger.error("webhook delivery \(delivery.id) not attempted: cannot confirm its lease (\(error))")
            return
        }
        let body = Array(Self.withAbsoluteLink(delivery.payload, publicURL: publicURL).utf8)
        if let refusal = WebhookLimits.urlRefusal(delivery.url) {
            // Stored before the limit existed: never handed to the HTTP client (a URL that long
            // trips one of its preconditions); failed at once, with the reason, not retried.
            let error = "\(refusal); register the webhook again with a shorter URL"
            try? await store.recordDeliveryAttempt(
                delivery, status: nil, error: error, durationMs: 0, retryAfter: 0, maximumAttempts: delivery.attempts + 1)
            logger.error("webhook delivery \(delivery.id): \(error)")
            return
        }
        guard let secret = delivery.secret else {
            // Never send unsigned or wrongly signed: fail the attempt, say why.
            let error = "the webhook's secret is sealed with a key this server does not have (see serve --secret-key-file)"
            try? await store.recordDeliveryAttempt(
                delivery, status: nil, error: error, durationMs: 0,
                retryAfter: min(3600, initialBackoffSeconds * pow(2, Double(delivery.attempts))), maximumAttempts: maximumAttempts)
            logger.error("webhook delivery \(delivery.id): \(error)")
            return
        }
        let request = OutboundRequest(
            method: "POST", url: delivery.url,
            headers: [
                ("Content-Type", "application/json"),
                ("User-Agent", "certify-webhooks"),
                (WebhookSignature.header, WebhookSignature.sign(body, secret: secret)),
                ("X-Certify-Delivery", "\(delivery.id)"),
                ("X-Certify-Attempt", "\(delivery.attempts + 1)"),
            ],
            body: body)
        let start = ContinuousClock.now
        var status: Int?
        var error: String?
        do {
            // Redirects are not followed for webhooks: a receiver answers where it was registered.
            var client = OutboundClient(policy: policy)
            client.policy.maximumRedirects = 0
            let response = try await client.send(request)
            status = response.status
            if !(200..<300).contains(response.status) { error = "the receiver answered \(response.status)" }
        } catch let failure {
            error = failure.message
        }
        let elapsed = ContinuousClock.now - start
        let (seconds, atto) = elapsed.components
        let backoff = min(3600, initialBackoffSeconds * pow(2, Double(delivery.attempts)))
        do {
            try await store.recordDeliveryAttempt(
                delivery, status: status, error: error, durationMs: Double(seconds) * 1000 + Double(atto) / 1e15,
                retryAfter: backoff, maximumAttempts: maximumAttempts)
        } catch {
            logger.error("cannot record webhook delivery \(delivery.id): \(error)")
        }
        if let error {
            logger.warning(
                "webhook delivery \(delivery.id) attempt \(delivery.attempts + 1) failed: \(Self.withoutURLSecrets(error, url: delivery.url))"
            )
        }
    }

    /// A message for the server's log: the webhook URL in it cut to its origin, since receivers
    /// often carry a token in the path or query (the delivery's own record, which only the
    /// publisher reads, keeps the whole message).
    static func withoutURLSecrets(_ message: String, url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return message.replacingOccurrences(of: url, with: "(the webhook URL)")
        }
        let origin = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
        return message.replacingOccurrences(of: url, with: origin + "/***")
    }
}
