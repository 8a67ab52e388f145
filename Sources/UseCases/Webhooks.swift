import Foundation
import OutboundHTTP
import SubmissionStore

/// A webhook to register.
public struct WebhookRequest: Sendable, Hashable {
    public var url: String
    /// The signing secret the publisher chooses; one is generated when nil.
    public var secret: String?
    /// For an admin: the publisher the webhook is for (a submitter's own is used).
    public var publisher: String?

    public init(url: String, secret: String? = nil, publisher: String? = nil) {
        self.url = url
        self.secret = secret
        self.publisher = publisher
    }
}

/// A webhook just registered, with its signing secret, which is shown only now.
public struct RegisteredWebhook: Sendable {
    public var webhook: Webhook
    public var secret: String
}

/// A publisher's webhooks: register, list, remove, and see their deliveries. A submitter
/// manages its own publisher's, an admin any publisher's; a reviewer none. Another publisher's
/// webhook is `notFound`, as one that does not exist.
public struct Webhooks: Sendable {
    public let store: Store
    /// What a webhook URL may reach: private networks are refused unless allowed.
    public let outbound: OutboundPolicy

    public init(store: Store, outbound: OutboundPolicy) {
        self.store = store
        self.outbound = outbound
    }

    /// The publisher whose webhooks the caller manages: a submitter's own; nil (all) for an
    /// admin; a reviewer manages none.
    func scope(_ principal: Principal) throws -> String? {
        switch principal.role {
        case .submitter:
            guard let publisher = principal.publisher else {
                throw UseCaseError.forbidden("This submitter token names no publisher, so it has no webhooks.")
            }
            return publisher
        case .admin: return nil
        case .reviewer:
            throw UseCaseError.forbidden("Webhooks belong to publishers; a reviewer token cannot manage them.")
        }
    }

    public func add(_ request: WebhookRequest, by principal: Principal) async throws -> RegisteredWebhook {
        let publisher: String
        if let own = try scope(principal) {
            publisher = own
        } else if let named = request.publisher, !named.isEmpty {
            publisher = named
        } else {
            throw UseCaseError.invalid("An admin registering a webhook names the publisher in \"publisher\".")
        }
        // Sizes first: a URL of 100 KB or more must never reach the HTTP client.
        if let refusal = WebhookLimits.urlRefusal(request.url) {
            throw UseCaseError.invalid("The webhook URL is refused: \(refusal).")
        }
        if let secret = request.secret, let refusal = WebhookLimits.secretRefusal(secret) {
            throw UseCaseError.invalid("The webhook secret is refused: \(refusal).")
        }
        // The target obeys the same private-network rule as every outbound call.
        do {
            _ = try OutboundClient(policy: outbound).vet(request.url)
        } catch {
            throw UseCaseError.invalid("The webhook URL is refused: \(error.message)")
        }
        do {
            let (webhook, secret) = try await store.createWebhook(
                publisher: publisher, url: request.url, secret: request.secret, actor: principal.actor)
            return RegisteredWebhook(webhook: webhook, secret: secret)
        } catch StoreError.invalid(let message) {
            throw UseCaseError.invalid("The webhook is refused: \(message).")
        }
    }

    public func list(by principal: Principal) async throws -> [Webhook] {
        try await store.webhooks(publisher: scope(principal))
    }

    /// Stops the webhook `id` (its delivery records stay); nil `id` (not a number) is `notFound`.
    public func remove(_ id: Int64?, by principal: Principal) async throws {
        guard let id, try await store.deleteWebhook(id: id, publisher: try scope(principal)) else {
            throw Self.notFound
        }
    }

    /// The webhook's deliveries, each with its attempts.
    public func deliveries(of id: Int64?, by principal: Principal) async throws -> [DeliveryRecord] {
        guard let id, try await store.webhooks(publisher: try scope(principal)).contains(where: { $0.id == id }) else {
            throw Self.notFound
        }
        return try await store.deliveries(webhookId: id)
    }

    static let notFound = UseCaseError.notFound("No such webhook for this token.")
}
