import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Pipeline
import StageCatalog
import SubmissionStore
import Synchronization
import XCTest

@testable import CertifyServer

/// CPU-bound stages run on the stage threads, never on the cooperative pool that serves HTTP
/// and renews leases; a run has a wall-clock budget after which it fails once, with the reason
/// (issue 11, defect 4).
final class WorkerIsolationTests: XCTestCase {
    /// While stages burn a core each for seconds, as many as there are workers (which, run on
    /// the cooperative pool, would hold all of its threads), the server answers at once and the
    /// heartbeat keeps the leases: no job is taken again, each runs once.
    func testStagesLeaveTheServerAndTheLeaseHeartbeatFree() async throws {
        let path = TestPaths.temporaryDatabase()
        let store = try Store(path: path)
        let reviewer = try await store.createToken(role: .reviewer, publisher: nil, label: "alice")
        let jobs = max(2, ProcessInfo.processInfo.activeProcessorCount)
        for _ in 0..<jobs {
            _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try upload(stages: ["burn"]))
        }
        let log = StageLog()
        let pipeline = PipelineConfiguration(
            workers: jobs, leaseSeconds: 0.6, pollInterval: .milliseconds(20),
            additionalStages: [BurningStage(name: "burn", seconds: 3, log: log)])
        let app = try await buildApplication(
            ServerConfiguration(databasePath: path, pipeline: pipeline, logLevel: .critical), store: store)

