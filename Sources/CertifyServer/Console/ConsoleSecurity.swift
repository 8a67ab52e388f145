import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import UseCases

/// The console's defences, in one place: random tokens, the headers every page carries, the
/// CSRF and origin checks every state-changing form passes, and the form body limits.
public enum ConsoleSecurity {
    /// 32 random bytes from the system's CSPRNG, as unpadded base64url.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Largest url-encoded form body a console page posts (comments, reasons, token labels).
    public static let maximumFormBytes = 64 * 1024
    /// Longest comment, reason or other text field, in UTF-8 bytes.
    public static let maximumTextFieldBytes = 16 * 1024

    /// The cookie that carries the sign-in form's CSRF token before there is a session.
    static let signInCookieName = "certify_signin"

    /// The Content-Security-Policy of a page whose inline scripts carry `nonce`: nothing loads
    /// from anywhere but this server, no inline script runs without the nonce, no framing.
    static func contentSecurityPolicy(nonce: String) -> String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'nonce-\(nonce)'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    static func addPageHeaders(to headers: inout HTTPFields, nonce: String) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy(nonce: nonce)
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[.cacheControl] = "no-store"
    }

    /// Equal strings, compared in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// Refuses a state-changing request that another site could have made: one whose `Origin`
    /// (or, without it, `Sec-Fetch-Site`) says it came from elsewhere. 403, nothing changed.
    /// Checked before the body is read.
    /// `publicURL` (`serve --public-url`) is the origin browsers use when a proxy in front of the
    /// server rewrites the Host header; a form from it is this server's too.
    static func checkOrigin(_ request: Request, publicURL: String? = nil) throws {
        if let origin = request.headers[HTTPField.Name("Origin")!] {
            guard origin != "null", let url = URL(string: origin), let host = url.host,
                let authority = request.head.authority ?? request.headers[HTTPField.Name("Host")!],
                sameAuthority(host: host, port: url.port, scheme: url.scheme, authority: authority)
                    || sameOrigin(url, publicURL.flatMap(URL.init(string:)))
            else {
                throw HTTPError(
                    .forbidden,
                    message: "This form was sent from another site (Origin \(QueryParameters.excerpt(origin))); nothing was changed.")
            }
        } else if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
            throw HTTPError(.forbidden, message: "This form was sent from another site; nothing was changed.")
        }
    }

    /// Refuses a form whose `_csrf` field does not match `expected` (the session's token, or the
    /// sign-in cookie's). 403, nothing changed.
    static func checkToken(_ given: String?, expected: String?) throws {
        guard let given, let expected, constantTimeEqual(given, expected) else {
            throw HTTPError(
                .forbidden,
                message:
                    "This form's security token is missing or out of date (it is renewed at each sign-in); nothing was changed. Reload the page and try again."
            )
        }
    }

    /// Whether two URLs have the same scheme, host and port (the default port when none is written).
    static func sameOrigin(_ a: URL, _ b: URL?) -> Bool {
        guard let b, let aHost = a.host, let bHost = b.host else { return false }
        func port(_ url: URL) -> Int { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && aHost.lowercased() == bHost.lowercased() && port(a) == port(b)
    }

    static func sameAuthority(host: String, port: Int?, scheme: String?, authority: String) -> Bool {
        let defaultPort = scheme == "https" ? 443 : 80
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        let authorityHost: Substring
        let authorityPort: Int
        if authority.hasPrefix("[") {
            // An IPv6 literal: [::1]:8080
            guard let close = authority.firstIndex(of: "]") else { return false }
            authorityHost = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            authorityPort = rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? -1 : defaultPort
        } else {
            authorityHost = parts[0]
            authorityPort = parts.count > 1 ? Int(parts[1]) ?? -1 : defaultPort
        }
        let originHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return originHost.lowercased() == authorityHost.lowercased() && (port ?? defaultPort) == authorityPort
    }
}

/// The console's form fields, read from an `application/x-www-form-urlencoded` body within
/// `ConsoleSecurity.maximumFormBytes`; each value valid UTF-8 within `maximumTextFieldBytes`.
struct ConsoleForm: Sendable {
    private(set) var fields: [String: String] = [:]

    static func read(_ request: Request, context: CertifyRequestContext) async throws -> ConsoleForm {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw HTTPError(
                .unsupportedMediaType, message: "This page takes an HTML form (application/x-www-form-urlencoded).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: ConsoleSecurity.maximumFormBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(
                .contentTooLarge, message: "The form is over \(ConsoleSecurity.maximumFormBytes) bytes; shorten the text.")
        }
        return try ConsoleForm(body: String(buffer: buffer))
    }

    init(body: String) throws {
        for piece in body.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(halves[0]), let value = Self.decode(halves.count > 1 ? halves[1] : "") else {
                throw HTTPError(.badRequest, message: "The form is not valid percent-encoded UTF-8.")
            }
            guard value.utf8.count <= ConsoleSecurity.maximumTextFieldBytes else {
                throw HTTPError(
                    .contentTooLarge,
                    message:
                        "The field '\(QueryParameters.excerpt(name))' is \(value.utf8.count) bytes, over \(ConsoleSecurity.maximumTextFieldBytes); shorten it."
                )
            }
            guard fields[name] == nil else {
                throw HTTPError(.badRequest, message: "The form gives '\(QueryParameters.excerpt(name))' twice.")
            }
            fields[name] = value
        }
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// A field, trimmed; nil when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
