import Certification
import JSONDocument

extension SchemaRules {
    static let openAPISecurityDefinition = Rule(
        RuleDescription(
            id: "openapi-security-definition", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every security scheme in \"securityDefinitions\" is complete for its type: basic; apiKey with \"name\" and \"in\" (header or query); oauth2 with \"flow\" (implicit, password, application or accessCode), the authorizationUrl and/or tokenUrl that flow needs, and \"scopes\" as an object of strings; and no other fields.",
            source:
                "OpenAPI 2.0 specification (Security Scheme Object: fixed fields and which apply to which type and flow; Scopes Object); the official schema's six security scheme definitions; reference: security (SVR). The specification makes \"scopes\" required for oauth2, the official schema does not; certified connectors omit it (OrbusInfinity) and the platform accepts that, so a missing \"scopes\" is not reported.",
            fix:
                "Complete the security scheme: an apiKey needs \"name\" (the header or query parameter) and \"in\"; an oauth2 scheme needs \"flow\" and, for that flow, \"authorizationUrl\" (implicit, accessCode) and \"tokenUrl\" (password, application, accessCode).",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key"}}}"##
                ).at("apiDefinition.swagger.json#/securityDefinitions/key"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "securityDefinitions": {"oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://login.contoso.example/authorize", "scopes": {}}}}"##
                ).at("apiDefinition.swagger.json#/securityDefinitions/oauth"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "securityDefinitions": {"oauth": {"type": "oauth2", "flow": "authorization_code", "authorizationUrl": "https://a.example", "tokenUrl": "https://a.example", "scopes": {}}}}"##
                ).at("apiDefinition.swagger.json#/securityDefinitions/oauth/flow"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "securityDefinitions": {"basic": {"type": "basic", "in": "header"}}}"##
                ).at("apiDefinition.swagger.json#/securityDefinitions/basic/in"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "securityDefinitions": {"bearer": {"type": "http", "scheme": "bearer"}}}"##
                ).at("apiDefinition.swagger.json#/securityDefinitions/bearer/type"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "securityDefinitions": {"basic": {"type": "basic", "description": "Basic", "x-ms-x": 1}, "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a.example", "tokenUrl": "https://a.example", "scopes": {"read": "Read"}}, "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a.example"}}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger, let definitions = swagger.document.root["securityDefinitions"]?.object else { return [] }
        var findings: [Finding?] = []
        for member in definitions.members {
            let pointer = JSONPointer(tokens: ["securityDefinitions", member.key])
            for (message, at, atKey, signature) in OASSecurityScheme.problems(member.key, member.value, at: pointer) {
                findings.append(context.swaggerFinding(message, at: at, atKey: atKey, signature: signature))
            }
        }
        return findings.compactMap { $0 }
    }
}

/// The Security Scheme Object, by type and flow.
enum OASSecurityScheme {
    static let types = ["basic", "apiKey", "oauth2"]
    static let flows = ["implicit", "password", "application", "accessCode"]

    /// The fields a scheme of this type (and flow) has, and which of them are required.
    static func fields(type: String, flow: String?) -> (allowed: [String], required: [String]) {
        switch type {
        case "basic": return (["type", "description"], ["type"])
        case "apiKey": return (["type", "description", "name", "in"], ["type", "name", "in"])
        default:
            switch flow {
            case "implicit": return (["type", "description", "flow", "authorizationUrl", "scopes"], ["type", "flow", "authorizationUrl"])
            case "password", "application": return (["type", "description", "flow", "tokenUrl", "scopes"], ["type", "flow", "tokenUrl"])
            case "accessCode":
                return (
                    ["type", "description", "flow", "authorizationUrl", "tokenUrl", "scopes"],
                    ["type", "flow", "authorizationUrl", "tokenUrl"]
                )
            default: return (["type", "description", "flow", "authorizationUrl", "tokenUrl", "scopes"], ["type", "flow"])
            }
        }
    }

