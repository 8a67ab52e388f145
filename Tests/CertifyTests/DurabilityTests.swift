import Certification
import ConnectorPackage
import Foundation
import StageCatalog
import XCTest

@testable import Pipeline
@testable import SubmissionStore

/// What an acknowledged submission survives (README, "Durability"): its transaction commits with
/// synchronous = FULL, the store's other writes with NORMAL, and a failed one leaves NORMAL behind.
final class DurabilityTests: XCTestCase {
    func testAcknowledgedWritesCommitWithFullSynchronousAndOthersWithNormal() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let full = try await store.database.write(durable: true) { db in try await db.scalar(Int.self, sql: "PRAGMA synchronous") }
        XCTAssertEqual(full, 2, "FULL inside an acknowledged write")
        let after = try await store.synchronousLevel()
        XCTAssertEqual(after, 1, "NORMAL again afterwards")
        struct Refused: Error {}
        await XCTAssertThrowsErrorAsync(try await store.database.write(durable: true) { _ -> Int in throw Refused() }) {
            XCTAssertTrue($0 is Refused)
        }
        let afterFailure = try await store.synchronousLevel()
        XCTAssertEqual(afterFailure, 1, "NORMAL after a failed write too")
    }

    /// A submission answered 201 is in the file when the call returns: a second connection that
    /// opens the file afresh (as after a crash) sees it.
    func testASubmissionIsOnDiskWhenCreateReturns() async throws {
        let path = TestPaths.temporaryDatabase()
        let store = try Store(path: path)
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        let upload = Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "Contoso Weather",
            fileName: "clean.zip", stages: [], rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
        let created = try await store.createSubmission(publisher: "Contoso", actor: "test", upload: upload)
        let reopened = try Store(path: path)
        let reopenedId = try await reopened.submissionDetail(id: created.id)?.submission.id
        XCTAssertEqual(reopenedId, created.id)
    }
}
