import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONDocument
import NIOCore
import OutboundHTTP
import Pipeline
import Reports
import StageCatalog
import SubmissionStore
import Synchronization
import UseCases
import XCTest

@testable import CertifyServer
@testable import Probing

let fixtureKey = "k-123456-secret"

/// An API whose operations answer as Fixtures/packages/probe-fixture declares, or break one
/// check each.
func probeFixtureAPI() -> some ApplicationProtocol {
    let router = Router()
    let throttled = Mutex(0)
    struct AuthMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let key = request.headers[HTTPField.Name("X-Api-Key")!]
            // /leaky checks no key; /anykey wants one but takes any; the others want the right one.
            let allowed = request.uri.path == "/leaky" || (request.uri.path == "/anykey" ? key != nil : key == fixtureKey)
            if !allowed {
                return Response(
                    status: .unauthorized, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"error":"unauthorized"}"#)))
            }
            return try await next(request, context)
        }
    }
    router.add(middleware: AuthMiddleware())
    @Sendable func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    router.get("items") { _, _ in json(#"{"items": [{"id": 1, "name": "one", "note": null}, {"id": 2, "name": "two"}]}"#) }
    router.get("items/:id") { _, _ in json(#"{"id": "1", "name": "one"}"#) }
    router.get("broken") { _, _ in json(#"{"a": 1,"#) }
    router.get("crash") { _, _ in json(#"{"error": "boom"}"#, status: .internalServerError) }
    router.get("teapot") { _, _ in json("{}", status: .init(code: 418)) }
    router.get("text") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "hello")))
    }
    router.get("slow") { _, _ in
        try await Task.sleep(for: .milliseconds(400))
        return json("{}")
    }
    router.get("headers") { _, _ in json("{}") }
    router.get("leaky") { _, _ in json("{}") }
    router.get("anykey") { _, _ in json("{}") }
    router.get("throttled") { _, _ in
        let first = throttled.withLock { count -> Bool in
            count += 1
            return count == 1
        }
        return first ? json("{}", status: .tooManyRequests, headers: [.retryAfter: "1"]) : json("{}")
    }
    router.get("redirect") { _, _ in Response(status: .found, headers: [.location: "/redirect"]) }
    router.get("search") { _, _ in json("{}") }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

func probeCheck(_ settings: ProbeSettings, files: [String: String] = [:]) async throws -> PackageResult {
    var package = try PackageLoader().load(path: TestPaths.package("probe-fixture"))
    for (path, text) in files { package.files.append(PackageFile(path: path, bytes: Array(text.utf8))) }
    let options = CheckOptions(stages: [StageRegistry.probeStageName])
    return await StageRunner(options: options, extraStages: [ProbeStage(settings: settings)]).run(package, path: "probe-fixture")
}

func probeSettings(port: Int, credentials: [String: String] = ["api_key": fixtureKey]) -> ProbeSettings {
    ProbeSettings(
        baseURL: "http://127.0.0.1:\(port)", credentials: credentials, allowPrivateNetwork: true,
        requestTimeoutSeconds: 5, latencyBudgetMilliseconds: 250, requestsPerSecond: 50, maximumRetryAfterSeconds: 2)
}

final class ProbeTests: XCTestCase {
    func testEachBrokenOperationIsReportedUnderItsRuleAndTheOthersPass() async throws {
        try await probeFixtureAPI().test(.live) { api in
            let result = try await probeCheck(probeSettings(port: try XCTUnwrap(api.port)))
            let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
            var byOperation: [String: Set<String>] = [:]
            for finding in probe.findings { byOperation[finding.operation ?? "", default: []].insert(finding.ruleId) }
            XCTAssertEqual(byOperation["ListItems"], nil, "a conforming operation passes")
            XCTAssertEqual(byOperation["GetThrottled"], nil, "a 429 with Retry-After is waited out, not a failure")
            XCTAssertEqual(byOperation["GetItem"], ["probe-schema-mismatch"])
            XCTAssertEqual(byOperation["GetBroken"], ["probe-invalid-json"])
            XCTAssertEqual(byOperation["GetCrash"], ["probe-server-error"])
            XCTAssertEqual(byOperation["GetTeapot"], ["probe-undeclared-status"])
            XCTAssertEqual(byOperation["GetText"], ["probe-content-type"])
            XCTAssertEqual(byOperation["GetSlow"], ["probe-slow"])
            XCTAssertEqual(byOperation["GetHeaders"], ["probe-missing-header"])
            XCTAssertEqual(byOperation["GetRedirect"], ["probe-redirects"])
            XCTAssertEqual(byOperation["Search"], ["probe-not-probed"])
            XCTAssertEqual(byOperation["CreateItem"], ["probe-not-probed"])
            XCTAssertEqual(byOperation["RegisterHook"], ["probe-not-probed"])
            // Every secured operation that succeeded is called again without the key and with a
            // wrong one: GetLeaky takes both, GetAnyKey the wrong one; the rest answer 401.
            XCTAssertEqual(byOperation["GetLeaky"], ["probe-auth-not-enforced"])
            XCTAssertEqual(byOperation["GetAnyKey"], ["probe-auth-not-enforced"])
            let schema = try XCTUnwrap(probe.findings.first { $0.ruleId == "probe-schema-mismatch" })
            XCTAssertEqual(schema.pointer, "/paths/~1items~1{id}/get/responses/200/schema", "the response's declared schema")
            XCTAssertNotNil(schema.line)
            XCTAssertTrue(schema.message.contains("/id"), schema.message)
            XCTAssertTrue(schema.evidence?.contains("GET http://127.0.0.1") == true)
            XCTAssertEqual(probe.summary?.contains("not probed"), true, probe.summary ?? "")
            XCTAssertFalse(probe.exchanges.isEmpty)
            // The key is nowhere in what is reported or kept.
            let everything =
                try String(decoding: JSONEncoder().encode(result), as: UTF8.self)
                + ReportRenderer.render(Report(title: "t", toolVersion: "t", packages: [PackageReport(result)]), as: .html)
                + ReportRenderer.render(Report(title: "t", toolVersion: "t", packages: [PackageReport(result)]), as: .text)
            XCTAssertFalse(everything.contains(fixtureKey), "the credential leaked into the output")
            XCTAssertTrue(everything.contains("X-Api-Key: ***"))
        }
    }

    func testAuthenticationMustBeEnforced() async throws {
        try await probeFixtureAPI().test(.live) { api in
            let plan =
                #"{"operations": {"ListItems": {"skip": true}, "GetHeaders": {"skip": true}, "GetThrottled": {"skip": true}, "GetSlow": {"skip": true}}}"#
            let result = try await probeCheck(probeSettings(port: try XCTUnwrap(api.port)), files: ["probe-plan.json": plan])
            let auth = result.findings.filter { $0.ruleId == "probe-auth-not-enforced" }
            XCTAssertEqual(auth.compactMap(\.operation).sorted(), ["GetAnyKey", "GetLeaky", "GetLeaky"])
            XCTAssertEqual(auth.filter { $0.message.contains("with a wrong API key") }.count, 2)
            let leaky = try XCTUnwrap(auth.first { $0.operation == "GetLeaky" && $0.message.contains("without credentials") })
            XCTAssertTrue(leaky.message.contains("answered 200 to a call without credentials"), leaky.message)
            // The evidence shows the call with credentials and the one without, redacted.
            let evidence = try XCTUnwrap(leaky.evidence)
            XCTAssertTrue(evidence.hasPrefix("With credentials:\n"), evidence)
            XCTAssertTrue(evidence.contains("X-Api-Key: ***"), evidence)
            XCTAssertTrue(evidence.contains("\n\nWithout credentials:\n"), evidence)
            XCTAssertFalse(evidence.contains(fixtureKey))
            let wrong = try XCTUnwrap(auth.first { $0.operation == "GetAnyKey" })
            XCTAssertTrue(wrong.message.contains("with a wrong API key"), wrong.message)
            XCTAssertTrue(wrong.evidence?.contains("With a wrong API key:") == true)
            // Every secured operation that answered 2xx was tried without the key, not only the
            // first: GetLeaky, GetAnyKey, and GetItem, whose body is wrong but whose status is 200.
            XCTAssertEqual(
                result.stages.first { $0.name == "probe" }?.exchanges.filter { exchange in
                    !exchange.requestHeaders.contains { $0.lowercased().hasPrefix("x-api-key") }
                }.count ?? 0, 3)
        }
    }

    func testProbePlanGivesValuesAndItsMistakesAreReported() async throws {
        try await probeFixtureAPI().test(.live) { api in
            let plan =
                #"{"operations": {"Search": {"parameters": {"q": "x"}, "expectStatus": [200]}, "NoSuchOperation": {}, "GetItem": {"skip": "yes"}}}"#
            let result = try await probeCheck(probeSettings(port: try XCTUnwrap(api.port)), files: ["probe-plan.json": plan])
            XCTAssertFalse(result.findings.contains { $0.operation == "Search" }, "the plan's value lets Search be called, and it passes")
            let problems = result.findings.filter { $0.ruleId == "probe-plan-invalid" }
            XCTAssertEqual(Set(problems.map { $0.pointer ?? "" }), ["/operations/NoSuchOperation", "/operations/GetItem/skip"])
            XCTAssertTrue(problems.allSatisfy { $0.file == "probe-plan.json" && $0.line != nil })
        }
    }

    func testPrivateTargetsAreRefusedUnlessAllowed() async throws {
        try await probeFixtureAPI().test(.live) { api in
            var strict = probeSettings(port: try XCTUnwrap(api.port))
            strict.allowPrivateNetwork = false
            let result = try await probeCheck(strict)
            let refused = result.findings.filter { $0.ruleId == "probe-refused-target" }
            XCTAssertFalse(refused.isEmpty)
            XCTAssertTrue(refused.allSatisfy { $0.message.contains("loopback") })
            XCTAssertFalse(
                result.findings.contains { ["probe-server-error", "probe-schema-mismatch"].contains($0.ruleId) }, "nothing was called")
        }
    }

    /// A dead target: each refused connection fails at once with that reason, and after three
    /// to one host the rest of its operations are not called, with the reason.
    func testAnUnreachableHostStopsBeingCalledAfterThreeFailures() async throws {
        let port = try OutboundLimitsTests.closedPort()
        let result = try await probeCheck(probeSettings(port: port))
        let failed = result.findings.filter { $0.ruleId == "probe-call-failed" }
        // Three failures close the host; calls already in flight (two at a time) may add one.
        XCTAssertTrue((3...4).contains(failed.count), failed.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(failed.allSatisfy { $0.message.contains("connection refused") }, failed.map(\.message).joined(separator: "\n"))
        let stopped = result.findings.filter { $0.ruleId == "probe-not-probed" && $0.message.contains("failed before it") }
        XCTAssertGreaterThanOrEqual(stopped.count, 5)
        let first = try XCTUnwrap(stopped.first)
        XCTAssertTrue(
            first.message.contains("3 calls to http://127.0.0.1:\(port) failed before it (connection refused"), first.message)
        XCTAssertTrue(first.message.contains("so its other operations are not called"), first.message)
        let summary = try XCTUnwrap(result.stages.first { $0.name == "probe" }?.summary)
        XCTAssertTrue(summary.contains("\(failed.count) called"), summary)
    }

    func testMissingCredentialsMeanNotProbed() async throws {
        try await probeFixtureAPI().test(.live) { api in
            let result = try await probeCheck(probeSettings(port: try XCTUnwrap(api.port), credentials: [:]))
            let skipped = result.findings.filter { $0.ruleId == "probe-not-probed" && $0.message.contains("credentials") }
            // Every secured operation of the fixture (GetAnyKey included).
            XCTAssertEqual(skipped.count, 12, skipped.map(\.message).joined(separator: "\n"))
        }
    }

    /// Through the server: credentials given with the upload are sealed, used for the run, and
    /// gone afterwards; evidence is stored and reported without them.
    func testProbingThroughTheServer() async throws {
        try await probeFixtureAPI().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let f = try await makeServerFixture(allowPrivateNetwork: true)
            let zip = try TestPaths.zippedPackage("probe-fixture")
            let id = try await f.app.test(.router) { client -> String in
                var headers = apiHeaders(f.contoso, contentType: "application/zip")
                headers[HTTPField.Name("X-Certify-Credential")!] = "api_key=\(fixtureKey)"
                headers[HTTPField.Name("X-Certify-Probe-Base-Url")!] = "http://127.0.0.1:\(port)"
                return try await client.execute(uri: "/v1/submissions", method: .post, headers: headers, body: ByteBuffer(bytes: zip)) {
                    response in
                    XCTAssertEqual(response.status, .created, String(buffer: response.body))
                    return try XCTUnwrap(try apiJSON(response)["id"] as? String)
                }
            }
            let secretCountBefore = try await f.store.scalar("SELECT count(*) FROM run_secret")
            XCTAssertEqual(secretCountBefore, 1)
            var pipeline = PipelineConfiguration()
            pipeline.probeDefaults = ProbeSettings(allowPrivateNetwork: true, latencyBudgetMilliseconds: 250, maximumRetryAfterSeconds: 2)
            pipeline.secretSealer = f.secretSealer
            await WorkerPool(store: f.store, configuration: pipeline).drain()
            let secretCountAfter = try await f.store.scalar("SELECT count(*) FROM run_secret")
            XCTAssertEqual(secretCountAfter, 0, "credentials are for one run")
            let exchangeCount = try await f.store.scalar("SELECT count(*) FROM probe_exchange")
            XCTAssertGreaterThan(exchangeCount, 5)
            let storedDetail = try await f.store.submissionDetail(id: id)
            let detail = try XCTUnwrap(storedDetail)
            let probe = try XCTUnwrap(detail.latestRun?.stages.first { $0.name == "probe" })
            XCTAssertTrue(probe.findings.contains { $0.ruleId == "probe-schema-mismatch" && $0.operation == "GetItem" })
            XCTAssertNotNil(probe.summary)
            let markdown = ReportRenderer.render(ReportBuilder.report(for: detail), as: .markdown)
            XCTAssertTrue(markdown.contains(probe.summary!), "the probe summary is in the report")
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: f.store.path ?? ""))
                + ((try? Data(contentsOf: URL(fileURLWithPath: (f.store.path ?? "") + "-wal"))) ?? Data())
            XCTAssertNil(bytes.range(of: Data(fixtureKey.utf8)), "the credential is not in the database")
        }
    }
}

/// A plan's sequences are checked before anything is called: an unknown operation, step or
/// capture is refused with its place in the plan file, and that sequence does not run.
final class ProbeSequencePlanTests: XCTestCase {
    func problems(_ plan: String) throws -> [ProbePlan.Problem] {
        let document = try JSONDocument.parse(Array(plan.utf8))
        return ProbePlan.read(document, operationIds: ["CreateItem", "GetItem"]).1
    }

    func testMistakesAreRefusedWithTheirPlace() throws {
        let unknownOperation = try problems(#"{"sequences": [{"steps": [{"id": "a", "operation": "Nope"}]}]}"#)
        XCTAssertEqual(unknownOperation.map(\.pointer.description), ["/sequences/0/steps/0/operation"])
        let unknownStep = try problems(
            #"{"sequences": [{"steps": [{"id": "a", "operation": "GetItem", "parameters": {"id": "{steps.b.id}"}}]}]}"#)
        XCTAssertEqual(unknownStep.map(\.pointer.description), ["/sequences/0/steps/0/parameters/id"])
        XCTAssertTrue(unknownStep.first?.message.contains("no earlier step") == true)
        let unknownCapture = try problems(
            #"{"sequences": [{"steps": [{"id": "a", "operation": "CreateItem", "capture": {"id": "$.body.id"}}, {"id": "b", "operation": "GetItem", "parameters": {"id": "{steps.a.name}"}}]}]}"#
        )
        XCTAssertEqual(unknownCapture.map(\.pointer.description), ["/sequences/0/steps/1/parameters/id"])
        XCTAssertTrue(unknownCapture.first?.message.contains("captures no 'name' (it captures id)") == true)
        let laterStep = try problems(
            #"{"sequences": [{"steps": [{"id": "a", "operation": "GetItem", "parameters": {"id": "{steps.b.id}"}}, {"id": "b", "operation": "CreateItem", "capture": {"id": "$.body.id"}}]}]}"#
        )
        XCTAssertEqual(laterStep.count, 1, "a step refers only to earlier steps")
        let badCapture = try problems(
            #"{"sequences": [{"steps": [{"id": "a", "operation": "CreateItem", "capture": {"id": "body.id"}}]}]}"#)
        XCTAssertEqual(badCapture.map(\.pointer.description), ["/sequences/0/steps/0/capture/id"])
        let document = try JSONDocument.parse(Array(#"{"sequences": [{"steps": [{"id": "a", "operation": "Nope"}]}]}"#.utf8))
        XCTAssertEqual(ProbePlan.read(document, operationIds: ["GetItem"]).0.sequences.count, 0, "a sequence with a mistake is not run")
    }

    func testCapturesAndSubstitutions() throws {
        let body = Array(#"{"data": {"id": "r1", "tags": ["x", "y"], "n": 3}}"#.utf8)
        func capture(_ expression: String) -> String? {
            CaptureExpression(expression)?.value(status: 201, headers: [("Location", "/r1")], body: body)?.jsonText
        }
        XCTAssertEqual(capture("$.body.data.id"), #""r1""#)
        XCTAssertEqual(capture("$.body.data.tags[1]"), #""y""#)
        XCTAssertEqual(capture("/data/n"), "3")
        XCTAssertEqual(capture("$.headers.location"), #""/r1""#)
        XCTAssertEqual(capture("$.status"), "201")
        XCTAssertNil(capture("$.body.data.missing"))
        XCTAssertNil(CaptureExpression("$.body..x"))
        XCTAssertNil(CaptureExpression("$.body[x]"))
        let captured = ["a": ["id": JSONValue(.string("r1")), "n": JSONValue(.number("3"))]]
        let value = try JSONDocument.parse(Array(#"{"whole": "{steps.a.n}", "part": "item-{steps.a.id}-{run}"}"#.utf8)).root
        let filled = try ProbeContext.substitute(value, captured: captured, run: "run1").get()
        XCTAssertEqual(filled["whole"]?.jsonText, "3", "a whole reference keeps its JSON type")
        XCTAssertEqual(filled["part"]?.string, "item-r1-run1")
        let missing = ProbeContext.substitute(
            try JSONDocument.parse(Array(#""{steps.b.id}""#.utf8)).root, captured: captured, run: "r")
        if case .failure(let absent) = missing { XCTAssertEqual(absent.reference, "steps.b.id") } else { XCTFail("not refused") }
    }
}

/// Negative inputs: an operation that answered 2xx is sent what it must refuse.
final class NegativeInputTests: XCTestCase {
    /// /strict validates, /lax takes anything, /fragile breaks on a wrong type.
    func api() -> some ApplicationProtocol {
        let router = Router()
        @Sendable func answer(_ status: HTTPResponse.Status) -> Response {
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.get("strict") { request, _ in
            let count = request.uri.queryParameters["count"].flatMap { Int(String($0)) }
            let mode = request.uri.queryParameters["mode"].map(String.init)
            return count != nil && ["fast", "slow"].contains(mode ?? "fast") ? answer(.ok) : answer(.badRequest)
        }
        router.get("lax") { _, _ in answer(.ok) }
        router.get("fragile") { request, _ in
            request.uri.queryParameters["count"].flatMap { Int(String($0)) } == nil ? answer(.internalServerError) : answer(.ok)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static let swagger = #"""
        {"swagger": "2.0", "info": {"title": "Negative", "version": "1"}, "host": "x.example", "produces": ["application/json"],
         "paths": {
          "/strict": {"get": {"operationId": "GetStrict", "parameters": [
            {"name": "count", "in": "query", "required": true, "type": "integer", "x-ms-test-value": 3},
            {"name": "mode", "in": "query", "type": "string", "enum": ["fast", "slow"], "x-ms-test-value": "fast"}],
            "responses": {"200": {"description": "OK", "schema": {"type": "object"}}, "400": {"description": "Bad"}}}},
          "/lax": {"get": {"operationId": "GetLax", "parameters": [
            {"name": "count", "in": "query", "required": true, "type": "integer", "x-ms-test-value": 3}],
            "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}},
          "/fragile": {"get": {"operationId": "GetFragile", "parameters": [
            {"name": "count", "in": "query", "type": "integer", "x-ms-test-value": 3}],
            "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}}
         }}
        """#

    static func check(port: Int, negative: Bool?, plan: String? = nil) async throws -> PackageResult {
        var files = [PackageFile(path: "apiDefinition.swagger.json", bytes: Array(Self.swagger.utf8))]
        if let plan { files.append(PackageFile(path: "probe-plan.json", bytes: Array(plan.utf8))) }
        var settings = probeSettings(port: port, credentials: [:])
        settings.negativeInputs = negative
        return await StageRunner(
            options: CheckOptions(stages: [StageRegistry.probeStageName]), extraStages: [ProbeStage(settings: settings)]
        ).run(ConnectorPackage(name: "negative", files: files), path: "negative")
    }

    func testInvalidInputMustBeRefused() async throws {
        try await api().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let result = try await Self.check(port: port, negative: true)
            var byOperation: [String: [String]] = [:]
            for finding in result.findings where finding.ruleId != "probe-not-probed" {
                byOperation[finding.operation ?? "", default: []].append(finding.ruleId)
            }
            XCTAssertNil(byOperation["GetStrict"], "GetStrict refuses all three with 400")
            XCTAssertEqual(byOperation["GetLax"], ["probe-accepts-invalid-input", "probe-accepts-invalid-input"])
            XCTAssertEqual(byOperation["GetFragile"], ["probe-server-error"])
            let lax = result.findings.filter { $0.operation == "GetLax" }
            XCTAssertTrue(lax.contains { $0.message.contains("the required query parameter 'count' left out") })
            XCTAssertTrue(lax.contains { $0.message.contains("given \"certify-not-an-integer\"") })
            XCTAssertEqual(lax.first?.severity, .warning)
            XCTAssertTrue(lax.allSatisfy { $0.evidence?.contains("GET http://127.0.0.1") == true })
            let fragile = try XCTUnwrap(result.findings.first { $0.operation == "GetFragile" })
            XCTAssertEqual(fragile.severity, .error)
            XCTAssertTrue(fragile.message.contains("to invalid input"), fragile.message)
            let strict = try XCTUnwrap(result.stages.first { $0.name == "probe" }).exchanges.filter { $0.url.contains("/strict") }
            XCTAssertEqual(strict.count, 4, "the valid call, then three invalid ones (left out, wrong type, outside the enum)")
            XCTAssertEqual(strict.dropFirst().map { $0.status ?? 0 }, [400, 400, 400])
        }
    }

    func testOffByDefaultAndOnPerOperationInThePlan() async throws {
        try await api().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let off = try await Self.check(port: port, negative: nil)
            XCTAssertFalse(off.findings.contains { $0.ruleId == "probe-accepts-invalid-input" })
            XCTAssertEqual(off.stages.first { $0.name == "probe" }?.exchanges.count, 3, "only the valid calls")
            let planned = try await Self.check(port: port, negative: nil, plan: #"{"operations": {"GetLax": {"negative": true}}}"#)
            XCTAssertEqual(
                planned.findings.filter { $0.ruleId == "probe-accepts-invalid-input" }.compactMap(\.operation), ["GetLax", "GetLax"])
        }
    }
}

/// OAuth 2.0 the way connectors use it: the probe obtains an access token from the security
/// definition's tokenUrl with client credentials or a refresh token.
final class OAuthProbeTests: XCTestCase {
    static let token = "tok-0123456789abcdef"
    static let secret = "s3cret-client-value"
    static let refresh = "rt-refresh-value-42"

    func api() -> some ApplicationProtocol {
        let router = Router()
        @Sendable func json(_ text: String, _ status: HTTPResponse.Status = .ok) -> Response {
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("token") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 4096))
            var form: [String: String] = [:]
            for pair in body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if parts.count == 2 { form[parts[0]] = parts[1] }
            }
            let clientOK = form["client_id"] == "app" && form["client_secret"] == Self.secret
            let granted =
                (form["grant_type"] == "client_credentials" && clientOK)
                || (form["grant_type"] == "refresh_token" && form["refresh_token"] == Self.refresh)
            return granted
                ? json(#"{"access_token": "\#(Self.token)", "token_type": "Bearer", "expires_in": 3600}"#)
                : json(#"{"error": "invalid_client"}"#, .unauthorized)
        }
        router.get("me") { request, _ in
            request.headers[.authorization] == "Bearer \(Self.token)" ? json(#"{"name": "me"}"#) : json("{}", .unauthorized)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func swagger(port: Int) -> String {
        #"""
        {"swagger": "2.0", "info": {"title": "OAuth", "version": "1"}, "host": "x.example", "produces": ["application/json"],
         "securityDefinitions": {"oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "http://127.0.0.1:\#(port)/token", "scopes": {}}},
         "security": [{"oauth": []}],
         "paths": {"/me": {"get": {"operationId": "GetMe", "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}}}}
        """#
    }

    static func check(port: Int, credentials: [String: String], allowPrivateNetwork: Bool = true) async throws -> PackageResult {
        let swagger = Self.swagger(port: port)
        var settings = probeSettings(port: port, credentials: credentials)
        settings.allowPrivateNetwork = allowPrivateNetwork
        return await StageRunner(
            options: CheckOptions(stages: [StageRegistry.probeStageName]), extraStages: [ProbeStage(settings: settings)]
        ).run(
            ConnectorPackage(name: "oauth", files: [PackageFile(path: "apiDefinition.swagger.json", bytes: Array(swagger.utf8))]),
            path: "oauth")
    }

    func testClientCredentialsAndRefreshTokensGetAnAccessToken() async throws {
        try await api().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            for credentials in [["client_id": "app", "client_secret": Self.secret], ["refresh_token": Self.refresh]] {
                let result = try await Self.check(port: port, credentials: credentials)
                let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
                XCTAssertEqual(probe.findings.map(\.message), [], "\(credentials.keys.sorted())")
                XCTAssertEqual(probe.exchanges.first?.status, 200, "the token call comes first")
                XCTAssertTrue(probe.exchanges.contains { $0.url.hasSuffix("/me") && $0.status == 200 })
                // Neither the token nor the grant's secrets are anywhere in what is kept or shown.
                let report = Report(title: "t", toolVersion: "t", packages: [PackageReport(result)])
                let everything =
                    String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
                    + ReportFormat.allCases.map { ReportRenderer.render(report, as: $0) }.joined()
                for secret in [Self.token, Self.secret, Self.refresh] {
                    XCTAssertFalse(everything.contains(secret), "\(secret) leaked")
                }
                // The client id is not a secret: a short one does not mangle other text.
                XCTAssertTrue(
                    probe.exchanges.first?.requestHeaders.contains("Content-Type: application/x-www-form-urlencoded") == true,
                    "\(probe.exchanges.first?.requestHeaders ?? [])")
            }
        }
    }

    /// Through the server: the grant's secrets and the token reach neither the database nor its WAL.
    func testNoSecretOfTheGrantReachesTheDatabase() async throws {
        try await api().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let f = try await makeServerFixture(allowPrivateNetwork: true)
            let package = ConnectorPackage(
                name: "oauth", files: [PackageFile(path: "apiDefinition.swagger.json", bytes: Array(Self.swagger(port: port).utf8))])
            let zip = try package.zipData()
            let id = try await f.app.test(.router) { client -> String in
                var headers = apiHeaders(f.contoso, contentType: "application/zip")
                for credential in ["client_id=app", "client_secret=\(Self.secret)"] {
                    headers.append(HTTPField(name: HTTPField.Name("X-Certify-Credential")!, value: credential))
                }
                headers[HTTPField.Name("X-Certify-Probe-Base-Url")!] = "http://127.0.0.1:\(port)"
                return try await client.execute(uri: "/v1/submissions", method: .post, headers: headers, body: ByteBuffer(bytes: zip)) {
                    XCTAssertEqual($0.status, .created, String(buffer: $0.body))
                    return try XCTUnwrap(try apiJSON($0)["id"] as? String)
                }
            }
            var pipeline = PipelineConfiguration()
            pipeline.probeDefaults = ProbeSettings(allowPrivateNetwork: true, requestTimeoutSeconds: 2, requestsPerSecond: 50)
            pipeline.secretSealer = f.secretSealer
            await WorkerPool(store: f.store, configuration: pipeline).drain()
            let probeStage = try await f.store.submissionDetail(id: id)?.latestRun?.stages.first { $0.name == "probe" }
            let probe = try XCTUnwrap(probeStage)
            XCTAssertTrue(probe.exchanges.contains { $0.url.hasSuffix("/me") && $0.status == 200 }, "the token was obtained and used")
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: f.store.path ?? ""))
                + ((try? Data(contentsOf: URL(fileURLWithPath: (f.store.path ?? "") + "-wal"))) ?? Data())
            for secret in [Self.token, Self.secret] {
                XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(secret) is in the database")
            }
        }
    }

    func testAFailingTokenEndpointIsOneFindingNotACascade() async throws {
        try await api().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let result = try await Self.check(port: port, credentials: ["client_id": "app", "client_secret": "wrong-secret"])
            let token = result.findings.filter { $0.ruleId == "probe-oauth-token" }
            XCTAssertEqual(token.count, 1)
            XCTAssertEqual(token.first?.pointer, "/securityDefinitions/oauth")
            XCTAssertTrue(token.first?.message.contains("answered 401 to a client_credentials grant") == true, token.first?.message ?? "")
            XCTAssertTrue(token.first?.evidence?.contains("invalid_client") == true)
            XCTAssertFalse(result.findings.contains { $0.ruleId == "probe-call-failed" || $0.ruleId == "probe-undeclared-status" })
            let skipped = try XCTUnwrap(result.findings.first { $0.operation == "GetMe" })
            XCTAssertEqual(skipped.ruleId, "probe-not-probed")
            XCTAssertTrue(skipped.message.contains("the token endpoint failed"), skipped.message)
        }
    }

    func testTheTokenURLGoesThroughThePrivateNetworkGuard() async throws {
        try await api().test(.live) { api in
            let port = try XCTUnwrap(api.port)
            let result = try await Self.check(
                port: port, credentials: ["client_id": "app", "client_secret": Self.secret], allowPrivateNetwork: false)
            let token = try XCTUnwrap(result.findings.first { $0.ruleId == "probe-oauth-token" })
            XCTAssertTrue(token.message.contains("could not be called"), token.message)
            XCTAssertTrue(token.message.lowercased().contains("loopback"), token.message)
        }
    }
}

/// x-ms-dynamic-values and x-ms-dynamic-list: the feeding operation is called, its answer must
/// have the declared paths, and a value it gives fills the dependent parameter.
final class DynamicValuesProbeTests: XCTestCase {
    func api() -> some ApplicationProtocol {
        let router = Router()
        @Sendable func json(_ text: String, _ status: HTTPResponse.Status = .ok) -> Response {
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("lists") { _, _ in json(#"{"value": [{"id": "l1", "name": "Groceries"}, {"id": "l2", "name": "Chores"}]}"#) }
        router.get("boards") { _, _ in json(#"{"value": [{"key": "b1", "label": "Main"}]}"#) }
        router.get("lists/:list/items") { _, context in
            context.parameters.get("list") == "l1" ? json(#"{"items": []}"#) : json(#"{"error": "no such list"}"#, .notFound)
        }
        router.get("boards/:board/cards") { _, _ in json(#"{"cards": []}"#) }
        router.get("changes") { _, _ in json(#"{"value": "not-a-list"}"#) }
        router.get("schema") { _, _ in
            json(#"{"schema": {"type": "object", "required": ["total"], "properties": {"total": {"type": "integer"}}}}"#)
        }
        router.get("badschema") { _, _ in json(#"{"nothing": 1}"#) }
        router.get("report") { _, _ in json(#"{"total": "many"}"#) }
        router.get("report2") { _, _ in json(#"{"total": 3}"#) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static let swagger = #"""
        {"swagger": "2.0", "info": {"title": "Dynamic", "version": "1"}, "host": "x.example", "produces": ["application/json"],
         "paths": {
          "/lists": {"get": {"operationId": "ListLists", "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}},
          "/boards": {"get": {"operationId": "ListBoards", "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}},
          "/lists/{list}/items": {"get": {"operationId": "GetItems", "parameters": [
            {"name": "list", "in": "path", "required": true, "type": "string",
             "x-ms-dynamic-values": {"operationId": "ListLists", "value-collection": "value", "value-path": "id", "value-title": "name"}}],
            "responses": {"200": {"description": "OK", "schema": {"type": "object", "required": ["items"]}}}}},
          "/boards/{board}/cards": {"get": {"operationId": "GetCards", "parameters": [
            {"name": "board", "in": "path", "required": true, "type": "string",
             "x-ms-dynamic-list": {"operationId": "ListBoards", "itemsPath": "value", "itemValuePath": "id", "itemTitlePath": "name"}}],
            "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}},
          "/changes": {"get": {"operationId": "WhenChanged", "x-ms-trigger": "batch",
            "responses": {"200": {"description": "OK", "schema": {"type": "object", "properties": {"value": {"type": "array"}}}}}}},
          "/schema": {"get": {"operationId": "GetReportSchema", "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}},
          "/badschema": {"get": {"operationId": "GetBadSchema", "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}},
          "/report": {"get": {"operationId": "GetReport", "responses": {"200": {"description": "OK", "schema": {"type": "object",
            "x-ms-dynamic-schema": {"operationId": "GetReportSchema", "value-path": "schema"}}}}}},
          "/report2": {"get": {"operationId": "GetReport2", "responses": {"200": {"description": "OK", "schema": {"type": "object",
            "x-ms-dynamic-schema": {"operationId": "GetBadSchema", "value-path": "schema"}}}}}},
          "/hooks": {"x-ms-notification-content": {"schema": {"type": "object"}},
            "post": {"operationId": "WhenNotified", "x-ms-trigger": "single", "responses": {"201": {"description": "Subscribed"}}}}
         }}
        """#

    /// The probe stage alone over `swagger`, against the fixture API on `port`, without credentials.
    static func probe(port: Int) async -> PackageResult {
        let package = ConnectorPackage(
            name: "dynamic", files: [PackageFile(path: "apiDefinition.swagger.json", bytes: Array(swagger.utf8))])
        return await StageRunner(
            options: CheckOptions(stages: [StageRegistry.probeStageName]),
            extraStages: [ProbeStage(settings: probeSettings(port: port, credentials: [:]))]
        ).run(package, path: "dynamic")
    }

    /// A polling trigger is called like a safe operation and its answer checked; a webhook
    /// trigger is never called.
    func testPollingTriggersAreProbedAndWebhookTriggersNever() async throws {
        try await api().test(.live) { api in
            let result = await Self.probe(port: try XCTUnwrap(api.port))
            XCTAssertEqual(result.findings.filter { $0.operation == "WhenChanged" }.map(\.ruleId), ["probe-schema-mismatch"])
            let webhook = try XCTUnwrap(result.findings.first { $0.operation == "WhenNotified" })
            XCTAssertEqual(webhook.ruleId, "probe-not-probed")
            XCTAssertTrue(webhook.message.contains("webhook trigger"), webhook.message)
            XCTAssertFalse(result.stages.first { $0.name == "probe" }?.exchanges.contains { $0.url.hasSuffix("/hooks") } ?? true)
        }
    }

    /// x-ms-dynamic-schema: the schema operation's answer at value-path must be a schema, and
    /// the dependent operation's answer is checked against it.
    func testDynamicSchemasAreFetchedAndApplied() async throws {
        try await api().test(.live) { api in
            let result = await Self.probe(port: try XCTUnwrap(api.port))
            let report = result.findings.filter { $0.operation == "GetReport" }
            XCTAssertEqual(report.map(\.ruleId), ["probe-schema-mismatch"])
            XCTAssertTrue(report.first?.message.contains("the schema GetReportSchema gave for it") == true, report.first?.message ?? "")
            XCTAssertTrue(report.first?.message.contains("/total") == true, report.first?.message ?? "")
            let bad = result.findings.filter { $0.operation == "GetReport2" }
            XCTAssertEqual(bad.map(\.ruleId), ["probe-dynamic-values"])
            XCTAssertEqual(bad.first?.pointer, "/paths/~1report2/get/responses/200/schema/x-ms-dynamic-schema")
            XCTAssertTrue(bad.first?.message.contains("'schema' is not a JSON schema") == true, bad.first?.message ?? "")
            let calls = result.stages.first { $0.name == "probe" }?.exchanges.filter { $0.url.hasSuffix("/schema") } ?? []
            XCTAssertEqual(calls.count, 1, "the schema operation is called once")
        }
    }

    func testTheFeedingAnswerIsCheckedAndItsValueFillsTheDependentParameter() async throws {
        try await api().test(.live) { api in
            let result = await Self.probe(port: try XCTUnwrap(api.port))
            let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
            // With the declared paths: GetItems is called with the first list's id, and passes.
            XCTAssertTrue(probe.exchanges.contains { $0.url.hasSuffix("/lists/l1/items") && $0.status == 200 })
            XCTAssertFalse(probe.findings.contains { $0.operation == "GetItems" }, probe.findings.map(\.message).joined(separator: "\n"))
            // Without them: one finding at the extension, and GetCards has no value to be called with.
            let dynamic = probe.findings.filter { $0.ruleId == "probe-dynamic-values" && $0.operation == "GetCards" }
            XCTAssertEqual(dynamic.count, 1)
            XCTAssertEqual(dynamic.first?.pointer, "/paths/~1boards~1{board}~1cards/get/parameters/0/x-ms-dynamic-list")
            XCTAssertTrue(
                dynamic.first?.message.contains("item 0 of 'value' has no 'id' (the declared value path)") == true,
                dynamic.first?.message ?? "")
            XCTAssertTrue(dynamic.first?.evidence?.contains("/boards") == true)
            XCTAssertTrue(probe.findings.contains { $0.operation == "GetCards" && $0.ruleId == "probe-not-probed" })
            // Each feeding operation is called once.
            XCTAssertEqual(probe.exchanges.filter { $0.url.hasSuffix("/lists") }.count, 1)
        }
    }
}
