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
    func testAcknowledgedWritesCommitWithFullSynchronousAndOthersWithNormal() throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        XCTAssertEqual(try store.durableWrite { db in try Store.synchronousLevel(db) }, 2, "FULL inside an acknowledged write")
        XCTAssertEqual(try store.pool.write { db in try Store.synchronousLevel(db) }, 1, "NORMAL again afterwards")
        struct Refused: Error {}
        XCTAssertThrowsError(try store.durableWrite { _ -> Int in throw Refused() }) { XCTAssertTrue($0 is Refused) }
        XCTAssertEqual(try store.pool.write { db in try Store.synchronousLevel(db) }, 1, "NORMAL after a failed write too")
    }

    /// A submission answered 201 is in the file when the call returns: a second connection that
    /// opens the file afresh (as after a crash) sees it.
    func testASubmissionIsOnDiskWhenCreateReturns() throws {
        let path = TestPaths.temporaryDatabase()
        let store = try Store(path: path)
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        let upload = Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "Contoso Weather",
            fileName: "clean.zip", stages: [], rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
        let created = try store.createSubmission(publisher: "Contoso", actor: "test", upload: upload)
        let reopened = try Store(path: path)
        XCTAssertEqual(try reopened.submissionDetail(id: created.id)?.submission.id, created.id)
    }
}
