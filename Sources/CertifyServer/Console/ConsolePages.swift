import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import SubmissionStore
import UseCases

/// The web console: server-rendered pages for publishers, reviewers and admins over the same use
/// cases as the API, signed in with a session cookie instead of a bearer header. Every page
/// works with JavaScript off; every state-changing form carries the session's CSRF token.
struct ConsolePages: Sendable {
    let store: Store
    let submissions: Submissions
    let review: Review
    let recertifications: Recertifications
    let webhooks: Webhooks
    let tokens: Tokens
    let intake: Intake
    let settings: ConsoleSessionSettings

    /// Rows per page of the queue and of a publisher's submissions.
    static let pageSize = 50

    /// The console's routes: HTML pages and forms, which openapi.yaml (the API's description)
    /// leaves out; a test checks this list against the router.
    static let routeList: Set<String> = [
        "GET /assets/console.css", "GET /", "GET /sign-in", "POST /sign-in", "POST /sign-out", "GET /queue",
        "POST /submissions", "GET /submissions/{id}", "POST /submissions/{id}/actions", "POST /submissions/{id}/revisions",
        "GET /submissions/{id}/compare", "GET /recertifications", "POST /recertifications", "GET /recertifications/{id}",
        "GET /admin/tokens", "POST /admin/tokens", "POST /admin/tokens/{id}/revoke", "POST /webhooks",
        "POST /webhooks/{id}/delete",
    ]

