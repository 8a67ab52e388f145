import Certification
import ConnectorPackage
import CoreMetrics
import Foundation
import Pipeline
import Probing
import Reports
import StageCatalog
import SubmissionStore

/// What a person does with submissions: submit a package, add a revision, list them, read one,
/// read the queue, build a report.
///
/// The methods that take a package or a filter take it as an autoclosure: it is read only once
/// the caller is allowed, so a refused caller gets the refusal, not a complaint about its input,
/// and an upload is not read for nothing.
public struct Submissions: Sendable {
    public let store: Store
    /// The rules new runs are made with.
    public let ruleset: Ruleset
    /// Seals the probe settings (credentials) that come with an upload until its run ends.
    public let secretSealer: SecretSealer
    let metricsFactory: any MetricsFactory

    public init(store: Store, ruleset: Ruleset, secretSealer: SecretSealer, metricsFactory: any MetricsFactory) {
        self.store = store
        self.ruleset = ruleset
        self.secretSealer = secretSealer
        self.metricsFactory = metricsFactory
    }

    // MARK: Submitting

    /// A new submission of `upload` and its first run. Submitters file it under their own
    /// publisher; reviewers do not submit; an admin names the publisher or the package does.
    public func submit(_ upload: @autoclosure () async throws -> PackageUpload, by principal: Principal) async throws
        -> SubmissionDetail
    {
        if principal.role == .reviewer {
            throw UseCaseError.forbidden("Reviewers do not submit packages; a submitter (or admin) token does.")
        }
        let upload = try await upload()
        let publisher = try Self.publisher(of: upload, for: principal)
        let summary = try await store.createSubmission(
            publisher: publisher, actor: principal.actor, upload: try storeUpload(upload))
        Counter(label: "certify_submissions_total", dimensions: [("kind", "new")], factory: metricsFactory).increment()
        var detail = try await readBack(summary.id)
        detail.notes = Self.notes(on: upload, filedUnder: publisher)
        return detail
    }

    /// A new revision of the submission `id` and its run: by the publisher's submitters or an
    /// admin; refused as a conflict once the submission is withdrawn or rejected.
    public func addRevision(
        to id: String, _ upload: @autoclosure () async throws -> PackageUpload, by principal: Principal
    ) async throws -> SubmissionDetail {
        let existing = try await Visibility.submission(id, visibleTo: principal, in: store)
        if principal.role == .reviewer {
            throw UseCaseError.forbidden("Reviewers do not submit revisions; the publisher does.")
        }
        let upload = try await upload()
        let summary: SubmissionSummary
        do {
            summary = try await store.addRevision(
                submissionId: existing.id, actor: principal.actor, upload: try storeUpload(upload))
        } catch StoreError.invalid(let message) {
            throw UseCaseError.conflict(message)
        }
        Counter(label: "certify_submissions_total", dimensions: [("kind", "revision")], factory: metricsFactory)
            .increment()
        var detail = try await readBack(summary.id)
        detail.notes = Self.notes(on: upload, filedUnder: existing.publisher)
        return detail
    }

    /// What a person should read at once about an upload filed under `publisher`: a package
    /// that names another publisher (the run reports it too, as publisher-matches-account).
    public static func notes(on upload: PackageUpload, filedUnder publisher: String) -> [String]? {
        guard let named = upload.package.namedPublisher, PublisherName.key(named) != PublisherName.key(publisher) else {
            return nil
        }
        return [
            "apiProperties.json names the publisher \"\(named)\", but this submission is filed under \"\(publisher)\". Microsoft refuses an update from another publisher (\"Publisher Mismatch Detected\"); submit with \"\(named)\"'s account, or correct properties.publisher."
        ]
    }

    /// The publisher a new submission is filed under: a submitter's own, else the one named with
    /// the upload, else the one the package names (`ConnectorPackage.publisher`: publisher, else
    /// stackOwner). When none is, the upload is refused and asks for `?publisher=`: a submission
    /// is always some real publisher's.
    public static func publisher(of upload: PackageUpload, for principal: Principal) throws -> String {
        if principal.role == .submitter, let publisher = principal.publisher { return publisher }
        if let publisher = upload.publisher { return publisher }
        return try packagePublisher(upload.package)
    }

    /// The publisher the package names, or `invalid` asking for `?publisher=`.
    public static func packagePublisher(_ package: ConnectorPackage) throws -> String {
        guard let publisher = package.publisher else {
            throw UseCaseError.invalid(
                "Say which publisher this submission is for: add ?publisher=NAME (apiProperties.json has neither properties.publisher nor properties.stackOwner)."
            )
        }
        return publisher
    }

