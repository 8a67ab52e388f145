import SubmissionStore

/// API tokens: who a bearer token stands for, and new ones (admins only). Only a token's
/// SHA-256 is stored.
public struct Tokens: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// The principal `token` stands for, or nil when it is unknown or revoked.
    public func authenticate(_ token: String) async throws -> Principal? {
        try await store.authenticate(token: token)
    }

    /// A new token, printed once: a submitter's needs the publisher it acts for.
    public func create(role: Principal.Role, publisher: String?, label: String?, by principal: Principal) async throws -> String {
        guard principal.role == .admin else {
            throw UseCaseError.forbidden("Only an admin can create tokens.")
        }
        if role == .submitter && (publisher ?? "").isEmpty {
            throw UseCaseError.invalid("a submitter token needs a publisher")
        }
        return try await store.createToken(role: role, publisher: publisher, label: label)
    }
}

extension Tokens {
    /// Every token by label and role, newest first (admins only); never the token itself.
    public func list(by principal: Principal) async throws -> [TokenRecord] {
        guard principal.role == .admin else { throw UseCaseError.forbidden("Only an admin can list tokens.") }
        return try await store.tokens()
    }

    /// Revokes token `id`: its bearer use and its console sessions end at once (admins only).
    public func revoke(_ id: Int64, by principal: Principal) async throws {
        guard principal.role == .admin else { throw UseCaseError.forbidden("Only an admin can revoke tokens.") }
        guard try await store.revokeToken(id: id) else {
            throw UseCaseError.notFound("No token \(id), or it is already revoked.")
        }
    }

    /// The principal behind a console session's token, unless the token has been revoked.
    public func principal(tokenId: Int64) async throws -> Principal? {
        try await store.principal(tokenId: tokenId)
    }
}
