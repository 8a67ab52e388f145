import ArgumentParser
import Certification
import ConnectorPackage
import Foundation
import Probing
import Reports
import StageCatalog

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check connector packages offline, with the same stages the service runs.",
        discussion: """
            Each PATH is a connector folder or a .zip. Exit status: 0 when no finding is at or above \
            --fail-on, 1 when one is, 2 for usage errors and unreadable paths.

            Examples:
              certify check ./MyConnector
              certify check connector.zip --format json --output result.json
              certify check ./MyConnector --format sarif --output certify.sarif --format junit --output certify.xml
              certify check --corpus ../shared/corpus/certified --format markdown --fail-on never
            """)

    @Argument(help: "Connector package folders or .zip files.")
    var paths: [String] = []

    @Option(help: ArgumentHelp("Also check every immediate subfolder of DIR.", valueName: "DIR"))
    var corpus: [String] = []

    @Option(
        help: ArgumentHelp(
            "Stages to run after the package stage, comma-separated. Available: \(StageRegistry.selectableNames.isEmpty ? "none yet" : StageRegistry.selectableNames.joined(separator: ", ")).",
            valueName: "LIST"))
    var stages: String?

    @Option(
        help:
            "Output format: text, json, markdown, html, sarif, junit, github (GitHub Actions annotations) or azure (Azure Pipelines logging commands)."
    )
    var format: [ReportFormat] = []

    @Option(
        help: ArgumentHelp(
            "Write the report to FILE instead of standard output. Repeatable: the Nth --output takes the Nth --format; a --format left without one goes to standard output, and when every format goes to a file the verdicts and totals do.",
            valueName: "FILE"))
    var output: [String] = []

    @Option(
        help:
            "Lowest severity that fails a package (its printed verdict) and makes the exit status 1: error, warning, info or never (never: the verdict counts errors, the exit status is 0)."
    )
    var failOn: FailOn = .error

    @Option(help: ArgumentHelp("Ruleset YAML: rules turned off or re-graded, and the publisher profile.", valueName: "FILE"))
    var ruleset: String?

    @Flag(
        help:
            "Grade at the strict level: the rules Microsoft documents as errors but let certified connectors through without are errors too (docs/calibration.md). Same as 'level: strict' in a ruleset."
    )
    var strict = false

    @Option(
        help: ArgumentHelp(
            "The publisher the package will be submitted as (your account's): apiProperties.json must name it (publisher-matches-account).",
            valueName: "NAME"))
    var publisher: String?

    @Option(
        help: ArgumentHelp(
            "A folder of certified connector folders whose titles the checked ones must not repeat (title-unique).", valueName: "DIR"))
    var registry: String?

    @Option(
        help: ArgumentHelp("The last certified revision (folder or .zip): breaking changes against it are reported.", valueName: "PATH"))
    var previous: String?

    @Option(
        help: ArgumentHelp(
            "A baseline file of accepted findings: their warnings and infos are left out until they expire.", valueName: "FILE"))
    var baseline: String?

    @Option(
        help: ArgumentHelp(
            "Probe this base URL instead of the swagger's scheme, host and basePath (adds the probe stage).", valueName: "URL"))
    var probeBaseUrl: String?

    @Option(
        help: ArgumentHelp(
            "A credential for probing: a security definition's name (or bearer, basic, apiKey) and its value. Repeatable; never printed.",
            valueName: "NAME=VALUE"))
    var credential: [String] = []

    @Flag(help: "Let the probe call loopback and private-network addresses (off by default).")
    var allowPrivateNetwork = false

    @Option(
        help: ArgumentHelp(
            "Seconds the whole probe may take; operations not started by then are reported as not probed.", valueName: "SECONDS"))
    var probeBudget: Double = 60

    @Flag(
        help:
            "Also send invalid input to the operations that answered 2xx (a required parameter left out, a wrong type, a value outside an enum): they must answer 4xx."
    )
    var probeNegative = false

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case error, warning, info, never

        /// The lowest severity that fails a package; nil for never.
        var threshold: Severity? {
            switch self {
            case .error: .error
            case .warning: .warning
            case .info: .info
            case .never: nil
            }
        }
    }

    func validate() throws {
        if paths.isEmpty && corpus.isEmpty {
            throw ValidationError("give at least one PATH or --corpus DIR")
        }
        _ = try destinations()
        for text in credential where ProbeSettings.credential(text) == nil {
            throw ValidationError("--credential takes NAME=VALUE")
        }
        guard probeBudget.isFinite, (1...3600).contains(probeBudget) else {
            throw ValidationError("--probe-budget must be from 1 to 3600 seconds")
        }
        if let probeBaseUrl, URL(string: probeBaseUrl)?.host == nil {
            throw ValidationError("--probe-base-url '\(probeBaseUrl)' is not an absolute URL")
        }
        if let stages {
            for name in stages.split(separator: ",") where !StageRegistry.selectableNames.contains(String(name)) {
                throw ValidationError(
                    "unknown stage '\(name)'; available: \(StageRegistry.selectableNames.joined(separator: ", "))")
            }
        }
    }

    /// Where each format goes: the Nth --output takes the Nth --format (text when no format is
    /// given); one format may be left without a file, for standard output. When every format
    /// goes to a file, the verdicts and totals go to standard output.
    func destinations() throws -> [(ReportFormat, String?)] {
        let formats = format.isEmpty ? [ReportFormat.text] : format
        guard output.count <= formats.count, formats.count - output.count <= 1 else {
            throw ValidationError(
                "give one --output per --format (\(formats.count) formats, \(output.count) outputs); at most one format may go to standard output"
            )
        }
        let result: [(ReportFormat, String?)] = formats.enumerated().map {
            ($0.element, $0.offset < output.count ? output[$0.offset] : nil)
        }
        return result
    }

    func run() async throws {
        var targets = paths
        for directory in corpus {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw fail("\(directory): cannot read the corpus folder")
            }
            for name in names.sorted() where !name.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                let path = (directory as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    targets.append(path)
                }
            }
        }
        for path in targets where !FileManager.default.isReadableFile(atPath: path) {
            throw fail("\(path): no such file or folder, or not readable")
        }
        var selected = stages.map { $0.split(separator: ",").map(String.init) } ?? StageRegistry.staticNames
        if stages == nil && (probeBaseUrl != nil || !credential.isEmpty) { selected.append(StageRegistry.probeStageName) }
        let loaded = try ruleset.map(RulesetFile.load) ?? .default
        var options = CheckOptions(stages: selected, ruleset: strict ? Ruleset.strict(loaded) : loaded)
        options.filingPublisher = publisher
        // The baseline is applied here, after the stages, so that what it silenced can be counted.
        let baselineEntries = try baseline.map { try AcceptedFindingsFile.entries($0) } ?? []
        let accepted = Set(baselineEntries.filter { !$0.expired }.map(\.fingerprint))
        if let previous {
            let package: ConnectorPackage
            do {
                package = try PackageLoader().load(path: previous)
            } catch {
                // The loader's message may already start with the path; it is said once.
                let message = error.message.hasPrefix("\(previous): ") ? String(error.message.dropFirst(previous.count + 2)) : error.message
                throw fail("\(previous): \(message)")
            }
            guard let revision = PreviousRevision(package: package, label: previous) else {
                throw fail("\(previous): its apiDefinition.swagger.json is missing or not JSON, so nothing can be compared")
            }
            options.previous = revision
        }
        var registryPaths: [String: String] = [:]
        if let registry {
            (options.titleRegistry, registryPaths) = try TitleRegistryFolder.load(registry)
        }
        var settings = ProbeSettings(
            baseURL: probeBaseUrl,
            credentials: Dictionary(credential.compactMap(ProbeSettings.credential), uniquingKeysWith: { _, b in b }),
            allowPrivateNetwork: allowPrivateNetwork, totalBudgetSeconds: probeBudget)
        settings.negativeInputs = probeNegative ? true : nil
        let probe = ProbeStage(settings: settings)
        let checker = Checker(options: options, extraStages: [probe], registryPaths: registryPaths)
        let named = await checker.checkNamed(targets)
        var suppressed = 0
        var matched = Set<String>()
        let results = named.map { item -> PackageResult in
            guard !accepted.isEmpty else { return item.result }
            // Warnings and infos a baseline entry accepts are left out; errors never are.
            var stages = item.result.stages
            for index in stages.indices {
                let kept = stages[index].findings.filter { finding in
                    guard finding.severity != .error, accepted.contains(finding.fingerprint) else { return true }
                    matched.insert(finding.fingerprint)
                    return false
                }
                suppressed += stages[index].findings.count - kept.count
                stages[index].findings = kept
            }
            return PackageResult(path: item.result.path, stages: stages)
        }
        if let baseline {
            var note = "certify: the baseline \(baseline) suppressed \(suppressed) finding\(suppressed == 1 ? "" : "s")"
            let expired = baselineEntries.filter(\.expired)
            let unmatched = baselineEntries.filter { !$0.expired && !matched.contains($0.fingerprint) }
            if !expired.isEmpty { note += "; expired: \(expired.map(\.place).joined(separator: ", "))" }
            if !unmatched.isEmpty { note += "; matched nothing: \(unmatched.map(\.place).joined(separator: ", "))" }
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
        let titles = named.map(\.title)
        // The printed verdict is the exit status's: a package fails on a finding at or above
        // --fail-on (with never, on an error, and the exit status stays 0).
        let threshold = failOn.threshold
        // Each package is named by its connector's title; its path goes with the facts.
        let packages = results.enumerated().map { index, result in
            let failing = result.findings.contains { $0.severity >= (threshold ?? .error) }
            var package = PackageReport(
                name: titles[index] ?? result.path, verdict: failing ? .fail : .pass, stages: result.stages,
                facts: titles[index] == nil ? [] : [.init("Path", result.path)])
            package.path = result.path
            return package
        }
        let report = Report(
            title: packages.count == 1 ? packages[0].name : "certify check: \(packages.count) packages",
            toolVersion: CertifyVersion.tool, packages: packages)
        let destinations = try destinations()
        for (format, file) in destinations {
            let text = ReportRenderer.render(report, as: format)
            guard let file else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
                continue
            }
            do {
                try text.write(toFile: file, atomically: true, encoding: .utf8)
            } catch {
                throw fail("\(file): cannot write the report (\(error.localizedDescription))")
            }
        }
        // Every report went to a file: the terminal gets the verdicts and totals.
        if !destinations.contains(where: { $0.1 == nil }) { print(ReportRenderer.summary(report), terminator: "") }
        if let threshold, results.contains(where: { $0.findings.contains { $0.severity >= threshold } }) {
            throw ExitStatus(code: 1)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// Loads and checks packages, as many at a time as the machine gives this process cores.
struct Checker {
    var options: CheckOptions
    var extraStages: [any Stage] = []
    /// For each registry title, the folder it came from: a package is not compared with itself.
    var registryPaths: [String: String] = [:]
    var limits = PackageLimits.default
    /// Packages loaded and checked at once: the cores this process may use.
    var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)

    func options(for path: String) -> CheckOptions {
        guard !registryPaths.isEmpty else { return options }
        var options = self.options
        let own = URL(fileURLWithPath: path).standardizedFileURL.path
        for (key, folder) in registryPaths where folder == own { options.titleRegistry[key] = nil }
        return options
    }

    func check(_ paths: [String]) async -> [PackageResult] {
        await checkNamed(paths).map(\.result)
    }

    /// Each package's result with its connector's title (nil when its swagger has none).
    func checkNamed(_ paths: [String]) async -> [(result: PackageResult, title: String?)] {
        await withTaskGroup(of: (Int, PackageResult, String?).self) { group in
            var results = [(result: PackageResult, title: String?)?](repeating: nil, count: paths.count)
            var next = 0
            func add(_ index: Int) {
                let path = paths[index]
                group.addTask {
                    do {
                        let package = try PackageLoader(limits: limits).load(path: path)
                        let result = await StageRunner(options: options(for: path), extraStages: extraStages).run(package, path: path)
                        return (index, result, package.connectorTitle)
                    } catch let error as PackageError {
                        return (index, StageRunner.refused(path: path, error: error), nil)
                    } catch {
                        return (index, StageRunner.refused(path: path, error: PackageError(.unreadable, "\(path): \(error)")), nil)
                    }
                }
            }
            while next < min(concurrency, paths.count) {
                add(next)
                next += 1
            }
            while let (index, result, title) = await group.next() {
                results[index] = (result, title)
                if next < paths.count {
                    add(next)
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
