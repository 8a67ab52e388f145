import Certification
import Reports
import StageCatalog
import SubmissionStore

/// What a re-certification request selects, and with which stages.
public struct RecertificationRequest: Sendable, Hashable {
    public var selection: RecertificationSelection
    /// Static stages only; nil for all of them.
    public var stages: [String]?

    public init(selection: RecertificationSelection = .all, stages: [String]? = nil) {
        self.selection = selection
        self.stages = stages
    }
}

/// Batch re-certification: admins start one; reviewers and admins follow its counts and read
/// its summary.
public struct Recertifications: Sendable {
    public let store: Store
    /// The rules a new batch runs with.
    public let ruleset: Ruleset

    public init(store: Store, ruleset: Ruleset) {
        self.store = store
        self.ruleset = ruleset
    }

    /// The formats a summary is rendered in: it has no SARIF or JUnit form.
    public static let summaryFormats: [ReportFormat] = [.json, .markdown, .html, .text]

    /// Starts a batch over the latest certified revision of every selected connector; admins
    /// only. The request is read once the caller is allowed. A selection with no certified
    /// connector is `unprocessable`.
    public func start(_ request: @autoclosure () async throws -> RecertificationRequest, by principal: Principal)
        async throws -> RecertificationProgress
    {
        guard principal.role == .admin else {
            throw UseCaseError.forbidden("Only an admin token can start a re-certification.")
        }
        let request = try await request()
        let stages = request.stages ?? StageRegistry.staticNames
        for name in stages where !StageRegistry.staticNames.contains(name) {
            throw UseCaseError.invalid(
                "stage '\(name)' is not one of: \(StageRegistry.staticNames.joined(separator: ", "))")
        }
        do {
            return try await store.createRecertification(
                request.selection, stages: stages, ruleset: ruleset, toolVersion: CertifyVersion.tool,
                actor: principal.actor)
        } catch StoreError.invalid(let message) {
            throw UseCaseError.unprocessable(message)
        }
    }

    /// The newest unfinished batch, which `certify recertify` resumes; admins only.
    public func unfinished(by principal: Principal) async throws -> RecertificationProgress? {
        guard principal.role == .admin else {
            throw UseCaseError.forbidden("Only an admin token can resume a re-certification.")
        }
        return try await store.unfinishedRecertifications().last
    }

    /// The 50 newest batches with their counts.
    public func list(by principal: Principal) async throws -> [RecertificationProgress] {
        try requireReader(principal)
        return try await store.recertifications()
    }

    /// A batch's progress counts; nil `id` (not a number) is `notFound` as an unknown one is.
    public func progress(_ id: Int64?, by principal: Principal) async throws -> RecertificationProgress {
        try requireReader(principal)
        guard let id, let progress = try await store.recertification(id: id) else {
            throw UseCaseError.notFound("No such re-certification.")
        }
        return progress
    }

    /// A batch's summary: per connector passed, failed, regressed or fixed, with the new and
    /// fixed findings matched by fingerprint; `format` names one of `summaryFormats` (default json).
    public func summary(_ id: Int64?, format: String?, by principal: Principal) async throws -> RenderedReport {
        let progress = try await progress(id, by: principal)
        let format = try RenderedReport.format(named: format, default: .json, among: Self.summaryFormats)
        let summary = RecertificationSummaryBuilder.summary(progress, items: try await store.recertificationItems(id: progress.id))
        return RenderedReport(format: format, text: RecertificationRenderer.render(summary, as: format))
    }

    /// A batch's summary as a model, for the console's batch page.
    public func summaryModel(_ id: Int64?, by principal: Principal) async throws -> RecertificationSummary {
        let progress = try await progress(id, by: principal)
        return RecertificationSummaryBuilder.summary(progress, items: try await store.recertificationItems(id: progress.id))
    }

    /// Reviewers and admins read batches; only admins start them.
    func requireReader(_ principal: Principal) throws {
        guard principal.canReview else {
            throw UseCaseError.forbidden("Re-certification is for reviewers (reading) and admins.")
        }
    }
}
