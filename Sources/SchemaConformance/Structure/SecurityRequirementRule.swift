import Certification
import JSONDocument

extension SchemaRules {
    static let securityRequirementDefined = Rule(
        RuleDescription(
            id: "security-requirement-defined", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "Every security requirement (of the document or of an operation) names a scheme of securityDefinitions; for basic and apiKey schemes its list is empty, for oauth2 schemes it lists only scopes that the scheme defines.",
            source:
                "OpenAPI 2.0 specification (Security Requirement Object: \"Each name must correspond to a security scheme which is declared in the Security Definitions. If the security scheme is of type \\\"oauth2\\\", then the value is a list of scope names required for the execution. For other security scheme types, the array MUST be empty.\"); reference: security (SVR: \"The security requirement '{0}' is not defined in the 'securityDefinitions' object\", R). Calibrated to a warning (strict: error): the platform authenticates with apiProperties.json's connection parameters, not with the swagger's security requirements, no pull-request validator output quoting this was found, and the rule fired as an error on 32 of the 619 certified connectors, 17 of them changed in 2023-24, mostly naming a scheme under another spelling (docs/calibration.md).",
            fix:
                "Use the exact name of a scheme defined in securityDefinitions; give basic and apiKey schemes an empty list ([]); list only scopes declared in the oauth2 scheme's \"scopes\" (or declare them there).",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "security": [{"apikey": []}], "securityDefinitions": {"api_key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}"##
                ).at("apiDefinition.swagger.json#/security/0/apikey"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "security": [{"api_key": ["read"]}], "securityDefinitions": {"api_key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}"##
                ).at("apiDefinition.swagger.json#/security/0/api_key"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"security": [{"oauth": ["write"]}], "responses": {"200": {"description": "OK"}}}}}, "securityDefinitions": {"oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a.example", "tokenUrl": "https://a.example", "scopes": {"read": "Read"}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/security/0/oauth/0"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"security": [], "responses": {"200": {"description": "OK"}}}}}, "security": [{"oauth": ["read"]}, {}], "securityDefinitions": {"oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a.example", "tokenUrl": "https://a.example", "scopes": {"read": "Read"}}}}"##
                ),
            ], strictSeverity: .error)
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        let definitions = root["securityDefinitions"]?.object
        var findings: [Finding?] = []
        func check(_ list: JSONValue?, _ pointer: JSONPointer) {
            guard let requirements = list?.array else { return }
            for (index, requirement) in requirements.enumerated() {
                guard let requirement = requirement.object else { continue }
                for member in requirement.members {
                    let at = pointer.appending(index).appending(member.key)
                    guard let scheme = definitions?[member.key]?.object else {
                        let names = definitions?.members.map(\.key) ?? []
                        var message = "The security requirement names \"\(member.key)\", which securityDefinitions does not define."
                        if let near = names.first(where: { $0.lowercased() == member.key.lowercased() }) {
                            message += " Names are case-sensitive: did you mean \"\(near)\"?"
                        } else if names.isEmpty {
                            message += " Define the scheme in securityDefinitions, or remove the requirement."
                        } else {
                            message += " The defined schemes are \(OASText.list(names)): use one of them, or define \"\(member.key)\"."
                        }
                        findings.append(context.swaggerFinding(message, at: at, atKey: true, signature: "undefined:\(member.key)"))
                        continue
                    }
                    guard let scopes = member.value.array else { continue }  // openapi-structure
                    if scheme["type"]?.string == "oauth2" {
                        let defined = scheme["scopes"]?.object
                        for (scopeIndex, scope) in scopes.enumerated() {
                            guard let name = scope.string, defined?[name] == nil else { continue }
                            let known = defined.map { $0.members.map(\.key) } ?? []
                            let list =
                                known.isEmpty ? "it defines no scopes" : "it defines " + known.map(OASText.literal).joined(separator: ", ")
                            findings.append(
                                context.swaggerFinding(
                                    "The scope \(OASText.literal(name)) is not defined in the oauth2 scheme \(OASText.literal(member.key)) (\(list)). Add it to the scheme's \"scopes\" with a description, or remove it here.",
                                    at: at.appending(scopeIndex), signature: "scope:\(member.key):\(name)"))
                        }
                    } else if !scopes.isEmpty, let type = scheme["type"]?.string {
                        findings.append(
                            context.swaggerFinding(
                                "The \(type) scheme \"\(member.key)\" takes no scopes: its list must be empty ([]), but it has \(OASText.quote(member.value)). Only oauth2 schemes list scopes.",
                                at: at, signature: "not-empty:\(member.key)"))
                    }
                }
            }
        }
        check(root["security"], "/security")
        for operation in OASOperation.all(context) {
            if let value = operation.operation["security"] { check(value, operation.pointer.appending("security")) }
        }
        return findings.compactMap { $0 }
    }
}
