import Foundation
import FuzzChecks
import XCTest

/// Every input a fuzzer once crashed or hung on is kept under Fixtures/fuzz/TARGET/ and replayed
/// here through the same code the fuzz target runs (FuzzChecks), so a fixed crash stays fixed
/// in every test run, without the sanitizer build.
final class FuzzReplayTests: XCTestCase {
    func testEveryKeptInputIsHandled() throws {
        let root = TestPaths.fixtures.appendingPathComponent("fuzz")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        XCTAssertFalse(folders.isEmpty, "Fixtures/fuzz holds a folder per target")
        var replayed = 0
        for folder in folders.sorted() {
            let check = try XCTUnwrap(FuzzChecks.targets[folder], "Fixtures/fuzz/\(folder) names no fuzz target")
            let directory = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where !name.hasPrefix(".") {
                let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
                bytes.withUnsafeBufferPointer { check($0) }
                replayed += 1
            }
        }
        print("fuzz replay: \(replayed) kept inputs over \(folders.count) targets")
    }
}
