import Certification
import Foundation
import StageCatalog
import XCTest

@testable import Reports

/// Given one passing and one failing package, each format says the same thing in its own way.
final class ReportsTests: XCTestCase {
    // MARK: - The report under test

    static let hostile = #"Unexpected '}' <script>alert("x&'")</script>"#

    static let syntaxError = Finding(
        ruleId: "json-syntax", severity: .error, stage: "package", message: hostile,
        file: "apiDefinition.swagger.json", pointer: "/paths/~1pets", line: 12, column: 5, signature: "unexpected }")
    static let duplicateKey = Finding(
        ruleId: "json-duplicate-key", severity: .warning, stage: "package",
        message: #"Key "publisher" appears twice | keep one"#,
        file: "apiProperties.json", pointer: "/properties/publisher", line: 3, column: 7, signature: "publisher")
    static let byteOrderMark = Finding(
        ruleId: "json-byte-order-mark", severity: .info, stage: "package", message: "The file starts with a BOM.",
        file: "apiProperties.json")

    static let generatedAt = Date(timeIntervalSince1970: 1_740_821_400)  // 2025-03-01T09:30:00Z

    static func makeReport() -> Report {
        let clean = PackageReport(
            name: "Connectors/Clean", verdict: .pass,
            stages: [StageResult(name: "package", status: .passed, durationMs: 1.25, findings: [])],
            facts: [.init("Submission", "42"), .init("State", "certified")],
            history: [
                .init(
                    at: generatedAt, actor: "reviewer@contoso", action: "decision", fromState: "in-review",
                    toState: "certified", text: "Looks good")
            ])
        let broken = PackageReport(
            name: "Connectors/Broken", verdict: .fail,
            stages: [
                StageResult(
                    name: "package", status: .failed, durationMs: 3.5,
                    findings: [duplicateKey, syntaxError, byteOrderMark]),
                StageResult(
                    name: "policy", status: .skipped, durationMs: 0,
                    skipReason: "apiDefinition.swagger.json is not valid JSON", findings: []),
            ])
        return Report(title: "certify check", generatedAt: generatedAt, toolVersion: "0.1.0-test", packages: [clean, broken])
    }

    // MARK: - JSON

