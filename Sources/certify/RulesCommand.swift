import ArgumentParser
import Certification
import Foundation

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
            print("""
                \(rule.id) (\(rule.severity.rawValue), stage \(rule.stage))

                \(rule.summary)

                Fix: \(rule.fix)
                Source: \(rule.source)
                """)
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
            print("Connectors of `\((corpus as NSString).lastPathComponent)` (\(total), all certified once) on which each rule fires, with the default ruleset (\(RuleCatalog.version)). Made by `certify rules stats`.\n")
            print("| rule | severity | stage | connectors | share | note |")
            print("| --- | --- | --- | ---: | ---: | --- |")
            let rules = RuleCatalog.all.sorted { (fired[$0.id] ?? 0, $1.id) > (fired[$1.id] ?? 0, $0.id) }
            for rule in rules {
                let count = fired[rule.id] ?? 0
                let share = total > 0 ? Double(count) / Double(total) : 0
                let note = rule.severity == .error && share > 0.2 ? "error rule over a fifth of certified connectors: see its description" : ""
                print("| `\(rule.id)` | \(rule.severity.rawValue) | \(rule.stage) | \(count) | \(String(format: "%.1f%%", share * 100)) | \(note) |")
            }
        }
    }
}