    func addRoutes(to router: Router<CertifyRequestContext>) {
        router.get("assets/console.css") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleRenderer.stylesheet)))
        }
        let tokens = self.tokens
        let pages = router.group()
            .add(middleware: ConsolePageMiddleware())
            .add(
                middleware: SessionMiddleware(
                    storage: StoreSessionDriver(store: store), configuration: settings.middlewareConfiguration)
            )
            .add(
                middleware: SessionAuthenticator(context: CertifyRequestContext.self) { (session: ConsoleSession, _) in
                    try await tokens.principal(tokenId: session.tokenId)
                })
        pages.get("/") { request, context in try await home(request, context) }
        pages.get("sign-in") { _, _ in ConsoleRenderer.redirect("/") }
        pages.post("sign-in") { request, context in try await signIn(request, context) }
        pages.post("sign-out") { request, context in try await signOut(request, context) }
        pages.get("queue") { request, context in try await queue(request, context) }
        pages.post("submissions") { request, context in try await upload(request, context, to: nil) }
        pages.get("submissions/:id") { request, context in try await submission(request, context) }
        pages.post("submissions/:id/actions") { request, context in try await act(request, context) }
        pages.post("submissions/:id/revisions") { request, context in
            try await upload(request, context, to: try context.parameters.require("id"))
        }
        pages.get("submissions/:id/compare") { request, context in try await compare(request, context) }
        pages.get("recertifications") { request, context in try await recertificationList(request, context) }
        pages.post("recertifications") { request, context in try await startRecertification(request, context) }
        pages.get("recertifications/:id") { request, context in try await recertification(request, context) }
        pages.get("admin/tokens") { request, context in try await tokenList(request, context, created: nil) }
        pages.post("admin/tokens") { request, context in try await createToken(request, context) }
        pages.post("admin/tokens/:id/revoke") { request, context in try await revokeToken(request, context) }
        pages.post("webhooks") { request, context in try await addWebhook(request, context) }
        pages.post("webhooks/:id/delete") { request, context in try await deleteWebhook(request, context) }
    }

    // MARK: Who is asking

    func chrome(_ context: CertifyRequestContext, current: String) -> ConsoleChrome {
        ConsoleChrome(
            principal: context.identity, csrf: context.sessions.session?.csrf, nonce: context.cspNonce, current: current)
    }

    /// The signed-in person; without a session a page sends the browser to sign in.
    func signedIn(_ context: CertifyRequestContext) throws -> Principal {
        guard let principal = context.identity else { throw ConsoleRedirect(location: "/") }
        return principal
    }

    /// A state-changing form: a signed-in person, the form's fields, and its CSRF token and
    /// origin checked before anything is done.
    func postedForm(_ request: Request, _ context: CertifyRequestContext) async throws -> (Principal, ConsoleForm) {
        guard let principal = context.identity, let session = context.sessions.session else {
            throw HTTPError(.forbidden, message: "You are not signed in (or your session has ended); sign in and try again.")
        }
        // The origin is checked before the body is read; the token once it is.
        try ConsoleSecurity.checkOrigin(request, publicURL: settings.publicURL)
        let form = try await ConsoleForm.read(request, context: context)
        try ConsoleSecurity.checkToken(form["_csrf"], expected: session.csrf)
        return (principal, form)
    }

    // MARK: Sign-in

    func home(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        _ = try QueryParameters(request, accepting: ["done", "cursor"])
        guard let principal = context.identity else { return signInPage(request, context, error: nil, status: .ok) }
        if principal.role != .submitter { return ConsoleRenderer.redirect("/queue") }
        return try await publisherHome(request, context, principal: principal, created: nil)
    }

    func signInPage(
        _ request: Request, _ context: CertifyRequestContext, error: String?, status: HTTPResponse.Status
    ) -> Response {
        // Before there is a session, the sign-in form's CSRF token is a random cookie it repeats.
        let existing = request.cookies[ConsoleSecurity.signInCookieName].map { String($0.value) }
        let token = existing.flatMap { $0.utf8.count == 43 ? $0 : nil } ?? ConsoleSecurity.randomToken()
        var headers: HTTPFields = [:]
        if existing != token {
            let cookie = Cookie(
                name: ConsoleSecurity.signInCookieName, value: token, expires: nil, maxAge: 3600, domain: nil, path: "/",
                secure: settings.secureCookies, httpOnly: true, sameSite: .strict)
            headers[.setCookie] = cookie.description
        }
        var chrome = chrome(context, current: "/")
        chrome.principal = nil
        chrome.csrf = token
        var model: [String: Any] = ["signInToken": token]
        if let error { model["error"] = error }
        return ConsoleRenderer.page(
            "sign-in", title: "Sign in", model: model, chrome: chrome, status: status, extraHeaders: headers)
    }

    func signIn(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        try ConsoleSecurity.checkOrigin(request, publicURL: settings.publicURL)
        let form = try await ConsoleForm.read(request, context: context)
        let cookie = request.cookies[ConsoleSecurity.signInCookieName].map { String($0.value) }
        try ConsoleSecurity.checkToken(form["_csrf"], expected: cookie)
        guard let token = form.text("token") else {
            return signInPage(request, context, error: "Paste your API token to sign in.", status: .badRequest)
        }
        guard token.utf8.count <= 256, let principal = try await tokens.authenticate(token) else {
            return signInPage(
                request, context,
                error: "That token is not valid: it is unknown or has been revoked. Ask an admin for a new one.",
                status: .unauthorized)
        }
        // A new session id at every sign-in (no fixation), with its own CSRF token; a session this
        // browser already had ends.
        if let previous = request.cookies[ConsoleSessionSettings.cookieName] {
            try await store.removeSession(key: ConsoleSessionSettings.keyPrefix + String(previous.value))
        }
        context.sessions.createSession(ConsoleSession(tokenId: principal.tokenId), expiresIn: settings.lifetime)
        return ConsoleRenderer.redirect("/")
    }

    func signOut(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        _ = try await postedForm(request, context)
        // The session middleware deletes the stored session and expires the cookie.
        context.sessions.clearSession()
        return ConsoleRenderer.redirect("/")
    }

    // MARK: Publisher home

    func publisherHome(
        _ request: Request, _ context: CertifyRequestContext, principal: Principal, created: RegisteredWebhook?
    ) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try await submissions.list(
            QueueQuery(limit: String(Self.pageSize), cursor: query.optional("cursor")), by: principal)
        let counts = try await submissions.runCounts(of: page)
        var rows: [[String: Any]] = []
        for item in page.items {
            var row = ConsoleViews.queueRow(item, counts: counts[item.id])
            if item.state == SubmissionState.changesRequired.rawValue,
                let detail = try? await submissions.detail(item.id, by: principal),
                let asked = detail.events.last(where: { $0.action == ReviewAction.requestChanges.rawValue })
            {
                row["asked"] = asked.text ?? "Changes were requested."
            }
            rows.append(row)
        }
        var model: [String: Any] = await [
            "publisher": principal.publisher ?? "", "rows": rows, "hasRows": !rows.isEmpty,
            "maximumUploadMiB": intake.limits.maximumArchiveBytes / (1024 * 1024),
            "hooks": try webhooks.list(by: principal).map(ConsoleViews.webhook),
        ]
        if let next = page.nextCursor { model["next"] = "/?cursor=\(next)" }
        if let created {
            model["createdHook"] = ["url": created.webhook.url, "secret": created.secret]
        }
        if let done = query.optional("done") { model["flash"] = ConsoleViews.flash(done) }
        return ConsoleRenderer.page(
            "home", title: "\(principal.publisher ?? "My") submissions", model: model, chrome: chrome(context, current: "/"))
    }

    // MARK: Queue

    func queue(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try signedIn(context)
        let query = try QueryParameters(
            request, accepting: ["state", "publisher", "assignee", "mine", "min-age", "cursor"])
        let state = query.optional("state")
        var assignee = query.optional("assignee")
        let mine = query.optional("mine") != nil
        // "Assigned to me": the name an assignment records by default (the token's label).
        if mine { assignee = principal.label ?? principal.actor }
        let page = try await submissions.queue(
            QueueQuery(
                states: state.map { [$0] } ?? [], publisher: query.optional("publisher"), assignee: assignee,
                minAge: query.optional("min-age"), limit: String(Self.pageSize), cursor: query.optional("cursor")),
            by: principal)
        let counts = try await submissions.runCounts(of: page)
        var filters: [(String, String)] = []
        if let publisher = query.optional("publisher") { filters.append(("publisher", publisher)) }
        if let assignee = query.optional("assignee"), !mine { filters.append(("assignee", assignee)) }
        if mine { filters.append(("mine", "1")) }
        if let age = query.optional("min-age") { filters.append(("min-age", age)) }
        func link(state: String?, cursor: String? = nil) -> String {
            var pairs = filters
            if let state { pairs.insert(("state", state), at: 0) }
            if let cursor { pairs.append(("cursor", cursor)) }
            let encoded = pairs.map { "\($0.0)=\(ConsoleViews.queryEncoded($0.1))" }.joined(separator: "&")
            return encoded.isEmpty ? "/queue" : "/queue?\(encoded)"
        }
        let openCount = SubmissionState.open.reduce(0) { $0 + (page.counts[$1.rawValue] ?? 0) }
        var tabs: [[String: Any]] = [
            ["label": "open", "count": openCount, "href": link(state: nil), "current": state == nil]
        ]
        for candidate in SubmissionState.allCases {
            tabs.append([
                "label": candidate.rawValue, "count": page.counts[candidate.rawValue] ?? 0,
                "href": link(state: candidate.rawValue), "current": state == candidate.rawValue,
            ])
        }
        var model: [String: Any] = [
            "tabs": tabs,
            "rows": page.items.map { ConsoleViews.queueRow($0, counts: counts[$0.id]) },
            "hasRows": !page.items.isEmpty,
            "publisher": query.optional("publisher") ?? "",
            "assignee": mine ? "" : (query.optional("assignee") ?? ""), "mine": mine,
            "minAge": query.optional("min-age") ?? "",
            "stateLabel": state ?? "open",
        ]
        if let state { model["state"] = state }
        if let next = page.nextCursor { model["next"] = link(state: state, cursor: next) }
        return ConsoleRenderer.page("queue", title: "Queue", model: model, chrome: chrome(context, current: "/queue"))
    }
}