    static func problems(_ name: String, _ value: JSONValue, at pointer: JSONPointer)
        -> [(message: String, pointer: JSONPointer, atKey: Bool, signature: String)]
    {
        guard let object = value.object else {
            return [
                (
                    "The security scheme \"\(name)\" must be an object (a Security Scheme Object), not \(OASText.describe(value)).",
                    pointer, false, "type"
                )
            ]
        }
        var problems: [(String, JSONPointer, Bool, String)] = []
        guard let typeValue = object["type"] else {
            return [
                (
                    "The security scheme \"\(name)\" has no \"type\": it must be \"basic\", \"apiKey\" or \"oauth2\".", pointer, false,
                    "missing:type"
                )
            ]
        }
        guard let type = typeValue.string, types.contains(type) else {
            var message =
                "\"type\" of the security scheme \"\(name)\" must be \"basic\", \"apiKey\" or \"oauth2\"; \(OASText.quote(typeValue)) is not."
            if let text = typeValue.string, let match = types.first(where: { $0.lowercased() == text.lowercased() }) {
                message += " Values are case-sensitive: write \"\(match)\"."
            } else if typeValue.string == "http" || typeValue.string == "openIdConnect" {
                message +=
                    " \"\(typeValue.string!)\" is an OpenAPI 3 type: use \"basic\" for HTTP basic authentication, or \"apiKey\" in the Authorization header for a bearer token."
            }
            return [(message, pointer.appending("type"), false, "type:\(typeValue.jsonText)")]
        }
        var flow: String?
        if type == "oauth2" {
            if let flowValue = object["flow"] {
                if let text = flowValue.string, flows.contains(text) {
                    flow = text
                } else {
                    var message =
                        "\"flow\" of the oauth2 scheme \"\(name)\" must be \(OASText.list(flows)); \(OASText.quote(flowValue)) is not."
                    if let text = flowValue.string {
                        let hint =
                            [
                                "authorization_code": "accessCode", "authorizationcode": "accessCode", "client_credentials": "application",
                                "clientcredentials": "application",
                            ][text.lowercased()]
                            ?? flows.first(where: { $0.lowercased() == text.lowercased() })
                        if let hint { message += " OpenAPI 2.0 calls it \"\(hint)\"." }
                    }
                    problems.append((message, pointer.appending("flow"), false, "flow:\(flowValue.jsonText)"))
                }
            }
        }
        let (allowed, required) = fields(type: type, flow: flow)
        for member in object.members where !allowed.contains(member.key) && !OASSpec.isExtension(member.key) {
            let known = ["type", "description", "name", "in", "flow", "authorizationUrl", "tokenUrl", "scopes"].contains(member.key)
            let message =
                known
                ? "\"\(member.key)\" does not apply to \(type == "oauth2" ? "an oauth2 scheme with flow \"\(flow ?? "?")\"" : "a security scheme of type \"\(type)\""); its fields are \(allowed.joined(separator: ", ")). Remove it."
                : "\"\(member.key)\" is not a field of a Security Scheme Object; a scheme of type \"\(type)\" has \(allowed.joined(separator: ", ")), and vendor extensions start with \"x-\"."
            problems.append((message, pointer.appending(member.key), true, "field:\(member.key)"))
        }
        for field in required where object[field] == nil && !(field == "flow" && object["flow"] != nil) {
            let what: String
            switch field {
            case "name": what = "the name of the header or query parameter that carries the key"
            case "in": what = "where the key goes, \"header\" or \"query\""
            case "flow": what = "the OAuth 2.0 flow, one of implicit, password, application, accessCode"
            case "authorizationUrl": what = "the URL of the authorization endpoint"
            case "tokenUrl": what = "the URL of the token endpoint"
            default: what = field
            }
            problems.append(("The \(type) security scheme \"\(name)\" needs \"\(field)\": \(what).", pointer, false, "missing:\(field)"))
        }
        for field in ["description", "name", "authorizationUrl", "tokenUrl"] {
            if let value = object[field], allowed.contains(field), value.string == nil {
                problems.append(
                    ("\"\(field)\" must be a string, not \(OASText.describe(value)).", pointer.appending(field), false, "type:\(field)"))
            }
        }
        if type == "apiKey", let inValue = object["in"], inValue.string != "header" && inValue.string != "query" {
            problems.append(
                (
                    "\"in\" of the apiKey scheme \"\(name)\" must be \"header\" or \"query\"; \(OASText.quote(inValue)) is not.",
                    pointer.appending("in"), false, "in:\(inValue.jsonText)"
                ))
        }
        if let scopes = object["scopes"], allowed.contains("scopes") {
            if let map = scopes.object {
                for member in map.members where member.value.string == nil {
                    problems.append(
                        (
                            "The scope \"\(member.key)\" must map to a string that describes it, not \(OASText.describe(member.value)).",
                            pointer.appending("scopes").appending(member.key), false, "scope-type:\(member.key)"
                        ))
                }
            } else {
                problems.append(
                    (
                        "\"scopes\" must be an object that maps each scope name to its description, not \(OASText.describe(scopes)).",
                        pointer.appending("scopes"), false, "type:scopes"
                    ))
            }
        }
        return problems
    }
}
