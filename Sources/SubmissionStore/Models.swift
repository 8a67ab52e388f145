import Certification
import Foundation

/// Who is calling, from their bearer token.
public struct Principal: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        case submitter, reviewer, admin
    }

    public var tokenId: Int64
    public var role: Role
    /// The publisher a submitter acts for; nil for reviewers and admins.
    public var publisher: String?
    public var label: String?

    public init(tokenId: Int64, role: Role, publisher: String?, label: String?) {
        self.tokenId = tokenId
        self.role = role
        self.publisher = publisher
        self.label = label
    }

    /// How the principal appears in review events.
    public var actor: String {
        "\(role.rawValue):\(label ?? publisher ?? "token-\(tokenId)")"
    }

    public var canReview: Bool { role == .reviewer || role == .admin }

    /// Whether this principal may see submissions of `publisher`.
    public func canSee(publisher other: String) -> Bool {
        role != .submitter || publisher == other
    }
}

/// The review states of a submission.
public enum SubmissionState: String, Sendable, Codable, CaseIterable {
    case submitted
    case checking
    case changesRequired = "changes-required"
    case awaitingReview = "awaiting-review"
    case inReview = "in-review"
    case approved
    case certified
    case rejected
    case withdrawn
    case recertificationFailed = "recertification-failed"

    /// States a reviewer's queue shows unless asked otherwise: work not yet finished.
    public static let open: [SubmissionState] = [
        .submitted, .checking, .changesRequired, .awaitingReview, .inReview, .approved, .recertificationFailed,
    ]
}

public struct SubmissionSummary: Sendable, Codable, Hashable {
    public var id: String
    public var publisher: String
    public var connector: String
    public var state: String
    public var stateChangedAt: Date
    public var assignee: String?
    /// The latest revision's number (the API's `revision`).
    public var revision: Int
    public var createdAt: Date
}

public struct RevisionRecord: Sendable, Codable, Hashable {
    public var number: Int
    public var blobSha256: String
    public var contentSha256: String
    public var fileName: String?
    public var submittedBy: String
    public var createdAt: Date
}

public struct RunRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var submissionId: String
    public var revision: Int
    public var reason: String
    public var state: String
    public var verdict: String?
    public var stages: String
    public var rulesetVersion: String
    public var toolVersion: String
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?
}

/// A finished run as stored: its stages and findings.
public struct StoredRun: Sendable, Codable {
    public var run: RunRecord
    public var stages: [StageResult]

    public var findings: [Finding] { stages.flatMap(\.findings) }

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}

public struct ReviewEvent: Sendable, Codable, Hashable {
    public var id: Int64
    public var revision: Int?
    public var actor: String
    public var action: String
    public var fromState: String?
    public var toState: String?
    public var text: String?
    public var fingerprint: String?
    public var createdAt: Date
}

/// Everything about one submission that its status page needs.
public struct SubmissionDetail: Sendable, Codable {
    public var submission: SubmissionSummary
    public var revisions: [RevisionRecord]
    public var latestRun: StoredRun?
    public var events: [ReviewEvent]
    /// What the intake noticed about the upload that a person should read at once (the 201
    /// answer's `notes`), such as a publisher other than the account's; not stored.
    public var notes: [String]? = nil
}

/// Why a run was made, as stored in `run.reason`.
public enum RunReason: String, Sendable, Codable, CaseIterable {
    /// A publisher's upload (a new submission or revision): its verdict moves the submission.
    case submission
    /// `certify import`: the baseline run of a connector seeded as certified; the state stays.
    case `import`
    /// A run of a re-certification batch.
    case recertification
}

/// A job a worker has leased.
public struct ClaimedJob: Sendable, Hashable {
    public var jobId: Int64
    public var runId: Int64
    public var submissionId: String
    public var revision: Int
    public var stages: [String]
    public var attempts: Int
    public var leaseOwner: String
    public var reason: RunReason
    public var rulesetVersion: String
    /// The submission's accepted findings, by fingerprint.
    public var acceptedFindings: Set<String>
}

/// Filters for the reviewers' queue.
public struct QueueFilter: Sendable, Hashable {
    public var states: [String]
    public var publisher: String?
    public var assignee: String?
    /// Only submissions that have been in their state at least this long.
    public var minimumAgeSeconds: Double?
    public var limit: Int
    public var cursor: String?

    public static let maximumLimit = 200

    public init(
        states: [String] = SubmissionState.open.map(\.rawValue), publisher: String? = nil, assignee: String? = nil,
        minimumAgeSeconds: Double? = nil, limit: Int = 50, cursor: String? = nil
    ) {
        self.states = states
        self.publisher = publisher
        self.assignee = assignee
        self.minimumAgeSeconds = minimumAgeSeconds
        self.limit = limit
        self.cursor = cursor
    }
}

public struct QueuePage: Sendable, Codable {
    public var items: [SubmissionSummary]
    public var nextCursor: String?
    /// Submissions per state, over the publisher and assignee filters (not the state filter).
    public var counts: [String: Int]
}

/// Numbers for /metrics.
public struct StoreStatistics: Sendable {
    public var submissionsByState: [String: Int]
    public var jobsByState: [String: Int]
    public var runsByVerdict: [String: Int]
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case leaseLost(jobId: Int64)
    case invalid(String)
    /// A row did not hold what the store expected (a schema out of step with the code).
    case column(String)
    /// The database could not be reached or refused a statement.
    case database(String)

    public var description: String {
        switch self {
        case .column(let message): "the store read an unexpected row: \(message)"
        case .database(let message): message
        case .notFound(let what): "\(what) not found"
        case .leaseLost(let jobId): "job \(jobId): the lease was lost to another worker; results not written"
        case .invalid(let message): message
        }
    }
}
