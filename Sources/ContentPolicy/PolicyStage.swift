import Certification

/// Stage 2, content policy: the certification requirements a machine can judge (texts,
/// metadata, brand colour, icon, README, script) in the certification rules catalogue.
public enum PolicyStage {
    public static let stageName = "policy"

    public static var rules: [Rule] { PolicyRules.swagger + PolicyRules.properties + PolicyRules.files }

    public static func make() -> RuleStage { RuleStage(name: stageName, rules: rules) }
}

/// The policy stage's rules, as static properties in files by concern (a file holds one rule or a
/// family of related ones), grouped by the list that names them.
public enum PolicyRules {}
