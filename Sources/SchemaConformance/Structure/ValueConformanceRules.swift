import Certification
import JSONDocument

extension SchemaRules {
    static let defaultConforms = Rule(
        RuleDescription(
            id: "default-conforms", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "Every \"default\" conforms to the schema, parameter, items or header that declares it: its type, format, enum, range, length, pattern, items, and for objects their properties and required properties.",
            source:
                "OpenAPI 2.0 specification (Parameter Object and Items Object default: \"Unlike JSON Schema this value MUST conform to the defined type for this parameter\"; JSON Schema default for Schema Objects); reference: refs-and-schema-sanity (SVR \"default matches the type\"); openapi-spec-validator checks the same. The platform sends a parameter's default as the value when the user leaves it empty, so a default of the wrong type is a call that fails. String formats are checked as openapi-spec-validator checks them (date-time, date, time, uuid, byte, ipv4, ipv6, email), except on designer expressions (values that start with \"@\", such as \"@{addDays(utcNow(), 7)}\"), which the platform evaluates before it sends them. Calibrated to a warning (strict: error): Microsoft's service reports only a default of the wrong JSON type (\"The 'default' value is of type 'Integer', but should match the given type 'String'\", maker portal, MicrosoftDocs/BusinessApplicationPlatform-Connectors-public#70), no pull-request validator output quoting it was found, and the rule fired as an error on 34 of the 619 certified connectors, 19 of them changed in 2023-24 (docs/calibration.md).",
            fix:
                "Write the default as a value of the declared type (1, not \"1\"; true, not \"true\"), one of the enum values in the same case, within the declared limits; or remove the default. A null default needs \"x-nullable\": true.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "limit", "in": "query", "type": "integer", "default": "10"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/default"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Sort": {"type": "string", "enum": ["Ascending", "Descending"], "default": "ascending"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Sort/default"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Page": {"type": "object", "properties": {"size": {"$ref": "#/definitions/Size"}}, "default": {"size": 500}}, "Size": {"type": "integer", "maximum": 100}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Page/default/size"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Task": {"type": "object", "properties": {"due": {"type": "string", "format": "date-time", "default": "2017-01-01T00:00:00"}}}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Task/properties/due/default"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "ids", "in": "query", "type": "array", "items": {"type": "integer", "format": "int32"}, "default": [1, 2]}, {"name": "n", "in": "query", "type": "integer", "default": 1.0}], "responses": {"200": {"description": "OK"}}}}}}"##
                ),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "string", "x-nullable": true, "default": null}, "B": {"allOf": [{"$ref": "#/definitions/B"}], "default": {}}}}"##
                ),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Task": {"type": "object", "properties": {"due": {"type": "string", "format": "date-time", "default": "@{addDays(utcNow(), 7)}"}, "start": {"type": "string", "format": "date", "default": "2024-02-29"}, "key": {"type": "string", "format": "byte", "default": "cGE="}, "id": {"type": "string", "format": "uuid", "default": "123e4567-e89b-12d3-a456-426614174000"}}}}}"##
                ),
            ], strictSeverity: .error)
    ) { context in
        OASValueConformance.findings(context, keyword: "default", keys: .default, checkObjectCompleteness: true)
    }

    static let exampleConforms = Rule(
        RuleDescription(
            id: "example-conforms", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "Every \"example\" of a schema, and every JSON example of a response, conforms to its schema's types, formats, enums and limits (missing properties are allowed: examples may be partial).",
            source:
                "OpenAPI 2.0 specification (Schema Object example: \"an example of an instance for this schema\"; Response Object examples); reference: refs-and-schema-sanity. A warning: examples are documentation, the platform does not use them in calls, and certified connectors carry wrong ones.",
            fix: "Correct the example so that it is a value the schema accepts, or remove it.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "properties": {"count": {"type": "integer", "example": "three"}}}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/properties/count/example"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "OK", "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}, "examples": {"application/json": {"id": "x1"}}}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/responses/200/examples/application~1json/id"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}, "example": {"name": "Ann"}}}}"##
                ),
            ])
    ) { context in
        OASValueConformance.findings(context, keyword: "example", keys: [.example, .examples], checkObjectCompleteness: false)
    }

    static let testValueConforms = Rule(
        RuleDescription(
            id: "test-value-conforms", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "Every \"x-ms-test-value\" conforms to the parameter or schema that declares it (type, format, enum, range, length, pattern, properties).",
            source:
                "Power Platform x-ms-test-value (the value the platform's and this tool's functional tests send); reference: test-value-no-secrets (the same field). A warning: it is test data, but a probe built from it calls the API with a value the connector itself declares invalid.",
            fix: "Give x-ms-test-value a value of the declared type and within the declared enum and limits.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "days", "in": "query", "type": "integer", "minimum": 1, "maximum": 14, "x-ms-test-value": 30}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/x-ms-test-value")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASValueConformance.findings(context, keyword: "x-ms-test-value", keys: .testValue, checkObjectCompleteness: true)
    }
}