        try await app.test(.live) { client in
            try await waitUntil("a stage starts") { log.firstStart != nil }
            let burning = try XCTUnwrap(log.firstStart)
            var requests = 0
            // For twice the lease from the moment the first stage started burning:
            while ContinuousClock.now - burning < .milliseconds(1200) {
                requests += 1
                let start = ContinuousClock.now
                try await client.execute(uri: "/v1/queue", method: .get, headers: [.authorization: "Bearer \(reviewer)"]) {
                    XCTAssertEqual($0.status, .ok)
                }
                let elapsed = ContinuousClock.now - start
                XCTAssertLessThan(elapsed, .milliseconds(1500), "GET /v1/queue waited \(elapsed) behind the stages")
                try await Task.sleep(for: .milliseconds(100))
            }
            XCTAssertGreaterThan(requests, 3)
            // All that while the first stages were burning (on the cooperative pool, this task
            // could not even run until they ended), and past the 0.6 s lease: the heartbeat
            // renewed every lease.
            XCTAssertEqual(log.finished, 0, "the requests were answered while the stages ran")
            let now = Date().timeIntervalSince1970
            let liveLeaseCount = try await store.scalar("SELECT count(*) FROM job WHERE state = 'leased' AND lease_expires_at > \(now)")
            XCTAssertEqual(
                liveLeaseCount, jobs)
            let intruderJob = try await store.claimNextJob(owner: "intruder", leaseSeconds: 30)
            XCTAssertNil(intruderJob, "no lease expired")
            try await waitUntil("every job is done", seconds: 60) { try await store.pendingJobCount() == 0 }
        }
        XCTAssertEqual(log.started, jobs, "each job's stages ran once")
        XCTAssertEqual(log.onStageThreads, jobs, "every stage ran on a stage thread")
        let doneJobCount = try await store.scalar("SELECT count(*) FROM job WHERE state = 'done' AND attempts = 1")
        XCTAssertEqual(doneJobCount, jobs)
        let finishedRunCount = try await store.scalar("SELECT count(*) FROM run WHERE state = 'finished'")
        XCTAssertEqual(finishedRunCount, jobs)
    }

    /// A run past its budget is failed with the reason as soon as the budget is spent, once:
    /// the stage that cannot be interrupted finishes later on its thread and its result is
    /// dropped; the job is not retried, though another worker is idle.
    func testARunOutOfTimeFailsOnceWithTheReasonAndItsLateResultIsDropped() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        let submission = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try upload(stages: ["burn"]))
        let log = StageLog()
        let pool = WorkerPool(
            store: store,
            configuration: PipelineConfiguration(
                workers: 2, leaseSeconds: 0.6, pollInterval: .milliseconds(20), maximumRunSeconds: 1,
                additionalStages: [BurningStage(name: "burn", seconds: 3, log: log)]),
            logger: quietLogger)
        let start = ContinuousClock.now
        let workers = Task { await pool.run() }
        try await waitUntil("the run fails") { try await store.scalar("SELECT count(*) FROM run WHERE state = 'failed'") == 1 }
        let failedAfter = ContinuousClock.now - start
        XCTAssertLessThan(failedAfter, .milliseconds(2500), "failed when the budget was spent, not when the stage ended")
        XCTAssertEqual(log.finished, 0, "the stage was still burning")
        // The stage ends on its thread; nothing of it is written, and no worker takes the job again.
        try await waitUntil("the late stage ends") { log.finished == 1 }
        try await Task.sleep(for: .milliseconds(500))
        workers.cancel()
        await workers.value

        let storedRunId = try await store.latestRunId(submissionId: submission.id)
        let runId = try XCTUnwrap(storedRunId)
        let storedRun = try await store.run(id: runId)
        let run = try XCTUnwrap(storedRun)
        XCTAssertEqual(run.run.state, "failed")
        XCTAssertEqual(run.run.error, "the checks took longer than 1 s (maximumRunSeconds)")
        XCTAssertEqual(log.started, 1, "the job ran once")
        let failedJobCount = try await store.scalar("SELECT count(*) FROM job WHERE state = 'failed' AND attempts = 1")
        XCTAssertEqual(failedJobCount, 1)
        let stageResultCount = try await store.scalar("SELECT count(*) FROM stage_result")
        XCTAssertEqual(stageResultCount, 0)
        let findingCount = try await store.scalar("SELECT count(*) FROM finding")
        XCTAssertEqual(findingCount, 0)
        let pendingCount = try await store.pendingJobCount()
        XCTAssertEqual(pendingCount, 0)
        let drained = await pool.drain()
        XCTAssertEqual(drained, 0)
        // Not left in `checking` (the old expectation was the bug issue 15 names): a person can
        // act on it, and the event says why.
        let submissionState = try await store.submission(id: submission.id)?.state
        XCTAssertEqual(submissionState, "changes-required")
        let lastEvent = try await store.submissionDetail(id: submission.id)?.events.last
        let event = try XCTUnwrap(lastEvent)
        XCTAssertEqual(event.action, "checks-failed")
        XCTAssertTrue(event.text?.contains("the checks took longer than 1 s (maximumRunSeconds)") == true, event.text ?? "")
    }

    /// A stage that looks at its input's deadline stops there and frees its thread; the run is
    /// failed with the reason all the same.
    func testAStageThatLooksAtTheDeadlineStopsThere() async throws {
        let store = try Store(path: TestPaths.temporaryDatabase())
        _ = try await store.createSubmission(publisher: "Contoso", actor: "t", upload: try upload(stages: ["burn"]))
        let log = StageLog()
        let pool = WorkerPool(
            store: store,
            configuration: PipelineConfiguration(
                leaseSeconds: 0.6, maximumRunSeconds: 1,
                additionalStages: [BurningStage(name: "burn", seconds: 30, watchesDeadline: true, log: log)]),
            logger: quietLogger)
        let start = ContinuousClock.now
        let drained = await pool.drain()
        XCTAssertEqual(drained, 1)
        try await waitUntil("the stage stops") { log.finished == 1 }
        XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(2500), "the stage stopped at the deadline, not after 30 s")
        let failedRunCount = try await store.scalar(
            "SELECT count(*) FROM run WHERE state = 'failed' AND error = 'the checks took longer than 1 s (maximumRunSeconds)'")
        XCTAssertEqual(
            failedRunCount,
            1)
    }

    /// With a deadline, the runner stops between the rules of a rule stage and skips the stages
    /// after it, with the reason.
    func testTheRunnerStopsBetweenRulesOnceTheTimeIsUp() async throws {
        let ran = Mutex(0)
        let rules = (1...10).map { index in
            Rule(
                RuleDescription(
                    id: "slow-\(index)", severity: .warning, stage: "slow", summary: "Slow.", source: "test", fix: "None.")
            ) { _ in
                ran.withLock { $0 += 1 }
                burn(seconds: 0.3)
                return []
            }
        }
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        let runner = StageRunner(
            options: CheckOptions(stages: ["slow", "later"]),
            extraStages: [RuleStage(name: "slow", rules: rules), BurningStage(name: "later", seconds: 0, log: StageLog())],
            deadline: Deadline(seconds: 1))
        let start = ContinuousClock.now
        let result = await runner.run(package, path: "clean")
        XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(1900))
        let count = ran.withLock { $0 }
        XCTAssertLessThan(count, 10)
        let slow = try XCTUnwrap(result.stages.first { $0.name == "slow" })
        XCTAssertEqual(
            slow.summary, "stopped after \(count) of 10 rules: the checks took longer than 1 s (maximumRunSeconds)")
        let later = try XCTUnwrap(result.stages.first { $0.name == "later" })
        XCTAssertEqual(later.status, .skipped)
        XCTAssertEqual(later.skipReason, slow.summary)
    }

    /// Rule stages run one rule at a time (as under a deadline) find exactly what they find in
    /// one go: the service and `certify check` agree.
    func testADeadlineChangesNoFinding() async throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: TestPaths.fixtures.appendingPathComponent("packages").path)
        XCTAssertGreaterThan(folders.count, 3)
        for folder in folders.sorted() {
            guard let package = try? PackageLoader().load(path: TestPaths.package(folder)) else { continue }
            let plain = await StageRunner().run(package, path: folder)
            let timed = await StageRunner(deadline: Deadline(seconds: 600)).run(package, path: folder)
            XCTAssertEqual(timed.findings, plain.findings, folder)
            XCTAssertEqual(timed.stages.map(\.status), plain.stages.map(\.status), folder)
        }
    }

    /// Past the deadline, `run(until:)` returns nil at once, and a value that comes late is never
    /// returned; in time, the body's value, computed on a stage thread.
    func testStageThreadsRunUntilTheDeadline() async throws {
        let threads = StageThreads(count: 1, name: "test-stage")
        defer { threads.shutdown() }
        let onThread = await threads.run(until: Deadline(seconds: 5)) { threads.ownsCurrentThread() }
        XCTAssertEqual(onThread, true)
        XCTAssertFalse(threads.ownsCurrentThread())
        let start = ContinuousClock.now
        let late = await threads.run(until: Deadline(seconds: 0.3)) { () async -> Int in
            burn(seconds: 1)
            return 1
        }
        XCTAssertNil(late)
        XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(900))
        let none = await threads.run(until: Deadline(seconds: 0)) { 1 }
        XCTAssertNil(none)
    }

    func upload(stages: [String]) throws -> Store.Upload {
        let package = try PackageLoader().load(path: TestPaths.package("clean"))
        return Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash, connector: "Contoso Weather",
            fileName: "clean.zip", stages: stages, rulesetVersion: RuleCatalog.version, toolVersion: CertifyVersion.tool)
    }
}

