import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import SubmissionStore
import XCTest

@testable import CertifyServer

/// `openapi.yaml` is the API's description: the routes the router has are exactly the paths and
/// methods it describes, the server serves it as it is in the repository, and what Schemathesis
/// found against it (Scripts/schemathesis.sh) stays fixed.
final class OpenAPIContractTests: XCTestCase {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The description in the repository, as JSON.
    func repositoryDescription() throws -> [String: Any] {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: try OpenAPIDescription.convertToJSON(text))
        return try XCTUnwrap(object as? [String: Any])
    }

    func testEveryRouteIsDescribedAndEveryDescribedRouteExists() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let registry = PrometheusCollectorRegistry()
        let router = buildRouter(
            store: store, registry: registry, metricsFactory: PrometheusMetricsFactory(registry: registry),
            maximumUploadBytes: 1 << 20)
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let paths = try XCTUnwrap(try repositoryDescription()["paths"] as? [String: [String: Any]])
        let described = Set(
            paths.flatMap { path, item in
                item.keys.filter(Self.methods.contains).map { "\($0.uppercased()) \(path)" }
            })
        XCTAssertFalse(routed.isEmpty)
        // The console's HTML pages and forms are not the API; they are listed apart, and exactly.
        XCTAssertTrue(
            ConsolePages.routeList.isSubset(of: routed), "console routes not routed: \(ConsolePages.routeList.subtracting(routed))")
        XCTAssertTrue(ConsolePages.routeList.isDisjoint(with: described))
        let undescribed = routed.subtracting(described).subtracting(ConsolePages.routeList).sorted()
        let missing = described.subtracting(routed).sorted()
        XCTAssertEqual(undescribed, [], "routes openapi.yaml does not describe: \(undescribed.joined(separator: "; "))")
        XCTAssertEqual(missing, [], "routes openapi.yaml describes that the router does not have: \(missing.joined(separator: "; "))")
    }

    func testEveryOperationNamesItsSecurityAndItsErrors() throws {
        let document = try repositoryDescription()
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, value) in item where Self.methods.contains(method) {
                let operation = try XCTUnwrap(value as? [String: Any])
                let name = "\(method.uppercased()) \(path)"
                let responses = try XCTUnwrap(operation["responses"] as? [String: Any], name)
                // Every query string is checked on every route.
                XCTAssertNotNil(responses["400"], "\(name) does not describe 400")
                let open = path == "/health" || path == "/metrics" || path.hasPrefix("/v1/openapi.")
                if open {
                    XCTAssertEqual((operation["security"] as? [Any])?.count, 0, "\(name) needs no token")
                } else {
                    XCTAssertNotNil(responses["401"], "\(name) does not describe 401")
                }
            }
        }
    }

    func testTheServedDescriptionIsTheRepositoryFile() async throws {
        let file = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        XCTAssertEqual(OpenAPIDescription.yaml, file, "the embedded openapi.yaml is stale: rebuild")
        let expected = try OpenAPIDescription.convertToJSON(file)
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            try await client.execute(uri: "/v1/openapi.yaml", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "application/yaml; charset=utf-8")
                XCTAssertEqual(String(buffer: response.body), file)
            }
            try await client.execute(uri: "/v1/openapi.json", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "application/json")
                XCTAssertEqual(Data(response.body.readableBytesView), expected)
                let served = try apiJSON(response)
                XCTAssertEqual(served["openapi"] as? String, "3.1.0")
            }
            try await client.execute(uri: "/v1/openapi.json?x=1", method: .get) { response in
                XCTAssertEqual(response.status, .badRequest)
            }
        }
    }

    func testUnroutedRequestsAnswerInTheErrorShape() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            try await client.execute(uri: "/v1/queue", method: .patch, headers: apiHeaders(f.reviewer)) { response in
                XCTAssertEqual(response.status, .methodNotAllowed)
                XCTAssertEqual(response.headers[.allow], "GET")
                XCTAssertTrue(try apiError(response).contains("PATCH"))
            }
            // Before authentication: the method is wrong whoever asks.
            try await client.execute(uri: "/v1/submissions", method: .delete) { response in
                XCTAssertEqual(response.status, .methodNotAllowed)
                XCTAssertEqual(response.headers[.allow], "GET, POST")
            }
            try await client.execute(uri: "/v1/webhooks/7", method: .get) { response in
                XCTAssertEqual(response.status, .methodNotAllowed)
                XCTAssertEqual(response.headers[.allow], "DELETE")
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertTrue(try apiError(response).contains("/v1/openapi.json"))
            }
        }
    }

    /// Found by Schemathesis: fingerprints are checked for their form (400) and then looked up
    /// in the latest run (409 when absent); `expiresAt` is RFC 3339, read strictly.
    func testReviewActionInputsAreReadStrictly() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso)
            let id = try XCTUnwrap(created["id"] as? String)
            await f.drain()
            var (status, body) = try await reviewAction(
                client, id, f.reviewer, ["action": "comment", "text": "x", "fingerprint": "not-a-fingerprint"])
            XCTAssertEqual(status, .badRequest, "\(body)")
            (status, body) = try await reviewAction(
                client, id, f.reviewer, ["action": "comment", "text": "x", "fingerprint": "0123456789abcdef01234567"])
            XCTAssertEqual(status, .conflict, "\(body)")
            for (date, expected) in [
                ("2026-01-31T12:00:00Z", HTTPResponse.Status.ok), ("2026-01-31t12:00:00.25+20:30", .ok),
                ("2026-01-31T25:00:00Z", .badRequest), ("2026-02-30T12:00:00Z", .badRequest),
                ("2026-01-31T12:00:00+01:60", .badRequest), ("2026-01-31T12:00:00", .badRequest),
            ] {
                (status, body) = try await reviewAction(
                    client, id, f.reviewer, ["action": "comment", "text": "x", "expiresAt": date])
                XCTAssertEqual(status, expected, "\(date): \(body)")
            }
        }
    }

    func testRFC3339() {
        XCTAssertEqual(RFC3339.date("1970-01-01T00:00:00Z"), Date(timeIntervalSince1970: 0))
        XCTAssertEqual(RFC3339.date("1970-01-01T01:00:00+01:00"), Date(timeIntervalSince1970: 0))
        XCTAssertEqual(RFC3339.date("2000-02-29T00:00:00.5Z"), Date(timeIntervalSince1970: 951_782_400.5))
        XCTAssertEqual(RFC3339.date("0001-01-01T00:00:00Z"), Date(timeIntervalSince1970: -62_135_596_800))
        for text in [
            "1900-02-29T00:00:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0100",
            "2026-01-01 00:00:00Z", "2026-1-01T00:00:00Z", "2026-01-01T00:00:00Zx", "",
        ] {
            XCTAssertNil(RFC3339.date(text), text)
        }
    }

    /// Found by Schemathesis: a credential whose value starts with a combining mark or an emoji
    /// modifier is still NAME=VALUE; a probe base URL that is no URL is refused at once.
    func testProbeSettingsAreReadAsWritten() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let zip = try TestPaths.zippedPackage("clean")
            for (header, value, expected) in [
                ("X-Certify-Credential", "apiKey=\u{1F3FB}secret", HTTPResponse.Status.created),
                ("X-Certify-Credential", "apiKey=", .badRequest),
                ("X-Certify-Probe-Base-Url", "5", .badRequest),
                ("X-Certify-Probe-Base-Url", "ftp://files.example", .badRequest),
                ("X-Certify-Probe-Base-Url", "http://127.0.0.1:9/", .created),
            ] {
                var headers = apiHeaders(f.contoso, contentType: "application/zip")
                headers[HTTPField.Name(header)!] = value
                try await client.execute(uri: "/v1/submissions", method: .post, headers: headers, body: ByteBuffer(bytes: zip)) {
                    response in
                    XCTAssertEqual(response.status, expected, "\(header): \(value): \(String(buffer: response.body))")
                }
            }
        }
    }
}
