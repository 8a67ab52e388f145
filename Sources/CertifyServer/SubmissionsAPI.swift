import Certification
import ConnectorPackage
import Foundation
import Hummingbird
import Metrics
import Pipeline
import Probing
import Reports
import StageCatalog
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
        group.get("submissions/:id") { request, context in try show(request, context) }
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
        let query = try QueryParameters(request, accepting: ["publisher", "filename", "stages"])
        let upload = try await Intake(limits: limits).read(request, context: context, query: query)
        let publisher = try publisherFor(principal, query: query, package: upload.package)
        let summary = try store.createSubmission(
            publisher: publisher, actor: principal.actor, upload: try storeUpload(upload, query))
        Counter(label: "certify_submissions_total", dimensions: [("kind", "new")], factory: metricsFactory).increment()
        guard let detail = try store.submissionDetail(id: summary.id) else {
            throw HTTPError(.internalServerError, message: "Submission \(summary.id) was stored but cannot be read back; retry GET /v1/submissions/\(summary.id).")
        }
        return try jsonResponse(SubmissionView(detail, principal: principal), status: .created, location: "/v1/submissions/\(summary.id)")
    }

    func revise(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let existing = try visibleSubmission(context)
        if principal.role == .reviewer {
            throw HTTPError(.forbidden, message: "Reviewers do not submit revisions; the publisher does.")
        }
        let query = try QueryParameters(request, accepting: ["filename", "stages"])
        let upload = try await Intake(limits: limits).read(request, context: context, query: query)
        let summary: SubmissionSummary
        do {
            summary = try store.addRevision(
                submissionId: existing.id, actor: principal.actor, upload: try storeUpload(upload, query))
        } catch StoreError.invalid(let message) {
            throw HTTPError(.conflict, message: message)
        }
        Counter(label: "certify_submissions_total", dimensions: [("kind", "revision")], factory: metricsFactory)
            .increment()
        guard let detail = try store.submissionDetail(id: summary.id) else {
            throw HTTPError(.internalServerError, message: "Submission \(summary.id) was stored but cannot be read back; retry GET /v1/submissions/\(summary.id).")
        }
        return try jsonResponse(SubmissionView(detail, principal: principal), status: .created, location: "/v1/submissions/\(summary.id)")
    }

    func show(_ request: Request, _ context: CertifyRequestContext) throws -> Response {
        _ = try QueryParameters(request, accepting: [])
        let summary = try visibleSubmission(context)
        guard let detail = try store.submissionDetail(id: summary.id) else { throw notFound(summary.id) }
        return try jsonResponse(SubmissionView(detail, principal: try context.requirePrincipal()))
    }

    func list(_ request: Request, _ context: CertifyRequestContext) throws -> Response {
        let principal = try context.requirePrincipal()
        var filter = try queueFilter(request, defaultStates: [])
        if principal.role == .submitter { filter.publisher = principal.publisher }
        return try queuePage(filter)
    }

    func report(_ request: Request, _ context: CertifyRequestContext) throws -> Response {
        let query = try QueryParameters(request, accepting: ["format"])
        let summary = try visibleSubmission(context)
        let format = try reportFormat(query, default: .html, among: ReportFormat.allCases)
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
        return try queuePage(filter)
    }

    /// A page of the queue or of the submissions; the filter is checked before, and what the
    /// store still finds invalid is the caller's doing too (400, never 500).
    func queuePage(_ filter: QueueFilter) throws -> Response {
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

    func publisherFor(_ principal: Principal, query: QueryParameters, package: ConnectorPackage) throws -> String {
        let named = try query.string("publisher")
        if principal.role == .submitter, let publisher = principal.publisher { return publisher }
        if let publisher = named { return publisher }
        return try Self.packagePublisher(package)
    }

    /// The publisher the package names (`ConnectorPackage.publisher`: publisher, else
    /// stackOwner). When it names none the upload is refused (400) and asks for `?publisher=`:
    /// a submission is always some real publisher's.
    static func packagePublisher(_ package: ConnectorPackage) throws -> String {
        guard let publisher = package.publisher else {
            throw HTTPError(
                .badRequest,
                message: "Say which publisher this submission is for: add ?publisher=NAME (apiProperties.json has neither properties.publisher nor properties.stackOwner).")
        }
        return publisher
    }

    /// The upload as the store keeps it: the stages to run (probing when asked for, or when
    /// credentials or a base URL came with it) and the probe settings, sealed.
    func storeUpload(_ upload: Intake.Upload, _ query: QueryParameters) throws -> Store.Upload {
        var stages = try stages(query, formValue: upload.stages)
        let probing = !upload.credentials.isEmpty || upload.probeBaseURL != nil
        if probing && !stages.contains(StageRegistry.probeStageName) && upload.stages == nil
            && !query.contains("stages")
        {
            stages.append(StageRegistry.probeStageName)
        }
        var sealed: Data?
        if probing {
            sealed = try runSecrets.seal(ProbeSettings(baseURL: upload.probeBaseURL, credentials: upload.credentials))
        }
        return upload.storeUpload(stages: stages, ruleset: ruleset, runSecret: sealed)
    }

    func stages(_ query: QueryParameters, formValue: String? = nil) throws -> [String] {
        guard let text = try formValue ?? query.string("stages") else { return StageRegistry.staticNames }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let known = StageRegistry.selectableNames.joined(separator: ", ")
        guard !names.isEmpty else {
            throw HTTPError(.badRequest, message: "stages names no stage: give a comma list of \(known).")
        }
        for name in names where !StageRegistry.selectableNames.contains(name) {
            throw HTTPError(.badRequest, message: "stages: '\(QueryParameters.excerpt(name))' is not one of: \(known)")
        }
        return names
    }

    /// `format`: one of `among`, or `default` when absent.
    func reportFormat(_ query: QueryParameters, default: ReportFormat, among: [ReportFormat]) throws -> ReportFormat {
        guard let name = try query.string("format") else { return `default` }
        guard let format = ReportFormat(rawValue: name), among.contains(format) else {
            throw HTTPError(
                .badRequest,
                message: "format '\(QueryParameters.excerpt(name))' is not one of: \(among.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }

    /// The filter of `GET /v1/queue` and `GET /v1/submissions`, every parameter checked here.
    func queueFilter(_ request: Request, defaultStates: [String]) throws -> QueueFilter {
        let query = try QueryParameters(
            request, accepting: ["state", "publisher", "assignee", "minAge", "limit", "cursor"], repeatable: ["state"])
        var filter = QueueFilter(states: defaultStates)
        let known = SubmissionState.allCases.map(\.rawValue)
        let states = try query.strings("state").flatMap { value in
            let names = value.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if names.contains("") {
                throw HTTPError(.badRequest, message: "state '\(QueryParameters.excerpt(value))' has an empty name in its comma list")
            }
            return names
        }
        if states.contains("all") {
            guard Set(states) == ["all"] else {
                throw HTTPError(.badRequest, message: "state 'all' means every state; it does not combine with other states")
            }
            filter.states = []
        } else if !states.isEmpty {
            for state in states where !known.contains(state) {
                throw HTTPError(
                    .badRequest,
                    message: "state '\(QueryParameters.excerpt(state))' is not one of: all, \(known.sorted().joined(separator: ", "))")
            }
            filter.states = Array(Set(states)).sorted()
        }
        filter.publisher = try query.string("publisher")
        filter.assignee = try query.string("assignee")
        if let text = try query.string("minAge") {
            guard let seconds = Self.parseAge(text) else {
                throw HTTPError(
                    .badRequest,
                    message: "minAge '\(QueryParameters.excerpt(text))' is not an age such as 90, 90s, 15m, 4h or 2d (a whole or decimal number of seconds, minutes, hours or days, at most \(Int(Self.maximumAgeSeconds / 86400))d)")
            }
            filter.minimumAgeSeconds = seconds
        }
        if let text = try query.string("limit") {
            guard text.utf8.allSatisfy({ (48...57).contains($0) }), text.utf8.count <= 6, let limit = Int(text),
                (1...QueueFilter.maximumLimit).contains(limit)
            else {
                throw HTTPError(
                    .badRequest,
                    message: "limit '\(QueryParameters.excerpt(text))' is not an integer from 1 to \(QueueFilter.maximumLimit)")
            }
            filter.limit = limit
        }
        if let cursor = try query.string("cursor") {
            guard Store.isIssuedCursor(cursor) else {
                throw HTTPError(
                    .badRequest,
                    message: "cursor '\(QueryParameters.excerpt(cursor))' is not a cursor this server issued: pass the nextCursor of the previous page unchanged")
            }
            filter.cursor = cursor
        }
        return filter
    }

    /// The largest `minAge`: ten years.
    static let maximumAgeSeconds: Double = 3650 * 86400

    /// Seconds from "90", "90s", "15m", "4h", "2d" or "1.5h": ASCII digits with at most one
    /// decimal point, an optional unit, and no more than `maximumAgeSeconds`.
    static func parseAge(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(text)
        var unit: Double = 1
        if let last = text.last, let scale = units[last] {
            number = number.dropLast()
            unit = scale
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !number.isEmpty, number.count <= 16, parts.allSatisfy({ !$0.isEmpty }),
            number.utf8.allSatisfy({ (48...57).contains($0) || $0 == 46 }), parts.count <= 2,
            let value = Double(number)
        else { return nil }
        let seconds = value * unit
        guard seconds.isFinite, seconds <= maximumAgeSeconds else { return nil }
        return seconds
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
