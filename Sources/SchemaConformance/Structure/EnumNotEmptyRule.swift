import Certification
import JSONDocument

extension SchemaRules {
    static let enumNotEmpty = Rule(
        RuleDescription(
            id: "enum-not-empty", severity: .error, stage: SchemaStage.stageName,
            summary: "Every \"enum\" lists at least one value.",
            source:
                "JSON Schema draft 4 (enum: \"This array MUST have at least one element\"), which OpenAPI 2.0 uses for schemas, parameters, items and headers; reference: refs-and-schema-sanity (SVR: enum non-empty). An empty enum accepts no value at all.",
            fix: "List the allowed values, or remove \"enum\".",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Color": {"type": "string", "enum": []}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Color/enum")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASSchemaLikeVisitor.findings(context, where: { $0.contains(.enum) }) { _, object, path in
            guard let values = object["enum"]?.array, values.isEmpty else { return [] }
            return [
                OASLocalProblem(
                    message:
                        "\"enum\" is empty, so no value is valid here. List the allowed values, or remove \"enum\" to allow any value of the type.",
                    tokens: path + ["enum"], signature: "empty")
            ]
        }
    }
}
