import Certification
import Foundation
import StageCatalog

/// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, editors): one run per report, whose
/// rules are the catalogue entries the findings used and whose results are the findings, in
/// report order, package after package.
///
/// - Artifact URIs are the package path joined with the file's path in the package,
///   percent-encoded, relative to the base `SRCROOT` (the directory `certify check` ran in, or
///   the store for a submission); an absolute package path becomes a `file:` URI with no base.
///   A finding about no file points at the package itself.
/// - Operations (probes) are logical locations of kind `function`; JSON Pointers are logical
///   locations of kind `value` (RFC 6901 points at a JSON value; SARIF's kinds for JSON are
///   `object`, `array`, `property` and `value`), with the pointer as fully qualified name.
/// - `partialFingerprints["certify/v1"]` is the finding's fingerprint, which ignores line
///   numbers, so code-scanning alerts follow a problem across revisions.
/// - Each rule's `helpUri` is `https://certify.example/rules/ID`: SARIF requires an absolute
///   URI there, and the same explanation is printed by `certify rules explain ID`.
enum SARIFReportRenderer {
    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    static let informationURI = "https://certify.example"
    static let ruleHelpBase = "https://certify.example/rules/"
    static let sourceRootBase = "SRCROOT"
    static let fingerprintKey = "certify/v1"

    static func render(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding fails only on non-finite numbers, which the log never holds.
        guard let data = try? encoder.encode(Log(report)) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    static func helpURI(_ ruleId: String) -> String {
        ruleHelpBase + percentEncoded(ruleId)
    }

    /// "SwaggerInfoTitle" for "swagger-info-title": SARIF's `name` is an identifier-like word.
    static func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// Where a finding's file is, as an artifact location: the package path and the file's path
    /// inside it, or the package itself when the finding is about no file.
    static func artifactLocation(package: String, file: String?) -> ArtifactLocation {
        var root = package
        while root.hasPrefix("./") { root.removeFirst(2) }
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        if root == "." { root = "" }
        var path = file ?? ""
        while path.hasPrefix("/") { path.removeFirst() }
        let joined = [root, path].filter { !$0.isEmpty }.joined(separator: root.hasSuffix("/") ? "" : "/")
        if joined.hasPrefix("/") {
            return ArtifactLocation(uri: "file://" + percentEncoded(joined), uriBaseId: nil)
        }
        return ArtifactLocation(uri: percentEncoded(joined), uriBaseId: sourceRootBase)
    }

    /// RFC 3986 path characters kept as they are, everything else (":" included, so that a
    /// first segment never reads as a scheme) percent-encoded as UTF-8.
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where "-._~/!$&'()*+,;=@".utf8.contains(byte):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    // MARK: The log

    struct Log: Encodable {
        var schema = SARIFReportRenderer.schemaURI
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", version, runs
        }

        init(_ report: Report) {
            runs = [Run(report)]
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var originalUriBaseIds: [String: BaseLocation]
        var columnKind = "unicodeCodePoints"
        var results: [Result]
        var properties: RunProperties

        init(_ report: Report) {
            let ruleIds = report.ruleIdsUsed
            let index = Dictionary(uniqueKeysWithValues: ruleIds.enumerated().map { ($1, $0) })
            tool = Tool(
                driver: Driver(
                    name: "certify", version: report.toolVersion, informationUri: SARIFReportRenderer.informationURI,
                    rules: ruleIds.map(Rule.init)))
            invocations = [Invocation(executionSuccessful: true, endTimeUtc: report.generatedAt)]
            originalUriBaseIds = [
                SARIFReportRenderer.sourceRootBase: BaseLocation(
                    description: Message(
                        text: "The directory certify check ran in, or the submission store for a stored submission."))
            ]
            results = report.packages.flatMap { package in
                package.findings.map { Result($0, package: package.location, ruleIndex: index[$0.ruleId] ?? 0) }
            }
            properties = RunProperties(
                title: report.title, packages: report.packages.map(PackageProperties.init))
        }
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name: String
        var version: String
        var informationUri: String
        var rules: [Rule]
    }

    struct Rule: Encodable {
        var id: String
        var name: String?
        var shortDescription: Message?
        var fullDescription: Message?
        var help: Message?
        var helpUri: String
        var defaultConfiguration: Configuration?
        var properties: RuleProperties?

        /// A rule the catalogue no longer holds (an old stored run) keeps its id and nothing else.
        init(_ id: String) {
            self.id = id
            helpUri = SARIFReportRenderer.helpURI(id)
            guard let rule = RuleCatalog.rule(id) else { return }
            name = SARIFReportRenderer.ruleName(id)
            shortDescription = Message(text: rule.summary)
            fullDescription = Message(text: "\(rule.summary) Source: \(rule.source)")
            help = Message(text: "\(rule.fix)\n\nSource: \(rule.source)")
            defaultConfiguration = Configuration(level: SARIFReportRenderer.level(rule.severity))
            properties = RuleProperties(stage: rule.stage, tags: [rule.stage])
        }
    }

    struct RuleProperties: Encodable {
        var stage: String
        var tags: [String]
    }

    struct Configuration: Encodable {
        var level: String
    }

    struct Message: Encodable {
        var text: String
    }

    struct Invocation: Encodable {
        /// The run itself succeeded; findings do not make it unsuccessful.
        var executionSuccessful: Bool
        var endTimeUtc: Date
    }

    struct BaseLocation: Encodable {
        var description: Message
    }

    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var partialFingerprints: [String: String]
        var properties: ResultProperties

        init(_ finding: Finding, package: String, ruleIndex: Int) {
            ruleId = finding.ruleId
            self.ruleIndex = ruleIndex
            level = SARIFReportRenderer.level(finding.severity)
            message = Message(text: finding.message)
            locations = [Location(finding, package: package)]
            partialFingerprints = [SARIFReportRenderer.fingerprintKey: finding.fingerprint]
            properties = ResultProperties(
                package: package, stage: finding.stage, pointer: finding.pointer, operation: finding.operation,
                evidence: finding.evidence)
        }
    }

