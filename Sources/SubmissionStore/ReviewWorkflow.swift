/// What a reviewer or publisher can do to a submission, and the state each action leads to.
/// Every transition is listed here; anything else is refused with the actions that are allowed.
public enum ReviewAction: String, Sendable, Codable, CaseIterable {
    case assign, unassign, comment, accept
    case requestChanges = "request-changes"
    case approve, reject, certify, withdraw

    /// The states the action can be taken from, and where it leads (nil: the state stays).
    public func transition(from state: SubmissionState) -> (allowed: Bool, to: SubmissionState?) {
        switch (self, state) {
        case (.comment, _):
            return (true, nil)
        case (.accept, .withdrawn), (.accept, .rejected):
            return (false, nil)
        case (.accept, _):
            return (true, nil)
        case (.assign, .awaitingReview):
            return (true, .inReview)
        case (.assign, .inReview), (.assign, .recertificationFailed), (.assign, .approved):
            return (true, nil)
        case (.unassign, .inReview):
            return (true, .awaitingReview)
        case (.unassign, .recertificationFailed), (.unassign, .approved):
            return (true, nil)
        case (.requestChanges, .awaitingReview), (.requestChanges, .inReview), (.requestChanges, .approved),
            (.requestChanges, .recertificationFailed):
            return (true, .changesRequired)
        case (.approve, .awaitingReview), (.approve, .inReview):
            return (true, .approved)
        case (.reject, .submitted), (.reject, .checking), (.reject, .changesRequired), (.reject, .awaitingReview),
            (.reject, .inReview), (.reject, .approved), (.reject, .recertificationFailed):
            return (true, .rejected)
        case (.certify, .approved), (.certify, .recertificationFailed):
            return (true, .certified)
        case (.withdraw, .submitted), (.withdraw, .checking), (.withdraw, .changesRequired),
            (.withdraw, .awaitingReview), (.withdraw, .inReview), (.withdraw, .approved):
            return (true, .withdrawn)
        default:
            return (false, nil)
        }
    }

    /// Who may take the action: reviewers and admins decide; the publisher (or an admin) withdraws.
    public func isPermitted(for role: Principal.Role) -> Bool {
        switch self {
        case .withdraw: role == .submitter || role == .admin
        case .comment: true
        default: role == .reviewer || role == .admin
        }
    }

    /// The actions `role` can take in `state`.
    public static func allowed(in state: SubmissionState, for role: Principal.Role) -> [ReviewAction] {
        allCases.filter { $0.isPermitted(for: role) && $0.transition(from: state).allowed }
    }
}

/// Why an action was refused.
public enum ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The action cannot be taken in the current state (HTTP 409).
    case notAllowed(action: String, state: String, allowed: [String])
    /// The caller's role may not take it (HTTP 403).
    case forbidden(String)
    /// The request is incomplete (HTTP 400).
    case invalid(String)
    /// The request conflicts with the submission's latest run: a finding it names is not there,
    /// or is an error; approval without a finished run free of errors (HTTP 409).
    case conflict(String)

    public var description: String {
        switch self {
        case .notAllowed(let action, let state, let allowed):
            "'\(action)' is not possible while the submission is \(state); allowed now: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", "))"
        case .forbidden(let message), .invalid(let message), .conflict(let message):
            message
        }
    }
}
