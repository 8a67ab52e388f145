import Certification
import JSONDocument

extension SchemaRules {
    static let xmsExtensionPlacement = Rule(
        RuleDescription(
            id: "x-ms-extension-placement", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "Each known x-ms-* extension sits where the platform reads it (x-ms-trigger on an operation, x-ms-url-encoding on a path parameter, x-ms-dynamic-values on a parameter or a property, …); elsewhere it has no effect.",
            source:
                "custom-connector docs (openapi-extensions: \"Applies to\" of each extension); PowerPlatformConnectors swagger schema (which extensions each object accepts); SVR (dynamic-refs: not on the body parameter itself). x-ms-url-encoding on query parameters is left to the policy stage's path-param-encoding; here it is reported on header and formData parameters, schemas and operations. x-ms-notification-content is accepted on the path item as well as the operation: that is where the certified connectors put it. A warning: a misplaced extension is ignored, not rejected.",
            fix: "Move the extension to the object it applies to, or remove it.",
            triggering: [
                .swagger(XMSExamples.swagger(operation: #""x-ms-summary": "Forecast""#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-summary"),
                .swagger(
                    XMSExamples.swagger(
                        paths:
                            #""/alerts": {"get": {"operationId": "GetAlerts", "summary": "Get alerts", "description": "Returns the alerts.", "x-ms-visibility": "advanced", "parameters": [{"name": "Region", "in": "header", "required": false, "type": "string", "description": "The region.", "x-ms-summary": "Region", "x-ms-url-encoding": "single"}], "responses": {"200": {"description": "The alerts."}}}}"#
                    )
                ).at("apiDefinition.swagger.json#/paths/~1alerts/get/parameters/0/x-ms-url-encoding"),
                .swagger(XMSExamples.swagger(definitions: #""Day": {"type": "object", "x-ms-trigger": "single"}"#))
                    .at("apiDefinition.swagger.json#/definitions/Day/x-ms-trigger"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        paths:
                            #""/forecast/{day}": {"get": {"operationId": "GetDay", "summary": "Get a day", "description": "Returns one day.", "x-ms-visibility": "advanced", "parameters": [{"name": "day", "in": "path", "required": true, "type": "string", "description": "The day.", "x-ms-summary": "Day", "x-ms-url-encoding": "double"}], "responses": {"200": {"description": "The day."}}}}"#
                    )),
                .swagger(
                    XMSExamples.swagger(
                        paths:
                            #""/hooks": {"x-ms-notification-content": {"description": "A new forecast.", "schema": {"type": "object"}}, "post": {"operationId": "OnForecast", "summary": "When a forecast is published", "description": "Fires for each new forecast.", "x-ms-trigger": "single", "responses": {"201": {"description": "Created."}}}}"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var issues: [XMSIssue] = []
        // Misplaced extensions, and the three whose place depends on more than the site.
        let special = XMSCatalog.mask(["x-ms-trigger-hint", "x-ms-trigger-metadata", "x-ms-url-encoding"])!
        for visit in XMSWalk.allVisits(swagger.document.root, memo: context.input.memo)
        where visit.hasMisplaced || visit.known & special != 0 {
            for member in visit.object.members where XMSWalk.isExtensionKey(member.key) {
                guard let applies = XMSCatalog.applies(member.key, at: visit.site) else { continue }
                if !applies {
                    issues.append(
                        XMSIssue(
                            pointer: visit.pointer.appending(member.key), message: xmsPlacementMessage(member.key, visit.site),
                            severity: nil,
                            signature: "\(member.key)@\(visit.site.rawValue)", atKey: true))
                } else if member.key == "x-ms-trigger-hint" || member.key == "x-ms-trigger-metadata", visit.object["x-ms-trigger"] == nil {
                    issues.append(
                        XMSIssue(
                            pointer: visit.pointer.appending(member.key),
                            message:
                                "\(member.key) is read only on triggers, and this operation has no x-ms-trigger. Remove it, or make the operation a trigger with \"x-ms-trigger\": \"single\" or \"batch\".",
                            severity: nil, signature: "\(member.key)@action", atKey: true))
                } else if member.key == "x-ms-url-encoding", let place = visit.object["in"]?.string, place != "path", place != "query" {
                    // Query parameters are the policy stage's path-param-encoding.
                    issues.append(
                        XMSIssue(
                            pointer: visit.pointer.appending(member.key),
                            message:
                                "x-ms-url-encoding applies only to path parameters; on this \(place) parameter it has no effect, and the Swagger Validator flags it. Remove it.",
                            severity: nil, signature: "x-ms-url-encoding@\(place)", atKey: true))
                }
            }
        }
        return context.swaggerFindings(issues)
    }

    static func xmsPlacementMessage(_ key: String, _ site: XMSSite) -> String {
        switch (key, site) {
        case ("x-ms-summary", .operation):
            return
                "x-ms-summary has no effect on an operation: an operation's title is its summary. Remove x-ms-summary here (x-ms-summary titles parameters and properties)."
        case ("x-ms-dynamic-values", .bodyParameter), ("x-ms-dynamic-list", .bodyParameter):
            return "\(key) cannot be set on the body parameter itself. Put it on the property of the body schema whose values it lists."
        default:
            return
                "\(key) has no effect \(site.phrase): the platform reads it only \(XMSCatalog.sitesPhrase(key)). Move it there or remove it."
        }
    }
}