    func jsonObject() throws -> [String: Any] {
        let text = ReportRenderer.render(Self.makeReport(), as: .json)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any])
    }

    func testJSONHasTheContractSummary() throws {
        let object = try jsonObject()
        XCTAssertEqual(Set(object.keys), ["summary", "packages"])
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertEqual(
            Set(summary.keys),
            ["packages", "passed", "failed", "errors", "warnings", "infos", "generatedAt", "toolVersion"])
        XCTAssertEqual(summary["packages"] as? Int, 2)
        XCTAssertEqual(summary["passed"] as? Int, 1)
        XCTAssertEqual(summary["failed"] as? Int, 1)
        XCTAssertEqual(summary["errors"] as? Int, 1)
        XCTAssertEqual(summary["warnings"] as? Int, 1)
        XCTAssertEqual(summary["infos"] as? Int, 1)
        XCTAssertEqual(summary["generatedAt"] as? String, "2025-03-01T09:30:00Z")
        XCTAssertEqual(summary["toolVersion"] as? String, "0.1.0-test")
    }

    func testJSONPackagesHaveVerdictStagesAndOnlyTheKeysThatApply() throws {
        let packages = try XCTUnwrap(try jsonObject()["packages"] as? [[String: Any]])
        XCTAssertEqual(packages.count, 2)
        let clean = packages[0]
        let broken = packages[1]

        XCTAssertEqual(Set(clean.keys), ["path", "verdict", "stages", "findings", "facts", "history"])
        XCTAssertEqual(clean["path"] as? String, "Connectors/Clean")
        XCTAssertEqual(clean["verdict"] as? String, "pass")
        XCTAssertEqual(clean["facts"] as? [String: String], ["Submission": "42", "State": "certified"])
        let history = try XCTUnwrap(clean["history"] as? [[String: Any]])
        XCTAssertEqual(Set(history[0].keys), ["at", "actor", "kind", "fromState", "toState", "text"])
        XCTAssertEqual(history[0]["toState"] as? String, "certified")

        // No facts and no history: the keys are left out, not empty.
        XCTAssertEqual(Set(broken.keys), ["path", "verdict", "stages", "findings"])
        XCTAssertEqual(broken["path"] as? String, "Connectors/Broken")
        XCTAssertEqual(broken["verdict"] as? String, "fail")

        let stages = try XCTUnwrap(broken["stages"] as? [[String: Any]])
        XCTAssertEqual(stages.count, 2)
        XCTAssertEqual(Set(stages[0].keys), ["name", "status", "durationMs"])
        XCTAssertEqual(stages[0]["status"] as? String, "failed")
        XCTAssertEqual(stages[0]["durationMs"] as? Double, 3.5)
        XCTAssertEqual(Set(stages[1].keys), ["name", "status", "durationMs", "skipReason"])
        XCTAssertEqual(stages[1]["name"] as? String, "policy")
        XCTAssertEqual(stages[1]["status"] as? String, "skipped")
        XCTAssertEqual(stages[1]["skipReason"] as? String, "apiDefinition.swagger.json is not valid JSON")
    }

    func testJSONFindingsCarryTheirPlaceAndFingerprint() throws {
        let packages = try XCTUnwrap(try jsonObject()["packages"] as? [[String: Any]])
        let findings = try XCTUnwrap(packages[1]["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 3)
        XCTAssertEqual((packages[0]["findings"] as? [Any])?.count, 0)

        let syntax = try XCTUnwrap(findings.first { $0["ruleId"] as? String == "json-syntax" })
        XCTAssertEqual(
            Set(syntax.keys),
            ["ruleId", "severity", "stage", "message", "file", "pointer", "line", "column", "fingerprint"])
        XCTAssertEqual(syntax["severity"] as? String, "error")
        XCTAssertEqual(syntax["stage"] as? String, "package")
        XCTAssertEqual(syntax["message"] as? String, Self.hostile)
        XCTAssertEqual(syntax["file"] as? String, "apiDefinition.swagger.json")
        XCTAssertEqual(syntax["pointer"] as? String, "/paths/~1pets")
        XCTAssertEqual(syntax["line"] as? Int, 12)
        XCTAssertEqual(syntax["column"] as? Int, 5)
        XCTAssertEqual(syntax["fingerprint"] as? String, Self.syntaxError.fingerprint)

        // A finding about a whole file has no pointer, line or column keys at all.
        let bom = try XCTUnwrap(findings.first { $0["ruleId"] as? String == "json-byte-order-mark" })
        XCTAssertEqual(Set(bom.keys), ["ruleId", "severity", "stage", "message", "file", "fingerprint"])
    }

    func testJSONIsPrettySortedAndLeavesSlashesAlone() {
        let text = ReportRenderer.render(Self.makeReport(), as: .json)
        XCTAssertTrue(text.contains(#""pointer" : "/paths/~1pets""#), text)
        XCTAssertFalse(text.contains(#"\/"#))
        // Sorted keys: "packages" before "summary" at the top level.
        let packages = text.range(of: #""packages" : ["#)?.lowerBound
        let summary = text.range(of: #""summary" : {"#)?.lowerBound
        XCTAssertNotNil(packages, text)
        XCTAssertNotNil(summary, text)
        if let packages, let summary { XCTAssertLessThan(packages, summary) }
    }

    // MARK: - Text

    func testTextHasOneCompilerStyleLinePerFinding() {
        let lines = ReportRenderer.render(Self.makeReport(), as: .text).components(separatedBy: "\n")
        XCTAssertTrue(lines.contains("FAIL Connectors/Broken (1 error, 1 warning, 1 info)"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("PASS Connectors/Clean (no findings)"))
        XCTAssertTrue(
            lines.contains("apiDefinition.swagger.json:12:5: error: \(Self.hostile) (/paths/~1pets) [json-syntax]"),
            lines.joined(separator: "\n"))
        XCTAssertTrue(
            lines.contains(
                #"apiProperties.json:3:7: warning: Key "publisher" appears twice | keep one (/properties/publisher) [json-duplicate-key]"#))
        // Missing parts of the location are left out, not printed empty.
        XCTAssertTrue(lines.contains("apiProperties.json: info: The file starts with a BOM. [json-byte-order-mark]"))
    }

    func testTextHasStagesAndTheSummaryLine() {
        let text = ReportRenderer.render(Self.makeReport(), as: .text)
        let lines = text.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains("  stage package: failed, 3.5 ms"), text)
        XCTAssertTrue(lines.contains("  stage policy: skipped: apiDefinition.swagger.json is not valid JSON"), text)
        XCTAssertEqual(lines.last(where: { !$0.isEmpty }), "2 packages: 1 passed, 1 failed (1 error, 1 warning, 1 info)")
        XCTAssertFalse(text.contains("\u{1B}["), "no ANSI escapes")
    }

    // MARK: - Markdown

    func testMarkdownHasVerdictFactsAndStagesTable() {
        let markdown = ReportRenderer.render(Self.makeReport(), as: .markdown)
        XCTAssertTrue(markdown.hasPrefix("# certify check\n"), markdown)
        XCTAssertTrue(markdown.contains("**Verdict: FAIL**"))
        XCTAssertTrue(markdown.contains("**Verdict: PASS**"))
        XCTAssertTrue(markdown.contains("| Submission | 42 |"))
        XCTAssertTrue(markdown.contains("| Stage | Status | Duration (ms) | Notes |\n| --- | --- | ---: | --- |\n"), markdown)
        XCTAssertTrue(markdown.contains("| policy | skipped | 0.0 | apiDefinition.swagger.json is not valid JSON |"), markdown)
        XCTAssertTrue(markdown.contains("- 2025-03-01T09:30:00Z, **reviewer@contoso**: decision (in-review -> certified): Looks good"))
    }

    func testEveryFormatPutsTheSummaryByRuleAndTheErrorsFirst() {
        // A package whose first file (by name) has only a warning and whose later file has errors.
        let warning = Finding(
            ruleId: "description-sentence", severity: .warning, stage: "policy", message: "WARNMSG", file: "a.json", line: 1, column: 1)
        let errors = (0..<3).map {
            Finding(
                ruleId: "json-syntax", severity: .error, stage: "package", message: "ERRMSG\($0)", file: "z.json", line: $0 + 1, column: 1)
        }
        let info = Finding(ruleId: "summary-length", severity: .info, stage: "policy", message: "i", file: "a.json", line: 2, column: 1)
        let package = PackageReport(
            name: "p", verdict: .fail,
            stages: [StageResult(name: "policy", status: .failed, durationMs: 1, findings: [info, warning] + errors)])
        XCTAssertEqual(package.findings.map(\.severity), [.error, .error, .error, .warning, .info])
        XCTAssertEqual(package.ruleCounts.map(\.ruleId), ["json-syntax", "description-sentence", "summary-length"])
        XCTAssertEqual(package.ruleCounts.first?.count, 3)
        let report = Report(title: "t", toolVersion: "0", packages: [package])
        for format in [ReportFormat.text, .markdown, .html] {
            let text = ReportRenderer.render(report, as: format)
            let summary = text.range(of: format == .text ? "3 x json-syntax (error)" : "json-syntax")
            let firstError = text.range(of: "ERRMSG0")
            let firstWarning = text.range(of: "WARNMSG")
            XCTAssertNotNil(summary, "\(format)")
            XCTAssertNotNil(firstError, "\(format)")
            XCTAssertNotNil(firstWarning, "\(format): \(text)")
            if let summary, let firstError, let firstWarning {
                XCTAssertLessThan(summary.lowerBound, firstError.lowerBound, "\(format): the summary comes first")
                XCTAssertLessThan(firstError.lowerBound, firstWarning.lowerBound, "\(format): errors before warnings")
            }
        }
    }

    func testMarkdownGroupsFindingsByFileAndEscapesTableCells() {
        let markdown = ReportRenderer.render(Self.makeReport(), as: .markdown)
        // Grouped by severity first (errors, then warnings, then infos), then by file.
        XCTAssertTrue(markdown.contains(": `apiDefinition.swagger.json`\n"), markdown)
        XCTAssertTrue(markdown.contains("#### Warnings: `apiProperties.json`\n"), markdown)
        XCTAssertTrue(
            markdown.contains(
                #"| warning | 3:7 | [`json-duplicate-key`](#json-duplicate-key) | Key "publisher" appears twice \| keep one | `/properties/publisher` |"#
            ),
            markdown)
        XCTAssertFalse(markdown.contains("twice | keep"))
        // The hostile message cannot open a tag in the comment.
        XCTAssertFalse(markdown.contains("<script>"))
        XCTAssertTrue(markdown.contains("&lt;script&gt;alert(\"x&amp;'\")&lt;/script&gt;"))
    }

    func testMarkdownExplainsEveryRuleUsed() throws {
        let markdown = ReportRenderer.render(Self.makeReport(), as: .markdown)
        let rules = try XCTUnwrap(markdown.range(of: "\n## Rules\n")).upperBound
        let section = String(markdown[rules...])
        for id in ["json-byte-order-mark", "json-duplicate-key", "json-syntax"] {
            XCTAssertTrue(section.contains("### \(id)\n"), id)
        }
        let syntax = try XCTUnwrap(RuleCatalog.rule("json-syntax"))
        XCTAssertTrue(section.contains(MarkdownText.inline(syntax.summary)))
        XCTAssertTrue(section.contains("**Fix:** \(MarkdownText.inline(syntax.fix))"))
        XCTAssertFalse(section.contains("### package-refused"), "only the rules used")
    }

    func testMarkdownTextEscaping() {
        XCTAssertEqual(MarkdownText.cell("a | b\nc"), #"a \| b<br>c"#)
        XCTAssertEqual(MarkdownText.cell(#"a\|b"#), #"a\\\|b"#)
        XCTAssertEqual(MarkdownText.inline("use `<x>` & <y>"), "use `<x>` &amp; &lt;y&gt;")
        XCTAssertEqual(MarkdownText.inline("a lone ` backtick"), #"a lone \` backtick"#)
        XCTAssertEqual(MarkdownText.code("a`b", inTable: false), "``a`b``")
        XCTAssertEqual(MarkdownText.code("`x", inTable: false), "`` `x ``")
        XCTAssertEqual(MarkdownText.code("/a|b", inTable: true), #"`/a\|b`"#)
    }

    // MARK: - HTML

    func testHTMLTemplateIsEmbeddedAndParses() {
        XCTAssertNotNil(HTMLReportRenderer.template, "Templates/report.html.mustache is missing or malformed")
        let html = ReportRenderer.render(Self.makeReport(), as: .html)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), String(html.prefix(200)))
        XCTAssertTrue(html.contains("<style>"))
        XCTAssertTrue(html.contains("<title>certify check</title>"))
    }

    func testHTMLEscapesEveryDynamicText() {
        let html = ReportRenderer.render(Self.makeReport(), as: .html)
        XCTAssertFalse(html.lowercased().contains("<script"), "an unescaped script tag")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&quot;x&amp;&#39;&quot;)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("Key &quot;publisher&quot; appears twice | keep one"))
    }

    func testHTMLLinksEveryFindingToItsRule() throws {
        let html = ReportRenderer.render(Self.makeReport(), as: .html)
        XCTAssertTrue(html.contains(##"href="#rule-json-syntax""##))
        XCTAssertTrue(html.contains(#"id="rule-json-syntax""#))
        XCTAssertTrue(html.contains(#"id="rule-json-duplicate-key""#))
        XCTAssertFalse(html.contains(#"id="rule-package-refused""#), "only the rules used")
        let syntax = try XCTUnwrap(RuleCatalog.rule("json-syntax"))
        XCTAssertTrue(html.contains(HTMLReportRenderer.escape(syntax.summary)))
        XCTAssertTrue(html.contains(HTMLReportRenderer.escape(syntax.fix)))
        XCTAssertTrue(html.contains(HTMLReportRenderer.escape(syntax.source)))
    }

    func testHTMLShowsVerdictsStagesFindingsAndHistory() {
        let html = ReportRenderer.render(Self.makeReport(), as: .html)
        XCTAssertTrue(html.contains(#"<span class="badge badge-fail">FAIL</span>"#))
        XCTAssertTrue(html.contains(#"<span class="badge badge-pass">PASS</span>"#))
        XCTAssertTrue(html.contains("apiDefinition.swagger.json is not valid JSON"))
        XCTAssertTrue(html.contains(#"<td class="num">3.5</td>"#))
        XCTAssertTrue(html.contains(#"<code>/paths/~1pets</code>"#))
        XCTAssertTrue(html.contains(#"<td class="num">12</td>"#))
        XCTAssertTrue(html.contains("</span> <code>apiProperties.json</code> <span class=\"muted\">"), html)
        XCTAssertTrue(html.contains("reviewer@contoso"))
        XCTAssertTrue(html.contains("in-review -&gt; certified"))
    }

    func testHTMLIsSelfContained() {
        let html = ReportRenderer.render(Self.makeReport(), as: .html).lowercased()
        for reference in ["<link", "<script", "src=", "@import", "url(", "<img", "<iframe"] {
            XCTAssertFalse(html.contains(reference), reference)
        }
        XCTAssertFalse(html.contains("http://"))
        XCTAssertFalse(html.contains("https://"))
    }

    func testHTMLSaysSoWhenThereAreNoFindings() {
        var report = Self.makeReport()
        report.packages.removeLast()
        let html = ReportRenderer.render(report, as: .html)
        // Said once, in the summary line; the findings section does not repeat it.
        XCTAssertEqual(html.components(separatedBy: "No findings").count - 1, 1, html)
        XCTAssertTrue(html.contains("None: every check passed."))
        XCTAssertFalse(html.contains(#"id="rules""#))
    }
}

/// The re-certification summary in reading order.
final class RecertificationOrderTests: XCTestCase {
    func testRegressionsComeFirstInEveryFormat() {
        let new = Finding(ruleId: "contact-required", severity: .error, stage: "schema", message: "NEWFINDING", file: "a.json")
        func connector(_ name: String, _ verdict: String?, _ previous: String?, new findings: [Finding] = [], error: String? = nil)
            -> RecertificationSummary.Connector
        {
            .init(
                submissionId: "sub_\(name)", publisher: "P", connector: name, revision: 1, verdict: verdict, previousVerdict: previous,
                newFindings: findings, fixedFindings: verdict == "pass" && previous == "fail" ? [new] : [], error: error)
        }
        let connectors = [
            connector("Alpha-passed", "pass", "pass"), connector("Bravo-fixed", "pass", "fail"),
            connector("Charlie-regressed", "fail", "pass", new: [new]), connector("Delta-error", nil, "pass", error: "timeout"),
            connector("Echo-newly-failing", "fail", "fail", new: [new]),
        ]
        let summary = RecertificationSummary(
            id: 7, selection: "all", state: "finished", rulesetVersion: "r", toolVersion: "t", total: 5, finished: 4, passed: 2,
            failed: 2, regressed: 1, errored: 1, createdAt: Date(), finishedAt: Date(), connectors: connectors)
        XCTAssertEqual(
            summary.ordered.map(\.connector), ["Charlie-regressed", "Delta-error", "Echo-newly-failing", "Bravo-fixed", "Alpha-passed"])
        for format in [ReportFormat.text, .markdown, .html] {
            let text = RecertificationRenderer.render(summary, as: format)
            let positions = ["Charlie-regressed", "Delta-error", "Echo-newly-failing", "Bravo-fixed"].map {
                text.range(of: $0)?.lowerBound
            }
            XCTAssertFalse(positions.contains(nil), "\(format): \(text)")
            let found = positions.compactMap { $0 }
            XCTAssertEqual(found, found.sorted(), "\(format): regressions, then errors, newly failing, fixed")
        }
        let html = RecertificationRenderer.render(summary, as: .html)
        XCTAssertTrue(html.contains("<h2>What changed</h2>"))
        XCTAssertTrue(html.contains(##"<a href="#regressed">"##))
        XCTAssertTrue(html.contains(#"id="regressed""#))
    }
}
