import ConnectorPackage
import Foundation
import XCTest

@testable import SubmissionStore

/// Issue 15 on PostgreSQL: two `certify serve --no-workers` processes and two `certify worker`
/// processes share one database; 200 packages are submitted through both servers while one
/// worker is killed with SIGKILL; every acknowledged submission is stored and every run finished
/// exactly once.
final class PostgresProcessTests: ProcessTestCase {
    /// A fresh PostgreSQL database and what its processes share: a folder for their logs, one
    /// secret key (as on several machines), the URL in the environment (its password stays off
    /// the command line), and a token made with `tokens create` and `TOKEN_ARGUMENTS`.
    struct Setup {
        let url: String
        let folder: URL
        let key: String
        let token: String
        var environment: [String: String] { ["CERTIFY_DATABASE_URL": url] }
        func log(_ name: String) -> String { folder.appendingPathComponent(name).path }
    }

    func setUp(_ name: String, token tokenArguments: [String]) async throws -> Setup {
        let url = try await TestDatabases.freshPostgresURL()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certify-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.appendingPathComponent("secret.key").path
        let keyWritten = FileManager.default.createFile(atPath: key, contents: Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        XCTAssertTrue(keyWritten)
        let created = try CheckCommandTests.run(["tokens", "create", "--database", url] + tokenArguments)
        XCTAssertEqual(created.status, 0, created.stderr)
        return Setup(url: url, folder: folder, key: key, token: created.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Up to `count` packages: real corpus connectors when ../shared is there, else the clean
    /// fixture, repeated.
    func packages(_ count: Int) throws -> [Data] {
        if let corpus = try? TestPaths.requireCorpus() {
            let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
            var zips: [Data] = []
            for name in names where zips.count < count {
                guard let package = try? PackageLoader().load(path: corpus.appendingPathComponent(name).path),
                    let zip = try? package.zipData()
                else { continue }
                zips.append(zip)
            }
            if zips.count == count { return zips }
        }
        let clean = try TestPaths.zippedPackage("clean")
        return Array(repeating: clean, count: count)
    }

    func testTwoServersAndTwoWorkersShareOnePostgreSQLDatabase() async throws {
        try requireBinary()
        let setup = try await setUp("pg-processes", token: ["--role", "admin", "--label", "ops"])
        let (url, key, token, environment, log) = (setup.url, setup.key, setup.token, setup.environment, setup.log)
        let serverArguments = ["--no-workers", "--secret-key-file", key]
        let servers = [
            try await startServer(serverArguments, environment: environment, log: log("serve1.log")).1,
            try await startServer(serverArguments, environment: environment, log: log("serve2.log")).1,
        ]
        let store = try await Store.open(try StoreLocation.parse(url))
        defer { Task { await store.close() } }

        let total = 200
        let zips = try packages(total)
        var doomed = try launch(["worker", "--workers", "2", "--secret-key-file", key], environment: environment, log: log("w1.log"))
        _ = try launch(["worker", "--workers", "2", "--secret-key-file", key], environment: environment, log: log("w2.log"))
        // Submitted through both servers, 8 at a time, while the workers run.
        var acknowledged: [String] = []
        var killed = false
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            var next = 0
            while next < total || !group.isEmpty {
                while next < total && next - acknowledged.count < 8 {
                    let index = next
                    next += 1
                    let server = servers[index % 2]
                    let zip = zips[index]
                    group.addTask {
                        let (status, body) = try await Self.request(
                            "POST", "\(server)/v1/submissions?publisher=Publisher%20\(index % 7)", token: token, body: zip)
                        return (status, status == 201 ? body["id"] as? String : "\(body)")
                    }
                }
                guard let (status, answer) = try await group.next() else { break }
                XCTAssertEqual(status, 201, answer ?? "")
                acknowledged.append(status == 201 ? answer ?? "" : "")
                // Mid-way, one worker dies without a chance to clean up; a new one starts, as a
                // supervisor would start it.
                if !killed, try await store.scalar("SELECT count(*) FROM run WHERE state = 'finished'") >= 20 {
                    kill(doomed.processIdentifier, SIGKILL)
                    doomed.waitUntilExit()
                    killed = true
                    doomed = try launch(
                        ["worker", "--workers", "2", "--secret-key-file", key], environment: environment, log: log("w3.log"))
                }
            }
        }
        acknowledged = acknowledged.filter { !$0.isEmpty }
        if !killed {
            try await waitUntil("20 runs have finished", seconds: 120) {
                try await store.scalar("SELECT count(*) FROM run WHERE state = 'finished'") >= 20
            }
            kill(doomed.processIdentifier, SIGKILL)
            doomed.waitUntilExit()
            killed = true
            _ = try launch(["worker", "--workers", "2", "--secret-key-file", key], environment: environment, log: log("w3.log"))
        }
        let finishedAtKill = try await store.scalar("SELECT count(*) FROM run WHERE state = 'finished'")
        XCTAssertTrue(killed)
        XCTAssertLessThan(finishedAtKill, total, "the worker was killed while runs were under way")
        XCTAssertEqual(acknowledged.count, total)
        try await waitUntil("every run has finished", seconds: 300) {
            try await store.scalar("SELECT count(*) FROM job WHERE state IN ('queued', 'leased')") == 0
        }
        // Every acknowledged submission is stored, with one run, finished once.
        let stored = try await store.scalar("SELECT count(*) FROM submission")
        XCTAssertEqual(stored, total)
        for id in acknowledged {
            let detail = try await store.submissionDetail(id: id)
            XCTAssertNotNil(detail, "\(id) was acknowledged but is not stored")
        }
        let runs = try await store.scalar("SELECT count(*) FROM run")
        XCTAssertEqual(runs, total, "one run per submission")
        let finished = try await store.scalar("SELECT count(*) FROM run WHERE state = 'finished'")
        XCTAssertEqual(finished, total, "every run finished")
        let jobsDone = try await store.scalar("SELECT count(*) FROM job WHERE state = 'done'")
        XCTAssertEqual(jobsDone, total)
        // Written once: one set of stage results per run, one checks-finished event per submission.
        let doubled = try await store.scalar(
            "SELECT count(*) FROM (SELECT run_id FROM stage_result GROUP BY run_id, position HAVING count(*) > 1) AS d")
        XCTAssertEqual(doubled, 0, "no stage result written twice")
        let withResults = try await store.scalar("SELECT count(DISTINCT run_id) FROM stage_result")
        XCTAssertEqual(withResults, total)
        let events = try await store.scalar(
            "SELECT count(*) FROM (SELECT submission_id FROM review_event WHERE action = 'checks-finished' GROUP BY submission_id HAVING count(*) = 1) AS e"
        )
        XCTAssertEqual(events, total, "each submission moved on exactly once")
        let open = try await store.scalar("SELECT count(*) FROM submission WHERE state IN ('submitted', 'checking')")
        XCTAssertEqual(open, 0)
    }

    /// A server with its workers, killed with SIGKILL in the middle of intakes, then started
    /// again: every submission it acknowledged is stored, and every stored one is checked once.
    func testAServerKilledMidIntakeLosesNoAcknowledgedSubmission() async throws {
        try requireBinary()
        let setup = try await setUp("pg-crash", token: ["--role", "submitter", "--publisher", "Contoso"])
        let (url, key, token, environment, log) = (setup.url, setup.key, setup.token, setup.environment, setup.log)
        let store = try await Store.open(try StoreLocation.parse(url))
        defer { Task { await store.close() } }
        // A server with workers (no --no-workers): intake and checks in the process killed.
        let serverArguments = ["--workers", "1", "--secret-key-file", key]
        let (server, base) = try await startServer(serverArguments, environment: environment, log: log("serve1.log"))
        let zips = try packages(80)
        var acknowledged: [String] = []
        var refused = 0
        try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, zip) in zips.enumerated() {
                group.addTask {
                    // A request cut by the kill is not acknowledged: no id.
                    guard let (status, body) = try? await Self.request("POST", "\(base)/v1/submissions", token: token, body: zip),
                        status == 201
                    else { return nil }
                    return body["id"] as? String
                }
                if index >= 8, let id = try await group.next() {
                    if let id { acknowledged.append(id) } else { refused += 1 }
                    if acknowledged.count == 30 && server.isRunning {
                        kill(server.processIdentifier, SIGKILL)
                        server.waitUntilExit()
                    }
                }
            }
            for try await id in group {
                if let id { acknowledged.append(id) } else { refused += 1 }
            }
        }
        XCTAssertFalse(server.isRunning)
        XCTAssertGreaterThanOrEqual(acknowledged.count, 30)
        XCTAssertGreaterThan(refused, 0, "requests after the kill were not acknowledged")
        // Started again: the jobs the dead process held or had queued are taken and finished.
        _ = try await startServer(serverArguments, environment: environment, log: log("serve2.log"))
        try await waitUntil("every stored submission is checked", seconds: 300) {
            try await store.scalar("SELECT count(*) FROM job WHERE state IN ('queued', 'leased')") == 0
        }
        for id in acknowledged {
            let detail = try await store.submissionDetail(id: id)
            XCTAssertEqual(detail?.latestRun?.run.state, "finished", "\(id) was acknowledged")
        }
        let stored = try await store.scalar("SELECT count(*) FROM submission")
        XCTAssertGreaterThanOrEqual(stored, acknowledged.count, "a request cut after its commit may be stored unanswered")
        let finishedOnce = try await store.scalar(
            "SELECT count(*) FROM (SELECT submission_id FROM review_event WHERE action = 'checks-finished' GROUP BY submission_id HAVING count(*) = 1) AS e"
        )
        XCTAssertEqual(finishedOnce, stored, "every stored submission was checked exactly once")
    }
}
