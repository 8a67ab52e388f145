import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONDocument
import JSONSchema
import NIOCore
import Pipeline
import Probing
import StageCatalog
import SubmissionStore
import XCTest

@testable import CertifyServer
@testable import OutboundHTTP

/// Issue 11, "Nothing a publisher sends can take the service down": hostile inputs that used to
/// trap the process, each reached the way the service reaches it. On the old code each of these
/// tests killed the test process instead of failing.
final class TrapAuditTests: XCTestCase {
    // MARK: Helpers

    /// The probe fixture package with its swagger replaced, and more files.
    static func package(swagger: String, extra: [String: String] = [:]) throws -> ConnectorPackage {
        let base = try PackageLoader().load(path: TestPaths.package("probe-fixture"))
        var files = base.files.filter { $0.path != "apiDefinition.swagger.json" }
        files.append(PackageFile(path: "apiDefinition.swagger.json", bytes: Array(swagger.utf8)))
        for (path, text) in extra { files.append(PackageFile(path: path, bytes: Array(text.utf8))) }
        return ConnectorPackage(name: "trap-audit", files: files)
    }

    /// A swagger of one GET operation per path, answering 200 with `schema`.
    static func swagger(host: String = "api.trap.example", paths: [String], schema: String = #"{"type": "object"}"#) -> String {
        let operations = paths.map { path in
            #""/\#(path)": {"get": {"operationId": "Get-\#(path)", "summary": "Get", "description": "Gets.", "responses": {"200": {"description": "OK.", "schema": \#(schema)}}}}"#
        }
        return #"""
            {"swagger": "2.0", "info": {"title": "Trap", "description": "Hostile answers.", "version": "1.0"},
             "host": "\#(host)", "basePath": "/", "schemes": ["http"], "produces": ["application/json"],
             "paths": {\#(operations.joined(separator: ",\n"))}}
            """#
    }

    static func probe(_ package: ConnectorPackage, _ settings: ProbeSettings) async -> PackageResult {
        let options = CheckOptions(stages: [StageRegistry.probeStageName])
        return await StageRunner(options: options, extraStages: [ProbeStage(settings: settings)]).run(package, path: package.name)
    }

    // MARK: Ports outside 0...65535

    /// AsyncHTTPClient turns an IP-literal host and its port into a NIO `SocketAddress`, whose
    /// `in_port_t(port)` traps on a port over 65535. Foundation's URL takes any digits as a port,
    /// so `http://127.0.0.1:70000/` passed `vet` and took the process down when it was sent.
    func testPortOutOfRangeIsRefusedNotSent() async {
        let client = OutboundClient(policy: OutboundPolicy(allowPrivateNetwork: true, requestTimeout: .seconds(2)))
        for url in ["http://127.0.0.1:70000/", "http://[::1]:65536/hook", "https://8.8.8.8:4294967297/x"] {
            XCTAssertThrowsError(try client.vet(url), url) { error in
                XCTAssertEqual((error as? OutboundError)?.kind, .invalidURL, url)
            }
            do {
                _ = try await client.send(OutboundRequest(url: url))
                XCTFail("\(url) was sent")
            } catch {
                XCTAssertEqual(error.kind, .invalidURL, url)
            }
        }
        XCTAssertNoThrow(try client.vet("http://127.0.0.1:65535/"))
    }

    /// The same port from the publisher's side of a probe: a redirect `Location` from the probed
    /// API, the probe plan's `baseUrl`, and the swagger's `host`.
    func testProbeTargetsWithPortsOutOfRangeFailTheCallNotTheProcess() async throws {
        let router = Router()
        router.get("redirect") { _, _ in Response(status: .found, headers: [.location: "http://127.0.0.1:70000/next"]) }
        let api = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await api.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let settings = ProbeSettings(allowPrivateNetwork: true, requestTimeoutSeconds: 2, requestsPerSecond: 50)

            var given = settings
            given.baseURL = "http://127.0.0.1:\(port)"
            let redirected = await Self.probe(try Self.package(swagger: Self.swagger(paths: ["redirect"])), given)
            let exchange = try XCTUnwrap(redirected.stages.first { $0.name == "probe" }?.exchanges.first)
            XCTAssertNil(exchange.status)
            XCTAssertTrue(exchange.error?.contains("70000") == true, exchange.error ?? "no error")

            let plan = #"{"baseUrl": "http://127.0.0.1:70000"}"#
            let planned = await Self.probe(
                try Self.package(swagger: Self.swagger(paths: ["redirect"]), extra: ["probe-plan.json": plan]), settings)
            XCTAssertTrue(
                planned.findings.contains { $0.ruleId == "probe-call-failed" }, planned.findings.map(\.message).joined(separator: "\n"))

            let hosted = await Self.probe(try Self.package(swagger: Self.swagger(host: "127.0.0.1:99999", paths: ["redirect"])), settings)
            XCTAssertTrue(
                hosted.findings.contains { $0.ruleId == "probe-call-failed" }, hosted.findings.map(\.message).joined(separator: "\n"))
        }
    }

    /// A webhook URL with such a port is refused when it is registered (it used to be stored,
    /// and the dispatcher trapped on its first delivery); one stored before is failed, not sent.
    func testWebhookURLWithPortOutOfRange() async throws {
        let f = try await makeServerFixture(allowPrivateNetwork: true)
        try await f.app.test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["url": "http://127.0.0.1:70000/hook"])
            try await client.execute(
                uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                body: ByteBuffer(bytes: body)
            ) { response in
                XCTAssertEqual(response.status, .badRequest, String(buffer: response.body))
                XCTAssertTrue(try apiError(response).contains("70000"))
            }
        }
        // Stored by an earlier version, which did not look at the port.
        _ = try await f.store.createWebhook(publisher: "Contoso", url: "http://127.0.0.1:70000/hook", secret: nil, actor: "test")
        try await f.app.test(.router) { client in _ = try await apiSubmit(client, token: f.contoso) }
        let dispatcher = WebhookDispatcher(store: f.store, policy: OutboundPolicy(allowPrivateNetwork: true), initialBackoffSeconds: 0)
        let attempted = await dispatcher.deliverDue()
        XCTAssertGreaterThan(attempted, 0)
    }

    // MARK: Reference chains

    /// `$ref` to `$ref` to ... never descends into the value, so the instance depth limit does
    /// not bound it: a swagger of 100,000 definitions each only a `$ref` to the next (4 MB) made
    /// the engine recurse three frames a link and overflow the stack of the thread probing.
    func testLongReferenceChainIsBoundedNotAStackOverflow() throws {
        /// `{"definitions": {"D0": {"$ref": "#/definitions/D1"}, ..., "Dn": {"type": "integer"}}}`,
        /// compiled at D0.
        func chain(_ links: Int) throws -> CompiledSchema {
            var text = #"{"definitions": {"#
            for i in 0..<links { text += ##""D\##(i)": {"$ref": "#/definitions/D\##(i + 1)"},"## }
            text += #""D\#(links)": {"type": "integer"}}}"#
            let document = try JSONDocument.parse(Array(text.utf8))
            return try CompiledSchema(
                root: document.root, pointer: JSONPointer(tokens: ["definitions", "D0"]), dialect: .swagger2, formatAssertion: false)
        }
        let abc = try JSONDocument.parse(Array(#""abc""#.utf8)).root
        let five = try JSONDocument.parse(Array("5".utf8)).root

        let long = try chain(100_000)
        let errors = long.validate(abc)
        XCTAssertEqual(errors.map(\.keyword), ["depth"], errors.map(\.message).joined(separator: "\n"))
        XCTAssertFalse(long.isValid(five))

        // A chain of a hundred is followed to its end, as before.
        let short = try chain(100)
        XCTAssertEqual(short.validate(abc).map(\.keyword), ["type"])
        XCTAssertTrue(short.isValid(five))
    }

    // MARK: Schema numbers from the swagger

    /// `minLength` is any non-negative integer the swagger writes; the engine multiplied it by 4
    /// (a string's UTF-8 bytes bound its code points) and trapped on overflow when a probed API
    /// answered a string against `"minLength": 9223372036854775807`.
    func testHugeMinLengthIsAnErrorNotAnOverflow() async throws {
        let schema = try JSONDocument.parse(Array(#"{"type": "string", "minLength": 9223372036854775807}"#.utf8))
        for dialect in [SchemaDialect.swagger2, .draft4] {
            let compiled = try CompiledSchema(root: schema.root, pointer: .root, dialect: dialect, formatAssertion: false)
            let errors = compiled.validate(try JSONDocument.parse(Array(#""abc""#.utf8)).root)
            XCTAssertEqual(errors.map(\.keyword), ["minLength"])
        }
        let limit = try CompiledSchema(try JSONDocument.parse(Array(#"{"minLength": 3}"#.utf8)).root)
        XCTAssertTrue(limit.validate(try JSONDocument.parse(Array(#""abc""#.utf8)).root).isEmpty)
        XCTAssertEqual(limit.validate(try JSONDocument.parse(Array(#""ab""#.utf8)).root).map(\.keyword), ["minLength"])
        XCTAssertTrue(limit.validate(try JSONDocument.parse(Array(#""aé""#.utf8)).root).count == 1, "3 bytes, 2 characters")

        // Through the probe: the API answers a string where the swagger says it is that long.
        let router = Router()
        router.get("text") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #""abc""#)))
        }
        let api = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await api.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let settings = ProbeSettings(
                baseURL: "http://127.0.0.1:\(port)", allowPrivateNetwork: true, requestTimeoutSeconds: 2, requestsPerSecond: 50)
            let swagger = Self.swagger(paths: ["text"], schema: #"{"type": "string", "minLength": 9223372036854775807}"#)
            let result = await Self.probe(try Self.package(swagger: swagger), settings)
            let mismatch = result.findings.first { $0.ruleId == "probe-schema-mismatch" }
            XCTAssertTrue(
                mismatch?.message.contains("minLength") == true || mismatch?.message.contains("at least") == true,
                result.findings.map(\.message).joined(separator: "\n"))
        }
    }
}
