import Certification
import Foundation

/// Findings as CI systems annotate them: one line per finding that the CI page shows on the file,
/// line and column, then a plain summary line.
///
/// - GitHub Actions workflow commands:
///   `::error file=F,line=L,col=C,title=RULE::MESSAGE` (`warning` for warnings, `notice` for
///   infos). In the message `%`, `\r` and `\n` are escaped as `%25`, `%0D`, `%0A`; in a property
///   value `:` and `,` too (`%3A`, `%2C`), as GitHub's toolkit does.
/// - Azure Pipelines logging commands (what Microsoft's own connector pipeline prints):
///   `##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=RULE;]MESSAGE`
///   (`warning` for warnings; Azure has no info level, so infos are plain lines). In the message
///   `%`, `\r`, `\n` are escaped as `%AZP25`, `%0D`, `%0A`; in a property value `;` and `]` too
///   (`%3B`, `%5D`), as the Azure Pipelines task library does.
public enum CIAnnotationRenderer {
    public static func github(_ report: Report) -> String {
        var lines: [String] = []
        for package in report.packages {
            for finding in ordered(package) {
                let command =
                    switch finding.severity {
                    case .error: "error"
                    case .warning: "warning"
                    case .info: "notice"
                    }
                var properties: [String] = []
                if let file = path(of: finding, in: package) {
                    properties.append("file=\(githubProperty(file))")
                    if let line = finding.line { properties.append("line=\(line)") }
                    if let column = finding.column { properties.append("col=\(column)") }
                }
                properties.append("title=\(githubProperty("\(finding.ruleId) (\(finding.severity.rawValue))"))")
                lines.append("::\(command) \(properties.joined(separator: ","))::\(githubMessage(message(finding)))")
            }
        }
        lines.append(summary(report))
        return lines.joined(separator: "\n") + "\n"
    }

    public static func azure(_ report: Report) -> String {
        var lines: [String] = []
        for package in report.packages {
            for finding in ordered(package) {
                guard finding.severity != .info else {
                    lines.append("info: \(location(finding, in: package)): \(azureMessage(message(finding)))")
                    continue
                }
                var properties = ["type=\(finding.severity == .error ? "error" : "warning")"]
                if let file = path(of: finding, in: package) {
                    properties.append("sourcepath=\(azureProperty(file))")
                    if let line = finding.line { properties.append("linenumber=\(line)") }
                    if let column = finding.column { properties.append("columnnumber=\(column)") }
                }
                properties.append("code=\(azureProperty(finding.ruleId))")
                lines.append("##vso[task.logissue \(properties.joined(separator: ";"));]\(azureMessage(message(finding)))")
            }
        }
        lines.append(summary(report))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Errors first, then warnings, then infos; within each, by file and place.
    static func ordered(_ package: PackageReport) -> [Finding] {
        package.findings.sorted { a, b in
            a.severity != b.severity ? a.severity > b.severity : Finding.reportOrder(a, b)
        }
    }

    /// The file as the repository knows it: the package's path joined with the file's, for a
    /// folder; the file alone for anything else (a zip, a stored submission).
    static func path(of finding: Finding, in package: PackageReport) -> String? {
        guard let file = finding.file else { return nil }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: package.location, isDirectory: &isDirectory), isDirectory.boolValue {
            return (package.location as NSString).appendingPathComponent(file)
        }
        return file
    }

    static func location(_ finding: Finding, in package: PackageReport) -> String {
        guard let file = path(of: finding, in: package) else { return package.location }
        return [file, finding.line.map(String.init), finding.column.map(String.init)].compactMap { $0 }.joined(separator: ":")
    }

    /// The message, with the JSON Pointer when there is one and the rule id.
    static func message(_ finding: Finding) -> String {
        var text = finding.message
        if let pointer = finding.pointer, !pointer.isEmpty { text += " (at \(pointer))" }
        return text + " [\(finding.ruleId)]"
    }

    static func summary(_ report: Report) -> String {
        "certify: \(ReportWording.plural(report.packages.count, "package")), \(report.failed) failed: "
            + ReportWording.severityCounts(
                errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info))
    }

    static func githubMessage(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func githubProperty(_ text: String) -> String {
        githubMessage(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    static func azureMessage(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%AZP25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func azureProperty(_ text: String) -> String {
        azureMessage(text).replacingOccurrences(of: ";", with: "%3B").replacingOccurrences(of: "]", with: "%5D")
    }
}
