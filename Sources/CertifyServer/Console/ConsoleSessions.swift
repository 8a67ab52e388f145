import Foundation
import Hummingbird
import HummingbirdAuth
import SubmissionStore
import UseCases

/// What a signed-in browser's session holds: the token it signed in with (checked against the
/// store on every request, so revoking the token ends the session) and the CSRF token every
/// state-changing form must carry.
public struct ConsoleSession: Codable, Sendable, Equatable {
    public var tokenId: Int64
    public var csrf: String
    public var signedInAt: Date

    public init(tokenId: Int64, csrf: String = ConsoleSecurity.randomToken(), signedInAt: Date = Date()) {
        self.tokenId = tokenId
        self.csrf = csrf
        self.signedInAt = signedInAt
    }
}

/// How long a console session lasts after sign-in, and the cookie it travels in.
public struct ConsoleSessionSettings: Sendable {
    /// A session ends this long after sign-in; the person signs in again.
    public var lifetime: Duration = .seconds(8 * 60 * 60)
    /// Set when the server is reached over TLS (directly or behind a proxy that terminates it):
    /// the cookie then carries `Secure` and the sign-in form's cookie too.
    public var secureCookies: Bool = false
    /// The server's public base URL (`serve --public-url`): forms whose `Origin` is its origin are
    /// this server's, also when a proxy in front rewrites the Host header.
    public var publicURL: String?

    public init(lifetime: Duration = .seconds(8 * 60 * 60), secureCookies: Bool = false, publicURL: String? = nil) {
        self.lifetime = lifetime
        self.secureCookies = secureCookies
        self.publicURL = publicURL
    }

    static let cookieName = "certify_session"
    /// What hummingbird-auth puts before a session id to make its storage key.
    static let keyPrefix = "console."

    var middlewareConfiguration: SessionMiddlewareConfiguration {
        SessionMiddlewareConfiguration(
            sessionCookieParameters: SessionCookieParameters(
                name: Self.cookieName, path: "/", secure: secureCookies, sameSite: .strict),
            keyPrefix: Self.keyPrefix, defaultSessionExpiration: lifetime)
    }
}

/// hummingbird-auth's session storage, kept in the submission store: only the SHA-256 of each
/// session key is written (the cookie's value never is), with the token the session belongs to.
struct StoreSessionDriver: PersistDriver {
    let store: Store

    /// The token id of a stored session value, when it is a console session.
    private struct TokenReference: Decodable { var tokenId: Int64? }

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let (text, tokenId) = try encode(value)
        guard try await store.saveSession(key: key, tokenId: tokenId, value: text, expiresAt: deadline(expires), create: true)
        else { throw PersistError.duplicate }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let (text, tokenId) = try encode(value)
        _ = try await store.saveSession(key: key, tokenId: tokenId, value: text, expiresAt: deadline(expires), create: false)
    }

    func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        guard let stored = try await store.session(key: key) else { return nil }
        return try? JSONDecoder().decode(Object.self, from: Data(stored.value.utf8))
    }

    func remove(key: String) async throws {
        try await store.removeSession(key: key)
    }

    func shutdown() async throws {}

    func run() async throws {}

    private func encode<Object: Encodable>(_ value: Object) throws -> (String, Int64?) {
        let data = try JSONEncoder().encode(value)
        let tokenId = (try? JSONDecoder().decode(TokenReference.self, from: data))?.tokenId
        return (String(decoding: data, as: UTF8.self), tokenId)
    }

    private func deadline(_ expires: Duration?) -> Double? {
        expires.map { Date().timeIntervalSince1970 + Double($0.components.seconds) }
    }
}
