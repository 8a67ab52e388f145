import Certification
import JSONDocument

/// Stage 1, schema conformance: the swagger is a well-formed OpenAPI 2.0 document, its
/// references resolve, its semantics hold, and the connector extensions and apiProperties.json
/// have the shapes the platform accepts.
public enum SchemaStage {
    public static let stageName = "schema"

    public static var rules: [Rule] { SchemaRules.structure + SchemaRules.semantics + SchemaRules.extensions }

    public static func make() -> RuleStage { RuleStage(name: stageName, rules: rules) }
}

/// The schema stage's rules, as static properties in files by concern (a file holds one rule or a
/// family of related ones), grouped by the list that names them.
public enum SchemaRules {}

extension SchemaStage {
    private struct NoVisitor: OASVisitor {
        var count = 0
        mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String]) { count += 1 }
    }

    /// One walk of the swagger with a visitor that does nothing: the floor of a walking rule's
    /// time, for `certify bench schema --per-rule`.
    @discardableResult
    public static func bareWalk(_ input: StageInput) -> Int {
        guard let swagger = input.swagger else { return 0 }
        var visitor = NoVisitor()
        OASWalker(extensionSchemas: true).walk(swagger.document.root, &visitor)
        return visitor.count
    }
}
