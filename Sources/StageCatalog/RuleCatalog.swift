import Certification
import ContentPolicy
import Probing
import SchemaConformance

/// Every rule of every stage, for look-up by id.
public enum RuleCatalog {
    public static var all: [RuleDescription] {
        PackageStage.rules + (SchemaStage.rules + PolicyStage.rules).map(\.description) + BreakingChanges.rules
            + ProbeRules.all
    }

    /// Every rule by id, built once (`all` assembles the list anew on each use).
    static let byId: [String: RuleDescription] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    public static func rule(_ id: String) -> RuleDescription? {
        byId[id]
    }
}

extension RuleCatalog {
    /// A hash of every rule's id, severity and stage: what was in force for a run, so that a
    /// report can be reproduced and re-certification can tell that the rules changed.
    public static var version: String { Ruleset.default.version }
}

extension Ruleset {
    /// Changes when a rule is added, removed or re-graded, or when this definition changes.
    public var version: String {
        let catalogue = RuleCatalog.all.map { "\($0.id)|\($0.severity.rawValue)|\($0.stage)" }.sorted().joined(separator: "\n")
        return "rules-" + Finding.fingerprint(ruleId: "ruleset", file: nil, location: canonicalJSON, signature: catalogue)
    }

    /// Rule ids this ruleset names that the catalogue does not have.
    public var unknownRuleIds: [String] {
        let known = Set(RuleCatalog.all.map(\.id))
        return rules.keys.filter { !known.contains($0) }.sorted()
    }
}

extension Ruleset {
    /// The strict level: `ruleset` with every rule that has a `strictSeverity` graded at it,
    /// where `ruleset` does not grade that rule itself. Microsoft documents these requirements as
    /// errors but let certified connectors through without them (docs/calibration.md); a
    /// reviewer who wants the letter of the documents, or a brand-new connector, uses this.
    public static func strict(_ ruleset: Ruleset = .default) -> Ruleset {
        var strict = ruleset
        for rule in RuleCatalog.all {
            guard let severity = rule.strictSeverity, strict.rules[rule.id]?.severity == nil else { continue }
            var setting = strict.rules[rule.id] ?? RuleSetting()
            setting.severity = severity
            strict.rules[rule.id] = setting
        }
        return strict
    }
}
