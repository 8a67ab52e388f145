import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Pipeline
import SubmissionStore
import XCTest

@testable import CertifyServer

/// A browser's part in the console tests: the cookies it keeps and the forms it posts, through
/// the real router with a real store.
final class ConsoleBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
    }

    func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        if !cookies.isEmpty {
            fields[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        return fields
    }

    func keep(_ response: TestResponse) {
        for value in response.headers[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            if value.contains("Max-Age=0") || value.contains("Expires=Thu, 01 Jan 1970") {
                cookies[name] = nil
            } else {
                cookies[name] = String(pair[1])
            }
        }
    }

    @discardableResult
    func get(_ uri: String, extra: HTTPFields = [:]) async throws -> Page {
        try await client.execute(uri: uri, method: .get, headers: headers(extra)) { response in
            self.keep(response)
            let body = String(buffer: response.body)
            if let token = Self.csrfToken(in: body) { self.csrf = token }
            return Page(status: response.status, headers: response.headers, body: body)
        }
    }

    /// Posts url-encoded `fields`; the page's CSRF token is added unless `csrf` is given
    /// (pass "" to leave it out).
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)], csrf given: String? = nil, extra: HTTPFields = [:]) async throws
        -> Page
    {
        var all = fields
        let token = given ?? csrf ?? ""
        if !token.isEmpty { all.append(("_csrf", token)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(
            uri: uri, method: .post, headers: self.headers(headers), body: ByteBuffer(string: body)
        ) { response in
            self.keep(response)
            return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Posts a package the way the upload form does (multipart, CSRF token as a field).
    @discardableResult
    func upload(_ uri: String, zip: Data, csrf given: String? = nil, fileName: String = "pkg.zip") async throws -> Page {
        let boundary = "----certify-test-\(UUID().uuidString)"
        var body = Data()
        let token = given ?? csrf ?? ""
        if !token.isEmpty {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n".utf8))
        }
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"package\"; filename=\"\(fileName.replacingOccurrences(of: "\"", with: "\\\""))\"\r\nContent-Type: application/zip\r\n\r\n"
                    .utf8))
        body.append(zip)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await client.execute(
            uri: uri, method: .post, headers: headers([.contentType: "multipart/form-data; boundary=\(boundary)"]),
            body: ByteBuffer(bytes: body)
        ) { response in
            self.keep(response)
            return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Signs in with `token` as a person does: the sign-in page, then its form.
    @discardableResult
    func signIn(_ token: String) async throws -> Page {
        let page = try await get("/")
        XCTAssertEqual(page.status, .ok)
        return try await post("/sign-in", [("token", token)])
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func csrfToken(in body: String) -> String? {
        guard let range = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = body[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let token = String(rest[..<end])
        return token.isEmpty ? nil : token
    }
}

/// The web console through the real router and a real store: sign-in and sessions, CSRF,
/// security headers, who sees what, the review flow through its forms, hostile values, limits.
final class ConsoleTests: XCTestCase {
    func testSignInGivesAStrictHttpOnlySessionStoredOnlyHashedAndSignOutEndsIt() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let browser = ConsoleBrowser(client)
            let signIn = try await browser.get("/")
            XCTAssertTrue(signIn.body.contains("id=\"sign-in\""), signIn.body)
            let signInCookie = try XCTUnwrap(signIn.headers[values: .setCookie].first { $0.hasPrefix("certify_signin=") })
            XCTAssertTrue(signInCookie.contains("HttpOnly") && signInCookie.contains("SameSite=Strict"), signInCookie)
            let answer = try await browser.post("/sign-in", [("token", f.reviewer)])
            XCTAssertEqual(answer.status, .seeOther)
            XCTAssertEqual(answer.location, "/")
            let cookie = try XCTUnwrap(answer.headers[values: .setCookie].first { $0.hasPrefix("certify_session=") })
            XCTAssertTrue(cookie.contains("HttpOnly"), cookie)
            XCTAssertTrue(cookie.contains("SameSite=Strict"), cookie)
            XCTAssertTrue(cookie.contains("Expires="), cookie)
            XCTAssertFalse(cookie.contains("Secure"), "not behind TLS unless told: \(cookie)")
            let sessionId = try XCTUnwrap(browser.cookies["certify_session"])
            // Only the hash of the session's key is stored; the cookie's value is nowhere in the database.
            let reviewerPrincipal = try await f.store.authenticate(token: f.reviewer)
            let reviewerId = try XCTUnwrap(reviewerPrincipal).tokenId
            let signedInSessions = try await f.store.sessionCount(tokenId: reviewerId)
            XCTAssertEqual(signedInSessions, 1)
            let database = try Data(contentsOf: URL(fileURLWithPath: f.store.path ?? ""))
            XCTAssertNil(database.range(of: Data(sessionId.utf8)), "the session id is stored in the clear")
            let storedSession = try await f.store.session(key: "console.\(sessionId)")
            XCTAssertNotNil(storedSession)
            // Signed in: home is the queue for a reviewer.
            let home = try await browser.get("/")
            XCTAssertEqual(home.status, .seeOther)
            XCTAssertEqual(home.location, "/queue")
            let queue = try await browser.get("/queue")
            XCTAssertEqual(queue.status, .ok)
            XCTAssertTrue(queue.body.contains("reviewer:alice"), "the signed-in person is shown")
            // Sign-out ends the session on the server: the old cookie no longer works.
            let out = try await browser.post("/sign-out", [])
            XCTAssertEqual(out.status, .seeOther)
            let sessionsAfterSignOut = try await f.store.sessionCount(tokenId: reviewerId)
            XCTAssertEqual(sessionsAfterSignOut, 0)
            let sessionAfterSignOut = try await f.store.session(key: "console.\(sessionId)")
            XCTAssertNil(sessionAfterSignOut)
            browser.cookies["certify_session"] = sessionId
            let after = try await browser.get("/queue")
            XCTAssertEqual(after.status, .seeOther, "a page needs a sign-in again")
            XCTAssertEqual(after.location, "/")
        }
    }

    func testSigningInAgainGivesANewSessionAndEndsTheOldOne() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let browser = ConsoleBrowser(client)
            try await browser.signIn(f.reviewer)
            let first = try XCTUnwrap(browser.cookies["certify_session"])
            _ = try await browser.get("/queue")
            let firstToken = try XCTUnwrap(browser.csrf)
            // Signed in, `/` is no sign-in page; a sign-in form posted anyway (a second tab) with
            // another token replaces the session.
            let home = try await browser.get("/")
            XCTAssertEqual(home.status, .seeOther)
            let again = try await browser.post("/sign-in", [("token", f.admin)], csrf: try XCTUnwrap(browser.cookies["certify_signin"]))
            XCTAssertEqual(again.status, .seeOther)
            let second = try XCTUnwrap(browser.cookies["certify_session"])
            XCTAssertNotEqual(first, second)
            let oldSession = try await f.store.session(key: "console.\(first)")
            XCTAssertNil(oldSession, "the old session ended")
            let page = try await browser.get("/admin/tokens")
            XCTAssertEqual(page.status, .ok, "signed in as the admin now")
            XCTAssertNotEqual(browser.csrf, firstToken, "each session has its own CSRF token")
        }
    }

    func testAWrongTokenIsRefusedWithTheFormAgainAndTheSecureFlagFollowsTheSetting() async throws {
        let f = try await makeServerFixture(console: ConsoleSessionSettings(secureCookies: true))
        try await f.app.test(.router) { client in
            let browser = ConsoleBrowser(client)
            let refused = try await browser.signIn("cert_not-a-token")
            XCTAssertEqual(refused.status, .unauthorized)
            XCTAssertTrue(refused.body.contains("id=\"error-message\""))
            XCTAssertTrue(refused.body.contains("unknown or has been revoked"))
            XCTAssertTrue(refused.body.contains("id=\"sign-in\""), "the form is shown again")
            let blank = try await browser.post("/sign-in", [("token", "  ")])
            XCTAssertEqual(blank.status, .badRequest)
            let huge = try await browser.post("/sign-in", [("token", String(repeating: "x", count: 10_000))])
            XCTAssertEqual(huge.status, .unauthorized)
            let ok = try await browser.post("/sign-in", [("token", f.admin)])
            XCTAssertEqual(ok.status, .seeOther)
            let cookie = try XCTUnwrap(ok.headers[values: .setCookie].first { $0.hasPrefix("certify_session=") })
            XCTAssertTrue(cookie.contains("Secure"), cookie)
        }
    }

    func testSignInRefusesAFormWithoutItsTokenOrFromAnotherSite() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let browser = ConsoleBrowser(client)
            _ = try await browser.get("/")
            // No _csrf field: a login-CSRF page could post this.
            let missing = try await browser.post("/sign-in", [("token", f.admin)], csrf: "")
            XCTAssertEqual(missing.status, .forbidden)
            XCTAssertNil(browser.cookies["certify_session"])
            let wrong = try await browser.post("/sign-in", [("token", f.admin)], csrf: "forged-token-forged-token-forged-token-1234")
            XCTAssertEqual(wrong.status, .forbidden)
            let foreign = try await browser.post(
                "/sign-in", [("token", f.admin)], extra: [HTTPField.Name("Origin")!: "https://evil.example"])
            XCTAssertEqual(foreign.status, .forbidden)
            XCTAssertNil(browser.cookies["certify_session"])
        }
    }

    func testEveryPageSendsItsPolicyAndOnlyNoncedScripts() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let admin = ConsoleBrowser(client)
            try await admin.signIn(f.admin)
            let publisher = ConsoleBrowser(client)
            try await publisher.signIn(f.contoso)
            let pages: [(ConsoleBrowser, String)] = [
                (ConsoleBrowser(client), "/"), (admin, "/queue"), (admin, "/submissions/\(id)"), (admin, "/recertifications"),
                (admin, "/admin/tokens"), (publisher, "/"), (publisher, "/submissions/\(id)"), (admin, "/submissions/nope"),
            ]
            for (browser, path) in pages {
                let page = try await browser.get(path)
                XCTAssertTrue([.ok, .notFound].contains(page.status), "\(path): \(page.status)")
                let policy = try XCTUnwrap(page.headers[.contentSecurityPolicy], path)
                XCTAssertTrue(policy.contains("default-src 'none'"), policy)
                XCTAssertTrue(policy.contains("frame-ancestors 'none'"), policy)
                XCTAssertFalse(policy.contains("unsafe-inline"), policy)
                XCTAssertEqual(page.headers[HTTPField.Name("X-Frame-Options")!], "DENY", path)
                XCTAssertEqual(page.headers[HTTPField.Name("Referrer-Policy")!], "same-origin", path)
                let nonce = try XCTUnwrap(policy.components(separatedBy: "'nonce-").dropFirst().first?.split(separator: "'").first)
                XCTAssertGreaterThanOrEqual(nonce.count, 40)
                // Every script on the page carries this page's nonce; none loads from elsewhere.
                for piece in page.body.components(separatedBy: "<script").dropFirst() {
                    XCTAssertTrue(piece.hasPrefix(" nonce=\"\(nonce)\">"), "\(path): a script without the page's nonce")
                }
                XCTAssertFalse(page.body.contains("src=\"http"), path)
                XCTAssertFalse(page.body.contains("href=\"http"), path)
            }
            // A nonce is never reused.
            let first = try await admin.get("/queue").headers[.contentSecurityPolicy]
            let second = try await admin.get("/queue").headers[.contentSecurityPolicy]
            XCTAssertNotEqual(first, second)
            let css = try await admin.get("/assets/console.css")
            XCTAssertEqual(css.status, .ok)
            XCTAssertEqual(css.headers[.contentType], "text/css; charset=utf-8")
            XCTAssertTrue(css.body.contains(":focus-visible"))
        }
    }

    func testAFormWithoutItsTokenOrFromAnotherOriginChangesNothing() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let reviewer = ConsoleBrowser(client)
            try await reviewer.signIn(f.reviewer)
            _ = try await reviewer.get("/submissions/\(id)")
            let detailBefore = try await f.store.submissionDetail(id: id)
            let events = try XCTUnwrap(detailBefore).events.count
            for (csrf, origin) in [("", nil), ("not-the-token", nil), (nil, "https://evil.example"), (nil, "null")] as [(String?, String?)]
            {
                var extra: HTTPFields = [:]
                if let origin { extra[HTTPField.Name("Origin")!] = origin }
                let page = try await reviewer.post("/submissions/\(id)/actions", [("action", "assign")], csrf: csrf, extra: extra)
                XCTAssertEqual(page.status, .forbidden, "csrf \(csrf ?? "(right)"), origin \(origin ?? "none")")
                XCTAssertTrue(page.body.contains("nothing was changed"), page.body)
            }
            let crossSite = try await reviewer.post(
                "/submissions/\(id)/actions", [("action", "assign")], extra: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            XCTAssertEqual(crossSite.status, .forbidden)
            let detailAfter = try await f.store.submissionDetail(id: id)
            let detail = try XCTUnwrap(detailAfter)
            XCTAssertEqual(detail.events.count, events, "no refused form changed anything")
            XCTAssertNil(detail.submission.assignee)
            // The same form from this origin (the test router's authority is "localhost"), with its token, is taken.
            let taken = try await reviewer.post(
                "/submissions/\(id)/actions", [("action", "assign")], extra: [HTTPField.Name("Origin")!: "http://localhost"])
            XCTAssertEqual(taken.status, .seeOther, taken.body)
            let assignedTo = try await f.store.submission(id: id)?.assignee
            XCTAssertEqual(assignedTo, "alice", "as the API assigns: the token's label")
            // Uploads too: without the token no submission is made.
            let publisher = ConsoleBrowser(client)
            try await publisher.signIn(f.contoso)
            _ = try await publisher.get("/")
            let before = try await f.store.scalar("SELECT count(*) FROM submission")
            let forged = try await publisher.upload("/submissions", zip: try TestPaths.zippedPackage("clean"), csrf: "")
            XCTAssertEqual(forged.status, .forbidden)
            let submissionsAfter = try await f.store.scalar("SELECT count(*) FROM submission")
            XCTAssertEqual(submissionsAfter, before)
            // A signed-out browser's form is refused, not redirected.
            let stranger = ConsoleBrowser(client)
            let anonymous = try await stranger.post("/submissions/\(id)/actions", [("action", "assign")], csrf: "x")
            XCTAssertEqual(anonymous.status, .forbidden)
        }
    }

    func testBehindAProxyTheFormsOfThePublicURLAreAccepted() async throws {
        // A proxy that rewrites Host: the browser's Origin is the public URL, not the authority seen here.
        let f = try await makeServerFixture(console: ConsoleSessionSettings(publicURL: "https://certify.example.com"))
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let reviewer = ConsoleBrowser(client)
            _ = try await reviewer.get("/")
            let signIn = try await reviewer.post(
                "/sign-in", [("token", f.reviewer)], extra: [HTTPField.Name("Origin")!: "https://certify.example.com"])
            XCTAssertEqual(signIn.status, .seeOther)
            _ = try await reviewer.get("/submissions/\(id)")
            let taken = try await reviewer.post(
                "/submissions/\(id)/actions", [("action", "assign")],
                extra: [HTTPField.Name("Origin")!: "https://certify.example.com:443"])
            XCTAssertEqual(taken.status, .seeOther, taken.body)
            // Another port or scheme of the same host is another origin.
            for origin in ["http://certify.example.com", "https://certify.example.com:8443", "https://evil.example"] {
                let refused = try await reviewer.post(
                    "/submissions/\(id)/actions", [("action", "comment"), ("text", "x")], extra: [HTTPField.Name("Origin")!: origin])
                XCTAssertEqual(refused.status, .forbidden, origin)
            }
        }
    }

    func testPagesFollowTheSameVisibilityAsTheAPI() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let fabrikam = ConsoleBrowser(client)
            try await fabrikam.signIn(f.fabrikam)
            // Another publisher's submission is not found, exactly as one that does not exist.
            let other = try await fabrikam.get("/submissions/\(id)")
            let missing = try await fabrikam.get("/submissions/sub_doesnotexist")
            XCTAssertEqual(other.status, .notFound)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertTrue(other.body.contains("id=\"error-message\""))
            XCTAssertFalse(other.body.contains("Contoso"), "nothing of the other publisher's submission shows")
            let compare = try await fabrikam.get("/submissions/\(id)/compare?from=1&to=1")
            XCTAssertEqual(compare.status, .notFound)
            let home = try await fabrikam.get("/")
            XCTAssertFalse(home.body.contains(id))
            // A submitter has no queue, batches or tokens.
            for path in ["/queue", "/recertifications", "/admin/tokens"] {
                let page = try await fabrikam.get(path)
                XCTAssertEqual(page.status, .forbidden, path)
                XCTAssertTrue(page.body.contains("id=\"error-message\""), path)
            }
            _ = try await fabrikam.get("/")
            let act = try await fabrikam.post("/submissions/\(id)/actions", [("action", "withdraw")])
            XCTAssertEqual(act.status, .notFound)
            let submissionState = try await f.store.submission(id: id)?.state
            XCTAssertEqual(submissionState, "awaiting-review")
            // A reviewer reads batches but neither starts one nor manages tokens.
            let reviewer = ConsoleBrowser(client)
            try await reviewer.signIn(f.reviewer)
            let batchesPage = try await reviewer.get("/recertifications")
            XCTAssertEqual(batchesPage.status, .ok)
            let tokensPage = try await reviewer.get("/admin/tokens")
            XCTAssertEqual(tokensPage.status, .forbidden)
            _ = try await reviewer.get("/recertifications")
            let startRefusal = try await reviewer.post("/recertifications", [])
            XCTAssertEqual(startRefusal.status, .forbidden)
            let tokenRefusal = try await reviewer.post("/admin/tokens", [("role", "admin")])
            XCTAssertEqual(tokenRefusal.status, .forbidden)
            // A browser asking for a page that does not exist gets an HTML page; the API keeps its JSON.
            let nowhere = try await stranger404(client, "/no-such-page", accept: "text/html,application/xhtml+xml")
            XCTAssertEqual(nowhere.status, .notFound)
            XCTAssertTrue(nowhere.body.contains("id=\"error-message\""), nowhere.body)
            XCTAssertNotNil(nowhere.headers[.contentSecurityPolicy])
            let api = try await stranger404(client, "/v1/no-such-route", accept: "text/html")
            XCTAssertEqual(api.status, .notFound)
            XCTAssertTrue(api.body.hasPrefix("{\"error\""), api.body)
            // Signed out, a page sends the browser to sign in.
            let stranger = ConsoleBrowser(client)
            let page = try await stranger.get("/submissions/\(id)")
            XCTAssertEqual(page.status, .seeOther)
            XCTAssertEqual(page.location, "/")
        }
    }

    func testASessionExpires() async throws {
        let f = try await makeServerFixture(console: ConsoleSessionSettings(lifetime: .seconds(1)))
        try await f.app.test(.router) { client in
            let browser = ConsoleBrowser(client)
            try await browser.signIn(f.reviewer)
            let queuePage = try await browser.get("/queue")
            XCTAssertEqual(queuePage.status, .ok)
            try await Task.sleep(for: .milliseconds(2100))
            let page = try await browser.get("/queue")
            XCTAssertEqual(page.status, .seeOther, "an expired session is signed out")
        }
    }

    func testRevokingATokenEndsItsSessionsAndANewTokenIsShownOnce() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let publisher = ConsoleBrowser(client)
            try await publisher.signIn(f.contoso)
            let homePage = try await publisher.get("/")
            XCTAssertEqual(homePage.status, .ok)
            let admin = ConsoleBrowser(client)
            try await admin.signIn(f.admin)
            let list = try await admin.get("/admin/tokens")
            XCTAssertTrue(list.body.contains("contoso-ci"))
            XCTAssertFalse(list.body.contains(f.contoso), "a token is never shown again")
            let contosoPrincipal = try await f.store.authenticate(token: f.contoso)
            let contosoId = try XCTUnwrap(contosoPrincipal).tokenId
            let revoked = try await admin.post("/admin/tokens/\(contosoId)/revoke", [])
            XCTAssertEqual(revoked.status, .seeOther)
            let contosoSessions = try await f.store.sessionCount(tokenId: contosoId)
            XCTAssertEqual(contosoSessions, 0)
            let after = try await publisher.get("/")
            XCTAssertTrue(after.body.contains("id=\"sign-in\""), "the revoked token's session has ended")
            let revokedPrincipal = try await f.store.authenticate(token: f.contoso)
            XCTAssertNil(revokedPrincipal, "and the bearer token with it")
            let again = try await admin.post("/admin/tokens/\(contosoId)/revoke", [])
            XCTAssertEqual(again.status, .notFound)
            let made = try await admin.post("/admin/tokens", [("role", "submitter"), ("publisher", "Northwind"), ("label", "nw")])
            XCTAssertEqual(made.status, .created)
            let token = try XCTUnwrap(
                made.body.components(separatedBy: "<code id=\"new-token\" class=\"secret\">").dropFirst().first?
                    .components(separatedBy: "<").first)
            let newTokenPublisher = try await f.store.authenticate(token: token)?.publisher
            XCTAssertEqual(newTokenPublisher, "Northwind")
            let tokensPage = try await admin.get("/admin/tokens")
            XCTAssertFalse(tokensPage.body.contains(token))
            let noPublisher = try await admin.post("/admin/tokens", [("role", "submitter")])
            XCTAssertEqual(noPublisher.status, .badRequest)
            XCTAssertTrue(noPublisher.body.contains("publisher"))
        }
    }

    func testTheReviewFlowThroughTheForms() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let publisher = ConsoleBrowser(client)
            try await publisher.signIn(f.contoso)
            _ = try await publisher.get("/")
            let uploaded = try await publisher.upload("/submissions", zip: try consolePackage(warning: true))
            XCTAssertEqual(uploaded.status, .seeOther, uploaded.body)
            let location = try XCTUnwrap(uploaded.location)
            XCTAssertTrue(location.hasSuffix("?done=submitted"), location)
            let path = String(location.prefix { $0 != "?" })
            let id = String(path.dropFirst("/submissions/".count))
            let running = try await publisher.get(location)
            XCTAssertTrue(running.body.contains("http-equiv=\"refresh\""), "a running check reloads itself")
            XCTAssertTrue(running.body.contains("id=\"flash\""))
            await f.drain()
            let reviewer = ConsoleBrowser(client)
            try await reviewer.signIn(f.reviewer)
            let queue = try await reviewer.get("/queue")
            XCTAssertTrue(queue.body.contains("data-id=\"\(id)\""), "the new submission is in the queue")
            var page = try await reviewer.get(path)
            let currentState = try await f.store.submission(id: id)?.state
            let state = try XCTUnwrap(currentState)
            XCTAssertTrue(page.body.contains("id=\"state\" class=\"state state-\(state)\">\(state)<"), page.body)
            let storedDetail = try await f.store.submissionDetail(id: id)
            let detail = try XCTUnwrap(storedDetail)
            let finding = try XCTUnwrap(detail.latestRun?.findings.first { $0.severity == .warning })
            XCTAssertEqual(finding.ruleId, "description-sentence")
            XCTAssertTrue(page.body.contains("data-fingerprint=\"\(finding.fingerprint)\""))
            // Errors come before warnings on the page.
            if let error = page.body.range(of: "data-severity=\"error\""), let warning = page.body.range(of: "data-severity=\"warning\"") {
                XCTAssertLessThan(error.lowerBound, warning.lowerBound)
            }
            if state == "awaiting-review" {
                let firstAssign = try await reviewer.post("/submissions/\(id)/actions", [("action", "assign")])
                XCTAssertEqual(firstAssign.status, .seeOther)
            }
            page = try await reviewer.get(path)
            let comment = try await reviewer.post(
                "/submissions/\(id)/actions",
                [("action", "comment"), ("fingerprint", finding.fingerprint), ("text", "Please describe this.")])
            XCTAssertEqual(comment.status, .seeOther, comment.body)
            let accept = try await reviewer.post(
                "/submissions/\(id)/actions",
                [("action", "accept"), ("fingerprint", finding.fingerprint), ("reason", "Known and harmless"), ("expires", "2031-01-31")])
            XCTAssertEqual(accept.status, .seeOther, accept.body)
            page = try await reviewer.get(path)
            XCTAssertTrue(page.body.contains("Please describe this."))
            XCTAssertTrue(page.body.contains("class=\"accepted\" data-fingerprint=\"\(finding.fingerprint)\""), page.body)
            XCTAssertTrue(page.body.contains("2031-01-31T23:59:59Z"))
            // The history names the finding an event is about.
            XCTAssertTrue(
                page.body.contains("about <a href=\"#finding-\(finding.fingerprint.prefix(16))\">\(finding.ruleId) at"), page.body)
            let badDate = try await reviewer.post(
                "/submissions/\(id)/actions",
                [("action", "accept"), ("fingerprint", finding.fingerprint), ("reason", "x"), ("expires", "31/01/2031")])
            XCTAssertEqual(badDate.status, .badRequest)
            if try await f.store.submission(id: id)?.state != "changes-required" {
                let asked = try await reviewer.post(
                    "/submissions/\(id)/actions", [("action", "request-changes"), ("text", "End the description with a period.")])
                XCTAssertEqual(asked.status, .seeOther, asked.body)
            }
            let stateAfterRequest = try await f.store.submission(id: id)?.state
            XCTAssertEqual(stateAfterRequest, "changes-required")
            // The publisher sees what was asked, and uploads a revision.
            let home = try await publisher.get("/")
            XCTAssertTrue(home.body.contains("data-id=\"\(id)\""))
            _ = try await publisher.get(path)
            let revision = try await publisher.upload("\(path)/revisions", zip: try consolePackage(warning: false))
            XCTAssertEqual(revision.status, .seeOther, revision.body)
            await f.drain()
            let revisionNumber = try await f.store.submission(id: id)?.revision
            XCTAssertEqual(revisionNumber, 2)
            // The reviewer compares the two revisions.
            let compare = try await reviewer.get("\(path)/compare?from=1&to=2")
            XCTAssertEqual(compare.status, .ok, compare.body)
            for section in ["new-findings", "fixed-findings", "unchanged-findings", "swagger-changes"] {
                XCTAssertTrue(compare.body.contains("id=\"\(section)\""), section)
            }
            XCTAssertTrue(compare.body.contains("Fixed since revision 1"))
            let badCompare = try await reviewer.get("\(path)/compare?from=1&to=9")
            XCTAssertEqual(badCompare.status, .badRequest)
            XCTAssertTrue(badCompare.body.contains("there is no revision 9"))
            _ = try await reviewer.get(path)
            if try await f.store.submission(id: id)?.state == "awaiting-review" {
                let secondAssign = try await reviewer.post("/submissions/\(id)/actions", [("action", "assign")])
                XCTAssertEqual(secondAssign.status, .seeOther)
            }
            let approval = try await reviewer.post("/submissions/\(id)/actions", [("action", "approve")])
            XCTAssertEqual(approval.status, .seeOther)
            let certification = try await reviewer.post("/submissions/\(id)/actions", [("action", "certify")])
            XCTAssertEqual(certification.status, .seeOther)
            let finalState = try await f.store.submission(id: id)?.state
            XCTAssertEqual(finalState, "certified")
            // An action the state no longer allows is a page that says so, not a crash.
            let late = try await reviewer.post("/submissions/\(id)/actions", [("action", "approve")])
            XCTAssertEqual(late.status, .conflict)
            XCTAssertTrue(late.body.contains("Reload the submission"))
        }
    }

    func testHostileValuesRenderAsText() async throws {
        let f = try await makeServerFixture()
        let payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]
        try await f.app.test(.router) { client in
            // A connector whose title, a publisher and a token label carry markup.
            let hostilePublisher = try await f.store.createToken(role: .submitter, publisher: payloads[1], label: payloads[0])
            var files: [PackageFile] = try ["apiDefinition.swagger.json", "apiProperties.json", "readme.md"].map { name in
                PackageFile(
                    path: name, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.package("clean") + "/" + name))))
            }
            let swagger = String(decoding: files[0].bytes, as: UTF8.self)
                .replacingOccurrences(
                    of: "\"title\": \"",
                    with:
                        "\"title\": \"\(payloads[0].replacingOccurrences(of: "\"", with: "\\\"")) \(payloads[1].replacingOccurrences(of: "\"", with: "\\\"")) "
                )
            files[0] = PackageFile(path: files[0].path, bytes: Array(swagger.utf8))
            let zip = try ConnectorPackage(name: "hostile", files: files).zipData()
            let publisher = ConsoleBrowser(client)
            try await publisher.signIn(hostilePublisher)
            _ = try await publisher.get("/")
            let uploaded = try await publisher.upload("/submissions", zip: zip)
            XCTAssertEqual(uploaded.status, .seeOther, uploaded.body)
            let path = String(try XCTUnwrap(uploaded.location).prefix { $0 != "?" })
            let id = String(path.dropFirst("/submissions/".count))
            // A finished run with a hostile finding message, evidence and probe exchange.
            let claimedJob = try await f.store.claimNextJob(owner: "test", leaseSeconds: 60)
            let job = try XCTUnwrap(claimedJob)
            let hostile = payloads.joined(separator: " ")
            let finding = Finding(
                ruleId: "response-schema", severity: .warning, stage: "probe", message: "Answer was \(hostile)",
                file: "apiDefinition.swagger.json", pointer: "/paths/\(hostile)", operation: hostile, evidence: hostile)
            let exchange = Exchange(
                operation: hostile, method: "GET", url: "https://api.example/\(hostile)", requestHeaders: ["X-A: \(hostile)"],
                status: 200, latencyMs: 3, responseHeaders: ["Content-Type: \(hostile)"], bodyExcerpt: hostile, error: hostile)
            try await f.store.completeRun(
                job,
                result: PackageResult(
                    path: "hostile",
                    stages: [StageResult(name: "probe", status: .passed, durationMs: 1, findings: [finding], exchanges: [exchange])]))
            let reviewer = ConsoleBrowser(client)
            try await reviewer.signIn(f.admin)
            _ = try await reviewer.get(path)
            for (action, fields) in [
                ("comment", [("text", hostile)]), ("comment", [("text", hostile), ("fingerprint", finding.fingerprint)]),
                ("accept", [("reason", hostile), ("fingerprint", finding.fingerprint)]),
            ] {
                let answer = try await reviewer.post("/submissions/\(id)/actions", [("action", action)] + fields)
                XCTAssertEqual(answer.status, .seeOther, answer.body)
            }
            // A revision whose file name carries markup (a name may hold anything but path separators).
            _ = try await publisher.get(path)
            let revision = try await publisher.upload("\(path)/revisions", zip: zip, fileName: "\"><img src=x onerror=alert(1)>.zip")
            XCTAssertEqual(revision.status, .seeOther, revision.body)
            let lastFileName = try await f.store.submissionDetail(id: id)?.revisions.last?.fileName
            XCTAssertEqual(lastFileName, "\"><img src=x onerror=alert(1)>.zip")
            let pages = [
                try await reviewer.get(path), try await reviewer.get("/queue"), try await reviewer.get("/admin/tokens"),
                try await reviewer.get("\(path)/compare?from=1&to=2"),
                try await publisher.get("/"), try await publisher.get(path),
                try await reviewer.get("/submissions/\(ConsoleBrowser.encode(payloads[0]))"),
            ]
            for page in pages {
                for payload in payloads {
                    XCTAssertFalse(page.body.contains(payload), "raw markup on a page:\n\(page.body.prefix(3000))")
                }
                XCTAssertFalse(page.body.contains("<img"), "an injected element")
                XCTAssertEqual(
                    page.body.components(separatedBy: "<script").count - 1, page.body.components(separatedBy: "<script nonce=").count - 1)
            }
            // The values are there, as text.
            XCTAssertTrue(pages[0].body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            XCTAssertTrue(pages[0].body.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    func testHostileFormsGetAClearRefusal() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let reviewer = ConsoleBrowser(client)
            try await reviewer.signIn(f.reviewer)
            _ = try await reviewer.get("/submissions/\(id)")
            let token = try XCTUnwrap(reviewer.csrf)
            func raw(_ body: String, type: String = "application/x-www-form-urlencoded") async throws -> ConsoleBrowser.Page {
                try await client.execute(
                    uri: "/submissions/\(id)/actions", method: .post, headers: reviewer.headers([.contentType: type]),
                    body: ByteBuffer(string: body)
                ) { ConsoleBrowser.Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
            }
            let cases: [(String, String, HTTPResponse.Status, String)] = [
                ("_csrf=\(token)&action=comment&text=%FF%FE", "application/x-www-form-urlencoded", .badRequest, "percent-encoded"),
                ("_csrf=\(token)&action=comment&action=assign", "application/x-www-form-urlencoded", .badRequest, "twice"),
                ("_csrf=\(token)&action=launch", "application/x-www-form-urlencoded", .badRequest, "no action"),
                (
                    "_csrf=\(token)&action=comment&text=" + String(repeating: "a", count: ConsoleSecurity.maximumTextFieldBytes + 1),
                    "application/x-www-form-urlencoded", .contentTooLarge, "shorten"
                ),
                (
                    "_csrf=\(token)&action=comment&text=" + String(repeating: "a", count: ConsoleSecurity.maximumFormBytes),
                    "application/x-www-form-urlencoded", .contentTooLarge, "over"
                ),
                ("{\"action\":\"assign\"}", "application/json", .unsupportedMediaType, "HTML form"),
                ("_csrf=\(token)&action=comment", "application/x-www-form-urlencoded", .badRequest, ""),
            ]
            for (body, type, status, words) in cases {
                let page = try await raw(body, type: type)
                XCTAssertEqual(page.status, status, "\(body.prefix(80)): \(page.body.prefix(400))")
                XCTAssertTrue(page.body.contains("id=\"error-message\""))
                if !words.isEmpty { XCTAssertTrue(page.body.contains(words), "\(words): \(page.body.prefix(600))") }
            }
            // A text field exactly at its limit is taken.
            let atLimit = try await raw(
                "_csrf=\(token)&action=comment&text=" + String(repeating: "a", count: ConsoleSecurity.maximumTextFieldBytes))
            XCTAssertEqual(atLimit.status, .seeOther, atLimit.body.prefix(300).description)
            // A query parameter a page does not take is refused, as on the API.
            let query = try await reviewer.get("/queue?sort=evil")
            XCTAssertEqual(query.status, .badRequest)
            XCTAssertTrue(query.body.contains("sort"))
            let age = try await reviewer.get("/queue?min-age=forever")
            XCTAssertEqual(age.status, .badRequest)
            XCTAssertTrue(age.body.contains("id=\"error-message\""))
        }
    }

    func testTheQueueShowsCountsFiltersAndPages() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let brokenSubmission = try await apiSubmit(client, token: f.contoso, fixture: "broken-json")
            let cleanSubmission = try await apiSubmit(client, token: f.fabrikam)
            let broken = try XCTUnwrap(brokenSubmission["id"] as? String)
            let clean = try XCTUnwrap(cleanSubmission["id"] as? String)
            await f.drain()
            let reviewer = ConsoleBrowser(client)
            try await reviewer.signIn(f.reviewer)
            let all = try await reviewer.get("/queue")
            XCTAssertTrue(all.body.contains("data-id=\"\(clean)\""))
            XCTAssertTrue(all.body.contains("data-id=\"\(broken)\""))
            XCTAssertTrue(all.body.contains(">changes-required (1)<"), all.body)
            XCTAssertTrue(all.body.contains(">awaiting-review (1)<"))
            // The broken package's row shows its one error.
            let row = try XCTUnwrap(
                all.body.components(separatedBy: "data-id=\"\(broken)\"").dropFirst().first?.components(separatedBy: "</tr>").first)
            XCTAssertTrue(row.contains("<td class=\"num errors\">1</td>"), row)
            let filtered = try await reviewer.get("/queue?publisher=Fabrikam")
            XCTAssertTrue(filtered.body.contains("data-id=\"\(clean)\""))
            XCTAssertFalse(filtered.body.contains("data-id=\"\(broken)\""))
            XCTAssertTrue(filtered.body.contains("href=\"/queue?state=awaiting-review&amp;publisher=Fabrikam\""), "tabs keep the filter")
            let state = try await reviewer.get("/queue?state=changes-required")
            XCTAssertFalse(state.body.contains("data-id=\"\(clean)\""))
            _ = try await reviewer.get("/submissions/\(clean)")
            _ = try await reviewer.post("/submissions/\(clean)/actions", [("action", "assign")])
            let mine = try await reviewer.get("/queue?mine=1")
            XCTAssertTrue(mine.body.contains("data-id=\"\(clean)\""))
            XCTAssertFalse(mine.body.contains("data-id=\"\(broken)\""))
            let old = try await reviewer.get("/queue?min-age=2d")
            XCTAssertFalse(old.body.contains("class=\"submission\""), "nothing has waited two days")
            // Paging: past pageSize rows a link leads to the next page.
            for _ in 0...ConsolePages.pageSize { _ = try await apiSubmit(client, token: f.contoso) }
            let first = try await reviewer.get("/queue?state=submitted")
            XCTAssertEqual(first.body.components(separatedBy: "class=\"submission\"").count - 1, ConsolePages.pageSize)
            let next = try XCTUnwrap(
                first.body.components(separatedBy: "<a href=\"").dropFirst().first { $0.contains("rel=\"next\"") }?.components(
                    separatedBy: "\""
                ).first)
            let second = try await reviewer.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            XCTAssertEqual(second.status, .ok)
            XCTAssertEqual(second.body.components(separatedBy: "class=\"submission\"").count - 1, 1, "the one left over")
        }
    }
}

/// The clean fixture zipped; with `warning`, GetForecast's description loses its final period
/// (one `description-sentence` warning, no error), so the first revision awaits review.
func consolePackage(warning: Bool) throws -> Data {
    let names = ["apiDefinition.swagger.json", "apiProperties.json", "readme.md"]
    var files = try names.map { name in
        PackageFile(path: name, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.package("clean") + "/" + name))))
    }
    if warning {
        let swagger = String(decoding: files[0].bytes, as: UTF8.self)
        let edited = swagger.replacingOccurrences(of: "next days at a place.\"", with: "next days at a place\"")
        XCTAssertNotEqual(edited, swagger)
        files[0] = PackageFile(path: files[0].path, bytes: Array(edited.utf8))
    }
    return try ConnectorPackage(name: "contoso-weather", files: files).zipData()
}

func stranger404(_ client: some TestClientProtocol, _ uri: String, accept: String) async throws -> ConsoleBrowser.Page {
    try await client.execute(uri: uri, method: .get, headers: [.accept: accept]) {
        ConsoleBrowser.Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
    }
}
