import ConnectorPackage
import Foundation
import Logging
import XCTest

@testable import SubmissionStore

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

/// The engine a store test runs on. Suites that hold for both run twice: as written (SQLite) and
/// through a subclass that says `.postgres`.
enum TestStoreBackend: String, Sendable {
    case sqlite
    case postgres
}

enum TestDatabases {
    /// The PostgreSQL server the tests may use: `$CERTIFY_TEST_DATABASE_URL`, a postgres:// URL
    /// whose user may create databases (.ci/run starts a throwaway cluster with
    /// Scripts/postgres.sh and sets it).
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["CERTIFY_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The server's location, or a skip that says why there is none.
    static func requirePostgres() throws -> PostgresLocation {
        guard let url = postgresURL else {
            throw XCTSkip(
                "no PostgreSQL for this test: set CERTIFY_TEST_DATABASE_URL to a postgres:// URL whose user may create databases (.ci/run starts one with Scripts/postgres.sh)"
            )
        }
        return try PostgresLocation(url: url)
    }

    /// A new, empty database on the test server, named for this test: its location.
    static func freshPostgresDatabase() async throws -> PostgresLocation {
        var location = try requirePostgres()
        let name = "certify_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await PostgresDatabase.connect(location, logger: Logger(label: "tests"))
        try await admin.read { db in _ = try await db.execute(sql: "CREATE DATABASE \(name)") }
        await admin.close()
        location.database = name
        // Tests open many stores: each keeps few connections.
        location.maximumConnections = 4
        return location
    }

    /// A new, empty database on the test server, as a postgres:// URL (for processes).
    static func freshPostgresURL() async throws -> String {
        let location = try await freshPostgresDatabase()
        guard let url = postgresURL, var components = URLComponents(string: url) else { throw XCTSkip("no PostgreSQL URL") }
        components.path = "/" + location.database
        components.query = nil
        return components.string ?? url
    }

    /// A migrated store on `backend`, empty.
    static func makeStore(_ backend: TestStoreBackend, sealer: (any SecretSealing)? = nil) async throws -> Store {
        switch backend {
        case .sqlite:
            return try Store(path: TestPaths.temporaryDatabase(), sealer: sealer)
        case .postgres:
            return try await Store.open(.postgres(try await freshPostgresDatabase()), sealer: sealer)
        }
    }
}
