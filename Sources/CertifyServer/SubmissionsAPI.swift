import Certification
import ConnectorPackage
import Foundation
import Hummingbird
import JSONDocument
import Metrics
import Pipeline
import Probing
import Reports
import SubmissionStore

/// The submission, report and queue endpoints under `/v1`.
struct SubmissionsAPI: Sendable {
    let store: Store
    let limits: PackageLimits
    let metricsFactory: any MetricsFactory
    let ruleset: Ruleset
    let runSecrets: RunSecrets

    func addRoutes(to group: RouterGroup<CertifyRequestContext>) {
        group.post("submissions") { request, context in try await create(request, context) }
        group.get("submissions") { request, context in try list(request, context) }
        group.get("submissions/:id") { _, context in try show(context) }
        group.post("submissions/:id/revisions") { request, context in try await revise(request, context) }
        group.get("submissions/:id/report") { request, context in try report(request, context) }
        group.get("queue") { request, context in try queue(request, context) }
    }

    // MARK: Handlers

    func create(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        if principal.role == .reviewer {
            throw HTTPError(.forbidden, message: "Reviewers do not submit packages; a submitter (or admin) token does.")
        }
        let upload = try await Intake(limits: limits).read(request, context: context)
        let publisher = try publisherFor(principal, request: request, package: upload.package)
        let summary = try store.createSubmission(
            publisher: publisher, actor: principal.actor, upload: try storeUpload(upload, request))
        Counter(label: "certify_submissions_total", dimensions: [("kind", "new")], factory: metricsFactory).increment()
        let detail = try store.submissionDetail(id: summary.id)!
        return try jsonResponse(SubmissionView(detail, principal: principal), status: .created, location: "/v1/submissions/\(summary.id)")
    }

    func revise(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let existing = try visibleSubmission(context)
        if principal.role == .reviewer {
            throw HTTPError(.forbidden, message: "Reviewers do not submit revisions; the publisher does.")
        }
        let upload = try await Intake(limits: limits).read(request, context: context)
        let summary: SubmissionSummary
        do {
            summary = try store.addRevision(
                submissionId: existing.id, actor: principal.actor, upload: try storeUpload(upload, request))
        } catch StoreError.invalid(let message) {
            throw HTTPError(.conflict, message: message)
        }
        Counter(label: "certify_submissions_total", dimensions: [("kind", "revision")], factory: metricsFactory)
            .increment()
        let detail = try store.submissionDetail(id: summary.id)!
        return try jsonResponse(SubmissionView(detail, principal: principal), status: .created, location: "/v1/submissions/\(summary.id)")
    }

    func show(_ context: CertifyRequestContext) throws -> Response {
        let summary = try visibleSubmission(context)
        guard let detail = try store.submissionDetail(id: summary.id) else { throw notFound(summary.id) }
        return try jsonResponse(SubmissionView(detail, principal: try context.requirePrincipal()))
    }

    func list(_ request: Request, _ context: CertifyRequestContext) throws -> Response {
        let principal = try context.requirePrincipal()
        var filter = try queueFilter(request, defaultStates: [])
        if principal.role == .submitter { filter.publisher = principal.publisher }
        return try jsonResponse(QueueView(try store.queue(filter)))
    }

