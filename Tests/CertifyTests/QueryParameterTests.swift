import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Pipeline
import StageCatalog
import SubmissionStore
import Synchronization
import XCTest

@testable import CertifyServer

/// Every log line a test's application wrote, with its metadata, as text.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "certify-test") { _ in CapturingLogHandler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let line =
            "\(event.level) \(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.lines.withLock { $0.append(line) }
    }
}

/// Query parameters: every malformed one on every route answers 400 with the usual error body
/// naming it (issue 11, defect 10); secrets in the query are refused and never logged (defect 12).
final class QueryParameterTests: XCTestCase {
    static let tenKB = String(repeating: "a", count: 10_000)
    /// Values no parameter takes: empty, blank, over the size limit, bad percent-encoding,
    /// invalid UTF-8, control characters.
    static let refusedEverywhere = ["", "%20%20", tenKB, "%ZZ", "%FF", "%C3", "%00", "a%0Ab", "%7F"]

    struct Case {
        var method: HTTPRequest.Method = .get
        var path: String
        var token: String
        var parameter: String
        var values: [String]
        var body: Data? = nil
        var contentType: String? = nil
    }

    func testMalformedQueryParametersAnswer400NamingTheParameter() async throws {
        let f = try await makeServerFixture()
        // One certified connector, so that a re-certification batch exists.
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        _ = try await f.store.importCertified(
            publisher: "Contoso", actor: "import",
            upload: Store.Upload(
                zip: try package.zipData(), contentSha256: package.contentHash, connector: "clean", fileName: "clean",
                stages: [], rulesetVersion: Ruleset.default.version, toolVersion: CertifyVersion.tool))
        let batch = try await f.store.createRecertification(
            .all, stages: StageRegistry.staticNames, ruleset: .default, toolVersion: CertifyVersion.tool, actor: "admin")
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(created["id"] as? String)
            let zip = try TestPaths.zippedPackage("clean")
            let numbers = ["-1", "0", "abc", "1.5", "%EF%BC%91%EF%BC%92", "+5", "0x10", "1e3", "99999999999999999999", "201"]
            let ages = [
                "-1", "abc", "1e309", "inf", "nan", "1x", "d", "1.", ".5", "99999999999d", "%EF%BC%91d", "0x10", "1.2.3",
                String(repeating: "9", count: 1000), "3651d",
            ]
            let cursors = ["abc", "garbage", "%C3%BC", "====", "a+b", String(repeating: "A", count: 600), "MTIz"]
            let states = ["nonsense", "all,submitted", ",", "submitted,", "%C3%BC", "ALL"]
            var cases: [Case] = []
            for (path, token) in [("/v1/queue", f.reviewer), ("/v1/submissions", f.contoso), ("/v1/submissions", f.admin)] {
                cases += [
                    Case(path: path, token: token, parameter: "limit", values: numbers),
                    Case(path: path, token: token, parameter: "minAge", values: ages),
                    Case(path: path, token: token, parameter: "cursor", values: cursors),
                    Case(path: path, token: token, parameter: "state", values: states),
                    Case(path: path, token: token, parameter: "publisher", values: []),
                    Case(path: path, token: token, parameter: "assignee", values: []),
                ]
            }
            cases += [
                Case(path: "/v1/submissions/\(id)/report", token: f.contoso, parameter: "format", values: ["pdf", "HTML", "%C3%BC"]),
                Case(
                    path: "/v1/recertifications/\(batch.id)/summary", token: f.admin, parameter: "format",
                    values: ["pdf", "sarif", "junit"]),
            ]
            for (path, token, parameters) in [
                ("/v1/submissions", f.contoso, ["filename", "stages"]),
                ("/v1/submissions", f.admin, ["publisher", "filename", "stages"]),
                ("/v1/submissions/\(id)/revisions", f.contoso, ["filename", "stages"]),
            ] {
                for parameter in parameters {
                    let values: [String] =
                        switch parameter {
                        case "filename": ["..%2Fx.zip", "a%2Fb.zip", "a%5Cb.zip", String(repeating: "n", count: 300)]
                        case "stages": [",", "nonsense", "schema,bogus"]
                        default: []
                        }
                    cases.append(
                        Case(
                            method: .post, path: path, token: token, parameter: parameter, values: values, body: zip,
                            contentType: "application/zip"))
                }
            }
            var checked = 0
            for test in cases {
                for value in Self.refusedEverywhere + test.values {
                    let uri = "\(test.path)?\(test.parameter)=\(value)"
                    try await client.execute(
                        uri: uri, method: test.method, headers: apiHeaders(test.token, contentType: test.contentType),
                        body: test.body.map { ByteBuffer(bytes: $0) }
                    ) { response in
                        let shown = String(uri.prefix(120))
                        XCTAssertEqual(response.status, .badRequest, shown)
                        let message = (try? apiError(response)) ?? ""
                        XCTAssertTrue(message.contains(test.parameter), "\(shown): the message names the parameter: \(message)")
                        XCTAssertLessThan(response.body.readableBytes, 1000, "\(shown): the value is not echoed in full")
                    }
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 300)

            // Given twice, or unknown to the route: refused too, on every route.
            for (uri, token, parameter) in [
                ("/v1/queue?limit=1&limit=2", f.reviewer, "limit"),
                ("/v1/submissions?cursor=a&cursor=b", f.contoso, "cursor"),
                ("/v1/queue?stat=open", f.reviewer, "stat"),
                ("/v1/submissions/\(id)?verbose=1", f.contoso, "verbose"),
                ("/v1/submissions/\(id)/accepted-findings?x=1", f.contoso, "x"),
                ("/v1/webhooks?page=2", f.contoso, "page"),
                ("/v1/recertifications?limit=5", f.admin, "limit"),
                ("/v1/recertifications/\(batch.id)?format=json", f.admin, "format"),
                ("/v1/submissions/\(id)/report?format=json&format=html", f.contoso, "format"),
                ("/v1/queue?=x", f.reviewer, "no name"),
                ("/v1/queue?%ZZ=1", f.reviewer, "%ZZ"),
            ] {
                try await client.execute(uri: uri, method: .get, headers: apiHeaders(token)) { response in
                    XCTAssertEqual(response.status, .badRequest, uri)
                    let message = try apiError(response)
                    XCTAssertTrue(message.contains(parameter), "\(uri): \(message)")
                }
            }
            for (uri, token) in [
                ("/v1/webhooks?dryRun=1", f.contoso), ("/v1/submissions/\(id)/actions?x=1", f.reviewer),
                ("/v1/recertifications?x=1", f.admin),
            ] {
                try await client.execute(
                    uri: uri, method: .post, headers: apiHeaders(token, contentType: "application/json"),
                    body: ByteBuffer(string: "{}")
                ) { response in
                    XCTAssertEqual(response.status, .badRequest, uri)
                    XCTAssertTrue(try apiError(response).contains("query parameter"), uri)
                }
            }
            // A long query string as a whole.
            let long = (0..<40).map { "state=\(Self.tenKB.prefix(500))\($0)" }.joined(separator: "&")
            try await client.execute(uri: "/v1/queue?\(long)", method: .get, headers: apiHeaders(f.reviewer)) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertTrue(try apiError(response).contains("maximumQueryBytes"))
            }

            // Good values still work: the issued cursor, unicode publishers, ages, state lists.
            try await client.execute(uri: "/v1/submissions?limit=1", method: .get, headers: apiHeaders(f.admin)) { response in
                XCTAssertEqual(response.status, .ok)
                let cursor = try XCTUnwrap(try apiJSON(response)["nextCursor"] as? String)
                try await client.execute(uri: "/v1/submissions?limit=1&cursor=\(cursor)", method: .get, headers: apiHeaders(f.admin)) {
                    XCTAssertEqual($0.status, .ok)
                }
            }
            for uri in [
                "/v1/queue?publisher=%C3%9Cml%C3%A4ut&assignee=-1", "/v1/queue?minAge=1.5h&limit=200", "/v1/queue?minAge=0",
                "/v1/queue?state=all", "/v1/queue?state=submitted,certified&state=approved", "/v1/queue?state=certified&",
            ] {
                try await client.execute(uri: uri, method: .get, headers: apiHeaders(f.reviewer)) { response in
                    XCTAssertEqual(response.status, .ok, "\(uri): \(String(buffer: response.body))")
                }
            }
            try await client.execute(
                uri: "/v1/recertifications/\(batch.id)/summary?format=markdown", method: .get, headers: apiHeaders(f.admin)
            ) { XCTAssertEqual($0.status, .ok) }
        }
    }

    /// The cause of defect 10: `GET /v1/submissions` let the store's refusal of a cursor escape as
    /// a 500 with an empty body. The cursor is now checked before, and an error no handler
    /// turned into a status still answers with the usual JSON body.
    func testTheSubmissionsListRefusesABadCursorWith400() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            try await client.execute(uri: "/v1/submissions?cursor=abc", method: .get, headers: apiHeaders(f.contoso)) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertTrue(try apiError(response).contains("cursor 'abc' is not a cursor this server issued"))
            }
        }
        let router = Router(context: CertifyRequestContext.self)
        router.add(middleware: ErrorBodyMiddleware())
        router.get("boom") { _, _ -> Response in throw StoreError.notFound("something") }
        router.get("large") { request, context -> Response in
            _ = try await request.decodeJSON(as: [String: String].self, context: context)
            return Response(status: .ok)
        }
        try await Application(router: router, logger: CapturedLog().logger).test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                XCTAssertEqual(response.status, .internalServerError)
                XCTAssertTrue(try apiError(response).contains("reference"))
            }
            try await client.execute(
                uri: "/large", method: .get, body: ByteBuffer(string: "{\"a\":\"\(String(repeating: "x", count: 70_000))\"}")
            ) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
                XCTAssertTrue(try apiError(response).contains("maximumJSONBodyBytes"))
            }
        }
    }

    /// Defect 12: probe settings in the query string are refused with where to send them, on
    /// every route, and no request log line shows a query value that may be a secret.
    func testSecretsInTheQueryStringAreRefusedAndNeverLogged() async throws {
        let log = CapturedLog()
        let f = try await makeServerFixture(logger: log.logger)
        let zip = try TestPaths.zippedPackage("clean")
        try await f.app.test(.router) { client in
            for (query, advice) in [
                ("probeBaseUrl=https%3A%2F%2Fapi.example%2Fs3cr3t-base", "X-Certify-Probe-Base-Url"),
                ("credential=api_key%3Ds3cr3t-key", "X-Certify-Credential"),
                ("probe_base_url=https://api.example/s3cr3t-base", "X-Certify-Probe-Base-Url"),
                ("Credentials=s3cr3t-key", "X-Certify-Credential"),
            ] {
                for (uri, method) in [
                    ("/v1/submissions?filename=a.zip&\(query)", HTTPRequest.Method.post), ("/v1/queue?\(query)", .get),
                    ("/health?\(query)", .get),
                ] {
                    try await client.execute(
                        uri: uri, method: method, headers: apiHeaders(f.contoso, contentType: "application/zip"),
                        body: ByteBuffer(bytes: zip)
                    ) { response in
                        XCTAssertEqual(response.status, .badRequest, uri)
                        let message = try apiError(response)
                        XCTAssertTrue(message.contains(advice), message)
                        XCTAssertTrue(message.contains("logs"), message)
                    }
                }
            }
            // Nothing was stored from those.
            let submissionCount = try await f.store.scalar("SELECT count(*) FROM submission")
            XCTAssertEqual(submissionCount, 0)
            let secretCount = try await f.store.scalar("SELECT count(*) FROM run_secret")
            XCTAssertEqual(secretCount, 0)
            // Any other parameter's value that is not known to be harmless is not logged either.
            try await client.execute(uri: "/v1/queue?token=s3cr3t-token", method: .get, headers: apiHeaders(f.reviewer)) {
                XCTAssertEqual($0.status, .badRequest)
            }
            try await client.execute(uri: "/v1/queue?state=submitted&limit=5", method: .get, headers: apiHeaders(f.reviewer)) {
                XCTAssertEqual($0.status, .ok)
            }
        }
        let text = log.text
        XCTAssertFalse(text.contains("s3cr3t"), text)
        XCTAssertTrue(text.contains("/v1/queue?probeBaseUrl=***"), text)
        XCTAssertTrue(text.contains("/v1/queue?token=***"), text)
        XCTAssertTrue(text.contains("/v1/queue?state=submitted&limit=5"), "harmless values are kept: \(text)")
        XCTAssertTrue(text.contains("hb.response.status=400"), text)
    }
}