/// Finds the values of one keyword and checks each against what declares it.
struct OASValueConformance: OASNodeVisitor {
    let context: RuleContext
    let keyword: String
    var checker: any OASValueValidating
    var findings: [Finding] = []

    /// `keys`: the keys of which an object needs one for anything to be checked there.
    static func findings(_ context: RuleContext, keyword: String, keys: OASKeySet, checkObjectCompleteness: Bool) -> [Finding] {
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var visitor = OASValueConformance(
            context: context, keyword: keyword,
            checker: OASValueChecker(root: root, checkObjectCompleteness: checkObjectCompleteness))
        OASWalkRecord.of(context)?.replay(&visitor, where: { !$0.isDisjoint(with: keys) })
        return visitor.findings
    }

    mutating func visit(_ kind: OASKind, _ value: JSONValue, at node: OASNodePath) {
        guard let object = value.object else { return }
        // Only objects with the keyword are visited: the path is needed for each.
        let path = node.tokens
        switch kind {
        case .schema, .responseSchema, .items, .header:
            if object["$ref"] == nil, let instance = object[keyword] {
                let declarer = kind == .items ? "its items declaration" : kind == .header ? "its header declaration" : "its schema"
                check(
                    instance, against: object, schemaPath: path, valuePath: path + [keyword], subject: "This \(keyword)", declarer: declarer
                )
            }
        case .parameter:
            guard object["$ref"] == nil, let instance = object[keyword] else { return }
            let subject = object["name"]?.string.map { "The \(keyword) of the parameter \"\($0)\"" } ?? "This \(keyword)"
            if object["in"]?.string == "body" {
                // A body parameter has no default of its own; its test value is the body.
                if let schema = object["schema"]?.object {
                    check(
                        instance, against: schema, schemaPath: path + ["schema"], valuePath: path + [keyword], subject: subject,
                        declarer: "the body's schema")
                }
            } else {
                check(
                    instance, against: object, schemaPath: path, valuePath: path + [keyword], subject: subject,
                    declarer: "the parameter's declaration")
            }
        case .response where keyword == "example":
            guard let examples = object["examples"]?.object, let schema = object["schema"]?.object else { return }
            for member in examples.members where member.key.lowercased().contains("json") {
                check(
                    member.value, against: schema, schemaPath: path + ["schema"], valuePath: path + ["examples", member.key],
                    subject: "The \(member.key) example", declarer: "the response's schema")
            }
        default:
            return
        }
    }

    mutating func check(
        _ instance: JSONValue, against schema: JSONObject, schemaPath: [String], valuePath: [String], subject: String, declarer: String
    ) {
        let problems = checker.problems(of: instance, against: schema, at: schemaPath)
        for problem in problems {
            let inner = problem.path.isEmpty ? "" : " (at \(JSONPointer(tokens: problem.path)) inside it)"
            let message = "\(subject) is not valid for \(declarer)\(inner): \(problem.message). Correct the value or remove it."
            let pointer = JSONPointer(tokens: valuePath + problem.path)
            if let finding = context.swaggerFinding(message, at: pointer, signature: problem.signature) {
                findings.append(finding)
            }
        }
    }
}
