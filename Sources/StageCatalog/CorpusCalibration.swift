import Certification
import ConnectorPackage
import Foundation

/// What the corpus of certified connectors says about the rules: every connector there passed
/// Microsoft's certification, so an error rule that fails many of them, above all those
/// changed recently, is read more broadly than Microsoft blocks on. `certify rules calibrate`
/// renders it as docs/calibration.md, beside each rule's evidence (`RuleCatalog.calibration`).
public struct CorpusCalibration: Sendable {
    public struct Connector: Sendable {
        /// The connector's folder name in the corpus.
        public var name: String
        /// The day its files last changed (YYYY-MM-DD), from the history file; nil when the
        /// history does not list it.
        public var lastChanged: String?
        /// Its result at the default level.
        public var result: PackageResult

        public init(name: String, lastChanged: String?, result: PackageResult) {
            self.name = name
            self.lastChanged = lastChanged
            self.result = result
        }
    }

    /// The most recent connectors a default ruleset may fail: 15% (issue 14's target).
    public static let defaultTargetFailureShare = 0.15

    public var connectors: [Connector]
    /// Connectors whose files last changed on or after this day are "recent": they went
    /// through Microsoft's pull-request validation of that time.
    public var recentSince: String

    public init(connectors: [Connector], recentSince: String = "2023-01-01") {
        self.connectors = connectors
        self.recentSince = recentSince
    }

    public var recent: [Connector] {
        connectors.filter { ($0.lastChanged ?? "") >= recentSince }
    }

    /// A finding's severity at `level`: the strict level raises a finding made at its rule's
    /// default severity to the rule's strict severity (a lesser finding of a rule stays lesser).
    public static func severity(of finding: Finding, at level: Ruleset.Level) -> Severity {
        guard level == .strict, let rule = RuleCatalog.rule(finding.ruleId), finding.severity == rule.severity else {
            return finding.severity
        }
        return rule.severity(at: .strict)
    }

    /// The findings that fail `connector` at `level`.
    public static func errors(of connector: Connector, at level: Ruleset.Level) -> [Finding] {
        connector.result.findings.filter { severity(of: $0, at: level) == .error }
    }

    public func failing(_ connectors: [Connector], at level: Ruleset.Level) -> [Connector] {
        connectors.filter { !Self.errors(of: $0, at: level).isEmpty }
    }

    /// The share of the recent connectors that fail at the default level.
    public var recentFailureShare: Double {
        let recent = self.recent
        return recent.isEmpty ? 0 : Double(failing(recent, at: .default).count) / Double(recent.count)
    }

