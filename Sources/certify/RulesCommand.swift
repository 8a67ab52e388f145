import ArgumentParser
import Certification

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the certification rules, or explain one.",
        subcommands: [List.self, Explain.self], defaultSubcommand: List.self)

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
}
