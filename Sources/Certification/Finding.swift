import ConnectorPackage
import Crypto
import Foundation

/// How much a finding matters: `error` blocks certification, `warning` needs a reviewer's eye.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found by one rule, at one place. The same shape everywhere: in the stages, the
/// store, the JSON output and every report.
extension Finding {
    /// Whether a reviewer may accept this finding: warnings and infos, and the breaking-change
    /// errors Microsoft's reviewers let through once the publisher confirms (all breaking-*
    /// rules but the authentication type, which an update may never change).
    public var isAcceptable: Bool { Self.isAcceptable(ruleId: ruleId, severity: severity) }

    public static func isAcceptable(ruleId: String, severity: Severity) -> Bool {
        severity != .error || (ruleId.hasPrefix("breaking-") && ruleId != "breaking-auth-type-changed")
    }
}

public struct Finding: Codable, Sendable, Hashable {
    public var ruleId: String
    public var severity: Severity
    public var stage: String
    public var message: String
    /// Path of the file inside the package, when the finding is about a file.
    public var file: String?
    /// RFC 6901 JSON Pointer inside `file`, where it applies.
    public var pointer: String?
    public var line: Int?
    public var column: Int?
    /// operationId or `METHOD /path`, for probes.
    public var operation: String?
    /// Request and response excerpts, secrets redacted (probes).
    public var evidence: String?
    /// Stable across revisions and runs: rule, file, pointer or operation, and the problem's
    /// signature, never line numbers.
    public var fingerprint: String

    public init(
        ruleId: String, severity: Severity, stage: String, message: String,
        file: String? = nil, pointer: String? = nil, line: Int? = nil, column: Int? = nil,
        operation: String? = nil, evidence: String? = nil, signature: String = ""
    ) {
        self.ruleId = ruleId
        self.severity = severity
        self.stage = stage
        self.message = message
        self.file = file
        self.pointer = pointer
        self.line = line
        self.column = column
        self.operation = operation
        self.evidence = evidence
        self.fingerprint = Finding.fingerprint(
            ruleId: ruleId, file: file, location: pointer ?? operation, signature: signature)
    }

    public static func fingerprint(ruleId: String, file: String?, location: String?, signature: String) -> String {
        let text = [ruleId, file ?? "", location ?? "", signature].joined(separator: "\u{1F}")
        let digest = SHA256.hash(data: Array(text.utf8))
        return hexString(digest.prefix(12))
    }
}

extension Finding {
    /// Findings in report order: by file, then position, then rule.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        let fa = a.file ?? ""
        let fb = b.file ?? ""
        if fa != fb { return fa < fb }
        let la = a.line ?? 0
        let lb = b.line ?? 0
        if la != lb { return la < lb }
        let ca = a.column ?? 0
        let cb = b.column ?? 0
        if ca != cb { return ca < cb }
        if a.ruleId != b.ruleId { return a.ruleId < b.ruleId }
        return a.fingerprint < b.fingerprint
    }
}
