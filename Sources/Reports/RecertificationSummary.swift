import Certification
import Foundation
import Mustache
import StageCatalog

/// The outcome of a batch re-certification: per connector, passed, failed or regressed, and the
/// findings that are new or fixed relative to its previous run.
public struct RecertificationSummary: Sendable, Codable {
    public var id: Int64
    public var selection: String
    public var state: String
    public var rulesetVersion: String
    public var toolVersion: String
    public var total: Int
    public var finished: Int
    public var passed: Int
    public var failed: Int
    public var regressed: Int
    public var errored: Int
    public var createdAt: Date
    public var finishedAt: Date?
    public var connectors: [Connector]

    public struct Connector: Sendable, Codable {
        public var submissionId: String
        public var publisher: String
        public var connector: String
        public var revision: Int
        /// pass, fail, or nil while the run is pending or when it errored.
        public var verdict: String?
        public var previousVerdict: String?
        /// passed, failed, regressed, new-rule (fails now only for rules Microsoft enforces since
        /// after the previous run: not a regression), fixed, pending or error.
        public var outcome: String
        public var newFindings: [Finding]
        public var fixedFindings: [Finding]
        /// Findings whose severity changed since the previous run, as they are now.
        public var regradedFindings: [Finding]
        /// The new errors of rules whose `since` is after the previous run: a requirement that
        /// is new for this connector, not something that broke.
        public var newRuleFindings: [Finding]
        public var error: String?

        public init(
            submissionId: String, publisher: String, connector: String, revision: Int, verdict: String?,
            previousVerdict: String?, newFindings: [Finding], fixedFindings: [Finding], regradedFindings: [Finding] = [],
            newRuleFindings: [Finding] = [], error: String?
        ) {
            self.regradedFindings = regradedFindings
            self.newRuleFindings = newRuleFindings
            self.submissionId = submissionId
            self.publisher = publisher
            self.connector = connector
            self.revision = revision
            self.verdict = verdict
            self.previousVerdict = previousVerdict
            self.newFindings = newFindings
            self.fixedFindings = fixedFindings
            self.error = error
            let newRules = Set(newRuleFindings.map(\.fingerprint))
            let onlyNewRules = !newRules.isEmpty && newFindings.allSatisfy { $0.severity != .error || newRules.contains($0.fingerprint) }
            switch (verdict, previousVerdict) {
            case ("fail", "pass") where onlyNewRules: outcome = "new-rule"
            case ("fail", "pass"): outcome = "regressed"
            case ("pass", "fail"): outcome = "fixed"
            case ("pass", _): outcome = "passed"
            case ("fail", _): outcome = "failed"
            default: outcome = error == nil ? "pending" : "error"
            }
        }
    }

    public init(
        id: Int64, selection: String, state: String, rulesetVersion: String, toolVersion: String, total: Int,
        finished: Int, passed: Int, failed: Int, regressed: Int, errored: Int, createdAt: Date, finishedAt: Date?,
        connectors: [Connector]
    ) {
        self.id = id
        self.selection = selection
        self.state = state
        self.rulesetVersion = rulesetVersion
        self.toolVersion = toolVersion
        self.total = total
        self.finished = finished
        self.passed = passed
        self.failed = failed
        self.regressed = regressed
        self.errored = errored
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.connectors = connectors
    }

    /// The order a reviewer reads a batch in: regressions first, then connectors that could not
    /// be checked, then those that fail a rule newer than their last run, then those failing
    /// with new findings, then fixed ones, then the rest; by publisher and connector within each.
    public static func rank(_ c: Connector) -> Int {
        switch c.outcome {
        case "regressed": 0
        case "error": 1
        case "new-rule": 2
        case "failed" where !c.newFindings.isEmpty: 3
        case "fixed": 4
        default: 5
        }
    }

    /// The section a connector's rank puts it in, with its anchor.
    public static let sections: [(anchor: String, title: String)] = [
        ("regressed", "Regressed: passed before, fail now"), ("errored", "Could not be checked"),
        ("new-rule", "Failing a rule newer than the last run (not a regression)"),
        ("newly-failing", "Failing, with new findings"), ("fixed", "Fixed: failed before, pass now"),
        ("unchanged", "Same outcome as before"),
    ]

