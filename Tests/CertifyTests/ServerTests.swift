import Certification
import ConnectorPackage
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OutboundHTTP
import Pipeline
import Prometheus
import StageCatalog
import SubmissionStore
import XCTest

@testable import CertifyServer

/// Every endpoint through the real router, with a real store on a temporary file.
final class ServerTests: XCTestCase {
    func testHealthAndMetricsNeedNoToken() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            _ = try await apiSubmit(client, token: f.contoso)
            try await client.execute(uri: "/health", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(try apiJSON(response)["pendingJobs"] as? Int, 1)
            }
            await f.drain()
            try await client.execute(uri: "/metrics", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                let text = String(buffer: response.body)
                XCTAssertTrue(text.contains(#"certify_submissions{state="awaiting-review"} 1"#), text)
                XCTAssertTrue(text.contains("certify_queue_depth 0"), text)
                XCTAssertTrue(text.contains(#"certify_jobs{state="done"} 1"#), text)
            }
        }
    }

    func testAuthenticationIsRequired() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            try await client.execute(uri: "/v1/queue", method: .get) { response in
                XCTAssertEqual(response.status, .unauthorized)
                XCTAssertNotNil(response.headers[.wwwAuthenticate])
                XCTAssertTrue(try apiError(response).contains("Bearer"))
            }
            try await client.execute(uri: "/v1/queue", method: .get, headers: apiHeaders("cert_wrong")) { response in
                XCTAssertEqual(response.status, .unauthorized)
            }
        }
    }

