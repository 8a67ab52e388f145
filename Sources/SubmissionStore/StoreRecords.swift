import Certification
import Foundation

// The store's rows as typed records, decoded by column name (`SQLRowDecoder`): states, run
// reasons, verdicts and roles are enums, so a value the code does not know is an error where it
// is read, not a string passed on.

/// A run's state, as stored in `run.state`.
public enum RunState: String, Sendable, Codable, CaseIterable {
    case queued, running, finished, failed
}

/// A row of `submission`.
struct SubmissionRow: Decodable {
    var id: String
    var publisher: String
    var connector: String
    var state: SubmissionState
    var stateChangedAt: Date
    var assignee: String?
    var revision: Int
    var createdAt: Date

    var summary: SubmissionSummary {
        SubmissionSummary(
            id: id, publisher: publisher, connector: connector, state: state.rawValue, stateChangedAt: stateChangedAt,
            assignee: assignee, revision: revision, createdAt: createdAt)
    }
}

/// A row of `run`.
struct RunRow: Decodable {
    var id: Int64
    var submissionId: String
    var revision: Int
    var reason: RunReason
    var state: RunState
    var verdict: PackageResult.Verdict?
    var stages: String
    var rulesetVersion: String
    var toolVersion: String
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var error: String?

    var record: RunRecord {
        RunRecord(
            id: id, submissionId: submissionId, revision: revision, reason: reason.rawValue, state: state.rawValue,
            verdict: verdict?.rawValue, stages: stages, rulesetVersion: rulesetVersion, toolVersion: toolVersion,
            createdAt: createdAt, startedAt: startedAt, finishedAt: finishedAt, error: error)
    }
}

/// A row of `api_token`, as the principal it stands for.
struct TokenRow: Decodable {
    var id: Int64
    var role: Principal.Role
    var publisher: String?
    var label: String?

    var principal: Principal { Principal(tokenId: id, role: role, publisher: publisher, label: label) }
}

extension SQLRow {
    /// This row as a `T`, by column names.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try SQLRowDecoder.decode(type, from: self)
    }
}