/// Thrown by a page that sends the browser elsewhere (a page that needs a sign-in).
struct ConsoleRedirect: Error {
    var location: String
}

/// Around every console page: a fresh CSP nonce in the context, the security headers on every
/// answer, and any refusal or failure drawn as an HTML page that says what went wrong and what
/// to do (the API's middleware would answer JSON).
struct ConsolePageMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.cspNonce = ConsoleSecurity.randomToken()
        let chrome = ConsoleChrome(principal: nil, csrf: nil, nonce: context.cspNonce, current: "")
        do {
            var response = try await next(request, context)
            ConsoleSecurity.addPageHeaders(to: &response.headers, nonce: context.cspNonce)
            return response
        } catch let redirect as ConsoleRedirect {
            return ConsoleRenderer.redirect(redirect.location)
        } catch let error as UseCaseError {
            return Self.errorPage(error.httpError, chrome: chrome)
        } catch is NIOTooManyBytesError {
            return Self.errorPage(
                HTTPError(.contentTooLarge, message: "The upload is over the \(context.maxUploadSize) bytes accepted."),
                chrome: chrome)
        } catch let error as any HTTPResponseError {
            return Self.errorPage(error, chrome: chrome)
        } catch {
            let reference = UUID().uuidString.prefix(8).lowercased()
            context.logger.error(
                "Unhandled error on a console page",
                metadata: ["error.reference": .string(String(reference)), "error": .string(String(describing: error))])
            return Self.errorPage(
                HTTPError(
                    .internalServerError,
                    message: "The server failed to draw this page (reference \(reference) in its log)."),
                chrome: chrome)
        }
    }

    static func errorPage(_ error: any HTTPResponseError, chrome: ConsoleChrome) -> Response {
        let status = error.status
        let message: String
        if let error = error as? HTTPError {
            message = error.body ?? status.reasonPhrase
        } else if let error = error as? ActionConflict {
            message = error.message
        } else {
            message = status.reasonPhrase
        }
        let advice: String
        switch status.code {
        case 404: advice = "It does not exist, or it is not yours to see. Go back to your home page."
        case 403: advice = "Sign in again with a token that may do this, or go back and reload the page."
        case 409: advice = "Reload the submission to see its current state and the actions it allows."
        case 413: advice = "Send something smaller; the limits are in the README."
        case 400..<500: advice = "Go back, correct it and try again."
        default: advice = "Try again in a moment; if it keeps failing, tell an admin the reference above."
        }
        var response = ConsoleRenderer.page(
            "error", title: status.reasonPhrase,
            model: ["status": status.code, "reason": status.reasonPhrase, "message": message, "advice": advice],
            chrome: chrome, status: status)
        if let error = error as? HTTPError {
            for field in error.headers where field.name == .wwwAuthenticate { response.headers.append(field) }
        }
        return response
    }
}
