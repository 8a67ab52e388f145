/// Stage 1, schema conformance: the swagger is a well-formed OpenAPI 2.0 document, its
/// references resolve, its semantics hold, and the connector extensions and apiProperties.json
/// have the shapes the platform accepts.
public enum SchemaStage {
    public static let stageName = "schema"

    public static var rules: [Rule] { SchemaRules.structure + SchemaRules.semantics + SchemaRules.extensions }

    public static func make() -> RuleStage { RuleStage(name: stageName, rules: rules) }
}

/// The schema stage's rules, one file each, grouped by the list that names them.
public enum SchemaRules {}
