import ConnectorPackage
import Foundation
import XCTest

/// Runs a command found on PATH; its standard output, and its error output too unless
/// `errors` is false (then it is dropped).
func runCommand(_ arguments: [String], errors: Bool = true) -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = errors ? pipe : FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        return (-1, Data("\(error)".utf8))
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
}

/// Paths the tests read: the package root, its fixtures, and `../shared` when it exists.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Fixtures")
    static func package(_ name: String) -> String { fixtures.appendingPathComponent("packages/\(name)").path }
    static func zip(_ name: String) -> String { fixtures.appendingPathComponent("zips/\(name)").path }
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let corpus = shared.appendingPathComponent("corpus/certified")

    /// The corpus folder, or a skip that says why.
    static func requireCorpus() throws -> URL {
        guard FileManager.default.fileExists(atPath: corpus.path) else {
            throw XCTSkip("../shared/corpus/certified is not beside this checkout (\(corpus.path)); corpus tests skipped")
        }
        return corpus
    }

    /// A fresh database file in a temporary folder.
    static func temporaryDatabase() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certify-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("test.sqlite").path
    }

    /// A fixture package folder, zipped.
    static func zippedPackage(_ name: String) throws -> Data {
        try PackageLoader().load(path: package(name)).zipData()
    }
}

/// `XCTAssertThrowsError` for an async expression (XCTest's autoclosures are synchronous).
func XCTAssertThrowsErrorAsync<T>(
    _ expression: @autoclosure () async throws -> T, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line, _ handler: (any Error) -> Void = { _ in }
) async {
    do {
        _ = try await expression()
        XCTFail("no error was thrown" + (message().isEmpty ? "" : ": \(message())"), file: file, line: line)
    } catch {
        handler(error)
    }
}
