import Certification
import Foundation
import Reports
import StageCatalog
import SubmissionStore
import UseCases

/// The console's view models: plain dictionaries of strings, numbers and flags, so a template
/// shows only what is put here, and every string goes through Mustache's escaping.
enum ConsoleViews {
    static func queueRow(_ item: SubmissionSummary, counts: RunCounts?, now: Date = Date()) -> [String: Any] {
        var row: [String: Any] = [
            "id": item.id, "connector": item.connector, "publisher": item.publisher, "state": item.state,
            "age": ConsoleTime.model(item.stateChangedAt, now: now),
            "ageSpan": ConsoleTime.duration(now.timeIntervalSince(item.stateChangedAt)),
            "assignee": item.assignee ?? "", "hasAssignee": item.assignee != nil, "revision": item.revision,
        ]
        if let counts {
            row["errors"] = counts.errors
            row["warnings"] = counts.warnings
            row["verdict"] = counts.verdict ?? "pending"
        } else {
            row["errors"] = "–"
            row["warnings"] = "–"
            row["verdict"] = "pending"
        }
        return row
    }

    static func webhook(_ hook: Webhook) -> [String: Any] {
        ["id": hook.id, "url": hook.url, "created": ConsoleTime.model(hook.createdAt)]
    }

    /// Confirmations after a form, by a fixed name (never text from the query, which anyone can
    /// put in a link).
    static func flash(_ name: String) -> String? {
        let messages: [String: String] = [
            "assign": "You are now the assignee.",
            "unassign": "The submission is no longer assigned.",
            "comment": "Your comment was added.",
            "accept": "The finding is accepted: later runs will not count it.",
            "request-changes": "Changes were requested; the publisher sees your message.",
            "approve": "The submission is approved. Certify it to publish.",
            "reject": "The submission was rejected.",
            "certify": "The submission is certified.",
            "withdraw": "The submission was withdrawn.",
            "submitted": "Your package was received; its checks are running.",
            "revision": "Your new revision was received; its checks are running.",
            "webhook-removed": "The webhook was removed.",
            "revoked": "The token was revoked; its sessions have ended.",
            "started": "The re-certification has started.",
        ]
        return messages[name]
    }

    /// A query value percent-encoded for a link this page writes.
    static func queryEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Where a finding is: file, line and column, then the JSON Pointer and the operation, in
    /// the reports' words.
    static func place(_ finding: Finding) -> String { ReportWording.place(finding) }

    static func finding(_ finding: Finding, explained: Bool = true) -> [String: Any] {
        var model: [String: Any] = [
            "rule": finding.ruleId, "severity": finding.severity.rawValue, "message": finding.message,
            "place": place(finding), "fingerprint": finding.fingerprint, "stage": finding.stage,
        ]
        if let evidence = finding.evidence, !evidence.isEmpty { model["evidence"] = evidence }
        if explained, let rule = RuleCatalog.rule(finding.ruleId) {
            model["explanation"] = rule.summary
            model["fix"] = rule.fix
            model["source"] = rule.source
        }
        return model
    }

    /// Counts by severity in the words the reports use: "3 errors, 12 warnings, 1 info".
    static func severityCounts(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "No findings" }
        return ReportWording.severityCounts(
            errors: findings.filter { $0.severity == .error }.count, warnings: findings.filter { $0.severity == .warning }.count,
            infos: findings.filter { $0.severity == .info }.count)
    }

    /// `text` escaped as `{{...}}` escapes it, for values inserted with `{{{...}}}`.
    static func html(_ text: String) -> String { ReportWording.htmlEscaped(text) }

    /// A rule's explanation, fix and source as an escaped `<details>` block, made once per rule
    /// on a page; empty for a rule the catalogue does not know.
    static func explanationHTML(_ ruleId: String) -> String {
        guard let rule = RuleCatalog.rule(ruleId) else { return "" }
        return "<details><summary>Why, and how to fix it</summary><p>\(html(rule.summary))</p>"
            + "<p><strong>Fix:</strong> \(html(rule.fix))</p><p class=\"muted\">Source: \(html(rule.source))</p></details>"
    }
}