    /// The stages a run of `upload` makes: those asked for, else the static ones, with probing
    /// when credentials or a base URL came with the upload.
    public static func stages(of upload: PackageUpload) throws -> [String] {
        guard let text = upload.stages else {
            return StageRegistry.staticNames + (upload.bringsProbeSettings ? [StageRegistry.probeStageName] : [])
        }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let known = StageRegistry.selectableNames.joined(separator: ", ")
        guard !names.isEmpty else {
            throw UseCaseError.invalid("stages names no stage: give a comma list of \(known).")
        }
        for name in names where !StageRegistry.selectableNames.contains(name) {
            throw UseCaseError.invalid("stages: '\(messageExcerpt(name))' is not one of: \(known)")
        }
        return names
    }

    /// The upload as the store keeps it: its stages and its probe settings, sealed.
    func storeUpload(_ upload: PackageUpload) throws -> Store.Upload {
        let stages = try Self.stages(of: upload)
        var sealed: Data?
        if upload.bringsProbeSettings {
            sealed = try secretSealer.seal(ProbeSettings(baseURL: upload.probeBaseURL, credentials: upload.credentials))
        }
        return Store.Upload(
            zip: upload.zip, contentSha256: upload.package.contentHash, connector: upload.connectorName,
            fileName: upload.fileName, stages: stages, rulesetVersion: ruleset.version, toolVersion: CertifyVersion.tool,
            runSecret: sealed)
    }

    /// A submission just written, read back whole.
    func readBack(_ id: String) async throws -> SubmissionDetail {
        guard let detail = try await store.submissionDetail(id: id) else {
            throw UseCaseError.failed(
                "Submission \(id) was stored but cannot be read back; retry GET /v1/submissions/\(id).")
        }
        return detail
    }

    // MARK: Reading

    /// The submission `id` with its revisions, latest run and history, if the caller may see it.
    public func detail(_ id: String, by principal: Principal) async throws -> SubmissionDetail {
        let summary = try await Visibility.submission(id, visibleTo: principal, in: store)
        guard let detail = try await store.submissionDetail(id: summary.id) else { throw Visibility.notFound(summary.id) }
        return detail
    }

    /// A page of the submissions the caller sees (a submitter: its publisher's), by `query`.
    public func list(_ query: @autoclosure () throws -> QueueQuery, by principal: Principal) async throws -> QueuePage {
        var filter = try query().filter(defaultStates: [])
        if principal.role == .submitter {
            guard let publisher = principal.publisher else {
                throw UseCaseError.forbidden("This submitter token names no publisher, so it sees no submissions.")
            }
            filter.publisher = publisher
        }
        return try await page(filter)
    }

    /// A page of the reviewers' queue, oldest in state first; by default the open states.
    public func queue(_ query: @autoclosure () throws -> QueueQuery, by principal: Principal) async throws -> QueuePage {
        guard principal.canReview else {
            throw UseCaseError.forbidden("The queue is for reviewers and admins; a submitter token cannot read it.")
        }
        return try await page(try query().filter(defaultStates: SubmissionState.open.map(\.rawValue)))
    }

    /// What the store still finds invalid in a checked filter is the caller's doing too.
    func page(_ filter: QueueFilter) async throws -> QueuePage {
        do {
            return try await store.queue(filter)
        } catch StoreError.invalid(let message) {
            throw UseCaseError.invalid(message)
        }
    }

    // MARK: Reports

    /// The formats a submission's report is rendered in.
    public static let reportFormats: [ReportFormat] = [.text, .json, .markdown, .html, .sarif, .junit]

    /// The submission's report, rendered from what the store holds, with its review history;
    /// `format` names one of `reportFormats` (default html).
    public func report(_ id: String, format: String?, by principal: Principal) async throws -> RenderedReport {
        let summary = try await Visibility.submission(id, visibleTo: principal, in: store)
        let format = try RenderedReport.format(named: format, default: .html, among: Self.reportFormats)
        guard let detail = try await store.submissionDetail(id: summary.id) else { throw Visibility.notFound(summary.id) }
        let accepted = try await store.acceptedFindings(submissionId: summary.id)
        let report = await ReportBuilder.report(
            for: detail, accepted: accepted, referenced: try findingsReferenced(by: detail, accepted: accepted))
        return RenderedReport(format: format, text: ReportRenderer.render(report, as: format))
    }
}

/// A report or summary rendered in one format.
public struct RenderedReport: Sendable {
    public var format: ReportFormat
    public var text: String

    public init(format: ReportFormat, text: String) {
        self.format = format
        self.text = text
    }

    /// The media type to serve it as.
    public var contentType: String { format.contentType }

    /// The format `name` names, `default` when nil; `invalid` when it is not one of `among`.
    static func format(named name: String?, default: ReportFormat, among: [ReportFormat]) throws -> ReportFormat {
        guard let name else { return `default` }
        guard let format = ReportFormat(rawValue: name), among.contains(format) else {
            throw UseCaseError.invalid(
                "format '\(messageExcerpt(name))' is not one of: \(among.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }
}