    func testSubmitFollowStatusAndReadReports() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso, fixture: "broken-json")
            let id = try XCTUnwrap(created["id"] as? String)
            XCTAssertEqual(created["state"] as? String, "submitted")
            XCTAssertEqual(created["revision"] as? Int, 1)
            XCTAssertEqual(created["publisher"] as? String, "Contoso")
            // The swagger is not JSON, so the connector is named after the uploaded file.
            XCTAssertEqual(created["connector"] as? String, "broken-json")
            XCTAssertEqual((created["links"] as? [String: String])?["report"], "/v1/submissions/\(id)/report?format=html")
            await f.drain()
            try await client.execute(uri: "/v1/submissions/\(id)", method: .get, headers: apiHeaders(f.contoso)) { response in
                XCTAssertEqual(response.status, .ok)
                let body = try apiJSON(response)
                XCTAssertEqual(body["state"] as? String, "changes-required")
                let run = try XCTUnwrap(body["latestRun"] as? [String: Any])
                XCTAssertEqual(run["state"] as? String, "finished")
                XCTAssertEqual(run["verdict"] as? String, "fail")
                XCTAssertEqual(run["rulesetVersion"] as? String, RuleCatalog.version)
                XCTAssertEqual((run["findings"] as? [String: Int])?["error"], 1)
                let stages = try XCTUnwrap(run["stages"] as? [[String: Any]])
                XCTAssertEqual(stages.first?["name"] as? String, "package")
                XCTAssertEqual(stages.first?["status"] as? String, "failed")
            }
            try await client.execute(uri: "/v1/submissions/\(id)/report?format=json", method: .get, headers: apiHeaders(f.contoso)) {
                response in
                XCTAssertEqual(response.status, .ok)
                let packages = try XCTUnwrap(try apiJSON(response)["packages"] as? [[String: Any]])
                let finding = try XCTUnwrap((packages.first?["findings"] as? [[String: Any]])?.first)
                XCTAssertEqual(finding["ruleId"] as? String, "json-syntax")
                XCTAssertEqual(finding["line"] as? Int, 11)
                XCTAssertEqual(finding["column"] as? Int, 23)
            }
            try await client.execute(uri: "/v1/submissions/\(id)/report?format=markdown", method: .get, headers: apiHeaders(f.contoso)) {
                response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "text/markdown; charset=utf-8")
                XCTAssertTrue(String(buffer: response.body).contains("json-syntax"))
            }
            try await client.execute(uri: "/v1/submissions/\(id)/report?format=html", method: .get, headers: apiHeaders(f.contoso)) {
                response in
                XCTAssertEqual(response.status, .ok)
                let html = String(buffer: response.body)
                XCTAssertTrue(html.contains("<html"))
                XCTAssertTrue(html.contains("json-syntax"))
                XCTAssertTrue(html.contains("checks-finished"), "the review history is in the report")
            }
            try await client.execute(uri: "/v1/submissions/\(id)/report?format=pdf", method: .get, headers: apiHeaders(f.contoso)) {
                response in
                XCTAssertEqual(response.status, .badRequest)
            }
        }
    }

    func testRevisionStartsANewRun() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso, fixture: "broken-json")
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let zip = try TestPaths.zippedPackage("clean")
            try await client.execute(
                uri: "/v1/submissions/\(id)/revisions", method: .post,
                headers: apiHeaders(f.contoso, contentType: "application/zip"), body: ByteBuffer(bytes: zip)
            ) { response in
                XCTAssertEqual(response.status, .created)
                XCTAssertEqual(try apiJSON(response)["revision"] as? Int, 2)
            }
            await f.drain()
            try await client.execute(uri: "/v1/submissions/\(id)", method: .get, headers: apiHeaders(f.contoso)) { response in
                let body = try apiJSON(response)
                XCTAssertEqual(body["state"] as? String, "awaiting-review")
                XCTAssertEqual((body["revisions"] as? [Any])?.count, 2)
                XCTAssertEqual((body["latestRun"] as? [String: Any])?["verdict"] as? String, "pass")
            }
            // Another publisher cannot add a revision either.
            try await client.execute(
                uri: "/v1/submissions/\(id)/revisions", method: .post,
                headers: apiHeaders(f.fabrikam, contentType: "application/zip"), body: ByteBuffer(bytes: zip)
            ) { response in
                XCTAssertEqual(response.status, .notFound)
            }
        }
    }

    func testSubmittersSeeOnlyTheirOwnPublisher() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(submitted["id"] as? String)
            for path in ["/v1/submissions/\(id)", "/v1/submissions/\(id)/report?format=json"] {
                try await client.execute(uri: path, method: .get, headers: apiHeaders(f.fabrikam)) { response in
                    XCTAssertEqual(response.status, .notFound, path)
                    XCTAssertFalse(String(buffer: response.body).contains("Contoso"))
                }
                try await client.execute(uri: path, method: .get, headers: apiHeaders(f.reviewer)) { response in
                    XCTAssertEqual(response.status, .ok, path)
                }
            }
            try await client.execute(uri: "/v1/submissions", method: .get, headers: apiHeaders(f.fabrikam)) { response in
                XCTAssertEqual((try apiJSON(response)["items"] as? [Any])?.count, 0)
            }
            try await client.execute(uri: "/v1/submissions", method: .get, headers: apiHeaders(f.contoso)) { response in
                XCTAssertEqual((try apiJSON(response)["items"] as? [Any])?.count, 1)
            }
        }
    }

    func testQueueIsForReviewers() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            _ = try await apiSubmit(client, token: f.contoso)
            _ = try await apiSubmit(client, token: f.fabrikam, fixture: "broken-json")
            await f.drain()
            try await client.execute(uri: "/v1/queue", method: .get, headers: apiHeaders(f.contoso)) { response in
                XCTAssertEqual(response.status, .forbidden)
            }
            try await client.execute(uri: "/v1/queue", method: .get, headers: apiHeaders(f.reviewer)) { response in
                XCTAssertEqual(response.status, .ok)
                let body = try apiJSON(response)
                XCTAssertEqual((body["items"] as? [Any])?.count, 2)
                XCTAssertEqual((body["counts"] as? [String: Int])?["awaiting-review"], 1)
                XCTAssertEqual((body["counts"] as? [String: Int])?["changes-required"], 1)
            }
            try await client.execute(uri: "/v1/queue?state=awaiting-review&publisher=Contoso", method: .get, headers: apiHeaders(f.admin)) {
                response in
                let items = try XCTUnwrap(try apiJSON(response)["items"] as? [[String: Any]])
                XCTAssertEqual(items.count, 1)
                XCTAssertEqual(items.first?["publisher"] as? String, "Contoso")
            }
            try await client.execute(uri: "/v1/queue?limit=1", method: .get, headers: apiHeaders(f.reviewer)) { response in
                let body = try apiJSON(response)
                XCTAssertEqual((body["items"] as? [Any])?.count, 1)
                let cursor = try XCTUnwrap(body["nextCursor"] as? String)
                try await client.execute(uri: "/v1/queue?limit=1&cursor=\(cursor)", method: .get, headers: apiHeaders(f.reviewer)) { next in
                    let items = try XCTUnwrap(try apiJSON(next)["items"] as? [[String: Any]])
                    XCTAssertEqual(items.count, 1)
                    XCTAssertEqual(items.first?["publisher"] as? String, "Fabrikam", "the second page continues after the first")
                }
            }
            try await client.execute(uri: "/v1/queue?minAge=2d", method: .get, headers: apiHeaders(f.reviewer)) { response in
                XCTAssertEqual((try apiJSON(response)["items"] as? [Any])?.count, 0)
            }
            for bad in ["state=nonsense", "minAge=soon", "limit=0", "cursor=garbage"] {
                try await client.execute(uri: "/v1/queue?\(bad)", method: .get, headers: apiHeaders(f.reviewer)) { response in
                    XCTAssertEqual(response.status, .badRequest, bad)
                    XCTAssertFalse(try apiError(response).isEmpty)
                }
            }
        }
    }

    func testBadUploadsAreRefusedAndTheServerKeepsServing() async throws {
        let f = try await makeServerFixture(maximumUploadBytes: 20_000)
        try await f.app.test(.router) { client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("traversal.zip", .badRequest, "unsafe-path"),
                ("bomb.zip", .badRequest, "compression-ratio"),
                ("truncated.zip", .badRequest, "corrupt-archive"),
                ("not-a-zip.zip", .badRequest, "not-a-package"),
                ("symlink.zip", .badRequest, "link"),
                ("many-entries.zip", .contentTooLarge, ""),
            ]
            for (name, status, kind) in cases {
                let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.zip(name)))
                try await client.execute(
                    uri: "/v1/submissions", method: .post, headers: apiHeaders(f.contoso, contentType: "application/zip"),
                    body: ByteBuffer(bytes: data)
                ) { response in
                    XCTAssertEqual(response.status, status, name)
                    if !kind.isEmpty { XCTAssertTrue(try apiError(response).contains(kind), name) }
                }
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: apiHeaders(f.contoso, contentType: "text/plain"),
                body: ByteBuffer(string: "hello")
            ) { response in
                XCTAssertEqual(response.status, .unsupportedMediaType)
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post,
                headers: apiHeaders(f.contoso, contentType: "multipart/form-data; boundary=XYZ"),
                body: ByteBuffer(string: "--XYZ\r\nContent-Disposition: form-data; name=\"package\"; filename=\"a.zip\"\r\n\r\nabc")
            ) { response in
                XCTAssertEqual(response.status, .badRequest, "a truncated multipart body")
            }
            let submissionCount = try await f.store.scalar("SELECT count(*) FROM submission")
            XCTAssertEqual(submissionCount, 0, "nothing refused is stored")
            // Still serving: a good upload right after.
            _ = try await apiSubmit(client, token: f.contoso)
        }
    }

    func testMultipartUpload() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let zip = try TestPaths.zippedPackage("clean")
            var body = Data("--b0undary\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
            body += Data(
                "--b0undary\r\nContent-Disposition: form-data; name=\"package\"; filename=\"weather.zip\"\r\nContent-Type: application/zip\r\n\r\n"
                    .utf8)
            body += zip
            body += Data("\r\n--b0undary--\r\n".utf8)
            try await client.execute(
                uri: "/v1/submissions", method: .post,
                headers: apiHeaders(f.contoso, contentType: "multipart/form-data; boundary=b0undary"), body: ByteBuffer(bytes: body)
            ) { response in
                XCTAssertEqual(response.status, .created, String(buffer: response.body))
                let revisions = try XCTUnwrap(try apiJSON(response)["revisions"] as? [[String: Any]])
                XCTAssertEqual(revisions.first?["fileName"] as? String, "weather.zip")
            }
        }
    }

    func testAdminSubmissionTakesThePublisherFromTheProperties() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            // The clean fixture names its publisher in apiProperties.json; the reviewer's upload takes it.
            let created = try await apiSubmit(client, token: f.admin)
            XCTAssertEqual(created["publisher"] as? String, "Contoso")
            let zip = try TestPaths.zippedPackage("clean")
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: apiHeaders(f.reviewer, contentType: "application/zip"),
                body: ByteBuffer(bytes: zip)
            ) { response in
                XCTAssertEqual(response.status, .forbidden, "reviewers decide; they do not submit")
            }
        }
    }
}

