import SubmissionStore

// The caller of every use case is a `Principal` (SubmissionStore): a role, the publisher a
// submitter acts for, and the actor name review events and batches record. The store turns a
// bearer token into one (`Tokens.authenticate`); the CLI, working on the database file itself,
// acts as `Principal.operator`.
//
// Who may see and do what, everywhere:
// - a submitter sees and changes only its own publisher's submissions and webhooks; another
//   publisher's submission is `notFound`, exactly as one that does not exist;
// - a reviewer reads every submission, works the queue, takes review actions and decisions,
//   and reads re-certifications; it does not submit, withdraw or manage webhooks;
// - an admin does all of that, and starts re-certifications, imports and creates tokens.
// A role that may not do something at all gets `forbidden`.

extension Principal {
    /// The person running `certify` against the database file (import, recertify, tokens
    /// create): whoever can open the file has every power, so an admin, with no token behind it.
    /// Recorded as `admin:LABEL`.
    public static func `operator`(_ label: String) -> Principal {
        Principal(tokenId: 0, role: .admin, publisher: nil, label: label)
    }
}

/// The visibility rule for one submission, shared by every use case that names one by id.
enum Visibility {
    /// The submission `id`, if `principal` may see it; another publisher's is `notFound`, the
    /// same as one that does not exist, so that ids cannot be probed.
    static func submission(_ id: String, visibleTo principal: Principal, in store: Store) async throws -> SubmissionSummary {
        guard let summary = try await store.submission(id: id), principal.canSee(publisher: summary.publisher) else {
            throw notFound(id)
        }
        return summary
    }

    static func notFound(_ id: String) -> UseCaseError {
        .notFound("No submission '\(messageExcerpt(id))' is visible to this token.")
    }
}
