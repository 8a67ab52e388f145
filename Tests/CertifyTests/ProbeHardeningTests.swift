import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Pipeline
import Reports
import StageCatalog
import Synchronization
import UseCases
import XCTest

@testable import CertifyServer
@testable import Probing

/// Issue 11: credentials echoed by an API in another form (JSON-escaped, percent-encoded again,
/// the basic password alone, cut by the excerpt or by a message) are redacted all the same; and
/// the per-host limits hold across every probe run in the process.
final class ProbeHardeningTests: XCTestCase {
    // MARK: The secrets, and the forms the echo API gives them back in

    /// An API key sent in the query; its letters and digits come in runs of 4 or 5 between the
    /// characters that encoders change, so a leak of any part of it shows as one of the runs.
    static let key = "ZqRk7/FxWv2:Pw3Q+TmYw9 LmH4~VbN8="
    static let user = "certify-user"
    static let password = #"Hq8Vt/Jd3"Bx9ö\Wm2R Gy7=?"#
    /// base64("certify-user:" + password) ends in "/", which PHP's json_encode writes as "\/".
    static let basicBase64 = "Y2VydGlmeS11c2VyOkhxOFZ0L0pkMyJCeDnDtlxXbTJSIEd5Nz0/"

    /// What must not be anywhere in what a run keeps or reports: the runs of letters and digits
    /// of the key and the password, and the base64 of the basic credentials without its last
    /// character (the "/" a JSON encoder escapes).
    static let fragments = [
        "ZqRk7", "FxWv2", "Pw3Q", "TmYw9", "LmH4", "VbN8", "Hq8Vt", "Jd3", "Bx9", "Wm2R", "Gy7",
        String(basicBase64.dropLast()), "OkhxOFZ0L0pk",
    ]