    /// Checks every folder of `corpus` at the default level, `concurrency` at a time, dated
    /// by `history` (tab-separated: connector, first_commit, last_commit, with a header).
    public static func run(corpus: URL, history: URL?, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) async throws
        -> CorpusCalibration
    {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }.sorted()
        let dates = try history.map(Self.lastChanged) ?? [:]
        let results = await withTaskGroup(of: (Int, PackageResult).self) { group in
            var results = [PackageResult?](repeating: nil, count: names.count)
            var next = 0
            func add(_ index: Int) {
                let path = corpus.appendingPathComponent(names[index]).path
                group.addTask {
                    do {
                        let package = try PackageLoader().load(path: path)
                        return (index, await StageRunner(options: CheckOptions()).run(package, path: path))
                    } catch let error as PackageError {
                        return (index, StageRunner.refused(path: path, error: error))
                    } catch {
                        return (index, StageRunner.refused(path: path, error: PackageError(.unreadable, "\(path): \(error)")))
                    }
                }
            }
            while next < min(max(1, concurrency), names.count) {
                add(next)
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < names.count {
                    add(next)
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
        return CorpusCalibration(
            connectors: zip(names, results).map { Connector(name: $0, lastChanged: dates[$0], result: $1) })
    }

    /// connector -> last commit day, from the corpus history file.
    public static func lastChanged(_ history: URL) throws -> [String: String] {
        let text = try String(contentsOf: history, encoding: .utf8)
        var dates: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3 else { continue }
            dates[String(fields[0])] = String(fields[2])
        }
        return dates
    }

    // MARK: The table

    /// The rules that can be an error, at the default or the strict level, in catalogue order.
    public static var errorCapableRules: [RuleDescription] {
        RuleCatalog.all.filter { $0.severity == .error || $0.strictSeverity == .error }
    }

    /// docs/calibration.md.
    public func markdown(corpusName: String, historyName: String) -> String {
        let recent = self.recent
        func share(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%.1f%%", Double(part) / Double(whole) * 100)
        }
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        let failingAll = failing(connectors, at: .default).count
        let failingRecent = failing(recent, at: .default)
        let strictAll = failing(connectors, at: .strict).count
        let strictRecent = failing(recent, at: .strict).count
        var out = """
            # Calibration of the error rules

            Every connector of `\(corpusName)` (\(connectors.count)) passed Microsoft's certification. An error must mean \
            "this would be, and should be, refused", so each rule that can be an error is weighed here against two kinds of \
            evidence: Microsoft's documentation and validator output (intent, and what its pipeline printed as `##[error]` on \
            publishers' pull requests), and the corpus (practice: a documented error that fires on many connectors certified \
            since was not blocking, or certify read it more broadly than Microsoft's check). Connectors whose files last changed \
            on or after \(recentSince) (\(recent.count), dated by `\(historyName)`) went through the validation of that time.

            Made by `certify rules calibrate --corpus \(corpusName) --history \(historyName)` with ruleset \(RuleCatalog.version); \
            do not edit by hand.

            ## Verdicts

            | level | connectors failing | recent connectors failing |
            | --- | ---: | ---: |
            | default | \(failingAll) of \(connectors.count) (\(share(failingAll, connectors.count))) | \(failingRecent.count) of \(recent.count) (\(share(failingRecent.count, recent.count))) |
            | strict (`level: strict`, `check --strict`) | \(strictAll) of \(connectors.count) (\(share(strictAll, connectors.count))) | \(strictRecent) of \(recent.count) (\(share(strictRecent, recent.count))) |

            Target: at most \(Int(Self.defaultTargetFailureShare * 100))% of the recent connectors fail at the default level.

            The default level grades each rule as Microsoft blocks in practice. The strict level adds the rules Microsoft \
            documents as errors but let certified connectors through without (their strict severity below): for a reviewer \
            who wants the letter of the documents, and for a brand-new connector, which meets today's validator.


            """
        out += "## Recent connectors that still fail at the default level\n\n"
        out += "Each is a defect a reviewer would raise with its publisher: the finding that fails it is listed.\n\n"
        out += "| connector | last change | failing findings |\n| --- | --- | --- |\n"
        for connector in failingRecent {
            let errors = Self.errors(of: connector, at: .default)
            var lines = Dictionary(grouping: errors, by: \.ruleId).sorted { $0.key < $1.key }.map { rule, findings in
                let first = findings[0]
                let place = [first.file, first.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
                let more = findings.count > 1 ? " (and \(findings.count - 1) more)" : ""
                return "`\(rule)` at \(place.isEmpty ? "the package" : place): \(first.message.prefix(160))\(more)"
            }
            if lines.isEmpty { lines = ["-"] }
            out += "| \(cell(connector.name)) | \(connector.lastChanged ?? "-") | \(cell(lines.joined(separator: "<br>"))) |\n"
        }
        out += "\n## Rules that can be an error\n\n"
        out +=
            "\"Fires on\" counts connectors with a finding of the rule at any severity. Evidence: **validator** = Microsoft's pipeline or service output quoted on a pull request; **documentation** = Microsoft's docs; **specification** = OpenAPI 2.0 or another standard; **reference** = certification-rules.md or certify's own limits.\n\n"
        out += "| rule | default | strict | since | fires on (all) | fires on (recent) | decision | evidence |\n"
        out += "| --- | --- | --- | --- | ---: | ---: | --- | --- |\n"
        var firedAll: [String: Int] = [:]
        var firedRecent: [String: Int] = [:]
        let recentNames = Set(recent.map(\.name))
        for connector in connectors {
            for id in Set(connector.result.findings.map(\.ruleId)) {
                firedAll[id, default: 0] += 1
                if recentNames.contains(connector.name) { firedRecent[id, default: 0] += 1 }
            }
        }
        for rule in Self.errorCapableRules {
            let calibration = RuleCatalog.calibration[rule.id]
            let evidence = (calibration?.evidence ?? []).map { "\($0.kind.rawValue): “\($0.quote)” \($0.link)" }
            out +=
                "| `\(rule.id)` | \(rule.severity.rawValue) | \(rule.severity(at: .strict).rawValue) | \(rule.since ?? "-") | \(firedAll[rule.id] ?? 0) | \(firedRecent[rule.id] ?? 0) | \(cell(calibration?.decision ?? "no calibration recorded")) | \(cell(evidence.isEmpty ? "none" : evidence.joined(separator: "<br>"))) |\n"
        }
        return out
    }
}
