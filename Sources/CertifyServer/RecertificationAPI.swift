import Foundation
import Hummingbird
import SubmissionStore
import UseCases

/// Batch re-certification over `Recertifications`: start one (admins), follow its counts and
/// read its summary (reviewers and admins).
struct RecertificationAPI: Sendable {
    let recertifications: Recertifications

    struct CreateBody: Decodable {
        /// all (default), publisher:NAME or connector:NAME; or the two fields below.
        var selection: String?
        var publisher: String?
        var connector: String?
        var stages: [String]?
    }

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("recertifications") { request, context in
            _ = try QueryParameters(request, accepting: [])
            let progress = try await recertifications.start(
                await createRequest(request, context), by: try context.requirePrincipal())
            return try jsonResponse(progress, status: .accepted, location: "/v1/recertifications/\(progress.id)")
        }
        group.get("recertifications") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return try await jsonResponse(["items": try recertifications.list(by: try context.requirePrincipal())])
        }
        group.get("recertifications/:batch") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return try await jsonResponse(try recertifications.progress(batch(context), by: try context.requirePrincipal()))
        }
        group.get("recertifications/:batch/summary") { request, context in
            let query = try QueryParameters(request, accepting: ["format"])
            let summary = try await recertifications.summary(
                batch(context), format: try query.string("format"), by: try context.requirePrincipal())
            return Response(
                status: .ok, headers: [.contentType: summary.contentType],
                body: .init(byteBuffer: ByteBuffer(string: summary.text)))
        }
    }

    /// The `{batch}` of the path; nil when it is not a number.
    func batch(_ context: CertifyRequestContext) -> Int64? {
        context.parameters.get("batch", as: Int64.self)
    }

    func createRequest(_ request: Request, _ context: CertifyRequestContext) async throws -> RecertificationRequest {
        let body = try await request.decodeJSON(as: CreateBody.self, context: context)
        let selection: RecertificationSelection
        if let publisher = body.publisher {
            selection = .publisher(publisher)
        } else if let connector = body.connector {
            selection = .connector(connector)
        } else if let text = body.selection {
            guard let parsed = RecertificationSelection(text) else {
                throw HTTPError(.badRequest, message: "selection '\(text)' is not all, publisher:NAME or connector:NAME")
            }
            selection = parsed
        } else {
            // An empty body re-certifying the whole catalogue would be too easy a mistake.
            throw HTTPError(
                .badRequest,
                message:
                    "Name what to re-certify: {\"selection\": \"all\"} for the whole catalogue, or {\"publisher\": \"NAME\"} or {\"connector\": \"NAME\"}."
            )
        }
        return RecertificationRequest(selection: selection, stages: body.stages)
    }
}
