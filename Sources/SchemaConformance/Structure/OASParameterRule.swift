import Certification
import JSONDocument

extension SchemaRules {
    static let openAPIParameter = Rule(
        RuleDescription(
            id: "openapi-parameter", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every parameter has what its \"in\" requires: \"in\" is query, header, path, formData or body; a body parameter has a \"schema\" and none of the non-body fields; any other parameter has a \"type\" (string, number, integer, boolean, array, and file for formData only), \"items\" when it is an array, a collectionFormat its location allows (multi only in query and formData), allowEmptyValue only in query and formData; a path parameter has \"required\": true.",
            source:
                "OpenAPI 2.0 specification (Parameter Object: fixed fields by \"in\"; \"If in is \\\"path\\\", this property is required and its value MUST be true\"; items \"Required if type is \\\"array\\\"\"); the official schema's bodyParameter and the four non-body parameter sub-schemas; reference: path-rules (SVR PathParameterMustBeRequired), body-rules.",
            fix:
                "Give the parameter the fields its location needs: a body parameter describes its content in \"schema\"; a query, header, path or formData parameter has a \"type\" (and \"items\" for an array); a path parameter is \"required\": true.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "Query", "type": "string"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/in"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"post": {"parameters": [{"name": "body", "in": "body", "type": "object"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/post/parameters/0/type"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "type": "string"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a~1{id}/get/parameters/0"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "ids", "in": "query", "type": "array"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "f", "in": "query", "type": "file"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/type"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "h", "in": "header", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/collectionFormat"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "parameters": {"q": {"name": "q", "in": "query", "schema": {"type": "string"}}}}"##
                ).at("apiDefinition.swagger.json#/parameters/q/schema"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}], "post": {"consumes": ["multipart/form-data"], "parameters": [{"name": "f", "in": "formData", "type": "file"}, {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi", "allowEmptyValue": true}], "responses": {"200": {"description": "OK"}}}}}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var checker = OASParameterChecker(context: context)
        // Parameters are only in these three places: no need to walk the schemas.
        OASParameterSites.each(in: swagger.document.root) { value, path in checker.visit(.parameter, value, at: path) }
        return checker.findings
    }
}

/// The visitor of `openapi-parameter`.
struct OASParameterChecker: OASVisitor {
    let context: RuleContext
    var findings: [Finding] = []

    init(context: RuleContext) {
        self.context = context
    }

    mutating func report(_ message: String, _ tokens: [String], atKey: Bool = false, _ signature: String) {
        if let finding = context.swaggerFinding(message, tokens: tokens, atKey: atKey, signature: signature) {
            findings.append(finding)
        }
    }

    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String]) {
        guard kind == .parameter, let object = value.object, object["$ref"] == nil else { return }
        let name = object["name"]?.string.map { "\"\($0)\"" } ?? "without a name"
        guard let inValue = object["in"] else {
            return report(
                "The parameter \(name) has no \"in\": say where it goes, one of \(OASText.list(OASSpec.parameterLocations)).",
                path, "missing:in")
        }
        guard let location = inValue.string, let spec = OASSpec.parameter(in: location) else {
            var message = "\"in\" must be one of \(OASText.list(OASSpec.parameterLocations)); \(OASText.quote(inValue)) is not."
            if let text = inValue.string, let match = OASSpec.parameterLocations.first(where: { $0.lowercased() == text.lowercased() }) {
                message += " Values are case-sensitive: write \"\(match)\"."
            }
            return report(message, path + ["in"], "in:\(inValue.jsonText)")
        }
        // Fields of another location.
        for member in object.members where spec.field(member.key) == nil && OASSpec.anyParameter.field(member.key) != nil {
            let message: String
            switch member.key {
            case "schema":
                message =
                    "\"schema\" is only for body parameters; a \(location) parameter describes its value with \"type\" (and \"format\", \"items\", \"enum\"…)."
            case "allowEmptyValue":
                message = "\"allowEmptyValue\" is only for query and formData parameters; remove it from this \(location) parameter."
            default:
                message =
                    "\"\(member.key)\" is not a field of a body parameter: describe the body in its \"schema\" (move \"\(member.key)\" there)."
            }
            report(message, path + [member.key], atKey: true, "field:\(member.key)")
        }
        if location == "body" {
            if object["schema"] == nil {
                report(
                    "The body parameter \(name) has no \"schema\": a body parameter must describe the body with a Schema Object, for example \"schema\": {\"type\": \"object\"}.",
                    path, "missing:schema")
            }
            return
        }
        checkType(object, location, name, path)
        if let format = object["collectionFormat"] {
            let allowed = location == "query" || location == "formData" ? OASSpec.collectionFormatsWithMulti : OASSpec.collectionFormats
            if let text = format.string, !allowed.contains(text) {
                let message =
                    text == "multi"
                    ? "collectionFormat \"multi\" (the parameter repeated) is only valid for query and formData parameters; a \(location) parameter may use \(OASText.list(allowed))."
                    : "\"collectionFormat\" must be one of \(OASText.list(allowed)) for a \(location) parameter; \"\(text)\" is not."
                report(message, path + ["collectionFormat"], "collectionFormat:\(text)")
            } else if format.string == nil {
                report(
                    "\"collectionFormat\" must be a string, one of \(OASText.list(allowed)); not \(OASText.describe(format)).",
                    path + ["collectionFormat"], "collectionFormat-type")
            }
        }
        if location == "path" && (object["required"] == nil || object["required"]?.bool == false) {
            let found = object["required"].map { "it is \(OASText.quote($0))" } ?? "it is missing"
            report(
                "The path parameter \(name) must have \"required\": true (\(found)): a path cannot be called without its parameters.",
                object["required"] == nil ? path : path + ["required"], "path-required")
        }
    }

    mutating func checkType(_ object: JSONObject, _ location: String, _ name: String, _ path: [String]) {
        let allowed = location == "formData" ? OASSpec.primitiveTypes + ["file"] : OASSpec.primitiveTypes
        guard let typeValue = object["type"] else {
            return report(
                "The \(location) parameter \(name) has no \"type\": a non-body parameter needs one of \(OASText.list(allowed)).",
                path, "missing:type")
        }
        guard let type = typeValue.string, allowed.contains(type) else {
            var message = "\"type\" of a \(location) parameter must be one of \(OASText.list(allowed)); \(OASText.quote(typeValue)) is not."
            if typeValue.string == "file" {
                message =
                    "\"type\": \"file\" is only allowed for formData parameters (with consumes multipart/form-data or application/x-www-form-urlencoded). To send a file as the whole body, use a body parameter with \"schema\": {\"type\": \"string\", \"format\": \"binary\"}."
            } else if typeValue.string == "object" {
                message += " An object value is sent as a body parameter with a \"schema\"."
            } else if let text = typeValue.string, let match = allowed.first(where: { $0 == text.lowercased() }) {
                message += " Values are case-sensitive: write \"\(match)\"."
            }
            return report(message, path + ["type"], "type:\(typeValue.jsonText)")
        }
        if type == "array" && object["items"] == nil {
            report(
                "The \(location) parameter \(name) is an array but has no \"items\" (required for type \"array\"). Add \"items\" with the elements' type, for example {\"type\": \"string\"}.",
                path, "missing:items")
        }
    }
}

/// Where OpenAPI 2.0 puts Parameter Objects: the document's `parameters`, and the `parameters`
/// of every path item and operation.
enum OASParameterSites {
    static func each(in root: JSONValue, _ body: (JSONValue, [String]) -> Void) {
        if case .object(let definitions)? = root["parameters"]?.kind {
            for member in definitions.members { body(member.value, ["parameters", member.key]) }
        }
        guard case .object(let paths)? = root["paths"]?.kind else { return }
        for path in paths.members where !OASSpec.isExtension(path.key) {
            guard case .object(let item) = path.value.kind else { continue }
            for member in item.members {
                if member.key == "parameters", case .array(let list) = member.value.kind {
                    for (index, value) in list.enumerated() { body(value, ["paths", path.key, "parameters", String(index)]) }
                } else if OASSpec.isMethod(member.key), case .array(let list)? = member.value["parameters"]?.kind {
                    for (index, value) in list.enumerated() { body(value, ["paths", path.key, member.key, "parameters", String(index)]) }
                }
            }
        }
    }
}
