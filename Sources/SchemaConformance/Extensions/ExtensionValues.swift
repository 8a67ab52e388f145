import Certification
import JSONDocument

/// Closed vocabularies of extension values. The platform parses them without regard to case
/// ("Advanced", "production" and "nextlink" are in certified connectors), so a value that
/// differs only in case is a warning; any other value is an error.
enum XMSVocabulary {
    /// The issue for `value` at `pointer` when it is not one of `allowed`; nil when it is.
    /// Containers are left to x-ms-extension-shape.
    static func check(_ value: JSONValue, _ name: String, allowed: [String], at pointer: JSONPointer, meaning: String = "")
        -> XMSIssue?
    {
        let text: String
        switch value.kind {
        case .string(let string): text = string
        case .number(let number): text = number
        case .bool(let flag): text = flag ? "true" : "false"
        default: return nil
        }
        if allowed.contains(text) { return nil }
        let list = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
        if let match = allowed.first(where: { $0.lowercased() == text.lowercased() }) {
            return XMSIssue(
                pointer: pointer,
                message:
                    "\(name) is \"\(text)\"; write \"\(match)\". The platform reads the value without regard to case, but the documented values are \(list).",
                severity: .warning, signature: "\(name)=\(text)")
        }
        if text.isEmpty {
            return XMSIssue(
                pointer: pointer,
                message: "\(name) is empty, which means nothing to the platform. Set it to one of \(list)\(meaning), or remove it.",
                severity: .warning, signature: "\(name)=")
        }
        return XMSIssue(
            pointer: pointer, message: "\(name) is \"\(text)\", which the platform does not accept. Use one of \(list)\(meaning).",
            severity: nil, signature: "\(name)=\(text)")
    }
}

