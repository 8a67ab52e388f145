import ConnectorPackage
import Foundation
import Hummingbird
import SubmissionStore
import UseCases

/// The submission, report and queue endpoints under `/v1`: each reads the request, calls
/// `Submissions`, and writes the answer.
struct SubmissionsAPI: Sendable {
    let submissions: Submissions
    let intake: Intake

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("submissions") { request, context in try await create(request, context) }
        group.get("submissions") { request, context in try await list(request, context) }
        group.get("submissions/:id") { request, context in try await show(request, context) }
        group.post("submissions/:id/revisions") { request, context in try await revise(request, context) }
        group.get("submissions/:id/report") { request, context in try await report(request, context) }
        group.get("queue") { request, context in try await queue(request, context) }
    }

    // MARK: Handlers

    func create(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let detail = try await submissions.submit(
            await upload(request, context, accepting: ["publisher", "filename", "stages"]), by: principal)
        return try jsonResponse(
            SubmissionView(detail, principal: principal), status: .created, location: "/v1/submissions/\(detail.submission.id)")
    }

    func revise(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let detail = try await submissions.addRevision(
            to: context.id, await upload(request, context, accepting: ["filename", "stages"]), by: principal)
        return try jsonResponse(
            SubmissionView(detail, principal: principal), status: .created, location: "/v1/submissions/\(detail.submission.id)")
    }

    func show(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        _ = try QueryParameters(request, accepting: [])
        let principal = try context.requirePrincipal()
        return try await jsonResponse(SubmissionView(try submissions.detail(context.id, by: principal), principal: principal))
    }

    func list(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        return try await jsonResponse(QueueView(try submissions.list(try queueQuery(request), by: principal)))
    }

    func queue(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        return try await jsonResponse(QueueView(try submissions.queue(try queueQuery(request), by: principal)))
    }

    func report(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let query = try QueryParameters(request, accepting: ["format"])
        let report = try await submissions.report(context.id, format: try query.string("format"), by: try context.requirePrincipal())
        return Response(
            status: .ok, headers: [.contentType: report.contentType],
            body: .init(byteBuffer: ByteBuffer(string: report.text)))
    }

    // MARK: Reading requests

    /// The uploaded package with what came along: `publisher` and `stages` from the query when
    /// the route takes them (a form's `stages` field first).
    func upload(_ request: Request, _ context: CertifyRequestContext, accepting accepted: [String]) async throws
        -> PackageUpload
    {
        let query = try QueryParameters(request, accepting: accepted)
        var upload = try await intake.read(request, context: context, query: query)
        if accepted.contains("publisher") { upload.publisher = try query.string("publisher") }
        upload.stages = try upload.stages ?? query.string("stages")
        return upload
    }

    /// The parameters of `GET /v1/queue` and `GET /v1/submissions`.
    func queueQuery(_ request: Request) throws -> QueueQuery {
        let query = try QueryParameters(
            request, accepting: ["state", "publisher", "assignee", "minAge", "limit", "cursor"], repeatable: ["state"])
        return QueueQuery(
            states: try query.strings("state"), publisher: try query.string("publisher"),
            assignee: try query.string("assignee"), minAge: try query.string("minAge"), limit: try query.string("limit"),
            cursor: try query.string("cursor"))
    }

    /// The publisher the package names, as an upload takes it (`Submissions.packagePublisher`),
    /// with its refusal as the API answers it.
    static func packagePublisher(_ package: ConnectorPackage) throws -> String {
        do {
            return try Submissions.packagePublisher(package)
        } catch let error as UseCaseError {
            throw error.httpError
        }
    }
}

extension CertifyRequestContext {
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw HTTPError(.unauthorized, message: "Authentication required.") }
        return principal
    }

    /// The `{id}` of the route's path.
    var id: String { parameters.get("id") ?? "" }
}

func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Response {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var headers: HTTPFields = [.contentType: "application/json"]
    if let location { headers[.location] = location }
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
