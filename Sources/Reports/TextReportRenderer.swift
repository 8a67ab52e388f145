import Certification
import Foundation

/// Plain text for a terminal, one finding a line in the compiler style editors and CI logs
/// understand: `file:line:column: severity: message (pointer) [rule-id]`. No colours: the CLI
/// decides whether its output is a terminal.
enum TextReportRenderer {
    static func render(_ report: Report) -> String {
        var lines: [String] = []
        for package in report.packages {
            lines.append(header(package))
            for fact in package.facts {
                lines.append("  \(fact.label): \(fact.value)")
            }
            // What the findings are, rule by rule, before them (errors' rules first).
            for rule in package.ruleCounts {
                lines.append("  \(String(rule.count).leftPadded(to: 5)) x \(rule.ruleId) (\(rule.severity.rawValue))")
            }
            if let note = ReportWording.acceptedNote(package) { lines.append("  \(note)") }
            for finding in package.findings {
                lines.append(line(finding))
                if let evidence = finding.evidence, !evidence.isEmpty {
                    lines.append(contentsOf: evidence.split(separator: "\n", omittingEmptySubsequences: false).map { "    | \($0)" })
                }
            }
            for stage in package.stages {
                lines.append(line(stage))
            }
            for entry in package.accepted {
                lines.append("  accepted: \(ReportWording.accepted(entry))")
            }
            for entry in package.history {
                lines.append(line(entry))
            }
            lines.append("")
        }
        lines.append(summary(report))
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ package: PackageReport) -> String {
        let findings = package.findings.isEmpty ? "no findings" : ReportWording.severityCounts(package)
        return "\(ReportWording.verdict(package.verdict)) \(package.name) (\(findings))"
    }

    /// `apiDefinition.swagger.json:12:5: error: message (/pointer) [rule-id]`; the location parts
    /// that are missing are left out.
    static func line(_ finding: Finding) -> String {
        var location: [String] = []
        if let file = finding.file {
            location.append(file)
            if let lineColumn = ReportWording.lineColumn(finding) { location.append(lineColumn) }
        }
        var text = location.isEmpty ? "" : location.joined(separator: ":") + ": "
        text += "\(finding.severity.rawValue): \(indentingContinuationLines(finding.message))"
        let places = [finding.pointer, finding.operation].compactMap { $0 }.filter { !$0.isEmpty }
        if !places.isEmpty { text += " (\(places.joined(separator: ", ")))" }
        return text + " [\(finding.ruleId)]"
    }

    static func line(_ stage: StageResult) -> String {
        // A skipped stage took no time: its reason is what matters.
        var text =
            stage.status == .skipped
            ? "  stage \(stage.name): skipped"
            : "  stage \(stage.name): \(stage.status.rawValue), \(ReportWording.milliseconds(stage.durationMs)) ms"
        if let reason = stage.skipReason ?? stage.summary, !reason.isEmpty { text += ": \(indentingContinuationLines(reason))" }
        return text
    }

    static func line(_ entry: PackageReport.HistoryEntry) -> String {
        var text = "  \(ReportWording.timestamp(entry.at)) \(entry.actor): \(entry.action)"
        if let transition = ReportWording.transition(entry) { text += " (\(transition))" }
        if let about = entry.about { text += " about \(about)" }
        if let note = entry.text, !note.isEmpty { text += ": \(indentingContinuationLines(note))" }
        return text
    }

    /// `2 packages: 1 passed, 1 failed (3 errors, 1 warning)`, with infos when there are any.
    static func summary(_ report: Report) -> String {
        var counts = [ReportWording.plural(report.count(.error), "error"), ReportWording.plural(report.count(.warning), "warning")]
        let infos = report.count(.info)
        if infos > 0 { counts.append(ReportWording.plural(infos, "info")) }
        return "\(ReportWording.packageCounts(report)) (\(counts.joined(separator: ", ")))"
    }

    /// Keeps a multi-line message from looking like the start of another finding.
    static func indentingContinuationLines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\n    ")
    }
}

extension String {
    /// Right-aligned in `width` characters (never cut).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
