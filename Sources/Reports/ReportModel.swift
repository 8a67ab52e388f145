import Certification
import Foundation

/// What every report format renders: one or more packages' results, with the facts around them.
/// Built from `certify check` results or from what the store holds; renderers never query.
public struct Report: Sendable, Codable {
    public var title: String
    public var generatedAt: Date
    public var toolVersion: String
    public var packages: [PackageReport]

    public init(title: String, generatedAt: Date = Date(), toolVersion: String, packages: [PackageReport]) {
        self.title = title
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
        self.packages = packages
    }

    public var failed: Int { packages.filter { $0.verdict == .fail }.count }
    public var passed: Int { packages.filter { $0.verdict == .pass }.count }
}

public struct PackageReport: Sendable, Codable {
    /// What a person calls the package: its connector's title (the swagger's `info.title`),
    /// else its path; a stored submission's connector name.
    public var name: String
    /// Where a checked package was read from (a folder or a zip), for machine formats (the JSON
    /// `path`, SARIF and CI annotation locations); nil for a stored submission.
    public var path: String?
    public var verdict: PackageResult.Verdict
    public var stages: [StageResult]
    /// Label and value pairs shown above the findings: submission id, state, revision, run,
    /// ruleset and tool versions.
    public var facts: [Fact]
    /// The review history, for stored submissions.
    public var history: [HistoryEntry]

    public struct Fact: Sendable, Codable, Hashable {
        public var label: String
        public var value: String
        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public struct HistoryEntry: Sendable, Codable, Hashable {
        public var at: Date
        public var actor: String
        /// The review action (the webhook payload's `action`); the report JSON publishes it as `kind`.
        public var action: String
        public var fromState: String?
        public var toState: String?
        public var text: String?
        /// The finding the event is about (a comment on it, its acceptance): "rule at place".
        public var about: String?
        public init(
            at: Date, actor: String, action: String, fromState: String?, toState: String?, text: String?, about: String? = nil
        ) {
            self.at = at
            self.actor = actor
            self.action = action
            self.fromState = fromState
            self.toState = toState
            self.text = text
            self.about = about
        }
    }

    /// A finding a reviewer accepted: later runs leave it out, so the report lists it here.
    public struct AcceptedEntry: Sendable, Codable, Hashable {
        public var ruleId: String
        /// Where it is ("file:line:column · pointer"), or nil when no run has it any more.
        public var place: String?
        public var fingerprint: String
        public var reason: String
        public var actor: String
        public var at: Date
        public var expiresAt: Date?
        /// Whether the report's run still has it (a run after the acceptance leaves it out).
        public var inRun: Bool
        public init(
            ruleId: String, place: String?, fingerprint: String, reason: String, actor: String, at: Date, expiresAt: Date?,
            inRun: Bool = false
        ) {
            self.inRun = inRun
            self.ruleId = ruleId
            self.place = place
            self.fingerprint = fingerprint
            self.reason = reason
            self.actor = actor
            self.at = at
            self.expiresAt = expiresAt
        }
    }

    /// The submission's accepted findings (empty for `certify check`).
    public var accepted: [AcceptedEntry] = []

    public init(
        name: String, verdict: PackageResult.Verdict, stages: [StageResult], facts: [Fact] = [],
        history: [HistoryEntry] = []
    ) {
        self.name = name
        self.verdict = verdict
        self.stages = stages
        self.facts = facts
        self.history = history
    }

    public init(_ result: PackageResult, facts: [Fact] = []) {
        self.init(name: result.path, verdict: result.verdict, stages: result.stages, facts: facts)
        path = result.path
    }

    /// The path of a checked package, else its name: where machine formats place its files.
    public var location: String { path ?? name }

    /// Every finding of every stage, what matters first: errors, then warnings, then infos; within
    /// each, in report order (by file, then position, then rule).
    public var findings: [Finding] { stages.flatMap(\.findings).sorted(by: Self.importanceOrder) }

    public static func importanceOrder(_ a: Finding, _ b: Finding) -> Bool {
        a.severity != b.severity ? a.severity > b.severity : Finding.reportOrder(a, b)
    }

    /// How many findings each rule has, the rules of errors first, then by count: the summary a
    /// report opens with ("159 x mime-types").
    public var ruleCounts: [(ruleId: String, severity: Severity, count: Int)] {
        var counts: [String: (Severity, Int)] = [:]
        for finding in stages.flatMap(\.findings) {
            let current = counts[finding.ruleId]
            counts[finding.ruleId] = (max(current?.0 ?? finding.severity, finding.severity), (current?.1 ?? 0) + 1)
        }
        return counts.map { (ruleId: $0.key, severity: $0.value.0, count: $0.value.1) }.sorted {
            ($0.severity, $0.count, $1.ruleId) > ($1.severity, $1.count, $0.ruleId)
        }
    }

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}

/// The formats a report renders to.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case text, json, markdown, html, sarif, junit
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`), one per finding.
    case github
    /// Azure Pipelines logging commands (`##vso[task.logissue type=error;...]message`), one per finding.
    case azure

    public var contentType: String {
        switch self {
        case .text: "text/plain; charset=utf-8"
        case .json: "application/json"
        case .markdown: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .sarif: "application/sarif+json"
        case .junit: "application/xml"
        case .github, .azure: "text/plain; charset=utf-8"
        }
    }
}
