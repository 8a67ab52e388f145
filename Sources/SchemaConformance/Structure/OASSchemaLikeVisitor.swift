import Certification
import JSONDocument

/// A problem a schema-keyword rule finds at one object: message, pointer tokens, signature.
struct OASLocalProblem {
    var message: String
    var tokens: [String]
    var atKey = false
    var signature: String
}

/// Visits every object that carries JSON Schema validation keywords: Schema Objects (nested
/// ones, response schemas, and x-ms-notification-content schemas), non-body parameters, Items
/// and Header Objects. Each rule passes the check for one object.
struct OASSchemaLikeVisitor: OASNodeVisitor {
    let check: (OASKind, JSONObject, OASNodePath) -> [OASLocalProblem]
    let context: RuleContext
    var findings: [Finding] = []

    /// `wanted`: the keys an object needs for `check` to find anything; the others are not visited.
    static func findings(
        _ context: RuleContext, where wanted: (OASKeySet) -> Bool,
        _ check: @escaping (OASKind, JSONObject, OASNodePath) -> [OASLocalProblem]
    ) -> [Finding] {
        var visitor = OASSchemaLikeVisitor(check: check, context: context)
        OASWalkRecord.of(context)?.replay(&visitor, where: wanted)
        return visitor.findings
    }

    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: OASNodePath) {
        switch kind {
        case .schema, .responseSchema, .items, .header, .parameter:
            guard let object = value.object, object["$ref"] == nil else { return }
            if kind == .parameter && object["in"]?.string == "body" { return }
            for problem in check(kind, object, path) {
                if let finding = context.swaggerFinding(
                    problem.message, tokens: problem.tokens, atKey: problem.atKey, signature: problem.signature)
                {
                    findings.append(finding)
                }
            }
        default:
            return
        }
    }
}
