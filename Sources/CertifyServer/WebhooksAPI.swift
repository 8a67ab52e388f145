import Foundation
import Hummingbird
import OutboundHTTP
import SubmissionStore

/// A publisher's webhooks: register, list, delete, and see deliveries.
struct WebhooksAPI: Sendable {
    let store: Store
    let outbound: OutboundPolicy

    struct CreateBody: Decodable {
        var url: String
        var secret: String?
        var publisher: String?
    }

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("webhooks") { request, context in try await create(request, context) }
        group.get("webhooks") { request, context in
            _ = try QueryParameters(request, accepting: [])
            let principal = try context.requirePrincipal()
            return try jsonResponse(["items": try store.webhooks(publisher: scope(principal))])
        }
        group.delete("webhooks/:hook") { request, context in
            _ = try QueryParameters(request, accepting: [])
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("hook", as: Int64.self),
                try store.deleteWebhook(id: id, publisher: try scope(principal))
            else { throw HTTPError(.notFound, message: "No such webhook for this token.") }
            return Response(status: .noContent)
        }
        group.get("webhooks/:hook/deliveries") { request, context in
            _ = try QueryParameters(request, accepting: [])
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("hook", as: Int64.self),
                try store.webhooks(publisher: try scope(principal)).contains(where: { $0.id == id })
            else { throw HTTPError(.notFound, message: "No such webhook for this token.") }
            return try jsonResponse(["items": try store.deliveries(webhookId: id)])
        }
    }

    /// A submitter manages its publisher's webhooks; an admin any; a reviewer none.
    func scope(_ principal: Principal) throws -> String? {
        switch principal.role {
        case .submitter: return principal.publisher
        case .admin: return nil
        case .reviewer: throw HTTPError(.forbidden, message: "Webhooks belong to publishers; a reviewer token cannot manage them.")
        }
    }

    func create(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        _ = try QueryParameters(request, accepting: [])
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSON(as: CreateBody.self, context: context)
        let publisher: String
        if let own = try scope(principal) {
            publisher = own
        } else if let named = body.publisher, !named.isEmpty {
            publisher = named
        } else {
            throw HTTPError(.badRequest, message: "An admin registering a webhook names the publisher in \"publisher\".")
        }
        // Sizes first: a URL of 100 KB or more must never reach the HTTP client.
        if let refusal = WebhookLimits.urlRefusal(body.url) {
            throw HTTPError(.badRequest, message: "The webhook URL is refused: \(refusal).")
        }
        if let secret = body.secret, let refusal = WebhookLimits.secretRefusal(secret) {
            throw HTTPError(.badRequest, message: "The webhook secret is refused: \(refusal).")
        }
        // The target obeys the same private-network rule as every outbound call.
        do {
            _ = try OutboundClient(policy: outbound).vet(body.url)
        } catch {
            throw HTTPError(.badRequest, message: "The webhook URL is refused: \(error.message)")
        }
        let (hook, secret): (Webhook, String)
        do {
            (hook, secret) = try store.createWebhook(
                publisher: publisher, url: body.url, secret: body.secret, actor: principal.actor)
        } catch StoreError.invalid(let message) {
            throw HTTPError(.badRequest, message: "The webhook is refused: \(message).")
        }
        struct Created: Encodable {
            var webhook: Webhook
            var secret: String
            var signature: String
        }
        return try jsonResponse(
            Created(
                webhook: hook, secret: secret,
                signature: "Each delivery carries \(WebhookSignature.header): sha256=HEX, the HMAC-SHA256 of the exact request body with this secret. It is shown only now."),
            status: .created, location: "/v1/webhooks/\(hook.id)")
    }
}
