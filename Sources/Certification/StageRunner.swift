import ConnectorPackage
import Foundation

/// The result of certifying one package: every stage's outcome, and the verdict.
public struct PackageResult: Codable, Sendable {
    public var path: String
    public var verdict: Verdict
    public var stages: [StageResult]

    public enum Verdict: String, Codable, Sendable {
        case pass, fail
    }

    public init(path: String, stages: [StageResult]) {
        self.path = path
        self.stages = stages
        self.verdict = stages.contains { $0.findings.contains { $0.severity == .error } } ? .fail : .pass
    }

    public var findings: [Finding] { stages.flatMap(\.findings).sorted(by: Finding.reportOrder) }
}

/// Runs the stages in order over one package. The same code runs in `certify check` and in the
/// server's workers. The runner is given its stages (StageCatalog gives the pipeline's:
/// `StageRunner(options:extraStages:deadline:)`); the package stage always runs first.
public struct StageRunner: Sendable {
    public var options: CheckOptions
    /// The stages after the package stage, in pipeline order: those `options.stages` names run.
    public var stages: [any Stage]
    /// When set, no stage (and no rule of a rule stage) starts once it has passed: the rest are
    /// skipped with the reason, and stages can see it in `StageInput.deadline`. The service's
    /// workers set it; they drop a result that comes after it.
    public var deadline: Deadline?

    public init(options: CheckOptions, stages: [any Stage], deadline: Deadline? = nil) {
        self.options = options
        self.stages = stages
        self.deadline = deadline
    }

    public func run(_ package: ConnectorPackage, path: String) async -> PackageResult {
        let clock = ContinuousClock()
        let start = clock.now
        var input = StageInput(package: package, options: options)
        input.deadline = deadline
        let parseTime = clock.now - start
        var results: [StageResult] = []
        var blocked: String?
        let stages: [any Stage] = [PackageStage()] + self.stages.filter { options.stages.contains($0.name) }
        for (index, stage) in stages.enumerated() {
            if blocked == nil, let deadline, deadline.hasPassed { blocked = Self.outOfTime(deadline) }
            if let reason = blocked {
                results.append(StageResult(name: stage.name, status: .skipped, durationMs: 0, skipReason: reason, findings: []))
                continue
            }
            let stageStart = clock.now
            let output: StageOutput
            if let rules = stage as? RuleStage, let deadline {
                output = await Self.run(rules, input, until: deadline)
            } else {
                output = await stage.run(input)
            }
            var elapsed = clock.now - stageStart
            if index == 0 { elapsed += parseTime }  // the package stage owns the parsing
            let findings = options.ruleset.apply(to: output.findings).filter {
                !$0.isAcceptable || !options.acceptedFindings.contains($0.fingerprint)
            }
            let failed = findings.contains { $0.severity == .error }
            results.append(
                StageResult(
                    name: stage.name, status: failed ? .failed : .passed, durationMs: elapsed.milliseconds,
                    summary: output.summary, findings: findings.sorted(by: Finding.reportOrder),
                    exchanges: output.exchanges))
            if let reason = output.blocksLaterStages { blocked = reason }
        }
        return PackageResult(path: path, stages: results)
    }

    /// A rule stage run one rule at a time, so that a run out of time stops between two rules
    /// rather than at the end of the stage. The findings are those of `RuleStage.run` (each rule
    /// through it, and the same problem reached by two rules kept once, as it does).
    static func run(_ stage: RuleStage, _ input: StageInput, until deadline: Deadline) async -> StageOutput {
        var findings: [Finding] = []
        var stopped: String?
        for (index, rule) in stage.rules.enumerated() {
            if deadline.hasPassed {
                stopped = "stopped after \(index) of \(stage.rules.count) rules: \(outOfTime(deadline))"
                break
            }
            findings += await RuleStage(name: stage.name, rules: [rule]).run(input).findings
        }
        var seen = Set<String>()
        findings = findings.filter { seen.insert($0.fingerprint + "\u{1F}" + $0.message).inserted }
        return StageOutput(findings: findings, blocksLaterStages: stopped, summary: stopped)
    }

    /// Why a run stopped: its time is up. The service's workers record it as the run's error.
    public static func outOfTime(_ deadline: Deadline) -> String {
        "the checks took longer than \(deadline.secondsText) s (maximumRunSeconds)"
    }

    /// The result for a package that could not even be loaded.
    public static func refused(path: String, error: PackageError) -> PackageResult {
        let finding = PackageStage.packageRefused.finding(error.message, file: error.path, signature: error.kind.rawValue)
        return PackageResult(
            path: path,
            stages: [StageResult(name: PackageStage.stageName, status: .failed, durationMs: 0, findings: [finding])])
    }
}

extension Duration {
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