func apiHeaders(_ token: String?, contentType: String? = nil) -> HTTPFields {
    var fields = HTTPFields()
    if let token { fields[.authorization] = "Bearer \(token)" }
    if let contentType { fields[.contentType] = contentType }
    return fields
}

func apiJSON(_ response: TestResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    return try XCTUnwrap(object as? [String: Any], "expected a JSON object, got \(String(buffer: response.body))")
}

func apiError(_ response: TestResponse) throws -> String {
    let error = try XCTUnwrap(try apiJSON(response)["error"] as? [String: Any])
    return try XCTUnwrap(error["message"] as? String)
}

func apiSubmit(_ client: some TestClientProtocol, token: String, fixture: String = "clean") async throws -> [String: Any] {
    let zip = try TestPaths.zippedPackage(fixture)
    return try await client.execute(
        uri: "/v1/submissions?filename=\(fixture).zip", method: .post,
        headers: apiHeaders(token, contentType: "application/zip"), body: ByteBuffer(bytes: zip)
    ) { response in
        XCTAssertEqual(response.status, .created, String(buffer: response.body))
        XCTAssertNotNil(response.headers[.location])
        return try apiJSON(response)
    }
}

struct ServerFixture {
    let store: Store
    let secretSealer: SecretSealer
    let app: any ApplicationProtocol
    let contoso: String
    let fabrikam: String
    let reviewer: String
    let admin: String