    /// The forms the echo API answers with, by path. Each is written out here by hand, not by the
    /// code under test.
    static let echoes: [(path: String, json: String)] = [
        // JSON-escaped: "/" as "\/", quotes and backslashes escaped (PHP's json_encode).
        ("json-slash-key", #"ZqRk7\/FxWv2:Pw3Q+TmYw9 LmH4~VbN8="#),
        ("json-slash-password", #"Hq8Vt\/Jd3\"Bx9ö\\Wm2R Gy7=?"#),
        // Non-ASCII as \uXXXX in lower-case hex (Python's json.dumps, PHP).
        ("json-unicode-lower", #"Hq8Vt\/Jd3\"Bx9\u00f6\\Wm2R Gy7=?"#),
        // In upper-case hex, and "=" as \u003D (HTML-safe encoders such as Gson).
        ("json-unicode-upper", #"Hq8Vt/Jd3\u0022Bx9\u00F6\u005CWm2R Gy7\u003D?"#),
        ("json-html-safe-key", #"ZqRk7/FxWv2:Pw3Q+TmYw9 LmH4~VbN8\u003D"#),
        // Percent-encoded again with lower-case hex.
        ("percent-lower", "ZqRk7%2fFxWv2%3aPw3Q%2bTmYw9%20LmH4~VbN8%3d"),
        // Percent-encoded keeping "/" and ":".
        ("percent-kept", "ZqRk7/FxWv2:Pw3Q%2BTmYw9%20LmH4~VbN8%3D"),
        // Form encoding: a space as "+", "~" encoded.
        ("form", "ZqRk7%2FFxWv2%3APw3Q%2BTmYw9+LmH4%7EVbN8%3D"),
        // The password of the basic credentials alone, decoded.
        ("password", #"Hq8Vt/Jd3\"Bx9ö\\Wm2R Gy7=?"#),
    ]

    static let echoPaths = echoes.map(\.path) + ["authorization", "excerpt-cut", "message-cut", "redirect-away"]

    /// A swagger whose operations all require the basic credentials and the key, and declare an
    /// `echo` property that no answer matches, so each finding message quotes the echoed value.
    static func echoSwagger() -> String {
        let paths = echoPaths.map { path in
            #""/\#(path)": {"get": {"operationId": "Echo-\#(path)", "summary": "Echo", "description": "Echoes a credential.", "responses": {"200": {"description": "OK.", "schema": {"type": "object", "properties": {"echo": {"type": "string", "enum": ["nothing"]}}}}}}}"#
        }
        return #"""
            {"swagger": "2.0", "info": {"title": "Echo", "description": "Echoes credentials.", "version": "1.0"},
             "host": "api.echo.example", "basePath": "/", "schemes": ["https"], "produces": ["application/json"],
             "securityDefinitions": {"basic_auth": {"type": "basic"}, "api_key": {"type": "apiKey", "in": "query", "name": "key"}},
             "security": [{"basic_auth": [], "api_key": []}],
             "paths": {\#(paths.joined(separator: ",\n"))}}
            """#
    }

    static let credentials = ["basic_auth": "\(user):\(password)", "api_key": key]

    /// The API: answers each echo path with `{"echo": FORM}` and the form in an X-Echo header too.
    static func echoAPI() -> some ApplicationProtocol {
        let router = Router()
        @Sendable func json(_ body: String, echo: String? = nil) -> Response {
            var fields: HTTPFields = [.contentType: "application/json"]
            if let echo { fields[HTTPField.Name("X-Echo")!] = echo }
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        for (path, form) in echoes {
            router.get(RouterPath(path)) { _, _ in json(#"{"echo": "\#(form)"}"#, echo: form) }
        }
        // The Authorization header as received, JSON-escaped with "/" as "\/".
        router.get("authorization") { request, _ in
            let value = request.headers[.authorization] ?? ""
            return json(#"{"echo": "\#(value.replacingOccurrences(of: "/", with: #"\/"#))"}"#)
        }
        // The 2 KiB excerpt ends 8 bytes into the key.
        router.get("excerpt-cut") { _, _ in
            let head = #"{"echo": ""#
            let padding = String(repeating: "x", count: 2040 - head.utf8.count)
            return json(head + padding + key + #""}"#)
        }
        // A finding message quotes 60 characters of a string: 50 of padding, then 9 of the key.
        router.get("message-cut") { _, _ in json(#"{"echo": "\#(String(repeating: "x", count: 50))\#(key)"}"#) }
        // A redirect to a closed port, with the key (lower-case hex) in the URL the error names.
        router.get("redirect-away") { _, _ in
            Response(status: .found, headers: [.location: "http://127.0.0.1:1/next?k=ZqRk7%2fFxWv2%3aPw3Q%2bTmYw9%20LmH4~VbN8%3d"])
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func package(swagger: String) throws -> ConnectorPackage {
        let base = try PackageLoader().load(path: TestPaths.package("probe-fixture"))
        var files = base.files.filter { $0.path != "apiDefinition.swagger.json" }
        files.append(PackageFile(path: "apiDefinition.swagger.json", bytes: Array(swagger.utf8)))
        return ConnectorPackage(name: "probe-hardening", files: files)
    }

    static func probe(_ package: ConnectorPackage, _ settings: ProbeSettings) async -> PackageResult {
        let options = CheckOptions(stages: [StageRegistry.probeStageName])
        return await StageRunner(options: options, extraStages: [ProbeStage(settings: settings)]).run(package, path: package.name)
    }

    /// Every text a run keeps or reports: the findings, the exchanges, and the text, Markdown,
    /// HTML, SARIF and JSON reports.
    static func everything(_ result: PackageResult) -> [(String, String)] {
        var texts: [(String, String)] = []
        for finding in result.findings {
            texts.append(("finding message", finding.message))
            texts.append(("finding evidence", finding.evidence ?? ""))
        }
        for stage in result.stages {
            texts.append(("summary", stage.summary ?? ""))
            for exchange in stage.exchanges {
                texts.append(
                    (
                        "exchange",
                        ([exchange.url, exchange.bodyExcerpt, exchange.error ?? ""] + exchange.requestHeaders + exchange.responseHeaders)
                            .joined(separator: "\n")
                    ))
            }
        }
        let report = Report(title: "t", toolVersion: "t", packages: [PackageReport(result)])
        for format in [ReportFormat.text, .markdown, .html, .sarif, .json] {
            texts.append(("\(format) report", ReportRenderer.render(report, as: format)))
        }
        return texts
    }

    static func assertNoSecret(_ texts: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (label, text) in texts {
            for fragment in fragments where text.contains(fragment) {
                XCTFail("'\(fragment)' of a credential is in the \(label):\n\(text.prefix(3000))", file: file, line: line)
            }
        }
    }

    // MARK: Defect 7: redaction

    func testCredentialsEchoedInAnyFormAreRedactedEverywhere() async throws {
        try await Self.echoAPI().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let settings = ProbeSettings(
                baseURL: "http://127.0.0.1:\(port)", credentials: Self.credentials, allowPrivateNetwork: true,
                requestTimeoutSeconds: 1, requestsPerSecond: 50)
            let result = await Self.probe(try Self.package(swagger: Self.echoSwagger()), settings)
            let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
            // Every echo was called and answered: the redaction is tested on real answers.
            XCTAssertEqual(Set(probe.exchanges.map(\.operation)), Set(Self.echoPaths.map { "Echo-\($0)" }))
            for path in Self.echoPaths where path != "redirect-away" {
                let exchange = try XCTUnwrap(probe.exchanges.first { $0.operation == "Echo-\(path)" })
                XCTAssertEqual(exchange.status, 200, path)
                XCTAssertTrue(exchange.bodyExcerpt.contains("***"), "\(path): \(exchange.bodyExcerpt)")
                // The message quotes the echoed value (only padding, for excerpt-cut).
                let mismatch = result.findings.first { $0.operation == "Echo-\(path)" && $0.ruleId == "probe-schema-mismatch" }
                XCTAssertEqual(
                    mismatch?.message.contains(path == "excerpt-cut" ? "xxx…" : "***"), true,
                    "\(path): \(mismatch?.message ?? "no finding")")
            }
            let cut = try XCTUnwrap(probe.exchanges.first { $0.operation == "Echo-excerpt-cut" })
            XCTAssertTrue(
                cut.bodyExcerpt.hasSuffix("***\n… (cut)"), "the key that spans the cut is replaced whole: …\(cut.bodyExcerpt.suffix(40))")
            let redirect = try XCTUnwrap(probe.exchanges.first { $0.operation == "Echo-redirect-away" })
            XCTAssertNil(redirect.status)
            XCTAssertTrue(redirect.error?.contains("127.0.0.1:1/next?k=***") == true, redirect.error ?? "")
            let echoHeader = try XCTUnwrap(
                probe.exchanges.first { $0.operation == "Echo-percent-lower" }?.responseHeaders.first {
                    $0.lowercased().hasPrefix("x-echo:")
                })
            XCTAssertTrue(echoHeader.hasSuffix(": ***"), echoHeader)
            // The calls with credentials show the key redacted; the auth checks' calls carry no key
            // or the probe's wrong one, never the real one.
            let withKey = Dictionary(probe.exchanges.map { ($0.operation, $0) }, uniquingKeysWith: { first, _ in first }).values
            XCTAssertTrue(withKey.allSatisfy { $0.url.contains("key=***") }, withKey.map(\.url).joined(separator: "\n"))
            XCTAssertTrue(
                probe.exchanges.allSatisfy {
                    !$0.url.contains("key=") || $0.url.contains("key=***") || $0.url.contains("key=\(PreparedRequest.wrongAPIKey)")
                }, probe.exchanges.map(\.url).joined(separator: "\n"))
            Self.assertNoSecret(Self.everything(result))
        }
    }

    /// Through the server, the run's exchanges and findings reach the database (probe_exchange,
    /// the WAL) without any form of the credentials.
    func testNoFormOfTheCredentialsReachesTheDatabase() async throws {
        try await Self.echoAPI().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let f = try await makeServerFixture(allowPrivateNetwork: true)
            let zip = try Self.package(swagger: Self.echoSwagger()).zipData()
            let id = try await f.app.test(.router) { client -> String in
                var headers = apiHeaders(f.contoso, contentType: "application/zip")
                headers.append(HTTPField(name: HTTPField.Name("X-Certify-Credential")!, value: "basic_auth=\(Self.user):\(Self.password)"))
                headers.append(HTTPField(name: HTTPField.Name("X-Certify-Credential")!, value: "api_key=\(Self.key)"))
                headers[HTTPField.Name("X-Certify-Probe-Base-Url")!] = "http://127.0.0.1:\(port)"
                return try await client.execute(uri: "/v1/submissions", method: .post, headers: headers, body: ByteBuffer(bytes: zip)) {
                    response in
                    XCTAssertEqual(response.status, .created, String(buffer: response.body))
                    return try XCTUnwrap(try apiJSON(response)["id"] as? String)
                }
            }
            var pipeline = PipelineConfiguration()
            pipeline.probeDefaults = ProbeSettings(allowPrivateNetwork: true, requestTimeoutSeconds: 1, requestsPerSecond: 50)
            pipeline.secretSealer = f.secretSealer
            await WorkerPool(store: f.store, configuration: pipeline).drain()
            let storedDetail = try await f.store.submissionDetail(id: id)
            let detail = try XCTUnwrap(storedDetail)
            let probe = try XCTUnwrap(detail.latestRun?.stages.first { $0.name == "probe" })
            XCTAssertEqual(Set(probe.exchanges.map(\.operation)).count, Self.echoPaths.count, probe.summary ?? "")
            let exchangeCount = try await f.store.scalar("SELECT count(*) FROM probe_exchange")
            XCTAssertGreaterThan(exchangeCount, Self.echoPaths.count - 1)
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: f.store.path ?? ""))
                + ((try? Data(contentsOf: URL(fileURLWithPath: (f.store.path ?? "") + "-wal"))) ?? Data())
            for fragment in Self.fragments {
                XCTAssertNil(bytes.range(of: Data(fragment.utf8)), "'\(fragment)' of a credential is in the database")
            }
            let markdown = ReportRenderer.render(ReportBuilder.report(for: detail), as: .markdown)
            Self.assertNoSecret([("markdown report", markdown)])
        }
    }

    /// The transformations not covered by the echo API, on the redactor itself.
    func testTheRedactorFindsEveryEncodingOfASecret() {
        let secret = "Ab12/c:d+e f\"g\\h\té😀<i&j='k"
        let redactor = SecretRedactor(values: [secret])
        let forms = [
            secret,
            // JSON: short escapes for the tab, quote and backslash; \u for the rest, either case; a surrogate pair.
            #"Ab12\/c:d+e f\"g\\h\t\u00e9\ud83d\ude00<i&j='k"#,
            #"Ab12/c:d+e f\u0022g\u005Ch\u0009\u00E9\uD83D\uDE00\u003Ci\u0026j\u003D\u0027k"#,
            // Percent, both cases, form encoding, encoded twice.
            "Ab12%2Fc%3Ad%2Be%20f%22g%5Ch%09%C3%A9%F0%9F%98%80%3Ci%26j%3D%27k",
            "Ab12/c:d%2be+f%22g%5ch%09%c3%a9%f0%9f%98%80%3ci%26j%3d%27k",
            "Ab12%252Fc%253Ad%252Be%2520f%2522g%255Ch%2509%25C3%25A9%25F0%259F%2598%2580%253Ci%2526j%253D%2527k",
            // HTML.
            "Ab12&#x2F;c:d+e f&quot;g\\h\té😀&lt;i&amp;j=&#39;k",
            // base64 of the whole.
            Data(secret.utf8).base64EncodedString(),
        ]
        for form in forms {
            XCTAssertEqual(redactor.redact("before \(form) after"), "before *** after", form)
        }
        // Basic credentials: the password alone, and the base64 of user:password.
        let basic = SecretRedactor(values: ["alice:Pa55/word"], basic: ["alice:Pa55/word"])
        XCTAssertEqual(basic.redact(#"{"p": "Pa55\/word"}"#), #"{"p": "***"}"#)
        XCTAssertEqual(basic.redact("Basic YWxpY2U6UGE1NS93b3Jk"), "Basic ***")
        XCTAssertEqual(basic.redact("user alice"), "user alice", "the user name alone is not a secret")
        // A bearer token given with its scheme: the token alone too.
        XCTAssertEqual(SecretRedactor(values: ["Bearer tok-123"]).redact("token tok-123"), "token ***")
    }

    func testShortSecretsAreLeftAloneAndCutSecretsAreRedacted() {
        XCTAssertEqual(SecretRedactor.minimumSecretLength, 3)
        XCTAssertEqual(SecretRedactor(values: ["ab"]).redact("a tab bar"), "a tab bar", "shorter than 3 characters: not redacted")
        XCTAssertEqual(
            SecretRedactor(values: ["u:ab"], basic: ["u:ab"]).redact("ab u:ab"), "ab ***", "a 2-character password alone is not redacted")
        let redactor = SecretRedactor(values: ["k-123456-secret"])
        // Before a cut mark, at least 3 characters of a secret (or of an encoding of it).
        XCTAssertEqual(redactor.redact("'xxk-1234…'"), "'xx***…'")
        XCTAssertEqual(redactor.redact("value k-12... (cut)"), "value ***... (cut)")
        XCTAssertEqual(redactor.redact("k-…"), "k-…", "2 characters: left")
        XCTAssertEqual(redactor.redact("a sentence…"), "a sentence…")
        // The excerpt: a secret spanning the cut is replaced whole; a start left at a cut is dropped.
        let body = Array((String(repeating: "x", count: 10) + "k-123456-secret" + String(repeating: "y", count: 10)).utf8)
        XCTAssertEqual(redactor.excerpt(body, limit: 14).text, "xxxxxxxxxx***")
        XCTAssertEqual(redactor.excerpt(body, limit: 14).cut, true)
        XCTAssertEqual(redactor.excerpt(body, limit: 100).text, "xxxxxxxxxx***yyyyyyyyyy")
        XCTAssertEqual(redactor.excerpt(body, limit: 100).cut, false)
        // Cut by the excerpt, or by the response size limit: the start of the secret is dropped.
        let truncated = Array("xxxxxxxxxxk-12345".utf8)
        XCTAssertEqual(redactor.excerpt(truncated + Array("zzzz".utf8), limit: 17).text, "xxxxxxxxxx")
        XCTAssertEqual(redactor.excerpt(truncated, limit: 2048, bodyWasCut: true).text, "xxxxxxxxxx")
        XCTAssertEqual(redactor.excerpt(truncated, limit: 2048).text, "xxxxxxxxxxk-12345", "a whole body is kept as it is")
        // A cut inside a multi-byte character drops the whole character.
        XCTAssertEqual(SecretRedactor(values: []).excerpt(Array("aé".utf8), limit: 2).text, "a")
    }

    // MARK: Defect 11: one limiter per host for the whole process

    func testTwoRunsAgainstOneHostKeepTwoRequestsInFlight() async throws {
        let inFlight = Mutex((now: 0, most: 0, calls: 0))
        let router = Router()
        let paths = (1...6).map { "slow\($0)" }
        for path in paths {
            router.get(RouterPath(path)) { _, _ in
                inFlight.withLock { state in
                    state.now += 1
                    state.calls += 1
                    state.most = max(state.most, state.now)
                }
                try await Task.sleep(for: .milliseconds(150))
                inFlight.withLock { $0.now -= 1 }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
        }
        let swagger = #"""
            {"swagger": "2.0", "info": {"title": "Slow", "description": "Answers slowly.", "version": "1.0"},
             "host": "api.slow.example", "basePath": "/", "schemes": ["https"], "produces": ["application/json"],
             "paths": {\#(paths.map { #""/\#($0)": {"get": {"operationId": "\#($0)", "responses": {"200": {"description": "OK."}}}}"# }.joined(separator: ", "))}}
            """#
        let package = try Self.package(swagger: swagger)
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { api in
            let settings = ProbeSettings(
                baseURL: "http://127.0.0.1:\(try XCTUnwrap(api.port))", allowPrivateNetwork: true, requestTimeoutSeconds: 5,
                requestsPerSecond: 50, concurrencyPerHost: 2)
            async let first = Self.probe(package, settings)
            async let second = Self.probe(package, settings)
            let results = await [first, second]
            for result in results {
                XCTAssertFalse(
                    result.findings.contains { $0.ruleId == "probe-call-failed" }, result.findings.map(\.message).joined(separator: "\n"))
            }
            let state = inFlight.withLock { $0 }
            XCTAssertEqual(state.calls, 12, "both runs called every operation")
            XCTAssertEqual(state.most, 2, "at most 2 requests in flight to the host, across both runs")
        }
    }

    func testTheLimiterAppliesTheStrictestLimitsAskedFor() async throws {
        let limiter = HostLimiter()
        let url = "http://127.0.0.1:9/a"
        let strict = HostLimiter.Limits(requestsPerSecond: 1000, concurrency: 1)
        let loose = HostLimiter.Limits(requestsPerSecond: 1000, concurrency: 2)
        // Another port is another host.
        XCTAssertNotEqual(HostLimiter.key("http://127.0.0.1:9/a"), HostLimiter.key("http://127.0.0.1:10/a"))
        XCTAssertEqual(HostLimiter.key("HTTPS://Example.COM/x"), HostLimiter.key("https://example.com:443/y"))

        let held = await limiter.acquire(url, strict)
        // A run that allows 2 in flight still waits while a request of a run that allows 1 is in flight.
        let waiter = Task { await limiter.acquire(url, loose) }
        try await Task.sleep(for: .milliseconds(100))
        var load = await limiter.load(url)
        XCTAssertEqual(load.inFlight, 1)
        XCTAssertEqual(load.waiting, 1)
        let other = await limiter.acquire("http://127.0.0.1:10/a", strict)
        await limiter.release(other)
        await limiter.release(held)
        let second = await waiter.value
        load = await limiter.load(url)
        XCTAssertEqual(load.inFlight, 1)
        XCTAssertEqual(load.waiting, 0)

        // And the spacing: 5 a second means 200 ms between starts.
        await limiter.release(second)
        let spaced = HostLimiter.Limits(requestsPerSecond: 5, concurrency: 2)
        let start = ContinuousClock.now
        let a = await limiter.acquire("http://127.0.0.1:11/", spaced)
        let b = await limiter.acquire("http://127.0.0.1:11/", spaced)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(190))
        await limiter.release(a)
        await limiter.release(b)
    }
}
