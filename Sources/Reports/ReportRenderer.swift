import Certification
import Foundation

/// Renders a `Report` to one of the formats. Every format reads the same model; none of them
/// queries anything, so the CLI and the server produce identical reports from identical results.
public enum ReportRenderer {
    public static func render(_ report: Report, as format: ReportFormat) -> String {
        switch format {
        case .text: TextReportRenderer.render(report)
        case .json: JSONReportRenderer.render(report)
        case .markdown: MarkdownReportRenderer.render(report)
        case .html: HTMLReportRenderer.render(report)
        case .sarif: SARIFReportRenderer.render(report)
        case .junit: JUnitReportRenderer.render(report)
        case .github: CIAnnotationRenderer.github(report)
        case .azure: CIAnnotationRenderer.azure(report)
        }
    }
}

extension ReportRenderer {
    /// The text report's verdict lines and totals, without the findings: what the terminal shows
    /// when every report of a run goes to a file.
    public static func summary(_ report: Report) -> String {
        (report.packages.map(TextReportRenderer.header) + [TextReportRenderer.summary(report)]).joined(separator: "\n") + "\n"
    }
}

extension Report {
    /// Findings of one severity over every package.
    public func count(_ severity: Severity) -> Int {
        packages.reduce(0) { $0 + $1.count(severity) }
    }

    /// The ids of every rule that produced a finding, sorted, each once.
    public var ruleIdsUsed: [String] {
        Array(Set(packages.flatMap { $0.findings.map(\.ruleId) })).sorted()
    }
}

extension PackageReport {
    /// The package's findings grouped by severity (errors first) and, within one, by file, in
    /// report order; findings not about a file form a group whose `file` is nil.
    public var findingsByFile: [(severity: Severity, file: String?, findings: [Finding])] {
        var groups: [(severity: Severity, file: String?, findings: [Finding])] = []
        for finding in findings {
            if let last = groups.indices.last, groups[last].file == finding.file, groups[last].severity == finding.severity {
                groups[last].findings.append(finding)
            } else {
                groups.append((finding.severity, finding.file, [finding]))
            }
        }
        return groups
    }
}

/// Wording and number formats shared by the human-readable renderers, so that the terminal,
/// the pull-request comment and the page say the same thing the same way.
public enum ReportWording {
    /// `text` escaped for HTML text and double-quoted attributes (`&`, `<`, `>`, `"`, `'`), as
    /// Mustache's `{{...}}` does: for text built outside a template.
    public static func htmlEscaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Where a finding is, in one line: "file:line:column · pointer · operation".
    public static func place(_ finding: Finding) -> String {
        var parts: [String] = []
        if let file = finding.file {
            parts.append([file, finding.line.map(String.init), finding.column.map(String.init)].compactMap { $0 }.joined(separator: ":"))
        }
        if let pointer = finding.pointer, !pointer.isEmpty { parts.append(pointer) }
        if let operation = finding.operation { parts.append("operation \(operation)") }
        return parts.isEmpty ? "the package" : parts.joined(separator: " · ")
    }

    /// "3 accepted findings not shown" (they are left out of the runs), or nil with none.
    static func acceptedNote(_ package: PackageReport) -> String? {
        let hidden = package.accepted.filter { !$0.inRun }.count
        guard hidden > 0 else { return nil }
        return "\(plural(hidden, "accepted finding")) not shown (listed under Accepted findings)"
    }

    /// One accepted finding in one line: rule at place (fingerprint): reason, who, until when.
    static func accepted(_ entry: PackageReport.AcceptedEntry) -> String {
        "\(entry.ruleId) at \(entry.place ?? "a place no run has any more") (\(entry.fingerprint)): \(entry.reason) (\(entry.actor), \(timestamp(entry.at)), "
            + (entry.expiresAt.map { "until \(timestamp($0))" } ?? "no end") + ")"
    }

    /// "Errors", "Warnings", "Infos": the heading of a severity's findings.
    static func severityHeading(_ severity: Severity) -> String {
        switch severity {
        case .error: "Errors"
        case .warning: "Warnings"
        case .info: "Infos"
        }
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// "2 errors, 1 warning, 0 infos".
    public static func severityCounts(errors: Int, warnings: Int, infos: Int) -> String {
        [plural(errors, "error"), plural(warnings, "warning"), plural(infos, "info")].joined(separator: ", ")
    }

    static func severityCounts(_ package: PackageReport) -> String {
        severityCounts(errors: package.count(.error), warnings: package.count(.warning), infos: package.count(.info))
    }

    static func severityCounts(_ report: Report) -> String {
        severityCounts(errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info))
    }

    /// "2 packages: 1 passed, 1 failed".
    static func packageCounts(_ report: Report) -> String {
        "\(plural(report.packages.count, "package")): \(report.passed) passed, \(report.failed) failed"
    }

    static func verdict(_ verdict: PackageResult.Verdict) -> String {
        switch verdict {
        case .pass: "PASS"
        case .fail: "FAIL"
        }
    }

    /// Milliseconds with one decimal: "12.3".
    static func milliseconds(_ value: Double) -> String {
        guard value.isFinite else { return "0.0" }
        return String(format: "%.1f", value)
    }

    /// ISO 8601 in UTC, as in the JSON output: "2025-03-01T09:30:00Z".
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// "12:5", "12", or nil when the finding has no line.
    static func lineColumn(_ finding: Finding) -> String? {
        guard let line = finding.line else { return nil }
        if let column = finding.column { return "\(line):\(column)" }
        return "\(line)"
    }

    /// "submitted -> in-review", or nil when the entry changed no state. `escape` applies to the
    /// state names only, so that the arrow stays readable in Markdown source.
    static func transition(
        _ entry: PackageReport.HistoryEntry, escape: (String) -> String = { $0 }
    ) -> String? {
        switch (entry.fromState.map(escape), entry.toState.map(escape)) {
        case (nil, nil): nil
        case (let from?, let to?): "\(from) -> \(to)"
        case (nil, let to?): "-> \(to)"
        case (let from?, nil): "\(from) ->"
        }
    }

    static let packageWideFile = "(package)"
}
