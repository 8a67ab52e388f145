import ArgumentParser
import Certification
import Foundation
import StageCatalog

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the certification rules, or explain one.",
        subcommands: [List.self, Explain.self, Stats.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every rule with its severity and stage.")

        func run() throws {
            let rules = RuleCatalog.all
            let width = rules.map(\.id.count).max() ?? 10
            for rule in rules {
                print(
                    rule.id.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                        + rule.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                        + rule.stage.padding(toLength: 9, withPad: " ", startingAt: 0) + rule.summary)
            }
            print("\n\(rules.count) rules, ruleset \(RuleCatalog.version)")
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain one rule: what, why and how to fix.")

        @Argument(help: "The rule id, e.g. json-syntax.")
        var id: String

        func run() throws {
            guard let rule = RuleCatalog.rule(id) else {
                throw fail("no rule '\(id)'; 'certify rules list' shows them all")
            }
            print(
                """
                \(rule.id) (\(rule.severity.rawValue), stage \(rule.stage))

                \(rule.summary)

                Fix: \(rule.fix)
                Source: \(rule.source)
                """)
            let legend = Self.legend(for: rule.source)
            if !legend.isEmpty {
                let width = legend.map(\.code.count).max() ?? 0
                print("\nCodes in the source:")
                for (code, meaning) in legend { print("  " + code.padding(toLength: width + 2, withPad: " ", startingAt: 0) + meaning) }
            }
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
