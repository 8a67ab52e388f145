import Certification
import Foundation
import Reports
import StageCatalog
import SubmissionStore

// From what the store holds to the models the renderers take. They live here, not in Reports:
// they read the store's records (SubmissionDetail, RecertificationProgress), and Reports stays
// rendering alone, from its own model, without the store, as `certify check` uses it.

/// Turns what the store holds about a submission into the report model.
public enum ReportBuilder {
    /// `accepted` are the submission's accepted findings and `referenced` the findings its
    /// events and acceptances are about, by fingerprint (`Submissions.findingsReferenced`).
    public static func report(
        for detail: SubmissionDetail, accepted: [AcceptedFinding] = [], referenced: [String: Finding] = [:]
    ) -> Report {
        let s = detail.submission
        var facts: [PackageReport.Fact] = [
            .init("Submission", s.id),
            .init("Publisher", s.publisher),
            .init("State", s.state),
            .init("Revision", "\(s.revision)"),
        ]
        if let assignee = s.assignee { facts.append(.init("Assignee", assignee)) }
        var known = referenced
        for finding in detail.latestRun?.findings ?? [] { known[finding.fingerprint] = finding }
        let history = detail.events.map { event in
            PackageReport.HistoryEntry(
                at: event.createdAt, actor: event.actor, action: event.action, fromState: event.fromState,
                toState: event.toState, text: event.text,
                about: event.fingerprint.map { fingerprint in
                    known[fingerprint].map { "\($0.ruleId) at \(ReportWording.place($0))" } ?? "finding \(fingerprint)"
                })
        }
        let inRun = Set((detail.latestRun?.findings ?? []).map(\.fingerprint))
        let acceptedEntries = accepted.map { item in
            PackageReport.AcceptedEntry(
                ruleId: item.ruleId, place: known[item.fingerprint].map(ReportWording.place), fingerprint: item.fingerprint,
                reason: item.reason, actor: item.actor, at: item.createdAt, expiresAt: item.expiresAt,
                inRun: inRun.contains(item.fingerprint))
        }
        guard let stored = detail.latestRun else {
            facts.append(.init("Run", "none yet"))
            var package = PackageReport(name: s.connector, verdict: .fail, stages: [], facts: facts, history: history)
            package.accepted = acceptedEntries
            return Report(title: "Certification report: \(s.connector)", toolVersion: CertifyVersion.tool, packages: [package])
        }
        let run = stored.run
        facts.append(.init("Run", "\(run.id) (\(run.reason), revision \(run.revision), \(run.state))"))
        facts.append(.init("Ruleset", run.rulesetVersion))
        facts.append(.init("Tool version", run.toolVersion))
        if let finished = run.finishedAt { facts.append(.init("Finished", ISO8601DateFormatter().string(from: finished))) }
        if let error = run.error { facts.append(.init("Run error", error)) }
        let verdict: PackageResult.Verdict =
            run.verdict == PackageResult.Verdict.pass.rawValue ? .pass : .fail
        var package = PackageReport(name: s.connector, verdict: verdict, stages: stored.stages, facts: facts, history: history)
        package.accepted = acceptedEntries
        return Report(title: "Certification report: \(s.connector)", toolVersion: CertifyVersion.tool, packages: [package])
    }
}

/// From the store's records of a batch to the summary the renderers take.
public enum RecertificationSummaryBuilder {
    public static func summary(_ p: RecertificationProgress, items: [RecertificationItem]) -> RecertificationSummary {
        let connectors = items.map {
            RecertificationSummary.Connector(
                submissionId: $0.submissionId, publisher: $0.publisher, connector: $0.connector, revision: $0.revision,
                verdict: $0.verdict, previousVerdict: $0.previousVerdict, newFindings: $0.newFindings,
                fixedFindings: $0.fixedFindings, regradedFindings: $0.regradedFindings, newRuleFindings: newRuleFindings(of: $0),
                error: $0.error)
        }
        // The store counts every connector that fails where it passed; those that fail only a
        // rule newer than their last run are told apart here.
        let newRule = connectors.filter { $0.outcome == "new-rule" }.count
        return RecertificationSummary(
            id: p.id, selection: p.selection, state: p.state, rulesetVersion: p.rulesetVersion, toolVersion: p.toolVersion,
            total: p.total, finished: p.finished, passed: p.passed, failed: p.failed, regressed: max(0, p.regressed - newRule),
            errored: p.errored, createdAt: p.createdAt, finishedAt: p.finishedAt, connectors: connectors)
    }

    /// The new errors of `item` whose rule Microsoft enforces only since a day after the
    /// previous run (`RuleDescription.since`, a day written YYYY-MM-DD, compared in UTC).
    public static func newRuleFindings(of item: RecertificationItem) -> [Finding] {
        guard let previous = item.previousRunAt else { return [] }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let previousDay = formatter.string(from: previous)
        return item.newFindings.filter { finding in
            guard finding.severity == .error, let since = RuleCatalog.rule(finding.ruleId)?.since else { return false }
            return since > previousDay
        }
    }
}
