import Certification
import Foundation
import Mustache
import StageCatalog

/// One self-contained HTML page for a reviewer: inline CSS, no scripts, no external assets. The
/// page is `Templates/report.html.mustache`; this file builds its view model. Every value reaches
/// the page through `{{...}}`, which HTML-escapes it.
enum HTMLReportRenderer {
    static let templateName = "report.html.mustache"

    /// Parsed once. Nil only if the embedded template is missing or malformed, which the tests catch.
    static let template: MustacheTemplate? = EmbeddedTemplates.files
        .first { $0.name == templateName }
        .flatMap { try? MustacheTemplate(string: $0.text) }

    static func render(_ report: Report) -> String {
        guard let template else { return fallbackPage(report) }
        return template.render(viewModel(report))
    }

    /// Without its template the page still says everything, as escaped plain text.
    static func fallbackPage(_ report: Report) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(report.title))</title></head>
        <body><pre>\(escape(TextReportRenderer.render(report)))</pre></body></html>

        """
    }

    static func viewModel(_ report: Report) -> [String: Any] {
        let rules = report.ruleIdsUsed.map(ruleModel)
        return [
            "title": report.title,
            "generatedAt": ReportWording.timestamp(report.generatedAt),
            "toolVersion": report.toolVersion,
            "packageCounts": ReportWording.packageCounts(report),
            "severityCounts": ReportWording.severityCounts(report),
            "showIndex": report.packages.count > 1,
            "packages": report.packages.enumerated().map { packageModel($0.element, index: $0.offset) },
            "hasRules": !rules.isEmpty,
            "rules": rules,
        ]
    }

    static func packageModel(_ package: PackageReport, index: Int) -> [String: Any] {
        let groups = package.findingsByFile
        return [
            "packageAnchor": "package-\(index + 1)",
            "packageName": package.name,
            "verdict": ReportWording.verdict(package.verdict),
            "verdictClass": package.verdict.rawValue,
            "counts": package.findings.isEmpty ? "No findings" : ReportWording.severityCounts(package),
            "hasFacts": !package.facts.isEmpty,
            "facts": package.facts.map { ["label": $0.label, "value": $0.value] },
            "stages": package.stages.map(stageModel),
            "hasFindings": !groups.isEmpty,
            "ruleCounts": package.ruleCounts.map { rule -> [String: Any] in
                [
                    "ruleId": rule.ruleId, "ruleAnchor": anchor(rule.ruleId), "severity": rule.severity.rawValue,
                    "count": rule.count,
                ]
            },
            "files": groups.map { group -> [String: Any] in
                [
                    "severityHeading": ReportWording.severityHeading(group.severity),
                    "severity": group.severity.rawValue,
                    "fileLabel": group.file ?? ReportWording.packageWideFile,
                    "isFile": group.file != nil,
                    "findingCount": ReportWording.plural(group.findings.count, "finding"),
                    "findings": group.findings.map(findingModel),
                ]
            },
            "acceptedNote": ReportWording.acceptedNote(package) ?? "",
            "hasAccepted": !package.accepted.isEmpty,
            "accepted": package.accepted.map { entry -> [String: Any] in
                [
                    "ruleId": entry.ruleId, "place": entry.place ?? "no run has it any more", "fingerprint": entry.fingerprint,
                    "reason": entry.reason, "actor": entry.actor, "at": ReportWording.timestamp(entry.at),
                    "until": entry.expiresAt.map(ReportWording.timestamp) ?? "no end",
                ]
            },
            "hasHistory": !package.history.isEmpty,
            "history": package.history.map(historyModel),
        ]
    }

    static func stageModel(_ stage: StageResult) -> [String: Any] {
        [
            "stageName": stage.name,
            "status": stage.status.rawValue,
            "duration": ReportWording.milliseconds(stage.durationMs),
            "skipReason": stage.skipReason ?? stage.summary ?? "",
            "hasSkipReason": !(stage.skipReason ?? stage.summary ?? "").isEmpty,
        ]
    }

    /// Every key is always present: a missing key would make Mustache look it up in the
    /// enclosing package instead.
    static func findingModel(_ finding: Finding) -> [String: Any] {
        let rule = RuleCatalog.rule(finding.ruleId)
        return [
            "severity": finding.severity.rawValue,
            "line": finding.line.map(String.init) ?? "",
            "column": finding.column.map(String.init) ?? "",
            "pointer": finding.pointer ?? "",
            "hasPointer": !(finding.pointer ?? "").isEmpty,
            "operation": finding.operation ?? "",
            "hasOperation": !(finding.operation ?? "").isEmpty,
            "message": finding.message,
            "ruleId": finding.ruleId,
            "ruleAnchor": anchor(finding.ruleId),
            "hasRule": rule != nil,
            "ruleSummary": rule?.summary ?? "",
            "ruleFix": rule?.fix ?? "",
            "ruleSource": rule?.source ?? "",
            "evidence": finding.evidence ?? "",
            "hasEvidence": !(finding.evidence ?? "").isEmpty,
            "fingerprint": finding.fingerprint,
        ]
    }

    static func historyModel(_ entry: PackageReport.HistoryEntry) -> [String: Any] {
        [
            "at": ReportWording.timestamp(entry.at),
            "actor": entry.actor,
            "kind": entry.action,
            "transition": ReportWording.transition(entry) ?? "",
            "note": entry.text ?? "",
            "about": entry.about ?? "",
        ]
    }

    static func ruleModel(_ id: String) -> [String: Any] {
        let rule = RuleCatalog.rule(id)
        return [
            "ruleId": id,
            "ruleAnchor": anchor(id),
            "known": rule != nil,
            "ruleSeverity": rule?.severity.rawValue ?? "",
            "ruleStage": rule?.stage ?? "",
            "ruleSummary": rule?.summary ?? "",
            "ruleFix": rule?.fix ?? "",
            "ruleSource": rule?.source ?? "",
        ]
    }

    /// The fragment id of a rule's entry in the "Rules" section: `rule-json-syntax`. Characters
    /// that do not belong in a fragment become hyphens.
    static func anchor(_ ruleId: String) -> String {
        "rule-" + String(ruleId.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "-" })
    }

    /// Escaping for the fallback page; the template page is escaped by Mustache.
    static func escape(_ text: String) -> String { ReportWording.htmlEscaped(text) }
}
