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

/// The review cycle over HTTP with a reviewer's and a submitter's token, on SQLite;
/// `PostgresReviewWorkflowTests` runs it
/// again on PostgreSQL.
class ReviewWorkflowTests: XCTestCase {
    class var backend: TestStoreBackend { .sqlite }

    func testFullReviewCycleWithInvalidTransitionsRefused() async throws {
        let f = try await makeServerFixture(backend: Self.backend)
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso, fixture: "duplicate-keys")
            let id = try XCTUnwrap(created["id"] as? String)
            await f.drain()

            // Approving before anyone is assigned is allowed from awaiting-review, but certifying is not.
            var (status, body) = try await reviewAction(client, id, f.reviewer, ["action": "certify"])
            XCTAssertEqual(status, .conflict)
            let error = try XCTUnwrap(body["error"] as? [String: Any])
            XCTAssertEqual(error["state"] as? String, "awaiting-review")
            XCTAssertEqual(
                Set(error["allowedActions"] as? [String] ?? []), ["assign", "comment", "accept", "request-changes", "approve", "reject"])

            // The submitter cannot decide.
            (status, _) = try await reviewAction(client, id, f.contoso, ["action": "approve"])
            XCTAssertEqual(status, .forbidden)

            (status, body) = try await reviewAction(client, id, f.reviewer, ["action": "assign"])
            XCTAssertEqual(status, .ok)
            XCTAssertEqual(body["state"] as? String, "in-review")
            XCTAssertEqual(body["assignee"] as? String, "alice")

