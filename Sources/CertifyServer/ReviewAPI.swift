import Foundation
import Hummingbird
import SubmissionStore
import UseCases

/// Reviewer and publisher actions on a submission (assign, comment, accept, decide, withdraw)
/// and its accepted findings, over `Review`.
struct ReviewAPI: Sendable {
    let review: Review

    struct ActionBody: Decodable {
        var action: String?
        var decision: String?
        var text: String?
        var assignee: String?
        var fingerprint: String?
        /// An RFC 3339 date-time, or a date alone (the end of that day, UTC), as in baseline files.
        var expiresAt: String?
    }

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("submissions/:id/actions") { request, context in
            try await act(request, context, allowed: nil)
        }
        // The decision alias of DESIGN.md: approve, reject, request-changes, certify.
        group.post("submissions/:id/decision") { request, context in
            try await act(request, context, allowed: Review.decisions)
        }
        group.get("submissions/:id/accepted-findings") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return try await jsonResponse(["items": try review.acceptedFindings(of: context.id, by: try context.requirePrincipal())])
        }
    }

    func act(_ request: Request, _ context: CertifyRequestContext, allowed: Set<ReviewAction>?) async throws -> Response {
        _ = try QueryParameters(request, accepting: [])
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSON(as: ActionBody.self, context: context)
        let names = ReviewAction.allCases.filter { allowed?.contains($0) ?? true }.map(\.rawValue)
        guard let name = body.action ?? body.decision, let action = ReviewAction(rawValue: name),
            allowed?.contains(action) ?? true
        else {
            throw HTTPError(
                .badRequest,
                message: "Say what to do with \"\(allowed == nil ? "action" : "decision")\": one of \(names.joined(separator: ", ")).")
        }
        var expiresAt: Date?
        if let text = body.expiresAt {
            guard let date = RFC3339.expiry(text) else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "expiresAt '\(QueryParameters.excerpt(text))' is not an RFC 3339 date-time (2027-06-30T12:00:00Z) or a date (2027-06-30, the end of that day UTC)."
                )
            }
            expiresAt = date
        }
        let detail = try await review.perform(
            ReviewRequest(
                action: action, text: body.text, assignee: body.assignee, fingerprint: body.fingerprint,
                expiresAt: expiresAt),
            on: context.id, by: principal)
        return try jsonResponse(SubmissionView(detail, principal: principal))
    }
}

/// 409 with the state and the actions allowed in it, so a client can offer them.
struct ActionConflict: HTTPResponseError {
    var message: String
    var state: String
    var allowedActions: [String]

    var status: HTTPResponse.Status { .conflict }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try jsonResponse(
            ["error": ["message": .string(message), "state": .string(state), "allowedActions": .list(allowedActions)]]
                as [String: [String: JSONField]],
            status: .conflict)
        response.status = .conflict
        return response
    }
}

/// A small JSON value for error bodies with mixed members.
enum JSONField: Encodable {
    case string(String)
    case list([String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .list(let values): try container.encode(values)
        }
    }
}
