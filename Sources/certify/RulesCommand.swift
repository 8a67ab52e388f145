import ArgumentParser
import Certification
import Foundation
import StageCatalog

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the certification rules, or explain one.",
        subcommands: [List.self, Explain.self, Stats.self, Calibrate.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rules with their severity and stage, as a table or as JSON.",
            discussion: """
                Examples:
                  certify rules list --severity error
                  certify rules list --stage policy --json
                """)

        @Option(help: "Only the rules of this stage (package, schema, policy, probe).")
        var stage: String?

        @Option(help: "Only the rules of this severity (error, warning, info).")
        var severity: Severity?

        @Flag(help: "Print the rules as a JSON array of {id, severity, strictSeverity, since, stage, summary, fix, source}.")
        var json = false

        func validate() throws {
            let stages = Set(RuleCatalog.all.map(\.stage))
            if let stage, !stages.contains(stage.lowercased()) {
                throw ValidationError("--stage '\(stage)' is not one of: \(stages.sorted().joined(separator: ", "))")
            }
        }

        func run() throws {
            let rules = RuleCatalog.all.filter { rule in
                (stage.map { rule.stage == $0.lowercased() } ?? true) && (severity.map { rule.severity == $0 } ?? true)
            }
            if json {
                let items = rules.map { rule -> [String: String] in
                    var item = [
                        "id": rule.id, "severity": rule.severity.rawValue, "stage": rule.stage, "summary": rule.summary, "fix": rule.fix,
                        "source": rule.source,
                    ]
                    item["strictSeverity"] = rule.strictSeverity?.rawValue
                    item["since"] = rule.since
                    return item
                }
                let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let width = max(4, rules.map(\.id.count).max() ?? 4)
            func row(_ id: String, _ severity: String, _ stage: String, _ summary: String) -> String {
                id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + severity.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + stage.padding(toLength: 9, withPad: " ", startingAt: 0) + summary
            }
            print(row("RULE", "SEVERITY", "STAGE", "SUMMARY"))
            for rule in rules { print(row(rule.id, rule.severity.rawValue, rule.stage, rule.summary)) }
            let filtered = stage != nil || severity != nil
            print("\n\(rules.count) \(filtered ? "of \(RuleCatalog.all.count) " : "")rules, ruleset \(RuleCatalog.version)")
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain one rule: what, why and how to fix.")

        @Argument(help: "The rule id, e.g. json-syntax.")
        var id: String

        func run() throws {
            // Ids are matched without regard to case; an unknown one suggests the nearest.
            guard let rule = RuleCatalog.rule(id) ?? RuleCatalog.all.first(where: { $0.id.lowercased() == id.lowercased() }) else {
                let nearest = RuleCatalog.all.map(\.id).min { Self.distance($0, id.lowercased()) < Self.distance($1, id.lowercased()) }
                let hint = nearest.map { " Did you mean '\($0)'?" } ?? ""
                throw fail("no rule '\(id)'.\(hint) 'certify rules list' shows them all")
            }
            let strict = rule.strictSeverity.map { ", \($0.rawValue) at the strict level" } ?? ""
            let since = rule.since.map { ", enforced by Microsoft since \($0)" } ?? ""
            print(
                """
                \(rule.id) (\(rule.severity.rawValue)\(strict)\(since), stage \(rule.stage))

                \(rule.summary)

                Fix: \(rule.fix)
                Source: \(rule.source)
                """)
            if let calibration = RuleCatalog.calibration[rule.id] {
                print("\nCalibration (docs/calibration.md): \(calibration.decision)")
                for evidence in calibration.evidence { print("  \(evidence.kind.rawValue): \"\(evidence.quote)\" \(evidence.link)") }
            }
            let legend = Self.legend(for: rule.source)
            if !legend.isEmpty {
                let width = legend.map(\.code.count).max() ?? 0
                print("\nCodes in the source:")
                for (code, meaning) in legend { print("  " + code.padding(toLength: width + 2, withPad: " ", startingAt: 0) + meaning) }
            }
        }

        /// The edit distance between two ids (Levenshtein), for the nearest-id suggestion.
        static func distance(_ a: String, _ b: String) -> Int {
            let x = Array(a)
            let y = Array(b)
            guard !x.isEmpty else { return y.count }
            guard !y.isEmpty else { return x.count }
            var previous = Array(0...y.count)
            for i in 1...x.count {
                var current = [i] + Array(repeating: 0, count: y.count)
                for j in 1...y.count {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                }
                previous = current
            }
            return previous[y.count]
        }

        /// The codes and abbreviations rule sources use, with what they mean: the confidence tags,
        /// severities and source keys of the certification rules reference the rules were written
        /// from (`../shared/reference/certification-rules.md`). A code stands in parentheses, alone or
        /// after a comma or semicolon: "(R)", "(PR#3407, V)".
        static let sourceCodes: [(code: String, meaning: String)] = [
            ("R", "read in a Microsoft primary source"),
            ("V", "seen verbatim in Microsoft's validator or bot output on PowerPlatformConnectors pull requests"),
            ("3P", "found only in third-party summaries"),
            ("I", "inferred by certify (a heuristic), not read in a source"),
            ("E", "an error in the certification rules reference: it blocks certification"),
            ("W", "a warning in the certification rules reference: reviewer feedback or a \"should\" rule"),
            ("DH/<page>", "Microsoft's custom-connector docs, learn.microsoft.com/connectors/custom-connectors/<page>"),
            ("SVR", "DH/certification-swagger-validator-rules, \"Fix Swagger Validator errors\""),
            ("CPE", "DH/certification-policy-errors, the certification policy codes"),
            ("PPC", "github.com/microsoft/PowerPlatformConnectors"),
            ("PR#n, #n", "pull request or issue n of PowerPlatformConnectors"),
            ("paconn", "Microsoft's Power Platform Connectors command line tool"),
            (
                "certification-rules.md",
                "the certification rules reference, compiled from Microsoft's docs and PowerPlatformConnectors, that certify's rules were written from"
            ),
        ]

        /// The entries of `sourceCodes` that `source` uses, in the table's order.
        static func legend(for source: String) -> [(code: String, meaning: String)] {
            var used = Set<String>()
            var group: String?
            for character in source {
                if character == "(" {
                    group = ""
                } else if character == ")", let text = group {
                    for part in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                        used.insert(part.trimmingCharacters(in: .whitespaces))
                    }
                    group = nil
                } else {
                    group?.append(character)
                }
            }
            let words = source.split(whereSeparator: { !($0.isLetter || $0.isNumber || "/#-.".contains($0)) })
            for raw in words {
                let word = raw.hasSuffix(".") ? raw.dropLast() : raw
                if word.hasPrefix("DH/") { used.insert("DH/<page>") }
                if word.hasPrefix("PR#") || (word.hasPrefix("#") && word.dropFirst().first?.isNumber == true) { used.insert("PR#n, #n") }
                if word.hasPrefix("paconn") { used.insert("paconn") }
                if word.hasPrefix("certification-rules.md") { used.insert("certification-rules.md") }
                for code in ["SVR", "CPE", "PPC"] where word == code { used.insert(code) }
            }
            return sourceCodes.filter { used.contains($0.code) }
        }
    }

    struct Calibrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Weigh every rule that can be an error against a corpus of certified connectors (docs/calibration.md).",
            discussion: """
                Checks every connector of the corpus at the default level and prints, as Markdown: how many fail \
                (all, and those changed on or after --recent-since, dated by the history file), each recent one that \
                still fails with the finding that fails it, and for every rule that can be an error its severities, \
                how many connectors it fires on, the decision and Microsoft's evidence. Exit status 1 when more than \
                --target percent of the recent connectors fail.

                Example:
                  certify rules calibrate --corpus ../shared/corpus/certified \\
                    --history ../shared/corpus/certified-history.tsv > docs/calibration.md
                """)

        @Option(help: ArgumentHelp("Folder of certified connector folders.", valueName: "DIR"))
        var corpus: String = "../shared/corpus/certified"

        @Option(help: ArgumentHelp("Tab-separated connector, first_commit, last_commit (with a header).", valueName: "FILE"))
        var history: String = "../shared/corpus/certified-history.tsv"

        @Option(help: ArgumentHelp("Connectors last changed on or after this day are recent.", valueName: "YYYY-MM-DD"))
        var recentSince = "2023-01-01"

        @Option(help: ArgumentHelp("Most recent connectors that may fail, in percent.", valueName: "PERCENT"))
        var target: Double = CorpusCalibration.defaultTargetFailureShare * 100

        func validate() throws {
            guard recentSince.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else {
                throw ValidationError("--recent-since '\(recentSince)' is not a day written YYYY-MM-DD")
            }
            guard (0...100).contains(target) else { throw ValidationError("--target \(target) is not a percentage from 0 to 100") }
        }

        func run() async throws {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isFolder), isFolder.boolValue else {
                throw fail("\(corpus): not a folder of connector folders")
            }
            guard FileManager.default.isReadableFile(atPath: history) else { throw fail("\(history): cannot read the history file") }
            var calibration = try await CorpusCalibration.run(
                corpus: URL(fileURLWithPath: corpus), history: URL(fileURLWithPath: history))
            calibration.recentSince = recentSince
            guard !calibration.recent.isEmpty else {
                throw fail("\(history): no connector of \(corpus) changed on or after \(recentSince); check the file and --recent-since")
            }
            print(
                calibration.markdown(corpusName: corpus, historyName: history),
                terminator: "")
            let share = calibration.recentFailureShare * 100
            let summary = String(
                format: "%d of %d recent connectors fail at the default level (%.1f%%, target at most %.0f%%)",
                calibration.failing(calibration.recent, at: .default).count, calibration.recent.count, share, target)
            FileHandle.standardError.write(Data((summary + "\n").utf8))
            if share > target { throw ExitStatus(code: 1) }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "For every rule, how many connectors of a corpus it fires on (false-positive rates).",
            discussion: """
                Every connector of the corpus was certified once, so an error rule that fires on many of \
                them is suspect. Prints a Markdown table; docs/rule-firing-rates.md is its output over \
                ../shared/corpus/certified.

                Example:
                  certify rules stats --corpus ../shared/corpus/certified > docs/rule-firing-rates.md
                """)

        @Option(help: ArgumentHelp("Folder of connector folders.", valueName: "DIR"))
        var corpus: String = "../shared/corpus/certified"

        func run() async throws {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: corpus) else {
                throw fail("\(corpus): cannot read the corpus folder")
            }
            let folders = names.sorted().filter { !$0.hasPrefix(".") }.map { (corpus as NSString).appendingPathComponent($0) }
            let results = await Checker(options: CheckOptions()).check(folders)
            var fired: [String: Int] = [:]
            for result in results {
                for id in Set(result.findings.map(\.ruleId)) { fired[id, default: 0] += 1 }
            }
            let total = results.count
            print("# Rule firing rates\n")
            print(
                "Connectors of `\((corpus as NSString).lastPathComponent)` (\(total), all certified once) on which each rule fires, with the default ruleset (\(RuleCatalog.version)). Made by `certify rules stats`.\n"
            )
            print("| rule | severity | stage | connectors | share | note |")
            print("| --- | --- | --- | ---: | ---: | --- |")
            let rules = RuleCatalog.all.sorted { (fired[$0.id] ?? 0, $1.id) > (fired[$1.id] ?? 0, $0.id) }
            for rule in rules {
                let count = fired[rule.id] ?? 0
                let share = total > 0 ? Double(count) / Double(total) : 0
                let note =
                    rule.severity == .error && share > 0.2 ? "error rule over a fifth of certified connectors: see its description" : ""
                print(
                    "| `\(rule.id)` | \(rule.severity.rawValue) | \(rule.stage) | \(count) | \(String(format: "%.1f%%", share * 100)) | \(note) |"
                )
            }
        }
    }
}

extension Severity: ExpressibleByArgument {}
