import Foundation

/// A run's wall-clock budget: the instant after which its checks are no longer wanted. The
/// runner looks at it between stages and between the rules of a rule stage; a stage with a long
/// loop of its own may look at `StageInput.deadline` and stop early, so its thread is freed.
public struct Deadline: Sendable, Hashable {
    public let instant: ContinuousClock.Instant
    /// The budget it was made with, for messages.
    public let seconds: Double

    public init(seconds: Double, from start: ContinuousClock.Instant = .now) {
        self.seconds = seconds
        // Clamped to a century, which no clock arithmetic overflows.
        self.instant = start.advanced(by: .seconds(seconds > 0 ? min(seconds, 3e9) : 0))
    }

    public var hasPassed: Bool { ContinuousClock.now >= instant }

    /// The budget as people write it: "300", "1.5".
    public var secondsText: String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(format: "%g", seconds)
    }
}

/// Dedicated OS threads for the stages. Stages are CPU-bound (parsing, the schema and policy
/// rules: a minute of CPU on a hostile swagger) and never suspend, and Swift's cooperative pool,
/// one thread per core, cannot preempt a task: stages run there would hold its threads for as
/// long as they take, and the HTTP handlers and the lease heartbeats, which run on that same
/// pool, would wait behind them (issue 11: GET /v1/queue timed out for 80 s, and a lease that
/// could not be renewed expired, so the same job ran twice). On threads of their own, the kernel
/// shares the cores between the stages and the cooperative pool; one thread less than the cores
/// keeps a core for the server.
///
/// Async code runs here as a `TaskExecutor` (`run(until:_:)`), so any `Stage`, async or not,
/// runs on these threads without being rewritten.
public final class StageThreads: @unchecked Sendable {
    /// The process's stage threads, `defaultCount` of them, started on first use.
    public static let shared = StageThreads()

    /// One less than the cores the process may use, at least one.
    public static var defaultCount: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores > 1 ? cores - 1 : 1
    }

    public let count: Int
    private let condition = NSCondition()
    /// Work not yet taken, first in first out from `next`.
    private var pending: [@Sendable () -> Void] = []
    private var next = 0
    private var threads: Set<ThreadID> = []
    private var stopping = false

    public init(count: Int = StageThreads.defaultCount, name: String = "certify-stage") {
        self.count = max(1, count)
        for index in 1...self.count {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-\(index)"
            // Recursive checks (nested schemas, deep JSON) want a main thread's stack, not a
            // secondary thread's default.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `work` on one of the threads, after the work given before it.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            // Nothing may be lost once stopped (a task waits on it): it gets a thread of its own.
            Thread { work() }.start()
            return
        }
        pending.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the work already given is done. For instances made for a while
    /// (tests); `shared` lives as long as the process.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the caller runs on one of these threads.
    public func ownsCurrentThread() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return threads.contains(ThreadID.current)
    }

    private func work() {
        condition.lock()
        threads.insert(.current)
        while true {
            while next == pending.count && !stopping { condition.wait() }
            if next == pending.count { break }  // stopping, and nothing left
            let item = pending[next]
            next += 1
            if next == pending.count {
                pending.removeAll(keepingCapacity: true)
                next = 0
            } else if next >= 1024 {
                pending.removeFirst(next)
                next = 0
            }
            condition.unlock()
            item()
            condition.lock()
        }
        threads.remove(.current)
        condition.unlock()
    }

    /// Runs `body` on these threads and returns its value, or nil when `deadline` passes first.
    /// Then the caller stops waiting at once, the body's task is cancelled (code that looks at
    /// `Task.isCancelled` or the deadline stops early), and whatever it returns later is dropped:
    /// a value that arrives after the deadline is never returned.
    public func run<T: Sendable>(until deadline: Deadline?, _ body: @escaping @Sendable () async -> T) async -> T? {
        if deadline?.hasPassed == true { return nil }
        return await withCheckedContinuation { continuation in
            let first = FirstOutcome<T>(continuation)
            let work = start { () async -> Void in
                let value = await body()
                first.resume(deadline?.hasPassed == true ? nil : value)
            }
            first.whenResumed { work.cancel() }
            if let deadline {
                let timer = Task {
                    try? await Task.sleep(until: deadline.instant, clock: .continuous)
                    if !Task.isCancelled { first.resume(nil) }
                }
                first.whenResumed { timer.cancel() }
            }
        }
    }

    private func start(_ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        if #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) {
            return Task(executorPreference: self, operation: operation)
        }
        // Without task executors (macOS 14), the stages share the cooperative pool as before.
        return Task(operation: operation)
    }
}

@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension StageThreads: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        submit { job.runSynchronously(on: executor) }
    }
}

/// A thread's identity, comparable across calls.
private struct ThreadID: Hashable {
    let value: pthread_t
    static var current: ThreadID { ThreadID(value: pthread_self()) }
    static func == (lhs: ThreadID, rhs: ThreadID) -> Bool { pthread_equal(lhs.value, rhs.value) != 0 }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// The first of several outcomes resumes a continuation; the later ones are dropped. Cleanups
/// given with `whenResumed` run once it has resumed (at once, if it already has).
private final class FirstOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T?, Never>?
    private var cleanups: [@Sendable () -> Void] = []

    init(_ continuation: CheckedContinuation<T?, Never>) {
        self.continuation = continuation
    }

    func resume(_ value: T?) {
        lock.lock()
        guard let continuation else {
            lock.unlock()
            return
        }
        self.continuation = nil
        let cleanups = self.cleanups
        self.cleanups = []
        lock.unlock()
        continuation.resume(returning: value)
        for cleanup in cleanups { cleanup() }
    }

    func whenResumed(_ cleanup: @escaping @Sendable () -> Void) {
        lock.lock()
        if continuation == nil {
            lock.unlock()
            cleanup()
            return
        }
        cleanups.append(cleanup)
        lock.unlock()
    }
}
