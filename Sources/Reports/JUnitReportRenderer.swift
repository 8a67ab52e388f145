import Certification
import Foundation

/// JUnit XML for CI systems: one `<testsuite>` per package; in it, one `<testcase>` per finding
/// (classname `package.stage`, name `rule-id at file:line:column` or, in the probe stage,
/// `rule-id on operation NAME`), so a CI page lists every finding as its own test, plus one per
/// stage for the stage itself.
///
/// - An error finding's test case has a `<failure type="error">` with the message; warnings and
///   infos pass, with the finding in `<system-out>` (a CI page lists them without failing the
///   build; `certify check --fail-on warning` decides that).
/// - A stage's own test case fails when the stage failed without an error finding (a probe
///   stage that could not run its plan), is `<skipped message="reason">` when skipped, and
///   passes otherwise, with the stage's summary in `<system-out>`.
/// - `errors` is always 0: in JUnit it counts tests that crashed.
/// - Characters XML 1.0 forbids (C0 controls other than tab, LF and CR, U+FFFE, U+FFFF) and the
///   discouraged DEL and C1 controls are dropped; the five special characters are escaped.
enum JUnitReportRenderer {
    struct Case {
        var lines: [String]
        var failed: Bool
        var skipped: Bool
    }

    static func render(_ report: Report) -> String {
        let cases = report.packages.map(testcases)
        let all = cases.flatMap { $0 }
        let time = report.packages.reduce(0) { $0 + totalSeconds($1) }
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        lines.append(
            "<testsuites name=\(attribute(report.title)) tests=\"\(all.count)\" failures=\"\(all.filter(\.failed).count)\" errors=\"0\""
                + " skipped=\"\(all.filter(\.skipped).count)\" time=\"\(seconds(time))\">")
        for (package, cases) in zip(report.packages, cases) {
            lines.append(suite(package, cases))
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func suite(_ package: PackageReport, _ cases: [Case]) -> String {
        var lines: [String] = []
        lines.append(
            "  <testsuite name=\(attribute(package.name)) tests=\"\(cases.count)\" failures=\"\(cases.filter(\.failed).count)\""
                + " errors=\"0\" skipped=\"\(cases.filter(\.skipped).count)\" time=\"\(seconds(totalSeconds(package)))\">")
        if !package.facts.isEmpty {
            lines.append("    <properties>")
            for fact in package.facts {
                lines.append("      <property name=\(attribute(fact.label)) value=\(attribute(fact.value))/>")
            }
            lines.append("    </properties>")
        }
        lines += cases.flatMap(\.lines)
        lines.append("  </testsuite>")
        return lines.joined(separator: "\n")
    }

    /// The stage's own test case, then one per finding (errors first).
    static func testcases(_ package: PackageReport) -> [Case] {
        var cases: [Case] = []
        for stage in package.stages {
            var suiteName = package.name
            while suiteName.count > 1 && suiteName.hasSuffix("/") { suiteName.removeLast() }
            let classname = "\(suiteName).\(stage.name)"
            let errors = stage.findings.filter { $0.severity == .error }
            var body: [String] = []
            var failed = false
            if stage.status == .skipped {
                body.append("      <skipped message=\(attribute(stage.skipReason ?? "skipped"))/>")
            } else if stage.status == .failed && errors.isEmpty {
                body.append("      <failure message=\"The stage failed.\" type=\"error\">\(escape(stage.summary ?? ""))</failure>")
                failed = true
            }
            if let summary = stage.summary, !summary.isEmpty, !failed {
                body.append("      <system-out>\(escape(summary))</system-out>")
            }
            cases.append(
                Case(
                    lines: element(classname: classname, name: stage.name, time: stageSeconds(stage), body: body), failed: failed,
                    skipped: stage.status == .skipped))
            for finding in stage.findings.sorted(by: PackageReport.importanceOrder) {
                var body: [String] = []
                let failed = finding.severity == .error && stage.status != .skipped
                if failed {
                    body.append(
                        "      <failure message=\(attribute(finding.message)) type=\"error\">\(escape(line(finding)))</failure>")
                } else {
                    body.append("      <system-out>\(escape("\(finding.severity.rawValue): \(line(finding))"))</system-out>")
                }
                cases.append(
                    Case(
                        lines: element(classname: classname, name: caseName(finding), time: 0, body: body), failed: failed,
                        skipped: false))
            }
        }
        return cases
    }

    /// "rule-id at file:line:column" (or the pointer without a position); in the probe stage,
    /// "rule-id on operation NAME".
    static func caseName(_ finding: Finding) -> String {
        if let operation = finding.operation, finding.stage == "probe" { return "\(finding.ruleId) on operation \(operation)" }
        return "\(finding.ruleId) at \(ReportWording.place(finding))"
    }

    static func element(classname: String, name: String, time: Double, body: [String]) -> [String] {
        let open = "    <testcase classname=\(attribute(classname)) name=\(attribute(name)) time=\"\(seconds(time))\""
        if body.isEmpty { return [open + "/>"] }
        return [open + ">"] + body + ["    </testcase>"]
    }

    /// A stage fails on its error findings, or when it says it failed.
    static func isFailure(_ stage: StageResult) -> Bool {
        stage.status != .skipped && (stage.status == .failed || stage.findings.contains { $0.severity == .error })
    }

    /// "apiDefinition.swagger.json:12:5 rule-id: message (operation GetForecast)".
    static func line(_ finding: Finding) -> String {
        var location = finding.file ?? ReportWording.packageWideFile
        if let position = ReportWording.lineColumn(finding) { location += ":\(position)" }
        var text = "\(location) \(finding.ruleId): \(finding.message)"
        if let operation = finding.operation { text += " (operation \(operation))" }
        return text
    }

    static func stageSeconds(_ stage: StageResult) -> Double {
        stage.durationMs.isFinite && stage.durationMs > 0 ? stage.durationMs / 1000 : 0
    }

    static func totalSeconds(_ package: PackageReport) -> Double {
        package.stages.reduce(0) { $0 + stageSeconds($1) }
    }

    /// Seconds with millisecond precision: "0.012".
    static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value.isFinite ? value : 0)
    }

    /// A quoted attribute value; tab, LF and CR are written as references, so that attribute
    /// normalisation keeps them.
    static func attribute(_ text: String) -> String {
        var out = "\""
        for scalar in legal(text).unicodeScalars {
            switch scalar {
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out += escape(scalar)
            }
        }
        return out + "\""
    }

    /// Character data: the five special characters escaped, illegal characters dropped. A CR is
    /// written as a reference, since parsers turn a literal one into LF.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in legal(text).unicodeScalars {
            out += scalar == "\r" ? "&#13;" : escape(scalar)
        }
        return out
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&apos;"
        default: String(scalar)
        }
    }

    /// The text without the characters XML 1.0 forbids, nor DEL and the C1 controls.
    static func legal(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: out.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F, 0xFFFE, 0xFFFF: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
