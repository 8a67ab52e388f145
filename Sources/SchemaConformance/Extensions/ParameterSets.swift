import Certification
import JSONDocument

extension SchemaRules {
    static let propertiesParameterSets = Rule(
        RuleDescription(
            id: "properties-parameter-sets", severity: .error, stage: SchemaStage.stageName,
            summary:
                "connectionParameters is an object; connectionParameterSets (several ways to connect) is {\"uiDefinition\": {displayName, description}, \"values\": [{name, uiDefinition {displayName, description}, parameters {…}}]} with unique set names.",
            source:
                "PowerPlatformConnectors: connectionParameterSets is used by 9 certified connectors (and by Microsoft's multi-auth samples, schemas/tests/fixtures/multi-auth-*.json) but is absent from the old paconn schema, so its shape is taken from them. Three certified connectors spell \"displayname\": accepted with a warning (the platform reads member names without regard to case).",
            fix:
                "Give the set list and each set a uiDefinition with displayName and description, a unique name, and its own parameters object.",
            triggering: [
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""connectionParameterSets": {"uiDefinition": {"displayName": "Authentication", "description": "How to sign in."}, "values": [{"name": "key", "parameters": {}}]}"#
                    )
                ).at("apiProperties.json#/properties/connectionParameterSets/values/0"),
                .properties(XMSExamples.properties(properties: #""connectionParameterSets": {"values": {}}"#))
                    .at("apiProperties.json#/properties/connectionParameterSets/values"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""connectionParameterSets": {"uiDefinition": {"displayName": "Authentication", "description": "How to sign in."}, "values": [{"name": "key", "uiDefinition": {"displayName": "API key", "description": "Sign in with an API key."}, "parameters": {"api_key": {"type": "securestring", "uiDefinition": {"displayName": "API Key", "description": "The API key."}}}}]}"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document else { return [] }
        var shape = XMSShape()
        let properties = XMSProperties(document.root)
        if let (value, pointer) = properties.property("connectionParameters") {
            _ = shape.object(value, "connectionParameters", at: pointer, hint: "Write {\"<name>\": {\"type\": …, \"uiDefinition\": …}, …}.")
        }
        guard let (value, pointer) = properties.property("connectionParameterSets"),
            let sets = shape.object(value, "connectionParameterSets", at: pointer)
        else {
            return context.propertiesFindings(shape.issues)
        }
        let owner = "connectionParameterSets"
        shape.unknownMembers(sets, known: ["uiDefinition", "values"], owner: owner, at: pointer)
        func checkUI(_ object: JSONObject, owner: String, at: JSONPointer) {
            guard
                let ui = shape.required(
                    object, "uiDefinition", owner: owner, at: at,
                    hint: "Add \"uiDefinition\": {\"displayName\": …, \"description\": …}; the connection dialog shows them."),
                let definition = shape.object(ui.value, "\(owner).uiDefinition", at: ui.pointer)
            else { return }
            for name in ["displayName", "description"] {
                guard let field = shape.required(definition, name, owner: "\(owner).uiDefinition", at: ui.pointer) else { continue }
                if let text = shape.string(field.value, "\(owner).uiDefinition.\(name)", at: field.pointer),
                    text.allSatisfy(\.isWhitespace)
                {
                    shape.error(
                        "\(owner).uiDefinition.\(name) is empty; the connection dialog shows it.",
                        at: field.pointer, signature: "empty:\(name)")
                }
            }
        }
        checkUI(sets, owner: owner, at: pointer)
        guard
            let values = shape.required(sets, "values", owner: owner, at: pointer, hint: "List the ways to connect in \"values\": [{…}]."),
            let list = shape.array(values.value, "\(owner).values", at: values.pointer)
        else {
            return context.propertiesFindings(shape.issues)
        }
        var names: [String: Int] = [:]
        for (index, item) in list.enumerated() {
            let at = values.pointer.appending(index)
            let itemOwner = "\(owner).values[\(index)]"
            guard let set = shape.object(item, itemOwner, at: at) else { continue }
            shape.unknownMembers(set, known: ["name", "uiDefinition", "parameters", "metadata"], owner: itemOwner, at: at)
            if let name = shape.required(set, "name", owner: itemOwner, at: at, hint: "Name the set, e.g. \"oauth\" or \"apiKey\"."),
                let text = shape.string(name.value, "\(itemOwner).name", at: name.pointer)
            {
                if let first = names[text] {
                    shape.error(
                        "\(itemOwner) has the name \"\(text)\", like \(owner).values[\(first)]. Give each set its own name.",
                        at: name.pointer, signature: "duplicate:\(text)")
                } else {
                    names[text] = index
                }
            }
            checkUI(set, owner: itemOwner, at: at)
            if let parameters = shape.required(
                set, "parameters", owner: itemOwner, at: at,
                hint: "Add the set's connection parameters: \"parameters\": {…}.")
            {
                _ = shape.object(parameters.value, "\(itemOwner).parameters", at: parameters.pointer)
            }
            if let metadata = shape.member(set, "metadata", owner: itemOwner, at: at) {
                _ = shape.object(metadata.value, "\(itemOwner).metadata", at: metadata.pointer)
            }
        }
        return context.propertiesFindings(shape.issues)
    }
}
