import Certification
import JSONDocument

extension SchemaRules {
    static let openAPIVersion = Rule(
        RuleDescription(
            id: "openapi-version", severity: .error, stage: SchemaStage.stageName,
            summary:
                "The swagger is an OpenAPI 2.0 document: \"swagger\" is the string \"2.0\", and there is no \"openapi\" key (OpenAPI 3 is not supported).",
            source:
                "OpenAPI 2.0 specification (Swagger Object: swagger is required and \"2.0\"); reference: swagger-version (SVR SpecificationVersionIncorrect; policy 5000.2.6.3).",
            fix:
                "Set \"swagger\": \"2.0\" at the root. A connector must be described in OpenAPI 2.0: convert an OpenAPI 3 document (\"openapi\": \"3.x\") to 2.0.",
            triggering: [
                .swagger(##"{"info": {"title": "Contoso", "version": "1.0"}, "paths": {}}"##).at("apiDefinition.swagger.json#"),
                .swagger(##"{"swagger": 2.0, "info": {"title": "Contoso", "version": "1.0"}, "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/swagger"),
                .swagger(##"{"swagger": "3.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/swagger"),
                .swagger(##"{"swagger": "2.0", "openapi": "3.0.1", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/openapi"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger, let root = swagger.document.root.object else { return [] }
        var findings: [Finding?] = []
        switch root["swagger"] {
        case nil:
            let openAPI = root["openapi"]?.string
            findings.append(
                context.swaggerFinding(
                    openAPI != nil
                        ? "This is an OpenAPI \(openAPI!) document: connectors must be OpenAPI 2.0. Convert it, and set \"swagger\": \"2.0\" at the root."
                        : "The root has no \"swagger\" field. Add \"swagger\": \"2.0\": the connector must be an OpenAPI 2.0 document.",
                    at: .root, signature: "missing"))
        case let value? where value.string == "2.0":
            break
        case let value?:
            let hint =
                value.numberText == "2.0" || value.numberText == "2"
                ? " It must be the string \"2.0\", in quotes, not a number." : ""
            findings.append(
                context.swaggerFinding(
                    "\"swagger\" must be \"2.0\", not \(OASText.quote(value)).\(hint) Only OpenAPI 2.0 is supported.",
                    at: "/swagger", signature: "value:\(value.jsonText)"))
        }
        if root["swagger"] != nil, let openAPI = root["openapi"] {
            findings.append(
                context.swaggerFinding(
                    "\"openapi\" (\(OASText.quote(openAPI))) is the version field of OpenAPI 3, which connectors do not support. Remove it: this document declares itself with \"swagger\": \"2.0\".",
                    at: "/openapi", atKey: true, signature: "openapi"))
        }
        return findings.compactMap { $0 }
    }
}
