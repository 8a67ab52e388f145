import Certification
import ConnectorPackage
import Foundation
import OutboundHTTP
import Probing
import Reports
import StageCatalog
import XCTest

/// Probing a real HTTP API that no one here wrote: Kinto, installed from PyPI and started on
/// loopback by .ci/run, which sets CERTIFY_TEST_KINTO_URL (e.g. http://127.0.0.1:8888/v1).
/// Fixtures/packages/kinto describes some operations correctly and mis-describes others.
final class KintoProbeTests: XCTestCase {
    static let password = "probe-pass-7f3a9c"

    func kinto() async throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CERTIFY_TEST_KINTO_URL"] else {
            throw XCTSkip("CERTIFY_TEST_KINTO_URL is not set: no Kinto server to probe (.ci/run starts one)")
        }
        // An account to authenticate with (Kinto's accounts plugin lets anyone create one).
        let client = OutboundClient(policy: OutboundPolicy(allowPrivateNetwork: true))
        let body = Array(#"{"data": {"password": "\#(Self.password)"}}"#.utf8)
        let response = try await client.send(
            OutboundRequest(
                method: "PUT", url: url + "/accounts/certify-prober", headers: [("Content-Type", "application/json")], body: body))
        XCTAssertTrue([200, 201, 401, 403].contains(response.status), "account creation answered \(response.status)")
        // Reading the account's default bucket creates it, so that listing buckets has something
        // to show (a new account without any bucket may not list them: 403).
        let basic = "Basic " + Data("certify-prober:\(Self.password)".utf8).base64EncodedString()
        for _ in 0..<20 {
            let bucket = try await client.send(OutboundRequest(url: url + "/buckets/default", headers: [("Authorization", basic)]))
            let list = try await client.send(OutboundRequest(url: url + "/buckets", headers: [("Authorization", basic)]))
            if bucket.status == 200 && list.status == 200 { return url }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTFail("the Kinto account never authenticated")
        return url
    }

    func probe(_ url: String, allowPrivateNetwork: Bool = true, negative: Bool = false) async throws -> PackageResult {
        let package = try PackageLoader().load(path: TestPaths.package("kinto"))
        var settings = ProbeSettings(
            baseURL: url, credentials: ["basic_auth": "certify-prober:\(Self.password)"],
            allowPrivateNetwork: allowPrivateNetwork, requestsPerSecond: 20)
        settings.negativeInputs = negative ? true : nil
        return await StageRunner(
            options: CheckOptions(stages: [StageRegistry.probeStageName]), extraStages: [ProbeStage(settings: settings)]
        ).run(package, path: "kinto")
    }

    func testMisdescriptionsAreReportedAndMatchingOperationsPass() async throws {
        let url = try await kinto()
        let result = try await probe(url)
        var byOperation: [String: Set<String>] = [:]
        for finding in result.findings { byOperation[finding.operation ?? "", default: []].insert(finding.ruleId) }
        for passing in ["GetServerInfo", "GetHeartbeat", "ListBuckets"] {
            XCTAssertNil(byOperation[passing], "\(passing) matches Kinto: \(byOperation[passing] ?? [])")
        }
        XCTAssertEqual(byOperation["GetDefaultBucket"], ["probe-schema-mismatch"], "last_modified is declared a string")
        XCTAssertEqual(byOperation["GetBucket"], ["probe-undeclared-status"], "403 is not declared")
        XCTAssertEqual(byOperation["GetVersion"], ["probe-server-error"], "Kinto answers 500 without version.json")
        XCTAssertEqual(byOperation["GetContribute"], ["probe-content-type"], "declared text/plain, answers JSON")
        XCTAssertEqual(byOperation["GetLoadBalancerHeartbeat"], ["probe-missing-header"])
        XCTAssertEqual(byOperation["CreateCollection"], ["probe-not-probed"])
        XCTAssertFalse(result.findings.contains { $0.ruleId == "probe-auth-not-enforced" }, "Kinto refuses anonymous bucket listing")
        // Every secured operation that answered with credentials was called again without them,
        // and Kinto refused each (401 or 403).
        let anonymous = (result.stages.first { $0.name == "probe" }?.exchanges ?? []).filter { exchange in
            !exchange.requestHeaders.contains { $0.lowercased().hasPrefix("authorization") }
                && ["/v1/buckets", "/v1/buckets/default"].contains(URLComponents(string: exchange.url)?.path ?? "")
        }
        XCTAssertEqual(anonymous.count, 2, anonymous.map(\.url).joined(separator: ", "))
        XCTAssertTrue(
            anonymous.allSatisfy { [401, 403].contains($0.status ?? 0) }, anonymous.map { "\($0.status ?? 0)" }.joined(separator: ", "))
        for finding in result.findings where finding.ruleId != "probe-not-probed" {
            XCTAssertNotNil(finding.evidence, finding.ruleId)
            XCTAssertNotNil(finding.line, finding.ruleId)
        }
        let report = Report(title: "kinto", toolVersion: "t", packages: [PackageReport(result)])
        let outputs =
            ReportFormat.allCases.map { ReportRenderer.render(report, as: $0) }
            + [String(decoding: try JSONEncoder().encode(result), as: UTF8.self)]
        for output in outputs {
            XCTAssertFalse(output.contains(Self.password), "the password leaked")
            XCTAssertFalse(
                output.contains(Data("certify-prober:\(Self.password)".utf8).base64EncodedString()), "the Basic credential leaked")
        }
    }

    /// A stateful plan against Kinto: create a bucket, a collection and a record, read the
    /// record back, update it and delete it, with captures; the clean-up deletes the bucket.
    static let crudPlan = #"""
        {"sequences": [{
          "name": "record lifecycle",
          "steps": [
            {"id": "bucket", "operation": "CreateBucket", "parameters": {"body": {"data": {"id": "probe-{run}"}}},
             "expectStatus": [201], "capture": {"id": "$.body.data.id"}},
            {"id": "collection", "operation": "CreateCollection",
             "parameters": {"bucket": "{steps.bucket.id}", "body": {"data": {"id": "tasks"}}},
             "expectStatus": [201], "capture": {"id": "/data/id"}},
            {"id": "record", "operation": "CreateRecord",
             "parameters": {"bucket": "{steps.bucket.id}", "collection": "{steps.collection.id}", "body": {"data": {"title": "first"}}},
             "expectStatus": [201], "capture": {"id": "$.body.data.id", "modified": "$.body.data.last_modified"}},
            {"id": "read", "operation": "GetRecord",
             "parameters": {"bucket": "{steps.bucket.id}", "collection": "{steps.collection.id}", "record": "{steps.record.id}"},
             "expectStatus": [200], "capture": {"title": "$.body.data.title"}},
            {"id": "update", "operation": "UpdateRecord",
             "parameters": {"bucket": "{steps.bucket.id}", "collection": "{steps.collection.id}", "record": "{steps.record.id}",
                            "body": {"data": {"title": "{steps.read.title} and second"}}},
             "expectStatus": [200], "capture": {"title": "$.body.data.title"}},
            {"id": "delete", "operation": "DeleteRecord",
             "parameters": {"bucket": "{steps.bucket.id}", "collection": "{steps.collection.id}", "record": "{steps.record.id}"},
             "expectStatus": [200]}
          ],
          "cleanup": [
            {"id": "drop", "operation": "DeleteBucket", "parameters": {"bucket": "{steps.bucket.id}"}, "expectStatus": [200]}
          ]
        }]}
        """#

    func crud(_ url: String, plan: String) async throws -> PackageResult {
        var package = try PackageLoader().load(path: TestPaths.package("kinto-crud"))
        package.files.append(PackageFile(path: "probe-plan.json", bytes: Array(plan.utf8)))
        let settings = ProbeSettings(
            baseURL: url, credentials: ["basic_auth": "certify-prober:\(Self.password)"], allowPrivateNetwork: true,
            requestsPerSecond: 20)
        return await StageRunner(
            options: CheckOptions(stages: [StageRegistry.probeStageName]), extraStages: [ProbeStage(settings: settings)]
        ).run(package, path: "kinto-crud")
    }

    func testAStatefulPlanCreatesReadsUpdatesAndDeletesWithCaptures() async throws {
        let url = try await kinto()
        let result = try await crud(url, plan: Self.crudPlan)
        let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
        let problems = probe.findings.filter { $0.severity != .info }
        XCTAssertEqual(problems.map(\.message), [], "every step passes against Kinto")
        // Each step's exchange is evidence, in order, and the clean-up ran.
        let calls = probe.exchanges.filter { $0.requestHeaders.contains { $0.lowercased().hasPrefix("authorization") } }
            .map { "\($0.method) \($0.status ?? 0)" }
        XCTAssertEqual(
            Array(calls.suffix(7)), ["POST 201", "POST 201", "POST 201", "GET 200", "PATCH 200", "DELETE 200", "DELETE 200"])
        // The update used the value the read captured.
        let patch = try XCTUnwrap(probe.exchanges.last { $0.method == "PATCH" })
        XCTAssertTrue(patch.bodyExcerpt.contains("first and second"), patch.bodyExcerpt)
        // The bucket is gone: the clean-up deleted it.
        let created = try XCTUnwrap(probe.exchanges.first { $0.method == "POST" && $0.url.hasSuffix("/buckets") })
        XCTAssertTrue(created.bodyExcerpt.contains("\"probe-"), created.bodyExcerpt)
    }

    func testAFailingStepStopsTheSequenceButTheCleanUpStillRuns() async throws {
        let url = try await kinto()
        // The record is read from a collection that does not exist: 404, not the expected 200.
        let broken = Self.crudPlan.replacingOccurrences(
            of: #""record": "{steps.record.id}"},"#, with: #""record": "no-such-record"},"#)
        let result = try await crud(url, plan: broken)
        let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
        let failed = probe.findings.filter { $0.ruleId == "probe-sequence-step" || $0.ruleId == "probe-undeclared-status" }
        XCTAssertTrue(failed.contains { $0.operation == "GetRecord" }, failed.map(\.message).joined(separator: "\n"))
        let notRun = probe.findings.filter { $0.ruleId == "probe-not-probed" && $0.message.contains("was not run") }
        XCTAssertEqual(
            notRun.compactMap(\.operation).sorted(), ["DeleteRecord", "UpdateRecord"], notRun.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(notRun.allSatisfy { $0.message.contains("step 'read' failed") })
        // The clean-up still deleted the bucket.
        XCTAssertEqual(probe.exchanges.last?.method, "DELETE")
        XCTAssertEqual(probe.exchanges.last?.status, 200)
    }

    /// Kinto validates its query parameters: a wrong type for _limit is refused with 400, so no
    /// finding; every exchange of invalid input is kept as evidence.
    func testNegativeInputsMeetKintosValidation() async throws {
        let url = try await kinto()
        let result = try await probe(url, negative: true)
        let probe = try XCTUnwrap(result.stages.first { $0.name == "probe" })
        let invalid = probe.exchanges.filter { $0.url.contains("_limit=certify-not-an-integer") }
        XCTAssertEqual(invalid.count, 1, probe.exchanges.map(\.url).joined(separator: "\n"))
        XCTAssertEqual(invalid.first?.status, 400)
        XCTAssertFalse(result.findings.contains { $0.ruleId == "probe-accepts-invalid-input" }, "Kinto refuses a wrong _limit")
    }

    func testTheSameTargetIsRefusedWithoutAllowingPrivateNetworks() async throws {
        let url = try await kinto()
        let result = try await probe(url, allowPrivateNetwork: false)
        let called = result.findings.filter { !["probe-refused-target", "probe-not-probed"].contains($0.ruleId) }
        XCTAssertEqual(called.map(\.ruleId), [], "nothing may reach loopback")
        XCTAssertEqual(result.findings.filter { $0.ruleId == "probe-refused-target" }.count, 8)
    }
}
