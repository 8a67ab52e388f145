import Foundation
import XCTest

/// Issue 15, on the embedded store: `certify serve --no-workers` serves HTTP only, and separate
/// `certify worker` processes on the same database run the checks; a worker killed with SIGKILL
/// mid-way loses nothing, since its leases are taken again.
final class WorkerProcessTests: ProcessTestCase {
    func testServersWithoutWorkersAndWorkerProcessesShareTheDatabase() async throws {
        try requireBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certify-workers-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("certify.sqlite").path
        let created = try CheckCommandTests.run(["tokens", "create", "--db", db, "--role", "submitter", "--publisher", "Contoso"])
        XCTAssertEqual(created.status, 0, created.stderr)
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, base) = try await startServer(
            ["--db", db, "--no-workers"], log: folder.appendingPathComponent("serve.log").path)

        // Submitted with no worker running: the submission waits.
        let zip = try TestPaths.zippedPackage("clean")
        var ids: [String] = []
        for _ in 0..<6 {
            let (status, body) = try await request("POST", "\(base)/v1/submissions", token: token, body: zip)
            XCTAssertEqual(status, 201)
            ids.append(try XCTUnwrap(body["id"] as? String))
        }
        try await Task.sleep(for: .seconds(1))
        let (_, waiting) = try await request("GET", "\(base)/v1/submissions/\(ids[0])", token: token)
        XCTAssertEqual(waiting["state"] as? String, "submitted", "a server without workers runs no checks")

        // One worker is killed at once, another runs everything.
        let doomed = try launch(["worker", "--db", db, "--workers", "1"], log: folder.appendingPathComponent("w1.log").path)
        try await Task.sleep(for: .milliseconds(300))
        kill(doomed.processIdentifier, SIGKILL)
        doomed.waitUntilExit()
        let worker = try launch(["worker", "--db", db, "--workers", "2"], log: folder.appendingPathComponent("w2.log").path)
        var states: [String] = []
        for _ in 0..<300 {
            states = []
            for id in ids {
                let (_, body) = try await request("GET", "\(base)/v1/submissions/\(id)", token: token)
                states.append(body["state"] as? String ?? "?")
            }
            if states.allSatisfy({ $0 == "awaiting-review" }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(states, Array(repeating: "awaiting-review", count: ids.count), "every submission was checked")
        // Each run finished exactly once: one finished run per submission, no failed one.
        for id in ids {
            let (_, body) = try await request("GET", "\(base)/v1/submissions/\(id)", token: token)
            let run = try XCTUnwrap(body["latestRun"] as? [String: Any])
            XCTAssertEqual(run["state"] as? String, "finished")
            XCTAssertEqual(run["verdict"] as? String, "pass")
            XCTAssertEqual((run["stages"] as? [[String: Any]])?.count, 3, "one result per stage, written once")
        }
        // The first worker may have done every job before it was killed, and this one may still
        // be starting: SIGTERM is sent once it runs its workers (a signal before that ends a
        // process that has not yet taken any job, as the default action does).
        try await waitUntil("the second worker runs") {
            ((try? String(contentsOf: folder.appendingPathComponent("w2.log"), encoding: .utf8)) ?? "").contains("worker(s) on database")
        }
        try await Task.sleep(for: .milliseconds(500))
        worker.terminate()
        worker.waitUntilExit()
        XCTAssertEqual(worker.terminationReason, .exit, "SIGTERM ends the worker by its own exit, not by the signal")
        XCTAssertEqual(worker.terminationStatus, 0)
        let log = try String(contentsOf: folder.appendingPathComponent("w2.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("certify: workers stopped"), "SIGTERM stops the workers gracefully: \(log)")
    }
}
