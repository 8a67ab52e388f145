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
struct OASSchemaLikeVisitor: OASVisitor {
    let check: (OASKind, JSONObject, [String]) -> [OASLocalProblem]
    let context: RuleContext
    var findings: [Finding] = []

    static func findings(_ context: RuleContext, _ check: @escaping (OASKind, JSONObject, [String]) -> [OASLocalProblem]) -> [Finding] {
        guard let swagger = context.swagger else { return [] }
        var visitor = OASSchemaLikeVisitor(check: check, context: context)
        OASWalker(extensionSchemas: true).walk(swagger.document.root, &visitor)
        return visitor.findings
    }

    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String]) {
        switch kind {
        case .schema, .responseSchema, .items, .header, .parameter:
            guard let object = value.object, object["$ref"] == nil else { return }
            if kind == .parameter && object["in"]?.string == "body" { return }
            for problem in check(kind, object, path) {
                if let finding = context.swaggerFinding(problem.message, tokens: problem.tokens, atKey: problem.atKey, signature: problem.signature) {
                    findings.append(finding)
                }
            }
        default:
            return
        }
    }
}
