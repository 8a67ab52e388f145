import SubmissionStore

/// API tokens: who a bearer token stands for, and new ones (admins only). Only a token's
/// SHA-256 is stored.
public struct Tokens: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// The principal `token` stands for, or nil when it is unknown or revoked.
    public func authenticate(_ token: String) throws -> Principal? {
        try store.authenticate(token: token)
    }

    /// A new token, printed once: a submitter's needs the publisher it acts for.
    public func create(role: Principal.Role, publisher: String?, label: String?, by principal: Principal) throws -> String {
        guard principal.role == .admin else {
            throw UseCaseError.forbidden("Only an admin can create tokens.")
        }
        if role == .submitter && (publisher ?? "").isEmpty {
            throw UseCaseError.invalid("a submitter token needs a publisher")
        }
        return try store.createToken(role: role, publisher: publisher, label: label)
    }
}
