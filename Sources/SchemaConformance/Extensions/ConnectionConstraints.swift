import Certification
import JSONDocument

extension SchemaRules {
    static let propertiesConnectionConstraints = Rule(
        RuleDescription(
            id: "properties-connection-constraints", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "A connection parameter's uiDefinition.constraints has required and hidden as the strings \"true\"/\"false\", clearText a boolean, tabIndex an integer, allowedValues a list of {text, value}, capability a list of strings.",
            source:
                "PowerPlatformConnectors paconn-apiProperties schema (constraint-types). Warning only: the reference records a conflict (PR#1421's validator wanted a boolean hidden on token:* parameters, while a third-party report says a boolean hidden was rejected), and certified connectors use boolean required (5) and hidden (8).",
            fix: "Write required and hidden as \"true\" or \"false\" (strings), clearText as true or false, tabIndex as a number.",
            triggering: [
                .properties(
                    XMSExamples.properties(
                        apiKey:
                            #"{"type": "securestring", "uiDefinition": {"displayName": "API Key", "description": "The API key.", "constraints": {"required": true, "clearText": "no"}}}"#
                    )
                ).at("apiProperties.json#/properties/connectionParameters/api_key/uiDefinition/constraints/required")
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        connectionParameters:
                            #""region": {"type": "string", "uiDefinition": {"displayName": "Region", "description": "The region.", "constraints": {"required": "false", "hidden": "false", "tabIndex": 3, "allowedValues": [{"text": "Europe", "value": "eu"}]}}}"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document else { return [] }
        var shape = XMSShape()
        for parameter in XMSProperties(document.root).connectionParameters {
            let owner = "Connection parameter \"\(parameter.name)\""
            guard let ui = XMSProperties.member(parameter.value.object, "uiDefinition"), let definition = ui.value.object,
                let constraints = shape.member(
                    definition, "constraints", owner: "\(owner): uiDefinition",
                    at: parameter.pointer.appending(ui.key))
            else { continue }
            let name = "\(owner): constraints"
            guard let object = constraints.value.object else {
                shape.warning(
                    "\(name) should be an object, but it is \(XMSText.kind(constraints.value)).",
                    at: constraints.pointer, signature: "constraints:\(constraints.value.typeName)")
                continue
            }
            let at = constraints.pointer
            shape.unknownMembers(
                object, known: ["required", "hidden", "clearText", "tabIndex", "allowedValues", "capability"], owner: name, at: at)
            for flag in ["required", "hidden"] {
                guard let field = shape.member(object, flag, owner: name, at: at) else { continue }
                switch field.value.kind {
                case .string(let text) where text == "true" || text == "false":
                    break
                case .bool(let value):
                    shape.warning(
                        "\(name).\(flag) is the boolean \(value); the schema wants the string \"\(value)\". The platform accepts both, and validators have disagreed on it, so prefer \"\(value)\".",
                        at: field.pointer, signature: "\(flag):boolean")
                default:
                    shape.warning(
                        "\(name).\(flag) is \(XMSText.quote(field.value)); write \"true\" or \"false\".",
                        at: field.pointer, signature: "\(flag):\(field.value.typeName)")
                }
            }
            if let field = shape.member(object, "clearText", owner: name, at: at), field.value.bool == nil {
                shape.warning(
                    "\(name).clearText is \(XMSText.quote(field.value)); write true or false (without quotes).",
                    at: field.pointer, signature: "clearText:\(field.value.typeName)")
            }
            if let field = shape.member(object, "tabIndex", owner: name, at: at), !(field.value.isIntegral) {
                shape.warning(
                    "\(name).tabIndex is \(XMSText.quote(field.value)); write the position as an integer.",
                    at: field.pointer, signature: "tabIndex:\(field.value.typeName)")
            }
            if let field = shape.member(object, "allowedValues", owner: name, at: at) {
                if let list = field.value.array {
                    for (index, item) in list.enumerated() {
                        let entry = item.object
                        if entry == nil || XMSProperties.member(entry, "value") == nil {
                            shape.warning(
                                "\(name).allowedValues[\(index)] should be {\"text\": \"…\", \"value\": \"…\"}.",
                                at: field.pointer.appending(index), signature: "allowedValues-item")
                        }
                    }
                } else {
                    shape.warning(
                        "\(name).allowedValues should be an array of {\"text\", \"value\"}.",
                        at: field.pointer, signature: "allowedValues:\(field.value.typeName)")
                }
            }
            if let field = shape.member(object, "capability", owner: name, at: at),
                !(field.value.array?.allSatisfy { $0.string != nil } ?? false)
            {
                shape.warning(
                    "\(name).capability should be an array of strings such as [\"cloud\"] or [\"gateway\"].",
                    at: field.pointer, signature: "capability:\(field.value.typeName)")
            }
        }
        return context.propertiesFindings(
            shape.issues.map {
                var issue = $0
                issue.severity = .warning
                return issue
            })
    }
}
