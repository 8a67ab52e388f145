import Foundation
import Hummingbird
import SubmissionStore
import UseCases

/// A publisher's webhooks over `Webhooks`: register, list, delete, and see deliveries.
struct WebhooksAPI: Sendable {
    let webhooks: Webhooks

    struct CreateBody: Decodable {
        var url: String
        var secret: String?
        var publisher: String?
    }

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("webhooks") { request, context in try await create(request, context) }
        group.get("webhooks") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return try await jsonResponse(["items": try webhooks.list(by: try context.requirePrincipal())])
        }
        group.delete("webhooks/:hook") { request, context in
            _ = try QueryParameters(request, accepting: [])
            try await webhooks.remove(hook(context), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        group.get("webhooks/:hook/deliveries") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return try await jsonResponse(["items": try webhooks.deliveries(of: hook(context), by: try context.requirePrincipal())])
        }
    }

    /// The `{hook}` of the path; nil when it is not a number.
    func hook(_ context: CertifyRequestContext) -> Int64? {
        context.parameters.get("hook", as: Int64.self)
    }

    func create(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        _ = try QueryParameters(request, accepting: [])
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSON(as: CreateBody.self, context: context)
        let registered = try await webhooks.add(
            WebhookRequest(url: body.url, secret: body.secret, publisher: body.publisher), by: principal)
        struct Created: Encodable {
            var webhook: Webhook
            var secret: String
            var signature: String
        }
        return try jsonResponse(
            Created(
                webhook: registered.webhook, secret: registered.secret,
                signature:
                    "Each delivery carries \(WebhookSignature.header): sha256=HEX, the HMAC-SHA256 of the exact request body with this secret. It is shown only now."
            ),
            status: .created, location: "/v1/webhooks/\(registered.webhook.id)")
    }
}
