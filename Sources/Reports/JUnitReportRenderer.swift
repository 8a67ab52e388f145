import Certification
import Foundation

/// JUnit XML for CI systems: one `<testsuite>` per package, one `<testcase>` per stage.
///
/// - A stage with error findings (or that failed) has one `<failure>`: its message counts the
///   errors and quotes the first, its body lists every error as `file:line:column rule: message`.
///   One failure per test case is what the strict JUnit schemas allow.
/// - A skipped stage has `<skipped message="reason">`.
/// - Warnings and infos, and the stage's summary, go into the test case's `<system-out>`.
/// - `errors` is always 0: in JUnit it counts tests that crashed, and a stage that could not run
///   is reported as skipped with its reason.
/// - Characters XML 1.0 forbids (C0 controls other than tab, LF and CR, U+FFFE, U+FFFF) and the
///   discouraged DEL and C1 controls are dropped; the five special characters are escaped.
enum JUnitReportRenderer {
    static func render(_ report: Report) -> String {
        let suites = report.packages.map(suite)
        let tests = report.packages.reduce(0) { $0 + $1.stages.count }
        let failures = report.packages.reduce(0) { $0 + $1.stages.filter(isFailure).count }
        let skipped = report.packages.reduce(0) { $0 + $1.stages.filter { $0.status == .skipped }.count }
        let time = report.packages.reduce(0) { $0 + totalSeconds($1) }
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        lines.append(
            "<testsuites name=\(attribute(report.title)) tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\""
                + " skipped=\"\(skipped)\" time=\"\(seconds(time))\">")
        lines += suites
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func suite(_ package: PackageReport) -> String {
        var lines: [String] = []
        let failures = package.stages.filter(isFailure).count
        let skipped = package.stages.filter { $0.status == .skipped }.count
        lines.append(
            "  <testsuite name=\(attribute(package.name)) tests=\"\(package.stages.count)\" failures=\"\(failures)\""
                + " errors=\"0\" skipped=\"\(skipped)\" time=\"\(seconds(totalSeconds(package)))\">")
        if !package.facts.isEmpty {
            lines.append("    <properties>")
            for fact in package.facts {
                lines.append("      <property name=\(attribute(fact.label)) value=\(attribute(fact.value))/>")
            }
            lines.append("    </properties>")
        }
        for stage in package.stages {
            lines.append(contentsOf: testcase(stage, package: package.name))
        }
        lines.append("  </testsuite>")
        return lines.joined(separator: "\n")
    }

    static func testcase(_ stage: StageResult, package: String) -> [String] {
        let open =
            "    <testcase classname=\(attribute(package)) name=\(attribute(stage.name))"
            + " time=\"\(seconds(stageSeconds(stage)))\""
        let findings = stage.findings.sorted(by: Finding.reportOrder)
        let errors = findings.filter { $0.severity == .error }
        let others = findings.filter { $0.severity != .error }
        var body: [String] = []
        if stage.status == .skipped {
            body.append("      <skipped message=\(attribute(stage.skipReason ?? "skipped"))/>")
        } else if isFailure(stage) {
            let message =
                errors.first.map { "\(ReportWording.plural(errors.count, "error")): \($0.message)" }
                ?? "The stage failed."
            let text = errors.map(line).joined(separator: "\n")
            body.append("      <failure message=\(attribute(message)) type=\"error\">\(escape(text))</failure>")
        }
        var out = (stage.summary.map { [$0] } ?? []) + others.map { "\($0.severity.rawValue): \(line($0))" }
        if stage.status == .skipped { out += errors.map { "error: \(line($0))" } }
        if !out.isEmpty {
            body.append("      <system-out>\(escape(out.joined(separator: "\n")))</system-out>")
        }
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
