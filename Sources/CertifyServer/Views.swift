import Certification
import Foundation
import SubmissionStore
import UseCases

/// `GET /v1/submissions/{id}`: state, revisions, latest run with stage statuses and counts.
struct SubmissionView: Encodable {
    var id: String
    var publisher: String
    var connector: String
    var state: String
    var stateChangedAt: Date
    var assignee: String?
    var revision: Int
    var createdAt: Date
    var revisions: [RevisionView]
    var latestRun: RunView?
    /// What the caller can do now (review actions).
    var allowedActions: [String]?
    /// In a 201 answer: what the intake noticed that the submitter should read at once.
    var notes: [String]?
    var links: [String: String]

    struct RevisionView: Encodable {
        var number: Int
        var createdAt: Date
        var submittedBy: String
        var fileName: String?
        var contentSha256: String
    }

    struct RunView: Encodable {
        var id: Int64
        var revision: Int
        var reason: String
        var state: String
        var verdict: String?
        var rulesetVersion: String
        var toolVersion: String
        var createdAt: Date
        var finishedAt: Date?
        var error: String?
        var stages: [StageView]
        var findings: [String: Int]
    }

    struct StageView: Encodable {
        var name: String
        var status: String
        var durationMs: Double
        var skipReason: String?
        var findings: Int
    }

    init(_ detail: SubmissionDetail, principal: Principal? = nil) {
        let s = detail.submission
        allowedActions = principal.map { Review.allowedActions(in: s.state, for: $0).map(\.rawValue) }
        notes = detail.notes
        id = s.id
        publisher = s.publisher
        connector = s.connector
        state = s.state
        stateChangedAt = s.stateChangedAt
        assignee = s.assignee
        revision = s.revision
        createdAt = s.createdAt
        revisions = detail.revisions.map {
            RevisionView(
                number: $0.number, createdAt: $0.createdAt, submittedBy: $0.submittedBy, fileName: $0.fileName,
                contentSha256: $0.contentSha256)
        }
        latestRun = detail.latestRun.map { stored in
            let r = stored.run
            return RunView(
                id: r.id, revision: r.revision, reason: r.reason, state: r.state, verdict: r.verdict,
                rulesetVersion: r.rulesetVersion, toolVersion: r.toolVersion, createdAt: r.createdAt,
                finishedAt: r.finishedAt, error: r.error,
                stages: stored.stages.map {
                    StageView(
                        name: $0.name, status: $0.status.rawValue, durationMs: $0.durationMs, skipReason: $0.skipReason,
                        findings: $0.findings.count)
                },
                findings: Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, stored.count($0)) }))
        }
        let base = "/v1/submissions/\(s.id)"
        links = [
            "self": base,
            "revisions": "\(base)/revisions",
            "report": "\(base)/report?format=html",
            "reportMarkdown": "\(base)/report?format=markdown",
            "reportJson": "\(base)/report?format=json",
        ]
    }
}

/// `GET /v1/queue`: a page of submissions, oldest in state first, with counts per state.
struct QueueView: Encodable {
    var items: [Item]
    var nextCursor: String?
    var counts: [String: Int]

    struct Item: Encodable {
        var id: String
        var publisher: String
        var connector: String
        var state: String
        var stateChangedAt: Date
        var ageSeconds: Int
        var assignee: String?
        var revision: Int
        var link: String
    }

    init(_ page: QueuePage, now: Date = Date()) {
        items = page.items.map {
            Item(
                id: $0.id, publisher: $0.publisher, connector: $0.connector, state: $0.state,
                stateChangedAt: $0.stateChangedAt, ageSeconds: max(0, Int(now.timeIntervalSince($0.stateChangedAt))),
                assignee: $0.assignee, revision: $0.revision, link: "/v1/submissions/\($0.id)")
        }
        nextCursor = page.nextCursor
        counts = page.counts
    }
}
