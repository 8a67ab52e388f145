import Certification
import Foundation
import StageCatalog

/// GitHub-flavoured Markdown fit for a pull-request comment: verdict, facts, stages, findings
/// grouped by file, review history, and the rules behind the findings.
enum MarkdownReportRenderer {
    static func render(_ report: Report) -> String {
        var out: [String] = []
        out.append("# \(MarkdownText.inline(report.title))")
        out.append("")
        out.append(
            "\(ReportWording.packageCounts(report)) (\(ReportWording.severityCounts(report))). "
                + "Generated \(ReportWording.timestamp(report.generatedAt)) by certify \(MarkdownText.inline(report.toolVersion)).")
        for package in report.packages {
            out.append("")
            out.append(contentsOf: section(package))
        }
        let rules = report.ruleIdsUsed
        if !rules.isEmpty {
            out.append("")
            out.append(contentsOf: rulesSection(rules))
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func section(_ package: PackageReport) -> [String] {
        var out: [String] = []
        out.append("## \(MarkdownText.code(package.name, inTable: false)): \(ReportWording.verdict(package.verdict))")
        out.append("")
        let findings = package.findings.isEmpty ? "no findings" : ReportWording.severityCounts(package)
        out.append("**Verdict: \(ReportWording.verdict(package.verdict))** (\(findings))")
        if let note = ReportWording.acceptedNote(package) { out.append("\n\(MarkdownText.inline(note)).") }

        if !package.facts.isEmpty {
            out.append("")
            out.append(
                contentsOf: table(
                    header: ["Fact", "Value"], alignments: ["---", "---"],
                    rows: package.facts.map { [MarkdownText.cell($0.label), MarkdownText.cell($0.value)] }))
        }

        out.append("")
        out.append("### Stages")
        out.append("")
        out.append(
            contentsOf: table(
                header: ["Stage", "Status", "Duration (ms)", "Notes"], alignments: ["---", "---", "---:", "---"],
                rows: package.stages.map {
                    [
                        MarkdownText.cell($0.name), $0.status.rawValue, ReportWording.milliseconds($0.durationMs),
                        MarkdownText.cell($0.skipReason ?? $0.summary ?? ""),
                    ]
                }))

        if !package.ruleCounts.isEmpty {
            out.append("")
            out.append("### Summary by rule")
            out.append("")
            out.append(
                contentsOf: table(
                    header: ["Findings", "Rule", "Severity"], alignments: ["---:", "---", "---"],
                    rows: package.ruleCounts.map {
                        [
                            String($0.count), "[\(MarkdownText.code($0.ruleId, inTable: true))](#\(MarkdownText.anchor($0.ruleId)))",
                            $0.severity.rawValue,
                        ]
                    }))
        }

        out.append("")
        out.append("### Findings")
        if package.findings.isEmpty {
            out.append("")
            out.append("No findings.")
        }
        for group in package.findingsByFile {
            out.append("")
            out.append(
                "#### \(ReportWording.severityHeading(group.severity)): \(group.file.map { MarkdownText.code($0, inTable: false) } ?? "Package")"
            )
            out.append("")
            out.append(contentsOf: findingsTable(group.findings))
        }

        if !package.accepted.isEmpty {
            out.append("")
            out.append("### Accepted findings")
            out.append("")
            out.append(
                contentsOf: table(
                    header: ["Rule", "Place", "Fingerprint", "Reason", "Who", "Until"], alignments: Array(repeating: "---", count: 6),
                    rows: package.accepted.map {
                        [
                            MarkdownText.code($0.ruleId, inTable: true), MarkdownText.cell($0.place ?? "no run has it any more"),
                            MarkdownText.code($0.fingerprint, inTable: true), MarkdownText.cell($0.reason), MarkdownText.cell($0.actor),
                            $0.expiresAt.map(ReportWording.timestamp) ?? "no end",
                        ]
                    }))
        }

        if !package.history.isEmpty {
            out.append("")
            out.append("### Review history")
            out.append("")
            for entry in package.history {
                var item = "- \(ReportWording.timestamp(entry.at)), **\(MarkdownText.inline(entry.actor))**: "
                item += MarkdownText.inline(entry.action)
                if let transition = ReportWording.transition(entry, escape: MarkdownText.inline) { item += " (\(transition))" }
                if let about = entry.about { item += " about \(MarkdownText.inline(about))" }
                if let text = entry.text, !text.isEmpty { item += ": \(MarkdownText.inline(text))" }
                out.append(item)
            }
        }
        return out
    }

    /// One row a finding: severity, line:column, rule (linked to its entry under "Rules"), message,
    /// pointer; an operation column only when some finding of the file has an operation.
    static func findingsTable(_ findings: [Finding]) -> [String] {
        let hasOperation = findings.contains { $0.operation != nil }
        var header = ["Severity", "Line:Column", "Rule", "Message", "Pointer"]
        if hasOperation { header.append("Operation") }
        let rows = findings.map { finding -> [String] in
            var row = [
                finding.severity.rawValue,
                ReportWording.lineColumn(finding) ?? "",
                "[\(MarkdownText.code(finding.ruleId, inTable: true))](#\(MarkdownText.anchor(finding.ruleId)))",
                MarkdownText.cell(finding.message),
                finding.pointer.map { MarkdownText.code($0, inTable: true) } ?? "",
            ]
            if hasOperation { row.append(finding.operation.map { MarkdownText.code($0, inTable: true) } ?? "") }
            return row
        }
        return table(header: header, alignments: header.map { _ in "---" }, rows: rows)
    }

    static func rulesSection(_ ids: [String]) -> [String] {
        var out = ["## Rules"]
        for id in ids {
            out.append("")
            // A plain heading, so that GitHub's generated anchor is the rule id itself.
            out.append("### \(MarkdownText.inline(id))")
            out.append("")
            if let rule = RuleCatalog.rule(id) {
                out.append("\(MarkdownText.inline(rule.summary)) (\(rule.severity.rawValue), stage \(MarkdownText.inline(rule.stage)))")
                out.append("")
                out.append("**Fix:** \(MarkdownText.inline(rule.fix))")
            } else {
                out.append("Not described in this version's rule catalogue.")
            }
        }
        return out
    }

    static func table(header: [String], alignments: [String], rows: [[String]]) -> [String] {
        func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        return [row(header), row(alignments)] + rows.map(row)
    }
}

/// Escaping for text placed into Markdown.
enum MarkdownText {
    /// Text inside a table cell: a `|` would end the cell and a newline the row.
    static func cell(_ text: String) -> String {
        escapingPipes(inline(text))
    }

    /// Text on one line of prose. Code spans the message wrote on purpose stay code spans, with
    /// their content literal; elsewhere `<`, `>` and `&` are escaped so a message cannot open an
    /// HTML tag that swallows the rest of the comment, a lone backtick is escaped so it cannot
    /// start a code span, and newlines become `<br>`.
    static func inline(_ text: String) -> String {
        let characters = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
        var out = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "`" {
                let length = backtickRun(characters, at: index)
                if let close = closingRun(characters, from: index + length, length: length) {
                    let fence = String(repeating: "`", count: length)
                    let content = String(characters[(index + length)..<close]).replacingOccurrences(of: "\n", with: " ")
                    out += fence + content + fence
                    index = close + length
                } else {
                    out += String(repeating: "\\`", count: length)
                    index += length
                }
                continue
            }
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n": out += "<br>"
            default: out.append(character)
            }
            index += 1
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// A code span that holds any text literally: the fence is longer than any run of backticks
    /// inside and newlines become spaces. In a table, `|` is escaped too (GitHub splits cells
    /// before it parses code spans).
    static func code(_ text: String, inTable: Bool) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        var longestRun = 0
        var run = 0
        for character in flat {
            run = character == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padding = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        let span = fence + padding + flat + padding + fence
        return inTable ? escapingPipes(span) : span
    }

    /// `|` becomes `\|`; backslashes right before it are doubled so that they stay text.
    static func escapingPipes(_ text: String) -> String {
        var out = ""
        var backslashes = 0
        for character in text {
            if character == "\\" {
                backslashes += 1
                continue
            }
            if character == "|" {
                out += String(repeating: "\\", count: backslashes * 2) + "\\|"
            } else {
                out += String(repeating: "\\", count: backslashes)
                out.append(character)
            }
            backslashes = 0
        }
        return out + String(repeating: "\\", count: backslashes)
    }

    /// GitHub's anchor for a heading: lower case, spaces to hyphens, other punctuation dropped.
    static func anchor(_ heading: String) -> String {
        String(
            heading.lowercased().compactMap { character -> Character? in
                if character == " " { return "-" }
                if character.isLetter || character.isNumber || character == "-" || character == "_" { return character }
                return nil
            })
    }

    private static func backtickRun(_ characters: [Character], at start: Int) -> Int {
        var end = start
        while end < characters.count, characters[end] == "`" { end += 1 }
        return end - start
    }

    /// Where a run of exactly `length` backticks starts after `start`, if one does.
    private static func closingRun(_ characters: [Character], from start: Int, length: Int) -> Int? {
        var index = start
        while index < characters.count {
            if characters[index] == "`" {
                let run = backtickRun(characters, at: index)
                if run == length { return index }
                index += run
            } else {
                index += 1
            }
        }
        return nil
    }
}
