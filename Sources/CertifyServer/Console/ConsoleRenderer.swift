import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import SubmissionStore

/// The console's pages: `Templates/console/*.mustache`, embedded at build time and parsed once.
/// Every value reaches a page through `{{...}}`, which HTML-escapes it (quotes included); the
/// only unescaped insertion is the page body into the layout, which these templates made.
enum ConsoleRenderer {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for file in EmbeddedServerResources.files where file.name.hasSuffix(".mustache") {
            // A malformed template is caught by the tests, which render every page.
            try? library.register(file.text, named: String(file.name.dropLast(".mustache".count)))
        }
        return library
    }()

    /// The stylesheet, served at `/assets/console.css` (the policy allows styles from this server only).
    static let stylesheet: String = EmbeddedServerResources.files.first { $0.name == "console.css" }?.text ?? ""

    /// Names of every page template, for the tests.
    static var pageNames: [String] {
        EmbeddedServerResources.files.map(\.name).filter { $0.hasSuffix(".mustache") }
            .map { String($0.dropLast(".mustache".count)) }
    }

    /// The page `name` rendered with `model`, inside the layout, as a response with the console's
    /// security headers.
    static func page(
        _ name: String, title: String, model: [String: Any], chrome: ConsoleChrome, status: HTTPResponse.Status = .ok,
        refreshSeconds: Int? = nil, extraHeaders: HTTPFields = [:]
    ) -> Response {
        var model = model
        model["nonce"] = chrome.nonce
        model["csrf"] = chrome.csrf ?? ""
        model["csrfHTML"] = ConsoleViews.html(chrome.csrf ?? "")
        let body = library.render(model, withTemplate: name) ?? "<p>This page could not be drawn.</p>"
        var layout = chrome.model
        layout["title"] = title
        layout["body"] = body
        if let refreshSeconds { layout["refresh"] = refreshSeconds }
        let html = library.render(layout, withTemplate: "layout") ?? body
        var headers = extraHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        ConsoleSecurity.addPageHeaders(to: &headers, nonce: chrome.nonce)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 to `location` (after a form, so that reloading does not post it again).
    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}

/// What every page's frame shows: who is signed in, the navigation for their role, the CSRF
/// token of the sign-out form, and the nonce of the page's inline script.
struct ConsoleChrome {
    var principal: Principal?
    var csrf: String?
    var nonce: String
    var current: String

    var model: [String: Any] {
        var model: [String: Any] = ["nonce": nonce, "csrf": csrf ?? ""]
        guard let principal else { return model }
        model["signedIn"] = true
        model["actor"] = principal.actor
        model["role"] = principal.role.rawValue
        var links: [(String, String)] = []
        switch principal.role {
        case .submitter:
            links = [("/", "My submissions")]
        case .reviewer:
            links = [("/queue", "Queue"), ("/recertifications", "Re-certification")]
        case .admin:
            links = [("/queue", "Queue"), ("/recertifications", "Re-certification"), ("/admin/tokens", "Tokens")]
        }
        model["nav"] = links.map { link -> [String: Any] in
            ["href": link.0, "label": link.1, "current": link.0 == current]
        }
        return model
    }
}

/// Words for times, the same everywhere: "3 days ago", with the exact UTC time beside it.
enum ConsoleTime {
    static func exact(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func relative(_ date: Date, now: Date = Date()) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 0 { return "in \(span(-seconds))" }
        if seconds < 45 { return "just now" }
        return "\(span(seconds)) ago"
    }

    /// A duration in its largest whole unit: "5 minutes", "3 days".
    static func span(_ seconds: Double) -> String {
        let units: [(Double, String)] = [(86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "hour"), (60, "minute")]
        for (size, name) in units where seconds >= size {
            let count = Int(seconds / size)
            return "\(count) \(name)\(count == 1 ? "" : "s")"
        }
        let count = max(1, Int(seconds))
        return "\(count) second\(count == 1 ? "" : "s")"
    }

    /// How long something has lasted: "less than a minute", "5 minutes", "3 days".
    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? "less than a minute" : span(seconds)
    }

    /// `{"relative": "3 days ago", "exact": "2026-12-01T10:00:00Z"}` for `<time>` elements.
    static func model(_ date: Date, now: Date = Date()) -> [String: Any] {
        ["relative": relative(date, now: now), "exact": exact(date)]
    }
}