    /// Every connector in reading order.
    public var ordered: [Connector] {
        connectors.enumerated().sorted { a, b in
            let (x, y) = (Self.rank(a.element), Self.rank(b.element))
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// Connectors whose outcome or findings changed, or that could not be checked: the part a
    /// reviewer reads first, in reading order.
    public var changed: [Connector] {
        ordered.filter {
            $0.outcome == "regressed" || $0.outcome == "new-rule" || $0.outcome == "fixed" || $0.outcome == "error"
                || !$0.newFindings.isEmpty
                || !$0.fixedFindings.isEmpty
                || !$0.regradedFindings.isEmpty
        }
    }
}

public enum RecertificationRenderer {
    public static func render(_ summary: RecertificationSummary, as format: ReportFormat) -> String {
        switch format {
        case .json: return json(summary)
        case .markdown: return markdown(summary)
        case .html: return html(summary)
        case .text, .sarif, .junit, .github, .azure: return text(summary)
        }
    }

    static func json(_ summary: RecertificationSummary) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(summary)) ?? Data(), as: UTF8.self) + "\n"
    }

    static func headline(_ s: RecertificationSummary) -> String {
        "\(s.finished) of \(s.total) checked: \(s.passed) passed, \(s.failed) failed (\(s.regressed) regressed)"
            + (s.errored > 0 ? ", \(s.errored) could not be checked" : "")
    }

    static func findingLine(_ f: Finding) -> String {
        let place = [f.file, f.line.map(String.init), f.column.map(String.init)].compactMap { $0 }.joined(separator: ":")
        let since = RuleCatalog.rule(f.ruleId)?.since.map { " (a rule enforced since \($0))" } ?? ""
        return "\(f.severity.rawValue) \(f.ruleId)\(since)\(place.isEmpty ? "" : " at \(place)"): \(f.message)"
    }

    static func text(_ s: RecertificationSummary) -> String {
        var lines = ["Re-certification \(s.id) (\(s.selection), \(s.state)): \(headline(s))", "ruleset \(s.rulesetVersion)"]
        for c in s.changed {
            lines.append("\(c.outcome.uppercased()) \(c.publisher) / \(c.connector) (\(c.submissionId) r\(c.revision))")
            lines += c.newFindings.map { "  + " + findingLine($0) }
            lines += c.regradedFindings.map { "  ~ now " + findingLine($0) }
            lines += c.fixedFindings.map { "  - " + findingLine($0) }
            if let error = c.error { lines.append("  ! \(error)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
    }

    static func markdown(_ s: RecertificationSummary) -> String {
        var out = "# Re-certification \(s.id)\n\n**\(headline(s))**\n\n"
        out += "| Selection | State | Ruleset | Tool | Started | Finished |\n| --- | --- | --- | --- | --- | --- |\n"
        out +=
            "| \(cell(s.selection)) | \(s.state) | `\(s.rulesetVersion)` | \(s.toolVersion) | \(ReportWording.timestamp(s.createdAt)) | \(s.finishedAt.map(ReportWording.timestamp) ?? "-") |\n\n"
        // What changed comes first: over the whole catalogue the table is hundreds of rows long.
        let changed = s.changed
        out += "## What changed\n"
        if changed.isEmpty {
            out += "\nNothing: every connector checked has the findings it had.\n"
        }
        for c in changed {
            out += "\n### \(cell(c.publisher)) / \(cell(c.connector)): \(c.outcome)\n\n"
            out += c.newFindings.map { "- new: " + cell(findingLine($0)) + "\n" }.joined()
            out += c.fixedFindings.map { "- fixed: " + cell(findingLine($0)) + "\n" }.joined()
            out += c.regradedFindings.map { "- re-graded, now: " + cell(findingLine($0)) + "\n" }.joined()
        }
        out +=
            "\n## Connectors\n\n| Outcome | Publisher | Connector | Submission | Now | Before | New | Fixed | Re-graded |\n| --- | --- | --- | --- | --- | --- | ---: | ---: | ---: |\n"
        for c in s.ordered {
            out +=
                "| \(c.outcome) | \(cell(c.publisher)) | \(cell(c.connector)) | `\(c.submissionId)` | \(c.verdict ?? "-") | \(c.previousVerdict ?? "-") | \(c.newFindings.count) | \(c.fixedFindings.count) | \(c.regradedFindings.count) |\n"
        }
        return out
    }

    static let template: MustacheTemplate? = EmbeddedTemplates.files
        .first { $0.name == "recertification.html.mustache" }
        .flatMap { try? MustacheTemplate(string: $0.text) }

    static func html(_ s: RecertificationSummary) -> String {
        func findings(_ list: [Finding], _ kind: String) -> [[String: Any]] {
            list.map {
                [
                    "kind": kind, "severity": $0.severity.rawValue, "ruleId": $0.ruleId, "message": $0.message,
                    "place": [$0.file, $0.line.map(String.init), $0.column.map(String.init)].compactMap { $0 }.joined(separator: ":"),
                ]
            }
        }
        let model: [String: Any] = [
            "id": "\(s.id)", "selection": s.selection, "state": s.state, "ruleset": s.rulesetVersion,
            "tool": s.toolVersion, "headline": headline(s), "started": ReportWording.timestamp(s.createdAt),
            "finished": s.finishedAt.map(ReportWording.timestamp) ?? "-",
            "sections": RecertificationSummary.sections.enumerated().compactMap { index, section -> [String: Any]? in
                let members = s.ordered.filter { RecertificationSummary.rank($0) == index }
                guard !members.isEmpty else { return nil }
                return ["anchor": section.anchor, "title": section.title, "count": members.count]
            },
            "changed": s.changed.map { c -> [String: Any] in
                [
                    "outcome": c.outcome, "publisher": c.publisher, "connector": c.connector, "submission": c.submissionId,
                    "changes": findings(c.newFindings, "new") + findings(c.fixedFindings, "fixed")
                        + findings(c.regradedFindings, "re-graded"),
                ]
            },
            "hasChanged": !s.changed.isEmpty,
            "connectors": s.ordered.enumerated().map { index, c -> [String: Any] in
                let rank = RecertificationSummary.rank(c)
                let previousRank = index == 0 ? -1 : RecertificationSummary.rank(s.ordered[index - 1])
                return [
                    "anchor": rank != previousRank ? RecertificationSummary.sections[rank].anchor : "",
                    "firstOfSection": rank != previousRank,
                    "outcome": c.outcome, "publisher": c.publisher, "connector": c.connector, "submission": c.submissionId,
                    "verdict": c.verdict ?? "-", "previous": c.previousVerdict ?? "-",
                    "newCount": c.newFindings.count, "fixedCount": c.fixedFindings.count,
                    "changes": findings(c.newFindings, "new") + findings(c.fixedFindings, "fixed")
                        + findings(c.regradedFindings, "re-graded"),
                    "hasChanges": !c.newFindings.isEmpty || !c.fixedFindings.isEmpty || !c.regradedFindings.isEmpty,
                    "error": c.error ?? "", "hasError": c.error != nil,
                ]
            },
        ]
        guard let template else { return "<!DOCTYPE html><pre>\(HTMLReportRenderer.escape(text(s)))</pre>" }
        return template.render(model)
    }
}