    struct ResultProperties: Encodable {
        var package: String
        var stage: String
        var pointer: String?
        var operation: String?
        var evidence: String?
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
        var logicalLocations: [LogicalLocation]?

        init(_ finding: Finding, package: String) {
            var region: Region?
            if let line = finding.line, line >= 1 {
                region = Region(startLine: line, startColumn: finding.column.flatMap { $0 >= 1 ? $0 : nil })
            }
            physicalLocation = PhysicalLocation(
                artifactLocation: SARIFReportRenderer.artifactLocation(package: package, file: finding.file),
                region: region)
            var logical: [LogicalLocation] = []
            if let operation = finding.operation {
                logical.append(LogicalLocation(name: operation, fullyQualifiedName: operation, kind: "function"))
            }
            if let pointer = finding.pointer {
                let last = pointer.split(separator: "/", omittingEmptySubsequences: false).last.map {
                    $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                }
                logical.append(
                    LogicalLocation(
                        name: pointer.isEmpty ? nil : last, fullyQualifiedName: pointer, kind: "value"))
            }
            logicalLocations = logical.isEmpty ? nil : logical
        }
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }

    struct ArtifactLocation: Encodable {
        var uri: String
        var uriBaseId: String?
    }

    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int?
    }

    struct LogicalLocation: Encodable {
        var name: String?
        var fullyQualifiedName: String
        var kind: String
    }

    struct RunProperties: Encodable {
        var title: String
        var packages: [PackageProperties]
    }

    /// What the findings alone do not say: each package's verdict, stages and facts.
    struct PackageProperties: Encodable {
        var name: String
        var verdict: String
        var stages: [StageProperties]
        var facts: [String: String]?

        init(_ package: PackageReport) {
            name = package.location
            verdict = package.verdict.rawValue
            stages = package.stages.map {
                StageProperties(name: $0.name, status: $0.status.rawValue, skipReason: $0.skipReason)
            }
            facts =
                package.facts.isEmpty
                ? nil : Dictionary(package.facts.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
    }

    struct StageProperties: Encodable {
        var name: String
        var status: String
        var skipReason: String?
    }
}
