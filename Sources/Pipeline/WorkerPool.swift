import Certification
import ConnectorPackage
import CoreMetrics
import Foundation
import Logging
import Probing
import StageCatalog
import SubmissionStore

/// How the workers behave.
public struct PipelineConfiguration: Sendable {
    /// Concurrent workers, each running one job at a time.
    public var workers: Int
    /// How long a claimed job stays a worker's before another may take it; renewed while a run
    /// goes on, so only a dead worker's lease expires.
    public var leaseSeconds: Double
    /// How long an idle worker waits before it looks for work again.
    public var pollInterval: Duration
    /// Attempts before a job that keeps failing is given up.
    public var maximumAttempts: Int
    public var limits: PackageLimits
    /// What a run's probe may do when its submitter gave no settings (and the server's network
    /// rule: whether private networks may be called).
    public var probeDefaults: ProbeSettings
    /// Opens the sealed per-run probe settings; without it, runs probe with the defaults only.
    public var secretSealer: SecretSealer?
    /// A run's wall-clock budget, from when its job is claimed. A run still going then is failed
    /// with the reason, once: its job is not retried, and what its stages return later is dropped.
    public var maximumRunSeconds: Double
    /// The threads the stages run on, off the cooperative pool that serves HTTP and renews
    /// leases (see `StageThreads`); the process's shared ones unless given.
    public var stageThreads: StageThreads
    /// Stages made elsewhere, run after the static ones when a run names them (as the probe
    /// stage, which is made for each run).
    public var additionalStages: [any Stage]

    public init(
        workers: Int = 2, leaseSeconds: Double = 30, pollInterval: Duration = .milliseconds(200),
        maximumAttempts: Int = 5, limits: PackageLimits = .default, probeDefaults: ProbeSettings = ProbeSettings(),
        secretSealer: SecretSealer? = nil, maximumRunSeconds: Double = 300, stageThreads: StageThreads = .shared,
        additionalStages: [any Stage] = []
    ) {
        self.maximumRunSeconds = maximumRunSeconds
        self.stageThreads = stageThreads
        self.additionalStages = additionalStages
        self.probeDefaults = probeDefaults
        self.secretSealer = secretSealer
        self.workers = workers
        self.leaseSeconds = leaseSeconds
        self.pollInterval = pollInterval
        self.maximumAttempts = maximumAttempts
        self.limits = limits
    }
}

/// Workers that take jobs from the store, run the stages, and write each run's results once.
public struct WorkerPool: Sendable {
    public let store: Store
    public let configuration: PipelineConfiguration
    let logger: Logger
    let metrics: PipelineMetrics
    /// Identifies this process's workers in job leases.
    let ownerPrefix: String

    public init(
        store: Store, configuration: PipelineConfiguration = PipelineConfiguration(),
        logger: Logger = Logger(label: "certify.pipeline"), metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.metrics = PipelineMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        self.ownerPrefix = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// Runs the workers until the task is cancelled.
    public func run() async {
        await recoverAbandonedLeases()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<max(1, configuration.workers) {
                let owner = "\(ownerPrefix)/\(index)"
                group.addTask {
                    while !Task.isCancelled {
                        let worked = await processNextJob(owner: owner)
                        if !worked {
                            // Until a job is queued (in this process, or on PostgreSQL in any),
                            // or the poll interval has passed.
                            let interval = configuration.pollInterval.components
                            await store.database.waitForJobs(
                                timeout: Double(interval.seconds) + Double(interval.attoseconds) / 1e18)
                        }
                    }
                }
            }
        }
    }