    func drain() async { await WorkerPool(store: store).drain() }
}

func makeServerFixture(
    maximumUploadBytes: Int = PackageLimits.default.maximumArchiveBytes + 65536, allowPrivateNetwork: Bool = false,
    logger: Logger? = nil, connectionTimeouts: ConnectionTimeouts = ConnectionTimeouts(),
    console: ConsoleSessionSettings = ConsoleSessionSettings(), backend: TestStoreBackend = .sqlite
) async throws -> ServerFixture {
    // As `certify serve` does: one key seals probe credentials and webhook secrets.
    let secretSealer = SecretSealer(key: SymmetricKey(size: .bits256))
    let store = try await TestDatabases.makeStore(backend, sealer: secretSealer)
    let path = store.path ?? "unused.sqlite"
    var configuration = ServerConfiguration(
        databasePath: path, maximumUploadBytes: maximumUploadBytes, logLevel: logger == nil ? .error : .trace,
        outbound: OutboundPolicy(allowPrivateNetwork: allowPrivateNetwork))
    configuration.secretSealer = secretSealer
    configuration.connectionTimeouts = connectionTimeouts
    configuration.console = console
    let app = try await buildApplication(configuration, store: store, runWorkers: false, logger: logger)
    return ServerFixture(
        store: store, secretSealer: secretSealer, app: app,
        contoso: try await store.createToken(role: .submitter, publisher: "Contoso", label: "contoso-ci"),
        fabrikam: try await store.createToken(role: .submitter, publisher: "Fabrikam", label: "fabrikam-ci"),
        reviewer: try await store.createToken(role: .reviewer, publisher: nil, label: "alice"),
        admin: try await store.createToken(role: .admin, publisher: nil, label: "root"))
}
