import Foundation
import Hummingbird
import UseCases

/// A request's query string, read strictly: every parameter percent-decoded to valid UTF-8,
/// within `maximumQueryValueBytes`, free of control characters, given once unless it may
/// repeat, and one the route takes. Anything else is refused with 400 naming the parameter and
/// the reason, never passed on to fail later as a 500.
struct QueryParameters: Sendable {
    /// Longest value of one query parameter, in UTF-8 bytes once decoded.
    static let maximumQueryValueBytes = 1024
    /// Longest query string, in bytes as sent.
    static let maximumQueryBytes = 16 * 1024

    /// Parameters that carry secrets and so must never travel in a query string, which request
    /// logs, proxies and browser histories keep: where each belongs instead.
    static let secretParameters: [String: String] = [
        "probebaseurl":
            "send the probe base URL in the X-Certify-Probe-Base-Url header or as a probeBaseUrl form field",
        "credential":
            "send credentials as X-Certify-Credential: NAME=VALUE headers or as credential form fields",
        "credentials":
            "send credentials as X-Certify-Credential: NAME=VALUE headers or as credential form fields",
    ]

    /// Parameters whose values may appear in request logs; every other value is logged as `***`.
    static let loggable: Set<String> = [
        "state", "publisher", "assignee", "minAge", "limit", "cursor", "format", "stages", "filename",
    ]

    private(set) var pairs: [(name: String, value: String)] = []

    /// The generic checks alone (encoding, sizes, control characters, secrets), for every route.
    init(_ request: Request) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        var consumed = 0
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = String(halves[0])
            let rawValue = halves.count > 1 ? String(halves[1]) : ""
            guard let name = rawName.removingPercentEncoding else {
                throw Self.refusal(
                    "A query parameter name (\(Self.excerpt(rawName))) is not valid percent-encoded UTF-8.")
            }
            guard !name.isEmpty else {
                throw Self.refusal("A query parameter has no name ('=\(Self.excerpt(rawValue))'); write name=value.")
            }
            if let advice = Self.secretParameters[Self.normalized(name)] {
                throw Self.refusal(
                    "query parameter '\(Self.excerpt(name))' is refused: query strings are written to request logs; \(advice).")
            }
            guard Self.isClean(name), name.utf8.count <= 64 else {
                throw Self.refusal(
                    "query parameter name \(Self.excerpt(name).debugDescription) is not a parameter name (control characters, or over 64 bytes)."
                )
            }
            guard rawValue.utf8.count <= 3 * Self.maximumQueryValueBytes else {
                throw Self.refusal(
                    "query parameter '\(name)' is \(rawValue.utf8.count) bytes as sent, over maximumQueryValueBytes (\(Self.maximumQueryValueBytes)) once decoded."
                )
            }
            guard let value = rawValue.removingPercentEncoding else {
                throw Self.refusal("query parameter '\(name)' is not valid percent-encoded UTF-8.")
            }
            guard value.utf8.count <= Self.maximumQueryValueBytes else {
                throw Self.refusal(
                    "query parameter '\(name)' is \(value.utf8.count) bytes, over maximumQueryValueBytes (\(Self.maximumQueryValueBytes)).")
            }
            guard Self.isClean(value) else {
                throw Self.refusal("query parameter '\(name)' contains a control character.")
            }
            pairs.append((name, value))
            // Each parameter is checked, and named, before the whole; reading stops at the limit.
            consumed += piece.utf8.count + 1
            guard consumed <= Self.maximumQueryBytes + 1 else {
                throw Self.refusal(
                    "The query string is \(query.utf8.count) bytes, over maximumQueryBytes (\(Self.maximumQueryBytes)).")
            }
        }
    }

    /// The generic checks, then only the parameters this route takes, each once unless it is
    /// in `repeatable`.
    init(_ request: Request, accepting accepted: [String], repeatable: Set<String> = []) throws {
        try self.init(request)
        var seen: Set<String> = []
        for (name, _) in pairs {
            guard accepted.contains(name) else {
                let takes =
                    accepted.isEmpty
                    ? "this route takes no query parameters"
                    : "this route takes \(accepted.joined(separator: ", "))"
                throw Self.refusal("query parameter '\(Self.excerpt(name))' is not known here: \(takes).")
            }
            if !repeatable.contains(name), !seen.insert(name).inserted {
                throw Self.refusal("query parameter '\(name)' is given more than once; give it once.")
            }
        }
    }

    /// The value of a parameter, or nil when it is absent; given but empty is refused.
    func string(_ name: String) throws -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value else { return nil }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Self.refusal("query parameter '\(name)' is empty; give it a value or leave it out.")
        }
        return value
    }

    /// Every value of a repeatable parameter; empty ones are refused.
    func strings(_ name: String) throws -> [String] {
        try pairs.filter { $0.name == name }.map { pair in
            guard !pair.value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Self.refusal("query parameter '\(name)' is empty; give it a value or leave it out.")
            }
            return pair.value
        }
    }

    func contains(_ name: String) -> Bool { pairs.contains { $0.name == name } }

    /// The value of a parameter, nil when absent or blank: an HTML form sends its empty fields.
    func optional(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespaces),
            !value.isEmpty
        else { return nil }
        return value
    }

    // MARK: Helpers

    static func refusal(_ message: String) -> HTTPError { HTTPError(.badRequest, message: message) }

    /// A value quoted in a message: at most 64 characters of it, so a 10 KB value is not echoed
    /// (the use cases' `messageExcerpt`).
    static func excerpt(_ text: String) -> String { messageExcerpt(text) }

    /// Lower case without '-' and '_', so probe_base_url and Probe-Base-URL are probeBaseUrl.
    static func normalized(_ name: String) -> String {
        name.lowercased().filter { $0 != "-" && $0 != "_" }
    }

    /// No C0 control characters, DEL or C1 controls.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// The query as a request log may show it: names kept, values of parameters not known to be
    /// harmless replaced by `***`, malformed pieces dropped to their names.
    static func redactedForLog(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        let pieces = query.split(separator: "&", omittingEmptySubsequences: true).prefix(32).map { piece -> String in
            let halves = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = String(halves[0])
            let name = rawName.removingPercentEncoding ?? rawName
            guard loggable.contains(name), halves.count > 1 else {
                return String(rawName.prefix(64)) + (halves.count > 1 ? "=***" : "")
            }
            return rawName + "=" + String(halves[1].prefix(128))
        }
        return "?" + pieces.joined(separator: "&")
    }
}