    /// Jobs leased by a process of this host that no longer runs (killed, crashed) go back to
    /// the queue now rather than when their leases expire. Leases of live processes, and of
    /// other hosts, are left to expire.
    public func recoverAbandonedLeases() async {
        guard let owners = try? await store.leaseOwners() else { return }
        let host = ProcessInfo.processInfo.hostName
        let me = ownerPrefix
        let dead = owners.filter { owner in
            let parts = owner.split(separator: "/").first.map { $0.split(separator: ":") } ?? []
            guard parts.count == 3, String(parts[0]) == host, let pid = Int32(parts[1]) else { return false }
            if owner.hasPrefix(me + "/") { return false }
            if pid == getpid() { return true }  // our pid, another (earlier) process's lease
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        if let released = try? await store.releaseLeases(ofOwners: dead), released > 0 {
            logger.notice("requeued \(released) job(s) left leased by a process that ended")
        }
    }

    /// Processes jobs until none is left to claim now. For tests and one-shot use.
    @discardableResult
    public func drain(owner: String? = nil) async -> Int {
        var count = 0
        while await processNextJob(owner: owner ?? "\(ownerPrefix)/drain") { count += 1 }
        return count
    }

    /// Claims one job and runs it; returns false when there was nothing to claim.
    public func processNextJob(owner: String) async -> Bool {
        let job: ClaimedJob
        do {
            guard
                let claimed = try await store.claimNextJob(
                    owner: owner, leaseSeconds: configuration.leaseSeconds,
                    maximumAttempts: configuration.maximumAttempts)
            else { return false }
            job = claimed
        } catch {
            logger.error("cannot claim a job: \(error)")
            return false
        }
        await process(job)
        return true
    }

    func process(_ job: ClaimedJob) async {
        let deadline = Deadline(seconds: configuration.maximumRunSeconds)
        var logger = self.logger
        logger[metadataKey: "run"] = "\(job.runId)"
        logger[metadataKey: "submission"] = "\(job.submissionId)"
        logger.info("run started", metadata: ["revision": "\(job.revision)", "attempt": "\(job.attempts)"])
        // On the cooperative pool, which the stages leave free (they run on the stage threads),
        // so it renews the lease however long and CPU-bound the run is.
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(configuration.leaseSeconds / 3))
                if Task.isCancelled { break }
                do {
                    try await store.renewLease(job, leaseSeconds: configuration.leaseSeconds)
                } catch StoreError.leaseLost {
                    logger.warning("lease lost: the job was taken by another worker")
                    break
                } catch {
                    logger.warning("lease renewal failed, trying again: \(error)")  // a busy database
                }
            }
        }
        defer { heartbeat.cancel() }
        do {
            guard let zip = try await store.packageZip(submissionId: job.submissionId, revision: job.revision) else {
                throw StoreError.notFound("package of \(job.submissionId) revision \(job.revision)")
            }
            let path = "\(job.submissionId)/r\(job.revision)"
            let ruleset = try await store.ruleset(version: job.rulesetVersion)
            // New submissions meet the registry of certified titles; re-checks of certified ones do not.
            let titles = job.reason == .submission ? try await store.certifiedTitles(excluding: job.submissionId) : [:]
            var checkOptions = CheckOptions(
                stages: job.stages, ruleset: ruleset, acceptedFindings: job.acceptedFindings, titleRegistry: titles)
            checkOptions.filingPublisher = try await store.submission(id: job.submissionId)?.publisher
            let options = checkOptions
            // A new revision of a certified connector is compared with the certified one.
            var previous: (zip: Data, revision: Int)?
            if job.reason == .submission, let certified = try await store.certifiedRevision(submissionId: job.submissionId),
                certified < job.revision, let previousZip = try await store.packageZip(submissionId: job.submissionId, revision: certified)
            {
                previous = (previousZip, certified)
            }
            let extraStages = try await probeStages(job) + configuration.additionalStages
            let limits = configuration.limits
            // Unzipping, parsing and every stage run on the stage threads, never on the
            // cooperative pool (see `StageThreads`); past the deadline this stops waiting.
            let outcome = await configuration.stageThreads.run(until: deadline) { [previous] () async -> PackageResult in
                var options = options
                if let previous, let package = try? PackageLoader(limits: limits).loadZip(previous.zip, name: "r\(previous.revision)") {
                    options.previous = PreviousRevision(package: package, label: "revision \(previous.revision)")
                }
                do throws(PackageError) {
                    let package = try PackageLoader(limits: limits).loadZip(zip, name: path)
                    return await StageRunner(options: options, extraStages: extraStages, deadline: deadline).run(package, path: path)
                } catch {
                    return StageRunner.refused(path: path, error: error)
                }
            }
            guard let result = outcome else {
                // Out of time: failed once, with the reason; never retried, since a run that
                // took too long would take too long again.
                let reason = StageRunner.outOfTime(deadline)
                try await store.giveUpJob(job, reason: reason)
                metrics.timedOutRuns.increment()
                logger.error("run failed: \(reason); whatever its stages return later is dropped")
                return
            }
            try await store.completeRun(job, result: result)
            metrics.record(result)
            logger.info(
                "run finished",
                metadata: ["verdict": "\(result.verdict.rawValue)", "findings": "\(result.findings.count)"])
        } catch StoreError.leaseLost {
            logger.warning("lease lost to another worker; this worker's results were discarded")
        } catch {
            logger.error("run failed: \(error)")
            metrics.failedAttempts.increment()
            let backoff = min(60, pow(2, Double(job.attempts)))
            try? await store.failAttempt(
                job, error: "\(error)", retryAfterSeconds: backoff, maximumAttempts: configuration.maximumAttempts)
        }
    }
}

extension WorkerPool {
    /// The probe stage for a run that asks for one, with its sealed settings if it has them. The
    /// server's private-network rule always wins over what a submitter asked for.
    func probeStages(_ job: ClaimedJob) async throws -> [any Stage] {
        guard job.stages.contains(StageRegistry.probeStageName) else { return [] }
        var settings = configuration.probeDefaults
        if let sealed = try await store.runSecret(runId: job.runId), let secrets = configuration.secretSealer {
            // From the submitter: where and with what; the limits stay the server's.
            let given = try secrets.open(sealed)
            settings.baseURL = given.baseURL
            settings.credentials = given.credentials
        }
        return [ProbeStage(settings: settings)]
    }
}

/// The pipeline's metrics, through swift-metrics.
struct PipelineMetrics: Sendable {
    let factory: any MetricsFactory
    let failedAttempts: Counter
    let timedOutRuns: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        failedAttempts = Counter(label: "certify_job_failed_attempts_total", factory: factory)
        timedOutRuns = Counter(label: "certify_runs_timed_out_total", factory: factory)
    }

    func record(_ result: PackageResult) {
        Counter(label: "certify_runs_total", dimensions: [("verdict", result.verdict.rawValue)], factory: factory)
            .increment()
        for stage in result.stages where stage.status != .skipped {
            Timer(label: "certify_stage_duration_seconds", dimensions: [("stage", stage.name)], factory: factory)
                .recordNanoseconds(Int64(stage.durationMs * 1_000_000))
        }
    }
}
