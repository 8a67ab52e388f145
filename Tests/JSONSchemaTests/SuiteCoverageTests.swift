import XCTest

final class SuiteCoverageTests: XCTestCase {
    /// The generated methods must cover exactly the suite's files: when the suite changes,
    /// re-run the generator rather than silently skipping a file.
    func testGeneratedMethodsCoverEverySuiteFile() throws {
        guard FileManager.default.fileExists(atPath: OfficialSuite.draft4.path) else {
            throw XCTSkip("The JSON Schema test suite is not at \(OfficialSuite.draft4.path).")
        }
        let onDisk = try OfficialSuite.allFiles()
        XCTAssertEqual(
            onDisk, OfficialSuiteTests.files,
            "the suite's files changed: run python3 Scripts/generate-json-schema-suite-tests.py")
    }
}
