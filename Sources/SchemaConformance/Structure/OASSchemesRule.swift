import Certification
import JSONDocument

extension SchemaRules {
    static let openAPISchemes = Rule(
        RuleDescription(
            id: "openapi-schemes", severity: .error, stage: SchemaStage.stageName,
            summary:
                "\"schemes\" (of the document or of an operation) lists each of http, https, ws, wss at most once, nothing else, and at least one.",
            source:
                "OpenAPI 2.0 specification (Swagger Object and Operation Object schemes: \"Values MUST be from the list: \\\"http\\\", \\\"https\\\", \\\"ws\\\", \\\"wss\\\"\"; the official schema's uniqueItems); reference: schemes (SVR SchemeNotValid). An empty list is allowed by the specification and the official schema but names no way to call the API: the platform's validator rejects it (SVR SchemesArrayEmpty), and so does this rule. Whether ws/wss and plain http are acceptable for certification is a policy question (the policy rule schemes).",
            fix:
                "List \"https\" (or \"http\", \"ws\", \"wss\"), in lower case, each once; or remove \"schemes\" to use the scheme the swagger is served with.",
            triggering: [
                .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "schemes": ["HTTPS"], "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/schemes/0"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "schemes": ["https", "https"], "paths": {}}"##
                )
                .at("apiDefinition.swagger.json#/schemes/1"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"schemes": ["ftp"], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/schemes/0"),
                .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "schemes": [], "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/schemes"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        func check(_ value: JSONValue?, _ pointer: JSONPointer) {
            guard let elements = value?.array else { return }  // not an array: openapi-structure
            if elements.isEmpty {
                findings.append(
                    context.swaggerFinding(
                        "\"schemes\" is empty, so it names no scheme to call the API with. List \"https\", or remove \"schemes\" to use the scheme the swagger is served with.",
                        at: pointer, signature: "empty"))
            }
            var seen = Set<String>()
            for (index, element) in elements.enumerated() {
                let at = pointer.appending(index)
                guard let scheme = element.string, OASSchemes.allowed.contains(scheme) else {
                    var message =
                        "\(OASText.quote(element)) is not a scheme OpenAPI 2.0 allows: use \"http\", \"https\", \"ws\" or \"wss\"."
                    if let text = element.string, OASSchemes.allowed.contains(text.lowercased()) {
                        message += " Schemes are lower case: write \"\(text.lowercased())\"."
                    } else if let text = element.string, text.hasSuffix("://") || text.hasSuffix(":") {
                        message += " Write the scheme's name only, without \":\" or \"//\"."
                    }
                    findings.append(context.swaggerFinding(message, at: at, signature: element.jsonText))
                    continue
                }
                if !seen.insert(scheme).inserted {
                    findings.append(
                        context.swaggerFinding(
                            "\"\(scheme)\" is listed twice in \"schemes\"; list it once.", at: at, signature: "duplicate:\(scheme)"))
                }
            }
        }
        check(root["schemes"], "/schemes")
        for operation in OASOperation.all(context) {
            if let value = operation.operation["schemes"] { check(value, operation.pointer.appending("schemes")) }
        }
        return findings.compactMap { $0 }
    }
}

enum OASSchemes {
    static let allowed: Set<String> = ["http", "https", "ws", "wss"]
}