private let quietLogger = Logger(label: "certify.test") { _ in SwiftLogNoOpLogHandler() }

/// Polls `condition` until it holds; fails after `seconds`.
func waitUntil(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw GaveUp(what: what) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct GaveUp: Error, CustomStringConvertible {
    let what: String
    var description: String { "gave up waiting until \(what)" }
}

/// What the test stages did.
final class StageLog: Sendable {
    private let counts = Mutex((started: 0, finished: 0, onStageThreads: 0, firstStart: ContinuousClock.Instant?.none))
    var started: Int { counts.withLock { $0.started } }
    var firstStart: ContinuousClock.Instant? { counts.withLock { $0.firstStart } }
    var finished: Int { counts.withLock { $0.finished } }
    var onStageThreads: Int { counts.withLock { $0.onStageThreads } }

    func start() {
        let owned = StageThreads.shared.ownsCurrentThread()
        counts.withLock {
            $0.started += 1
            if $0.firstStart == nil { $0.firstStart = .now }
            if owned { $0.onStageThreads += 1 }
        }
    }

    func finish() { counts.withLock { $0.finished += 1 } }
}

/// A stage that keeps a core busy for `seconds` without suspending, as a schema check over a
/// hostile swagger does; it stops at the input's deadline only when it `watchesDeadline`.
struct BurningStage: Stage {
    let name: String
    let seconds: Double
    var watchesDeadline = false
    let log: StageLog

    func run(_ input: StageInput) async -> StageOutput {
        log.start()
        burn(seconds: seconds, until: watchesDeadline ? input.deadline : nil)
        log.finish()
        return StageOutput(findings: [])
    }
}

/// Busy CPU work for `seconds` (or until `deadline`).
func burn(seconds: Double, until deadline: Deadline? = nil) {
    let end = ContinuousClock.now + .seconds(seconds)
    var state: UInt64 = 1
    while ContinuousClock.now < end, deadline?.hasPassed != true {
        for _ in 0..<10_000 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
    }
    if state == 0 { print("") }  // keeps the loop
}
