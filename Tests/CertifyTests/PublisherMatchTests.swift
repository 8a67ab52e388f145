import Certification
import ConnectorPackage
import Foundation
import HummingbirdTesting
import StageCatalog
import XCTest

@testable import CertifyServer

/// A package whose apiProperties.json names another publisher than the account it is filed
/// under: a finding on the run (publisher-matches-account) and a note in the 201 answer.
final class PublisherMatchTests: XCTestCase {
    func findings(filedUnder publisher: String?, publisherInPackage: String = "Contoso") async -> [Finding] {
        var files = ExamplePackage.minimalFiles
        files["apiProperties.json"] = files["apiProperties.json"]!.replacingOccurrences(
            of: "\"publisher\": \"Contoso\"", with: "\"publisher\": \"\(publisherInPackage)\"")
        var options = CheckOptions()
        options.filingPublisher = publisher
        let package = ConnectorPackage(name: "p", files: ExamplePackage(files).packageFiles)
        return await StageRunner(options: options).run(package, path: "p").findings.filter { $0.ruleId == "publisher-matches-account" }
    }

    func testAnotherPublisherIsAWarningAtPropertiesPublisher() async throws {
        let found = await findings(filedUnder: "Fabrikam")
        XCTAssertEqual(found.count, 1)
        let finding = try XCTUnwrap(found.first)
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.file, "apiProperties.json")
        XCTAssertEqual(finding.pointer, "/properties/publisher")
        XCTAssertTrue(finding.message.contains("\"Contoso\"") && finding.message.contains("\"Fabrikam\""), finding.message)
    }

    func testTheSamePublisherSpeltDifferentlyIsNotReported() async {
        let same = await findings(filedUnder: "contoso", publisherInPackage: "Contoso")
        XCTAssertEqual(same.count, 0)
        let punctuated = await findings(filedUnder: "Contoso Inc", publisherInPackage: "Contoso, Inc.")
        XCTAssertEqual(punctuated.count, 0)
        let unknown = await findings(filedUnder: nil, publisherInPackage: "Fabrikam")
        XCTAssertEqual(unknown.count, 0, "without a filing publisher (a plain certify check) the rule is silent")
    }

    func testTheUploadAnswerCarriesANoteAndTheRunTheFinding() async throws {
        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            // The clean fixture names Contoso; the Fabrikam account files it.
            let created = try await apiSubmit(client, token: f.fabrikam, fixture: "clean")
            let id = try XCTUnwrap(created["id"] as? String)
            let notes = try XCTUnwrap(created["notes"] as? [String], "the 201 answer has notes")
            XCTAssertEqual(notes.count, 1)
            XCTAssertTrue(notes[0].contains("\"Contoso\"") && notes[0].contains("\"Fabrikam\""), notes[0])
            await f.drain()
            try await client.execute(uri: "/v1/submissions/\(id)/report?format=json", method: .get, headers: apiHeaders(f.fabrikam)) {
                response in
                let packages = try XCTUnwrap(try apiJSON(response)["packages"] as? [[String: Any]])
                let rules = (packages.first?["findings"] as? [[String: Any]] ?? []).compactMap { $0["ruleId"] as? String }
                XCTAssertTrue(rules.contains("publisher-matches-account"), "\(rules)")
            }
            // Its own publisher's account gets no note.
            let own = try await apiSubmit(client, token: f.contoso, fixture: "clean")
            XCTAssertNil(own["notes"])
        }
    }
}
