import Certification
import JSONDocument

extension SchemaRules {
    static let pathParametersMatch = Rule(
        RuleDescription(
            id: "path-parameters-match", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every {name} in a path template has an \"in\": \"path\" parameter of that name in each of the path's operations (the path item's parameters count), and every \"in\": \"path\" parameter appears in the template.",
            source:
                "OpenAPI 2.0 specification (Parameter Object, path: \"the parameter value is actually part of the operation's URL\"; Path Templating); reference: path-rules (SVR: \"Each {var} has an in: path parameter\"). openapi-spec-validator checks the same. That the parameter is required is checked by openapi-parameter.",
            fix:
                "Declare each template variable as a parameter with \"in\": \"path\" and \"required\": true and the exact same name (names are case-sensitive), and remove path parameters the template does not have.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/items/{id}": {"get": {"responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1items~1{id}/get"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/items": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1items/get/parameters/0"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/items/{itemId}": {"get": {"parameters": [{"name": "ItemId", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1items~1{itemId}/get"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/items/{id}/parts/{part}": {"parameters": [{"$ref": "#/parameters/id"}], "get": {"parameters": [{"name": "part", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "OK"}}}}}, "parameters": {"id": {"name": "id", "in": "path", "required": true, "type": "string"}}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        var reported = Set<JSONPointer>()
        for (operation, applying) in OASOperation.withParameters(context) {
            let template = OASPathTemplate.names(operation.path)
            let parameters = applying.filter { $0.location == "path" }
            let declared = Set(parameters.map(\.name))
            for name in template where !declared.contains(name) {
                var message =
                    "The path \"\(operation.path)\" has the template variable {\(name)}, but \(operation.label) declares no parameter \"\(name)\" with \"in\": \"path\"."
                if let near = parameters.first(where: { $0.name.lowercased() == name.lowercased() }) {
                    message += " The path parameter \"\(near.name)\" differs only in case: names are case-sensitive."
                } else {
                    message +=
                        " Add {\"name\": \"\(name)\", \"in\": \"path\", \"required\": true, \"type\": \"string\"} to its parameters (or to the path's)."
                }
                findings.append(context.swaggerFinding(message, at: operation.pointer, signature: "missing:\(name)"))
            }
            let names = Set(template)
            for parameter in parameters where !names.contains(parameter.name) && reported.insert(parameter.pointer).inserted {
                findings.append(
                    context.swaggerFinding(
                        "The path parameter \"\(parameter.name)\" does not appear in the path \"\(operation.path)\": a path parameter fills a {\(parameter.name)} of the template. Add {\(parameter.name)} to the path, or change \"in\" (query, header...), or remove the parameter.",
                        at: parameter.pointer, signature: "unused:\(parameter.name)"))
            }
        }
        return findings.compactMap { $0 }
    }
}

/// Path templating: the {names} of a path, in order.
enum OASPathTemplate {
    static func names(_ path: String) -> [String] {
        var names: [String] = []
        var current: [UInt8]?
        for byte in path.utf8 {
            if byte == UInt8(ascii: "{") {
                current = []
            } else if byte == UInt8(ascii: "}") {
                if let name = current { names.append(String(decoding: name, as: UTF8.self)) }
                current = nil
            } else {
                current?.append(byte)
            }
        }
        return names
    }
}
