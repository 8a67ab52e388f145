import Certification
import JSONDocument

extension SchemaRules {
    static let requiredPropertyDefined = Rule(
        RuleDescription(
            id: "required-property-defined", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every name in a schema's \"required\" is one of its \"properties\", when the schema lists properties and nothing else (no allOf, no additionalProperties) could supply it.",
            source:
                "JSON Schema draft 4 (required) with OpenAPI 2.0's Schema Object; reference: refs-and-schema-sanity (SVR: \"required\" defined). A required name that no property defines is a typo or a removed property, and makes every value invalid when additional properties are not allowed.",
            fix: "Correct the name in \"required\" (names are case-sensitive) or add the property to \"properties\".",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"User": {"type": "object", "required": ["Id"], "properties": {"id": {"type": "string"}}}}}"##
                ).at("apiDefinition.swagger.json#/definitions/User/required/0")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "required": ["id", "extra"], "properties": {"id": {"type": "string"}}, "additionalProperties": {"type": "string"}}, "B": {"required": ["id"], "allOf": [{"$ref": "#/definitions/A"}], "properties": {"name": {"type": "string"}}}}}"##
                ),
            ])
    ) { context in
        OASSchemaLikeVisitor.findings(context, where: { $0.contains(.required) }) { kind, object, path in
            guard kind == .schema || kind == .responseSchema, let required = object["required"]?.array,
                let properties = object["properties"]?.object, object["allOf"] == nil
            else { return [] }
            if let additional = object["additionalProperties"], additional.bool != false { return [] }
            var problems: [OASLocalProblem] = []
            for (index, name) in required.enumerated() {
                guard let text = name.string, properties[text] == nil else { continue }
                var message = "\"required\" names \"\(text)\", but the schema has no property \"\(text)\"."
                if let near = properties.members.first(where: { $0.key.lowercased() == text.lowercased() }) {
                    message += " Names are case-sensitive: did you mean \"\(near.key)\"?"
                } else {
                    message += " Add the property, or remove the name from \"required\"."
                }
                problems.append(OASLocalProblem(message: message, tokens: path + ["required", String(index)], signature: text))
            }
            return problems
        }
    }
}