            // Accept the duplicate-key warning by fingerprint, with a reason.
            let report = try await client.execute(
                uri: "/v1/submissions/\(id)/report?format=json", method: .get, headers: apiHeaders(f.reviewer)
            ) { try apiJSON($0) }
            let finding = try XCTUnwrap(((report["packages"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])?.first)
            XCTAssertEqual(finding["ruleId"] as? String, "json-duplicate-key")
            let fingerprint = try XCTUnwrap(finding["fingerprint"] as? String)
            (status, _) = try await reviewAction(client, id, f.reviewer, ["action": "accept", "fingerprint": fingerprint])
            XCTAssertEqual(status, .badRequest, "accepting needs a reason")
            (status, _) = try await reviewAction(
                client, id, f.reviewer, ["action": "accept", "fingerprint": fingerprint, "text": "Both values are the same publisher."])
            XCTAssertEqual(status, .ok)
            (status, _) = try await reviewAction(
                client, id, f.reviewer, ["action": "comment", "text": "Looks right.", "fingerprint": fingerprint])
            XCTAssertEqual(status, .ok)

            (status, body) = try await reviewAction(client, id, f.reviewer, ["decision": "approve"], path: "decision")
            XCTAssertEqual(status, .ok)
            XCTAssertEqual(body["state"] as? String, "approved")
            (status, body) = try await reviewAction(client, id, f.reviewer, ["decision": "certify"], path: "decision")
            XCTAssertEqual(status, .ok)
            XCTAssertEqual(body["state"] as? String, "certified")
            (status, _) = try await reviewAction(client, id, f.reviewer, ["decision": "assign"], path: "decision")
            XCTAssertEqual(status, .badRequest, "the decision route takes decisions only")
            (status, _) = try await reviewAction(client, id, f.contoso, ["action": "withdraw"])
            XCTAssertEqual(status, .conflict, "a certified submission cannot be withdrawn")

            // The history is in the report, every action with its actor.
            let markdown = try await client.execute(
                uri: "/v1/submissions/\(id)/report?format=markdown", method: .get, headers: apiHeaders(f.contoso)
            ) { String(buffer: $0.body) }
            for expected in ["reviewer:alice", "assign", "accept", "Both values are the same publisher.", "approve", "certify"] {
                XCTAssertTrue(markdown.contains(expected), "report history lacks \(expected)")
            }
            // A new revision re-runs with the accepted warning left out.
            let zip = try TestPaths.zippedPackage("duplicate-keys")
            try await client.execute(
                uri: "/v1/submissions/\(id)/revisions", method: .post,
                headers: apiHeaders(f.contoso, contentType: "application/zip"), body: ByteBuffer(bytes: zip)
            ) { XCTAssertEqual($0.status, .created) }
            await f.drain()
            try await client.execute(uri: "/v1/submissions/\(id)/report?format=json", method: .get, headers: apiHeaders(f.contoso)) {
                response in
                let packages = try XCTUnwrap(try apiJSON(response)["packages"] as? [[String: Any]])
                let rules = (packages.first?["findings"] as? [[String: Any]] ?? []).compactMap { $0["ruleId"] as? String }
                // The fixture's later "publisher" is "Contoso Ltd", not the account's "Contoso":
                // that warning stays; the accepted duplicate key is left out.
                XCTAssertEqual(rules, ["publisher-matches-account"], "the accepted warning is in the baseline")
            }
        }
    }

    func testErrorsCannotBeAcceptedAndApprovalNeedsACleanRun() async throws {
        let f = try await makeServerFixture(backend: Self.backend)
        try await f.app.test(.router) { client in
            let submitted = try await apiSubmit(client, token: f.contoso, fixture: "broken-json")
            let id = try XCTUnwrap(submitted["id"] as? String)
            await f.drain()
            let report = try await client.execute(
                uri: "/v1/submissions/\(id)/report?format=json", method: .get, headers: apiHeaders(f.reviewer)
            ) { try apiJSON($0) }
            let finding = try XCTUnwrap(((report["packages"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])?.first)
            let (status, body) = try await reviewAction(
                client, id, f.reviewer, ["action": "accept", "fingerprint": finding["fingerprint"] as! String, "text": "x"])
            XCTAssertEqual(status, .conflict)
            XCTAssertTrue(((body["error"] as? [String: Any])?["message"] as? String ?? "").contains("cannot be accepted"))
            // changes-required: approve is not an allowed transition.
            let (approve, _) = try await reviewAction(client, id, f.reviewer, ["action": "approve"])
            XCTAssertEqual(approve, .conflict)
            // Another publisher's token sees nothing.
            let (other, _) = try await reviewAction(client, id, f.fabrikam, ["action": "withdraw"])
            XCTAssertEqual(other, .notFound)
            let (withdraw, body2) = try await reviewAction(client, id, f.contoso, ["action": "withdraw"])
            XCTAssertEqual(withdraw, .ok)
            XCTAssertEqual(body2["state"] as? String, "withdrawn")
        }
    }

    func testAnAcceptanceEndsLaterThanNowAndADateAloneLastsThatDay() async throws {
        let f = try await makeServerFixture(backend: Self.backend)
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso, fixture: "duplicate-keys")
            let id = try XCTUnwrap(created["id"] as? String)
            await f.drain()
            let firstFingerprint = try await f.store.submissionDetail(id: id)?.latestRun?.findings.first?.fingerprint
            let fingerprint = try XCTUnwrap(firstFingerprint)
            let accept = ["action": "accept", "fingerprint": fingerprint, "text": "Same publisher twice."]
            var (status, body) = try await reviewAction(client, id, f.reviewer, accept.merging(["expiresAt": "2020-01-31"]) { $1 })
            XCTAssertEqual(status, .badRequest)
            let message = try XCTUnwrap((body["error"] as? [String: Any])?["message"] as? String)
            XCTAssertTrue(message.contains("expiresAt") && message.contains("in the past"), message)
            (status, body) = try await reviewAction(client, id, f.reviewer, accept.merging(["expiresAt": "2020-01-31T10:00:00Z"]) { $1 })
            XCTAssertEqual(status, .badRequest)
            (status, body) = try await reviewAction(client, id, f.reviewer, accept.merging(["expiresAt": "31/01/2031"]) { $1 })
            XCTAssertEqual(status, .badRequest)
            XCTAssertTrue(((body["error"] as? [String: Any])?["message"] as? String ?? "").contains("is not an RFC 3339 date-time"))
            let recordedAcceptances = try await f.store.acceptedFindings(submissionId: id)
            XCTAssertEqual(recordedAcceptances, [], "nothing refused was recorded")
            // A date alone, as in a baseline file, lasts to the end of that day (UTC).
            (status, body) = try await reviewAction(client, id, f.reviewer, accept.merging(["expiresAt": "2031-01-31"]) { $1 })
            XCTAssertEqual(status, .ok, "\(body)")
            let firstAccepted = try await f.store.acceptedFindings(submissionId: id).first
            let accepted = try XCTUnwrap(firstAccepted)
            XCTAssertEqual(accepted.expiresAt.map { ISO8601DateFormatter().string(from: $0) }, "2031-01-31T23:59:59Z")
        }
    }

    func testReportsListAcceptedFindingsAndNameTheFindingOfEachEvent() async throws {
        let f = try await makeServerFixture(backend: Self.backend)
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso, fixture: "duplicate-keys")
            let id = try XCTUnwrap(created["id"] as? String)
            await f.drain()
            let firstFinding = try await f.store.submissionDetail(id: id)?.latestRun?.findings.first
            let finding = try XCTUnwrap(firstFinding)
            var (status, _) = try await reviewAction(
                client, id, f.reviewer, ["action": "comment", "fingerprint": finding.fingerprint, "text": "Same value twice."])
            XCTAssertEqual(status, .ok)
            (status, _) = try await reviewAction(
                client, id, f.reviewer,
                ["action": "accept", "fingerprint": finding.fingerprint, "text": "Harmless here.", "expiresAt": "2031-01-31"])
            XCTAssertEqual(status, .ok)
            func report(_ format: String) async throws -> String {
                try await client.execute(
                    uri: "/v1/submissions/\(id)/report?format=\(format)", method: .get, headers: apiHeaders(f.reviewer)
                ) { String(buffer: $0.body) }
            }
            let place = "apiProperties.json:\(finding.line ?? 0):\(finding.column ?? 0)"
            let text = try await report("text")
            XCTAssertTrue(text.contains("accepted: json-duplicate-key at \(place)"), text)
            XCTAssertTrue(text.contains("Harmless here."))
            XCTAssertTrue(text.contains("until 2031-01-31T23:59:59Z"), text)
            XCTAssertTrue(text.contains("comment about json-duplicate-key at \(place)"), text)
            let markdown = try await report("markdown")
            XCTAssertTrue(markdown.contains("### Accepted findings"), markdown)
            XCTAssertTrue(markdown.contains("about json-duplicate-key at \(place)"), markdown)
            let html = try await report("html")
            XCTAssertTrue(html.contains("<h3>Accepted findings</h3>"))
            let json = try await report("json")
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let package = try XCTUnwrap((object["packages"] as? [[String: Any]])?.first)
            let accepted = try XCTUnwrap((package["accepted"] as? [[String: Any]])?.first)
            XCTAssertEqual(accepted["fingerprint"] as? String, finding.fingerprint)
            XCTAssertEqual(accepted["reason"] as? String, "Harmless here.")
            let history = try XCTUnwrap(package["history"] as? [[String: Any]])
            XCTAssertTrue(history.contains { ($0["about"] as? String)?.hasPrefix("json-duplicate-key at ") == true })
            // The run that had the finding still shows it; a new revision's run leaves it out and says so.
            XCTAssertFalse(text.contains("not shown"))
            let revision = try TestPaths.zippedPackage("duplicate-keys")
            try await client.execute(
                uri: "/v1/submissions/\(id)/revisions", method: .post, headers: apiHeaders(f.contoso, contentType: "application/zip"),
                body: ByteBuffer(bytes: revision)
            ) { XCTAssertEqual($0.status, .created) }
            await f.drain()
            let later = try await report("text")
            XCTAssertTrue(later.contains("1 accepted finding not shown"), later)
        }
    }

    func testARecertificationNamesItsSelection() async throws {
        let f = try await makeServerFixture(backend: Self.backend)
        try await f.app.test(.router) { client in
            for body in ["{}", "{\"stages\": [\"schema\"]}", "{\"selection\": null}"] {
                try await client.execute(
                    uri: "/v1/recertifications", method: .post, headers: apiHeaders(f.admin, contentType: "application/json"),
                    body: ByteBuffer(string: body)
                ) { response in
                    XCTAssertEqual(response.status, .badRequest, body)
                    XCTAssertTrue(try apiError(response).contains("selection"), body)
                }
            }
            let recertificationCount = try await f.store.recertifications().count
            XCTAssertEqual(recertificationCount, 0, "no batch was started")
        }
    }

    func testTransitionTableIsClosed() {
        // Terminal states allow only comments (and nothing for withdrawn/rejected acceptances).
        for state in [SubmissionState.rejected, .withdrawn] {
            XCTAssertEqual(ReviewAction.allowed(in: state, for: .admin), [.comment], state.rawValue)
        }
        XCTAssertEqual(ReviewAction.certify.transition(from: .approved).to, .certified)
        XCTAssertFalse(ReviewAction.certify.transition(from: .inReview).allowed)
        XCTAssertEqual(ReviewAction.unassign.transition(from: .inReview).to, .awaitingReview)
        XCTAssertFalse(ReviewAction.approve.isPermitted(for: .submitter))
        XCTAssertTrue(ReviewAction.withdraw.isPermitted(for: .submitter))
        XCTAssertFalse(ReviewAction.withdraw.isPermitted(for: .reviewer))
    }
}

