import Certification
import JSONDocument

extension SchemaRules {
    static let xmsNotificationURLProperty = Rule(
        RuleDescription(
            id: "x-ms-notification-url-property", severity: .error, stage: SchemaStage.stageName,
            summary:
                "The body property marked x-ms-notification-url (where the platform puts the webhook's callback URL) is true, a string, internal and required.",
            source:
                "custom-connector docs (openapi-extensions, x-ms-notification-url: a Boolean on a parameter or input field); certification-rules.md `triggers-webhooks` (SVR, E: \"The notification URL property is in the body and is internal, required and a string\"). All 591 such properties in the certified corpus comply (one omits its type: a warning).",
            fix:
                "Declare the callback URL property as {\"type\": \"string\", \"x-ms-notification-url\": true, \"x-ms-visibility\": \"internal\"} and list it in the body schema's required.",
            triggering: [
                .swagger(
                    XMSExamples.swagger(
                        paths:
                            #""/hooks": {"post": {"operationId": "OnForecast", "summary": "When a forecast is published", "description": "Fires for each new forecast.", "x-ms-trigger": "single", "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {"callback": {"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "advanced"}}}}], "responses": {"201": {"description": "Created."}}}}"#
                    )
                ).at("apiDefinition.swagger.json#/paths/~1hooks/post/parameters/0/schema/properties/callback/x-ms-notification-url")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        paths:
                            #""/hooks": {"post": {"operationId": "OnForecast", "summary": "When a forecast is published", "description": "Fires for each new forecast.", "x-ms-trigger": "single", "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "required": ["callback"], "properties": {"callback": {"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "internal"}}}}], "responses": {"201": {"description": "Created."}}}}"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var issues: [XMSIssue] = []
        for visit in XMSWalk.visits(swagger, keys: ["x-ms-notification-url"], memo: context.input.memo) where visit.site == .schema {
            let object = visit.object
            guard let flag = object["x-ms-notification-url"], flag.bool != false else { continue }
            let tokens = visit.pointer.tokens
            // Only properties of a body schema: …/properties/<name>.
            guard tokens.count >= 2, tokens[tokens.count - 2] == "properties" else { continue }
            let name = tokens[tokens.count - 1]
            let parent = JSONPointer(tokens: Array(tokens.dropLast(2)))
            var problems: [String] = []
            switch object["type"]?.string {
            case "string": break
            case nil:
                if object["$ref"] == nil {
                    issues.append(
                        XMSIssue(
                            pointer: visit.pointer,
                            message:
                                "The callback URL property \"\(name)\" (x-ms-notification-url) has no type. Declare \"type\": \"string\".",
                            severity: .warning, signature: "notification-url-untyped:\(name)"))
                }
            case let other?:
                problems.append("is of type \"\(other)\", not \"string\"")
            }
            if object["x-ms-visibility"]?.string?.lowercased() != "internal" {
                problems.append("is not \"x-ms-visibility\": \"internal\" (the platform fills it in; the user must not)")
            }
            let required = root.value(at: parent)?["required"]?.array?.contains { $0.string == name } ?? false
            if !required {
                problems.append("is not listed in the required of its schema")
            }
            guard !problems.isEmpty else { continue }
            issues.append(
                XMSIssue(
                    pointer: visit.pointer.appending("x-ms-notification-url"),
                    message:
                        "The callback URL property \"\(name)\" (x-ms-notification-url) \(problems.joined(separator: ", and ")). It must be a required, internal string.",
                    severity: nil, signature: "notification-url:\(name):\(problems.count)"))
        }
        return context.swaggerFindings(issues)
    }
}
