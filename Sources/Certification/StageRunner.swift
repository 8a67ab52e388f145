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
/// server's workers.
public struct StageRunner: Sendable {
    public var options: CheckOptions
    /// Stages made elsewhere (the probe stage, which calls the network), run after the static
    /// ones when `options.stages` names them.
    public var extraStages: [any Stage]

    public init(options: CheckOptions = CheckOptions(), extraStages: [any Stage] = []) {
        self.options = options
        self.extraStages = extraStages
    }

    public func run(_ package: ConnectorPackage, path: String) async -> PackageResult {
        let clock = ContinuousClock()
        let start = clock.now
        let input = StageInput(package: package, options: options)
        let parseTime = clock.now - start
        var results: [StageResult] = []
        var blocked: String?
        let stages = StageRegistry.stages(for: options) + extraStages.filter { options.stages.contains($0.name) }
        for (index, stage) in stages.enumerated() {
            if let reason = blocked {
                results.append(StageResult(name: stage.name, status: .skipped, durationMs: 0, skipReason: reason, findings: []))
                continue
            }
            let stageStart = clock.now
            let output = await stage.run(input)
            var elapsed = clock.now - stageStart
            if index == 0 { elapsed += parseTime }  // the package stage owns the parsing
            let findings = options.ruleset.apply(to: output.findings).filter {
                $0.severity == .error || !options.acceptedFingerprints.contains($0.fingerprint)
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
