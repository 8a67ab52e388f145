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