extension SchemaRules {
    static let xmsVisibilityValue = Rule(
        RuleDescription(
            id: "x-ms-visibility-value", severity: .error, stage: SchemaStage.stageName,
            summary: "x-ms-visibility is \"important\", \"advanced\" or \"internal\".",
            source:
                "custom-connector docs (openapi-extensions, x-ms-visibility); PowerPlatformConnectors swagger schema; certification-rules.md `visibility` (E). A value that differs only in case (\"Advanced\", one certified connector) or an empty string (four certified connectors) is accepted by the platform, so those are warnings.",
            fix:
                "Use \"important\" (shown first), \"advanced\" (behind \"Show advanced options\") or \"internal\" (hidden); remove the key for the default.",
            triggering: [
                .swagger(XMSExamples.swagger(parameter: #""x-ms-visibility": "hidden""#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-visibility"),
                .swagger(
                    XMSExamples.swagger(
                        definitions:
                            #""Day": {"type": "object", "properties": {"high": {"type": "number", "x-ms-visibility": "Advanced"}}}"#)
                )
                .at("apiDefinition.swagger.json#/definitions/Day/properties/high/x-ms-visibility (warning)"),
            ],
            nonTriggering: [.minimal(), .swagger(XMSExamples.swagger(parameter: #""x-ms-visibility": "advanced""#))])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var issues: [XMSIssue] = []
        for visit in XMSWalk.visits(swagger, keys: ["x-ms-visibility"], memo: context.input.memo) {
            guard let value = visit.object["x-ms-visibility"], XMSCatalog.applies("x-ms-visibility", at: visit.site) == true else {
                continue
            }
            if let issue = XMSVocabulary.check(
                value, "x-ms-visibility", allowed: ["important", "advanced", "internal"],
                at: visit.pointer.appending("x-ms-visibility"))
            {
                issues.append(issue)
            }
        }
        return context.swaggerFindings(issues)
    }

    static let xmsExtensionValue = Rule(
        RuleDescription(
            id: "x-ms-extension-value", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Extensions with a closed set of values use one of them: x-ms-trigger single|batch, x-ms-url-encoding single|double, x-ms-media-kind image|audio|video, x-ms-api-annotation status Preview|Production and revision >= 1, x-ms-pageable nextLinkName nextLink|@odata.nextLink.",
            source:
                "custom-connector docs (openapi-extensions: x-ms-trigger, x-ms-url-encoding, x-ms-api-annotation); PowerPlatformConnectors swagger schema (x-ms-api-annotation status, revision minimum 1; x-ms-media-kind); certification-rules.md `triggers-webhooks`, `pageable-versioning` (SVR, E). Values that differ only in case are warnings: certified connectors use status \"production\" and nextLinkName \"nextlink\". The Logic Apps API model also has status \"NotSpecified\", accepted here.",
            fix: "Replace the value with one of the listed ones.",
            triggering: [
                .swagger(XMSExamples.swagger(operation: #""x-ms-trigger": "polling""#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-trigger"),
                .swagger(XMSExamples.swagger(operation: #""x-ms-pageable": {"nextLinkName": "next"}"#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-pageable/nextLinkName"),
                .swagger(XMSExamples.swagger(operation: #""x-ms-api-annotation": {"family": "GetForecast", "revision": 0}"#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-api-annotation/revision"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        info: #""x-ms-api-annotation": {"status": "Preview"}"#,
                        operation:
                            #""x-ms-trigger": "batch", "x-ms-pageable": {"nextLinkName": "@odata.nextLink"}, "x-ms-api-annotation": {"family": "GetForecast", "revision": 2, "status": "Production"}"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var issues: [XMSIssue] = []
        let keys = ["x-ms-trigger", "x-ms-url-encoding", "x-ms-media-kind", "x-ms-api-annotation", "x-ms-pageable"]
        for visit in XMSWalk.visits(swagger, keys: keys, memo: context.input.memo) {
            func applies(_ key: String) -> JSONValue? {
                guard XMSCatalog.applies(key, at: visit.site) == true else { return nil }
                return visit.object[key]
            }
            let base = visit.pointer
            if let value = applies("x-ms-trigger"),
                let issue = XMSVocabulary.check(
                    value, "x-ms-trigger", allowed: ["single", "batch"], at: base.appending("x-ms-trigger"),
                    meaning: " (\"single\": each event is one object; \"batch\": the response is an array of events)")
            {
                issues.append(issue)
            }
            if let value = applies("x-ms-url-encoding"),
                let issue = XMSVocabulary.check(
                    value, "x-ms-url-encoding", allowed: ["single", "double"], at: base.appending("x-ms-url-encoding"))
            {
                issues.append(issue)
            }
            if let value = applies("x-ms-media-kind"),
                let issue = XMSVocabulary.check(
                    value, "x-ms-media-kind", allowed: ["image", "audio", "video"], at: base.appending("x-ms-media-kind"))
            {
                issues.append(issue)
            }
            if let annotation = applies("x-ms-api-annotation")?.object {
                let at = base.appending("x-ms-api-annotation")
                if let status = annotation["status"],
                    let issue = XMSVocabulary.check(
                        status, "x-ms-api-annotation.status", allowed: ["Preview", "Production", "NotSpecified"],
                        at: at.appending("status"))
                {
                    issues.append(issue)
                }
                if let revision = annotation["revision"]?.int, revision < 1 {
                    issues.append(
                        XMSIssue(
                            pointer: at.appending("revision"),
                            message:
                                "x-ms-api-annotation.revision is \(revision); revisions start at 1. Number the first revision of a family 1 and each later one higher.",
                            severity: nil, signature: "revision=\(revision)"))
                }
            }
            if let pageable = applies("x-ms-pageable")?.object, let name = pageable["nextLinkName"],
                let issue = XMSVocabulary.check(
                    name, "x-ms-pageable.nextLinkName", allowed: ["nextLink", "@odata.nextLink"],
                    at: base.appending("x-ms-pageable").appending("nextLinkName"),
                    meaning:
                        " (the Swagger Validator accepts no other name; return the next page's URL in one of these properties, with the updatenextlink policy if the API names it otherwise)"
                )
            {
                issues.append(issue)
            }
        }
        return context.swaggerFindings(issues)
    }
}