    func report(_ request: Request, _ context: CertifyRequestContext) throws -> Response {
        let summary = try visibleSubmission(context)
        let formatName = request.uri.queryParameters.get("format") ?? "html"
        guard let format = ReportFormat(rawValue: formatName) else {
            throw HTTPError(
                .badRequest,
                message: "format '\(formatName)' is not one of: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let detail = try store.submissionDetail(id: summary.id) else { throw notFound(summary.id) }
        let report = ReportBuilder.report(for: detail)
        let text = ReportRenderer.render(report, as: format)
        return Response(
            status: .ok, headers: [.contentType: format.contentType],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func queue(_ request: Request, _ context: CertifyRequestContext) throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.canReview else {
            throw HTTPError(.forbidden, message: "The queue is for reviewers and admins; a submitter token cannot read it.")
        }
        let filter = try queueFilter(request, defaultStates: SubmissionState.open.map(\.rawValue))
        do {
            return try jsonResponse(QueueView(try store.queue(filter)))
        } catch StoreError.invalid(let message) {
            throw HTTPError(.badRequest, message: message)
        }
    }

    // MARK: Helpers

    /// The submission named in the path, if the caller may see it; another publisher's answers
    /// 404, the same as one that does not exist, so ids cannot be probed.
    func visibleSubmission(_ context: CertifyRequestContext) throws -> SubmissionSummary {
        let principal = try context.requirePrincipal()
        let id = context.parameters.get("id") ?? ""
        guard let summary = try store.submission(id: id), principal.canSee(publisher: summary.publisher) else {
            throw notFound(id)
        }
        return summary
    }

    func notFound(_ id: String) -> HTTPError {
        HTTPError(.notFound, message: "No submission '\(id)' is visible to this token.")
    }

    func publisherFor(_ principal: Principal, request: Request, package: ConnectorPackage) throws -> String {
        if principal.role == .submitter, let publisher = principal.publisher { return publisher }
        if let publisher = request.uri.queryParameters.get("publisher"), !publisher.isEmpty { return publisher }
        if let file = package.file(.properties), let document = try? JSONDocument.parse(file.bytes),
            let publisher = document.root["properties"]?["publisher"]?.string, !publisher.isEmpty
        {
            return publisher
        }
        throw HTTPError(
            .badRequest,
            message: "Say which publisher this submission is for: add ?publisher=NAME (apiProperties.json has no properties.publisher).")
    }

    /// The upload as the store keeps it: the stages to run (probing when asked for, or when
    /// credentials or a base URL came with it) and the probe settings, sealed.
    func storeUpload(_ upload: Intake.Upload, _ request: Request) throws -> Store.Upload {
        var stages = try stages(request, formValue: upload.stages)
        let probing = !upload.credentials.isEmpty || upload.probeBaseURL != nil
        if probing && !stages.contains(StageRegistry.probeStageName) && upload.stages == nil
            && request.uri.queryParameters.get("stages") == nil
        {
            stages.append(StageRegistry.probeStageName)
        }
        var sealed: Data?
        if probing {
            sealed = try runSecrets.seal(ProbeSettings(baseURL: upload.probeBaseURL, credentials: upload.credentials))
        }
        return upload.storeUpload(stages: stages, ruleset: ruleset, runSecret: sealed)
    }

    func stages(_ request: Request, formValue: String? = nil) throws -> [String] {
        guard let text = formValue ?? request.uri.queryParameters.get("stages").map({ String($0) }) else { return StageRegistry.staticNames }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where !StageRegistry.selectableNames.contains(name) {
            throw HTTPError(
                .badRequest,
                message: "stage '\(name)' is not one of: \(StageRegistry.selectableNames.joined(separator: ", "))")
        }
        return names
    }

    func queueFilter(_ request: Request, defaultStates: [String]) throws -> QueueFilter {
        let query = request.uri.queryParameters
        var filter = QueueFilter(states: defaultStates)
        let states = query.getAll("state").flatMap { $0.split(separator: ",").map(String.init) }
        if states == ["all"] {
            filter.states = []
        } else if !states.isEmpty {
            let known = Set(SubmissionState.allCases.map(\.rawValue))
            for state in states where !known.contains(state) {
                throw HTTPError(
                    .badRequest, message: "state '\(state)' is not one of: all, \(known.sorted().joined(separator: ", "))")
            }
            filter.states = states
        }
        filter.publisher = query.get("publisher")
        filter.assignee = query.get("assignee")
        if let text = query.get("minAge") {
            guard let seconds = Self.parseAge(text) else {
                throw HTTPError(.badRequest, message: "minAge '\(text)' is not an age such as 90, 90s, 15m, 4h or 2d")
            }
            filter.minimumAgeSeconds = seconds
        }
        if let text = query.get("limit") {
            guard let limit = Int(text), (1...QueueFilter.maximumLimit).contains(limit) else {
                throw HTTPError(.badRequest, message: "limit must be an integer from 1 to \(QueueFilter.maximumLimit)")
            }
            filter.limit = limit
        }
        filter.cursor = query.get("cursor")
        return filter
    }

    /// Seconds from "90", "90s", "15m", "4h" or "2d".
    static func parseAge(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value >= 0 {
            return value * unit
        }
        if let value = Double(text), value >= 0 { return value }
        return nil
    }
}

extension CertifyRequestContext {
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw HTTPError(.unauthorized, message: "Authentication required.") }
        return principal
    }
}

func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Response {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var headers: HTTPFields = [.contentType: "application/json"]
    if let location { headers[.location] = location }
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
