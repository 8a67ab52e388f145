import Certification
import JSONDocument

extension SchemaRules {
    static let xmsUnknownExtension = Rule(
        RuleDescription(
            id: "x-ms-unknown-extension", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "Every x-ms-* key of the swagger is an extension the Power Platform knows (misspelt and AutoRest-only ones have no effect).",
            source:
                "PowerPlatformConnectors swagger schema (`^x-ms-` keys outside its list are rejected: extension-names); custom-connector docs (openapi-extensions). A warning, not an error: 17 certified connectors carry unknown x-ms-* keys (AutoRest's x-ms-enum, x-ms-client-name, misspellings such as x-ms-visibilty), so the platform's own validator lets them through.",
            fix:
                "Fix the spelling of a misspelt extension, remove AutoRest-only and invented ones, or rename your own vendor extensions to x-<vendor>-….",
            triggering: [
                .swagger(XMSExamples.swagger(parameter: #""x-ms-visibilty": "advanced""#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-visibilty"),
                .swagger(XMSExamples.swagger(operation: #""x-ms-examples": {}"#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-examples"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(XMSExamples.swagger(parameter: #""x-contoso-region": "eu""#)),
                // A property of a schema that happens to be named like an extension is not one.
                .swagger(
                    XMSExamples.swagger(
                        definitions: #""Headers": {"type": "object", "properties": {"x-ms-request-id": {"type": "string"}}}"#)),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var issues: [XMSIssue] = []
        // Documents repeat the same unknown keys (AutoRest's x-ms-enum on every enum).
        var messages: [String: String] = [:]
        for visit in XMSWalk.allVisits(swagger.document.root, memo: context.input.memo) where visit.hasUnknown {
            for member in visit.object.members where XMSWalk.isExtensionKey(member.key) {
                guard XMSCatalog.ordinal(member.key) == nil else { continue }
                issues.append(
                    XMSIssue(
                        pointer: visit.pointer.appending(member.key),
                        message: messages[member.key]
                            ?? {
                                let message = xmsUnknownMessage(member.key)
                                messages[member.key] = message
                                return message
                            }(),
                        severity: nil, signature: member.key, atKey: true))
            }
        }
        return context.swaggerFindings(issues)
    }

    static func xmsUnknownMessage(_ key: String) -> String {
        if let known = XMSCatalog.knownNames.first(where: { $0.lowercased() == key.lowercased() }) {
            return
                "\"\(key)\" is written with the wrong case: extension names are case-sensitive, so it has no effect. Write it as \"\(known)\"."
        }
        if XMSCatalog.autoRest.contains(key) {
            let hint = key == "x-ms-enum" ? " To give enum values display names, use x-ms-enum-values." : ""
            return "\"\(key)\" is an AutoRest extension: the Power Platform ignores it. Remove it.\(hint)"
        }
        if let near = XMSText.nearest(key, in: XMSCatalog.knownNames) {
            return "\"\(key)\" is not an extension the Power Platform knows, so it has no effect. Did you mean \"\(near)\"?"
        }
        return
            "\"\(key)\" is not an extension the Power Platform knows: it has no effect, and the published connector schema rejects unknown x-ms- keys. Remove it, or name your own extension x-<vendor>-… instead."
    }
}
