import Certification
import Foundation

/// The `certify check --format json` contract: one object, `summary` and `packages`. Keys that do
/// not apply are omitted. Tools outside depend on these names; change them only with the contract.
enum JSONReportRenderer {
    static func render(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding fails only on non-finite numbers, which `Document` never holds.
        guard let data = try? encoder.encode(Document(report)) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct Document: Encodable {
        var summary: Summary
        var packages: [Package]

        init(_ report: Report) {
            summary = Summary(
                packages: report.packages.count, passed: report.passed, failed: report.failed,
                errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info),
                generatedAt: report.generatedAt, toolVersion: report.toolVersion)
            packages = report.packages.map(Package.init)
        }
    }

    struct Summary: Encodable {
        var packages: Int
        var passed: Int
        var failed: Int
        var errors: Int
        var warnings: Int
        var infos: Int
        var generatedAt: Date
        var toolVersion: String
    }

    struct Package: Encodable {
        var path: String
        var verdict: String
        var stages: [Stage]
        var findings: [FindingEntry]
        /// Label to value; omitted when the report has no facts.
        var facts: [String: String]?
        /// Omitted when there is no review history (`certify check`).
        var history: [HistoryEntry]?
        /// The submission's accepted findings; omitted when there are none.
        var accepted: [AcceptedEntry]?

        init(_ package: PackageReport) {
            path = package.location
            verdict = package.verdict.rawValue
            stages = package.stages.map(Stage.init)
            findings = package.findings.map(FindingEntry.init)
            facts =
                package.facts.isEmpty
                ? nil : Dictionary(package.facts.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first })
            history = package.history.isEmpty ? nil : package.history.map(HistoryEntry.init)
            accepted = package.accepted.isEmpty ? nil : package.accepted.map(AcceptedEntry.init)
        }
    }

    struct AcceptedEntry: Encodable {
        var ruleId: String
        var place: String?
        var fingerprint: String
        var reason: String
        var actor: String
        var at: Date
        var expiresAt: Date?

        init(_ entry: PackageReport.AcceptedEntry) {
            ruleId = entry.ruleId
            place = entry.place
            fingerprint = entry.fingerprint
            reason = entry.reason
            actor = entry.actor
            at = entry.at
            expiresAt = entry.expiresAt
        }
    }

    struct Stage: Encodable {
        var name: String
        var status: String
        var durationMs: Double
        var skipReason: String?
        /// What the stage did, in one line (the probe summary).
        var summary: String?

        init(_ stage: StageResult) {
            summary = stage.summary
            name = stage.name
            status = stage.status.rawValue
            durationMs = stage.durationMs.isFinite ? (stage.durationMs * 1000).rounded() / 1000 : 0
            skipReason = stage.skipReason
        }
    }

    struct FindingEntry: Encodable {
        var ruleId: String
        var severity: String
        var stage: String
        var message: String
        var file: String?
        var pointer: String?
        var line: Int?
        var column: Int?
        var operation: String?
        var fingerprint: String

        init(_ finding: Finding) {
            ruleId = finding.ruleId
            severity = finding.severity.rawValue
            stage = finding.stage
            message = finding.message
            file = finding.file
            pointer = finding.pointer
            line = finding.line
            column = finding.column
            operation = finding.operation
            fingerprint = finding.fingerprint
        }
    }

    struct HistoryEntry: Encodable {
        var at: Date
        var actor: String
        var kind: String
        var fromState: String?
        var toState: String?
        var text: String?
        /// The finding the event is about: "rule at place".
        var about: String?

        init(_ entry: PackageReport.HistoryEntry) {
            about = entry.about
            at = entry.at
            actor = entry.actor
            kind = entry.action  // the published key stays `kind`
            fromState = entry.fromState
            toState = entry.toState
            text = entry.text
        }
    }
}
