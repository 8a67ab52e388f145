import Certification
import JSONDocument

extension SchemaRules {
    static let propertiesShape = Rule(
        RuleDescription(
            id: "properties-shape", severity: .error, stage: SchemaStage.stageName,
            summary:
                "apiProperties.json is {\"properties\": {…}} with string publisher and stackOwner, an array of string capabilities and scriptOperations, and no unknown members.",
            source:
                "PowerPlatformConnectors paconn-apiProperties.schema.json (props-shape, E; it omits scriptOperations and connectionParameterSets, which certified connectors use, so both are accepted). Unknown members and capabilities other than actions, triggers, gateway and cloud are warnings: certified connectors carry \"script\", \"stackowner\" and \"cloud only\". iconBrandColor (required, #rrggbb) is checked by the policy stage's brand-color-format, as are the forbidden colours and whether publisher and stackOwner must be present.",
            fix: "Keep every setting inside \"properties\", give each the documented type, and remove or rename unknown members.",
            triggering: [
                .properties(##"{"iconBrandColor": "#1f6feb"}"##).at("apiProperties.json#"),
                .properties(XMSExamples.properties(properties: #""scriptOperations": "GetForecast""#))
                    .at("apiProperties.json#/properties/scriptOperations"),
                .properties("[]").at("apiProperties.json#"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""scriptOperations": ["GetForecast"], "connectionParameterSets": {"uiDefinition": {"displayName": "Authentication", "description": "How to sign in."}, "values": []}"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document else { return [] }
        var shape = XMSShape()
        let file = "apiProperties.json"
        guard let root = document.root.object else {
            shape.error(
                "\(file) must be an object of the form {\"properties\": {…}}, but it is \(XMSText.kind(document.root)).",
                at: .root, signature: "root:\(document.root.typeName)")
            return context.propertiesFindings(shape.issues)
        }
        shape.unknownMembers(root, known: ["properties", "$schema"], owner: file, at: .root)
        guard
            let properties = shape.required(
                root, "properties", owner: file, at: .root,
                hint: "Put iconBrandColor, connectionParameters and the other settings inside {\"properties\": {…}}."),
            let object = shape.object(properties.value, "properties", at: properties.pointer)
        else {
            return context.propertiesFindings(shape.issues)
        }
        let at = properties.pointer
        shape.unknownMembers(
            object,
            known: [
                "iconBrandColor", "capabilities", "connectionParameters", "connectionParameterSets",
                "policyTemplateInstances", "publisher", "stackOwner", "scriptOperations",
            ],
            owner: "properties", at: at)
        for name in ["publisher", "stackOwner"] {
            if let field = shape.member(object, name, owner: "properties", at: at) {
                shape.string(field.value, name, at: field.pointer)
            }
        }
        if let capabilities = shape.member(object, "capabilities", owner: "properties", at: at),
            let list = shape.strings(capabilities.value, "capabilities", at: capabilities.pointer)
        {
            let known = ["actions", "triggers", "gateway", "cloud"]
            for (index, value) in list.enumerated() where !known.contains(value) {
                let match = known.first { $0 == value.lowercased() }
                shape.warning(
                    match.map { "capabilities has \"\(value)\"; write \"\($0)\"." }
                        ?? "capabilities has \"\(value)\", which is not a known capability (\(known.joined(separator: ", "))). Remove it.",
                    at: capabilities.pointer.appending(index), signature: "capability=\(value)")
            }
        }
        if let operations = shape.member(object, "scriptOperations", owner: "properties", at: at) {
            _ = shape.strings(operations.value, "scriptOperations", at: operations.pointer)
        }
        return context.propertiesFindings(shape.issues)
    }
}
