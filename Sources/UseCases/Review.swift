import Foundation
import SubmissionStore

/// What reviewers and publishers do to a submission: assign, unassign, comment, accept a
/// finding, request changes, approve, reject, certify, withdraw; and its accepted findings.
public struct Review: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// The decisions, which `POST /v1/submissions/{id}/decision` takes.
    public static let decisions: Set<ReviewAction> = [.approve, .reject, .requestChanges, .certify]

    /// The actions `principal` can take on a submission in `state` now.
    public static func allowedActions(in state: String, for principal: Principal) -> [ReviewAction] {
        ReviewAction.allowed(in: SubmissionState(rawValue: state) ?? .submitted, for: principal.role)
    }

    /// Takes `request` on the submission `id`: refused as `forbidden` when the caller's role may
    /// not take the action at all (reviewers and admins decide; the publisher or an admin
    /// withdraws), `notFound` when the caller does not see the submission, `invalid` for a
    /// malformed fingerprint, `notAllowed` when the submission's state does not allow the action,
    /// and `invalid` or `conflict` for what the action itself needs. Returns the submission as it is after.
    public func perform(_ request: ReviewRequest, on id: String, by principal: Principal) async throws -> SubmissionDetail {
        guard request.action.isPermitted(for: principal.role) else {
            throw UseCaseError.forbidden(
                "A \(principal.role.rawValue) token cannot '\(request.action.rawValue)'; \(request.action == .withdraw ? "the publisher or an admin" : "a reviewer or admin") can."
            )
        }
        _ = try await Visibility.submission(id, visibleTo: principal, in: store)
        do {
            // The store checks the fingerprint's form and the transition, and the role and the
            // visibility again, inside the transaction that takes the action.
            _ = try await store.perform(request, on: id, by: principal)
        } catch StoreError.notFound {
            throw Visibility.notFound(id)
        } catch let error as ReviewError {
            switch error {
            case .notAllowed(_, let state, let allowed):
                throw UseCaseError.notAllowed(message: error.description, state: state, allowedActions: allowed)
            case .forbidden(let message): throw UseCaseError.forbidden(message)
            case .invalid(let message): throw UseCaseError.invalid(message)
            case .conflict(let message): throw UseCaseError.conflict(message)
            }
        }
        guard let detail = try await store.submissionDetail(id: id) else { throw Visibility.notFound(id) }
        return detail
    }

    /// The submission's accepted findings with reason, actor and expiry.
    public func acceptedFindings(of id: String, by principal: Principal) async throws -> [AcceptedFinding] {
        let summary = try await Visibility.submission(id, visibleTo: principal, in: store)
        return try await store.acceptedFindings(submissionId: summary.id)
    }
}