func reviewAction(
    _ client: some TestClientProtocol, _ id: String, _ token: String, _ body: [String: String],
    path: String = "actions"
) async throws -> (HTTPResponse.Status, [String: Any]) {
    let data = try JSONSerialization.data(withJSONObject: body)
    return try await client.execute(
        uri: "/v1/submissions/\(id)/\(path)", method: .post,
        headers: apiHeaders(token, contentType: "application/json"), body: ByteBuffer(bytes: data)
    ) { response in
        (response.status, (try? apiJSON(response)) ?? [:])
    }
}

/// A breaking change against the certified revision is an error, as Microsoft's Breaking Change
/// Detector prints it; once the publisher confirms existing flows won't break, a reviewer accepts
/// it, and the next run of the revision passes and can be approved.
final class BreakingChangeReviewTests: XCTestCase {
    func testAnAcceptedBreakingChangeNoLongerBlocks() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            let created = try await apiSubmit(client, token: f.contoso, fixture: "clean")
            let id = try XCTUnwrap(created["id"] as? String)
            await f.drain()
            for action in ["assign", "approve", "certify"] {
                let (status, body) = try await reviewAction(client, id, f.reviewer, ["action": action])
                XCTAssertEqual(status, .ok, "\(action): \(body)")
            }

            // Revision 2 moves the operation to another path.
            let clean = try PackageLoader().load(path: TestPaths.package("clean"))
            let moved = ConnectorPackage(
                name: "clean",
                files: clean.files.map { file in
                    guard file.path == "apiDefinition.swagger.json" else { return file }
                    let text = String(decoding: file.bytes, as: UTF8.self).replacingOccurrences(of: "\"/forecast\"", with: "\"/forecasts\"")
                    return PackageFile(path: file.path, bytes: Array(text.utf8))
                })
            let zip = try moved.zipData()
            func revise() async throws {
                try await client.execute(
                    uri: "/v1/submissions/\(id)/revisions", method: .post,
                    headers: apiHeaders(f.contoso, contentType: "application/zip"), body: ByteBuffer(bytes: zip)
                ) { XCTAssertEqual($0.status, .created) }
                await f.drain()
            }
            try await revise()
            let report = try await client.execute(
                uri: "/v1/submissions/\(id)/report?format=json", method: .get, headers: apiHeaders(f.reviewer)
            ) { try apiJSON($0) }
            let package = try XCTUnwrap((report["packages"] as? [[String: Any]])?.first)
            XCTAssertEqual(package["verdict"] as? String, "fail")
            let breaking = try XCTUnwrap(
                (package["findings"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "breaking-path-or-method-changed" })
            XCTAssertEqual(breaking["severity"] as? String, "error")
            let fingerprint = try XCTUnwrap(breaking["fingerprint"] as? String)

            // Approval is refused while it blocks; accepting it with the publisher's confirmation is not.
            var (status, body) = try await reviewAction(
                client, id, f.reviewer,
                ["action": "accept", "fingerprint": fingerprint, "text": "The publisher confirmed no flow uses the old path."])
            XCTAssertEqual(status, .ok, "\(body)")

            // The publisher sends the revision again: the accepted breaking change is left out.
            try await revise()
            try await client.execute(uri: "/v1/submissions/\(id)", method: .get, headers: apiHeaders(f.reviewer)) { response in
                let submission = try apiJSON(response)
                let run = try XCTUnwrap(submission["latestRun"] as? [String: Any])
                XCTAssertEqual(run["verdict"] as? String, "pass")
                XCTAssertEqual(submission["state"] as? String, "awaiting-review")
            }
            (status, body) = try await reviewAction(client, id, f.reviewer, ["action": "approve"])
            XCTAssertEqual(status, .ok, "\(body)")
        }
    }
}
