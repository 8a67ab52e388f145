import ConnectorPackage
import Foundation
import XCTest

/// Every hostile or broken zip in Fixtures/zips is refused with its named error.
final class PackageLoaderTests: XCTestCase {
    func refusal(_ path: String, limits: PackageLimits = .default) -> PackageError? {
        do {
            _ = try PackageLoader(limits: limits).load(path: path)
            return nil
        } catch {
            return error
        }
    }

    func testCleanFolderLoadsWithRoles() throws {
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        XCTAssertEqual(package.file(.swagger)?.path, "apiDefinition.swagger.json")
        XCTAssertEqual(package.file(.properties)?.path, "apiProperties.json")
        XCTAssertEqual(package.file(.readme)?.path, "readme.md")
        XCTAssertNil(package.file(.icon))
    }

    func testZipOfAFolderIsUnwrapped() throws {
        let package = try PackageLoader().load(path: TestPaths.zip("clean-in-folder.zip"))
        XCTAssertEqual(package.files.map(\.path), ["apiDefinition.swagger.json", "apiProperties.json", "readme.md"])
        let folder = try PackageLoader().load(path: TestPaths.package("clean"))
        XCTAssertEqual(package.contentHash, folder.contentHash, "the same files hash the same whatever the packing")
    }

    func testTraversalIsRefused() {
        let error = refusal(TestPaths.zip("traversal.zip"))
        XCTAssertEqual(error?.kind, .unsafePath)
        XCTAssertEqual(error?.path, "../evil.txt")
    }

    func testAbsolutePathIsRefused() {
        let error = refusal(TestPaths.zip("absolute.zip"))
        XCTAssertEqual(error?.kind, .unsafePath)
        XCTAssertEqual(error?.path, "/tmp/evil.txt")
    }

    func testSymlinkIsRefused() {
        let error = refusal(TestPaths.zip("symlink.zip"))
        XCTAssertEqual(error?.kind, .link)
        XCTAssertEqual(error?.path, "link.md")
    }

    func testZipBombIsRefusedByRatio() {
        let error = refusal(TestPaths.zip("bomb.zip"))
        XCTAssertEqual(error?.kind, .compressionRatio)
        XCTAssertEqual(error?.path, "big.txt")
    }

    func testTooManyEntries() {
        XCTAssertEqual(refusal(TestPaths.zip("many-entries.zip"))?.kind, .tooManyEntries)
    }

    func testTruncatedZip() {
        XCTAssertEqual(refusal(TestPaths.zip("truncated.zip"))?.kind, .corruptArchive)
    }

    func testNotAZip() {
        XCTAssertEqual(refusal(TestPaths.zip("not-a-zip.zip"))?.kind, .notAPackage)
    }

    func testDuplicateEntry() {
        let error = refusal(TestPaths.zip("duplicate-entry.zip"))
        XCTAssertEqual(error?.kind, .duplicateEntry)
        XCTAssertEqual(error?.path, "readme.md")
    }

    func testMissingPath() {
        XCTAssertEqual(refusal("/nonexistent/connector")?.kind, .notFound)
    }

    /// Each size limit at its edge: exactly the limit passes, one byte more is refused.
    func testFileSizeLimitEdge() throws {
        let size = 5000
        let exact = ConnectorPackage(name: "t", files: [PackageFile(path: "a.txt", bytes: randomBytes(size))])
        let over = ConnectorPackage(name: "t", files: [PackageFile(path: "a.txt", bytes: randomBytes(size + 1))])
        var limits = PackageLimits.default
        limits.maximumFileBytes = size
        XCTAssertNoThrow(try PackageLoader(limits: limits).loadZip(try exact.zipData(), name: "t"))
        XCTAssertThrowsError(try PackageLoader(limits: limits).loadZip(try over.zipData(), name: "t")) { error in
            XCTAssertEqual((error as? PackageError)?.kind, .fileTooLarge)
        }
    }

    func testTotalSizeLimitEdge() throws {
        let files = (0..<4).map { PackageFile(path: "f\($0).txt", bytes: randomBytes(1000)) }
        var limits = PackageLimits.default
        limits.maximumTotalBytes = 4000
        let zip = try ConnectorPackage(name: "t", files: files).zipData()
        XCTAssertNoThrow(try PackageLoader(limits: limits).loadZip(zip, name: "t"))
        limits.maximumTotalBytes = 3999
        XCTAssertThrowsError(try PackageLoader(limits: limits).loadZip(zip, name: "t")) { error in
            XCTAssertEqual((error as? PackageError)?.kind, .totalTooLarge)
        }
    }

    func testEntryCountLimitEdge() throws {
        let files = (0..<10).map { PackageFile(path: "f\($0).txt", bytes: [UInt8]("x".utf8)) }
        let zip = try ConnectorPackage(name: "t", files: files).zipData()
        var limits = PackageLimits.default
        limits.maximumEntries = 10
        XCTAssertNoThrow(try PackageLoader(limits: limits).loadZip(zip, name: "t"))
        limits.maximumEntries = 9
        XCTAssertThrowsError(try PackageLoader(limits: limits).loadZip(zip, name: "t")) { error in
            XCTAssertEqual((error as? PackageError)?.kind, .tooManyEntries)
        }
    }

    func testArchiveSizeLimitEdge() throws {
        let zip = try PackageLoader().load(path: TestPaths.package("clean")).zipData()
        var limits = PackageLimits.default
        limits.maximumArchiveBytes = zip.count
        XCTAssertNoThrow(try PackageLoader(limits: limits).loadZip(zip, name: "t"))
        limits.maximumArchiveBytes = zip.count - 1
        XCTAssertThrowsError(try PackageLoader(limits: limits).loadZip(zip, name: "t")) { error in
            XCTAssertEqual((error as? PackageError)?.kind, .archiveTooLarge)
        }
    }

    func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
