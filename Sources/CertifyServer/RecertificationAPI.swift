import Certification
import Foundation
import Hummingbird
import Reports
import StageCatalog
import SubmissionStore

/// Batch re-certification, for admins: start one, follow its counts, read its summary.
struct RecertificationAPI: Sendable {
    let store: Store
    let ruleset: Ruleset

    struct CreateBody: Decodable {
        /// all (default), publisher:NAME or connector:NAME; or the two fields below.
        var selection: String?
        var publisher: String?
        var connector: String?
        var stages: [String]?
    }

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("recertifications") { request, context in try await create(request, context) }
        group.get("recertifications") { request, context in
            _ = try QueryParameters(request, accepting: [])
            try requireReader(context)
            return try jsonResponse(["items": try store.recertifications()])
        }
        group.get("recertifications/:batch") { request, context in
            _ = try QueryParameters(request, accepting: [])
            try requireReader(context)
            return try jsonResponse(try batch(context))
        }
        group.get("recertifications/:batch/summary") { request, context in
            let query = try QueryParameters(request, accepting: ["format"])
            try requireReader(context)
            let progress = try batch(context)
            // The summary has no SARIF or JUnit form: those are refused, not answered as text.
            let formats: [ReportFormat] = [.json, .markdown, .html, .text]
            let name = try query.string("format") ?? "json"
            guard let format = ReportFormat(rawValue: name), formats.contains(format) else {
                throw HTTPError(
                    .badRequest,
                    message: "format '\(QueryParameters.excerpt(name))' is not one of: \(formats.map(\.rawValue).joined(separator: ", "))")
            }
            let summary = RecertificationSummaryBuilder.summary(progress, items: try store.recertificationItems(id: progress.id))
            return Response(
                status: .ok, headers: [.contentType: format.contentType],
                body: .init(byteBuffer: ByteBuffer(string: RecertificationRenderer.render(summary, as: format))))
        }
    }

    /// Reviewers and admins read batches; only admins start them.
    func requireReader(_ context: CertifyRequestContext) throws {
        guard try context.requirePrincipal().canReview else {
            throw HTTPError(.forbidden, message: "Re-certification is for reviewers (reading) and admins.")
        }
    }

    func batch(_ context: CertifyRequestContext) throws -> RecertificationProgress {
        guard let id = context.parameters.get("batch", as: Int64.self), let progress = try store.recertification(id: id) else {
            throw HTTPError(.notFound, message: "No such re-certification.")
        }
        return progress
    }

    func create(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        _ = try QueryParameters(request, accepting: [])
        let principal = try context.requirePrincipal()
        guard principal.role == .admin else {
            throw HTTPError(.forbidden, message: "Only an admin token can start a re-certification.")
        }
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
            selection = .all
        }
        let stages = body.stages ?? StageRegistry.staticNames
        for name in stages where !StageRegistry.staticNames.contains(name) {
            throw HTTPError(.badRequest, message: "stage '\(name)' is not one of: \(StageRegistry.staticNames.joined(separator: ", "))")
        }
        do {
            let progress = try store.createRecertification(
                selection, stages: stages, ruleset: ruleset, toolVersion: CertifyVersion.tool, actor: principal.actor)
            return try jsonResponse(progress, status: .accepted, location: "/v1/recertifications/\(progress.id)")
        } catch StoreError.invalid(let message) {
            throw HTTPError(.unprocessableContent, message: message)
        }
    }
}

/// From the store's records to the summary the renderers take.
public enum RecertificationSummaryBuilder {
    public static func summary(_ p: RecertificationProgress, items: [RecertificationItem]) -> RecertificationSummary {
        RecertificationSummary(
            id: p.id, selection: p.selection, state: p.state, rulesetVersion: p.rulesetVersion, toolVersion: p.toolVersion,
            total: p.total, finished: p.finished, passed: p.passed, failed: p.failed, regressed: p.regressed,
            errored: p.errored, createdAt: p.createdAt, finishedAt: p.finishedAt,
            connectors: items.map {
                RecertificationSummary.Connector(
                    submissionId: $0.submissionId, publisher: $0.publisher, connector: $0.connector, revision: $0.revision,
                    verdict: $0.verdict, previousVerdict: $0.previousVerdict, newFindings: $0.newFindings,
                    fixedFindings: $0.fixedFindings, regradedFindings: $0.regradedFindings, error: $0.error)
            })
    }
}
