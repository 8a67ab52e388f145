import Certification
import JSONDocument

extension SchemaRules {
    static let propertiesConnectionParameter = Rule(
        RuleDescription(
            id: "properties-connection-parameter", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Each connection parameter (in connectionParameters or a connectionParameterSets entry) has a valid name, a type among string, securestring, int, bool, oauthSetting, gatewaySetting, clientCertificate, and a uiDefinition, when it has one, that is an object with string displayName, description and tooltip and an object constraints.",
            source:
                "PowerPlatformConnectors paconn-apiProperties schema (conn-param-names, conn-param-types, E); clientCertificate is the platform's certificate-authentication type. One certified connector has a hyphen in a parameter name and one writes \"oAuthSetting\": those are warnings (the platform accepted them). A null uiDefinition is read as none (two certified oauthSetting parameters). Whether a visible parameter must have a uiDefinition with a non-empty displayName and description is the policy stage's conn-param-uidef, and whether gateway or certificate authentication may be certified is its auth-type.",
            fix:
                "Name parameters with letters, digits and underscores (optionally prefix:name), use a supported type, and write uiDefinition as an object of strings.",
            triggering: [
                .properties(
                    XMSExamples.properties(
                        apiKey: #"{"type": "password", "uiDefinition": {"displayName": "API Key", "description": "The API key."}}"#)
                )
                .at("apiProperties.json#/properties/connectionParameters/api_key/type"),
                .properties(
                    XMSExamples.properties(
                        apiKey: #"{"type": "securestring", "uiDefinition": {"displayName": ["API Key"], "description": "The API key."}}"#)
                )
                .at("apiProperties.json#/properties/connectionParameters/api_key/uiDefinition/displayName"),
                .properties(
                    XMSExamples.properties(
                        connectionParameters:
                            #""region name": {"type": "string", "uiDefinition": {"displayName": "Region", "description": "The region."}}"#)
                )
                .at("apiProperties.json#/properties/connectionParameters/region name"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        connectionParameters:
                            #""token:TenantId": {"type": "string", "metadata": {"sourceType": "AzureActiveDirectoryTenant"}, "uiDefinition": {"constraints": {"required": "false", "hidden": "true"}}}"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document else { return [] }
        var shape = XMSShape()
        let types = ["string", "securestring", "int", "bool", "oauthSetting", "gatewaySetting", "clientCertificate"]
        for parameter in XMSProperties(document.root).connectionParameters {
            let owner = "Connection parameter \"\(parameter.name)\""
            if !XMSText.isParameterName(parameter.name, hyphen: false) {
                let hyphenOnly = XMSText.isParameterName(parameter.name, hyphen: true)
                let suggestion = String(parameter.name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ":") ? $0 : "_" })
                let message =
                    "\(owner) has a name with characters other than letters, digits and underscores (or one prefix such as token:). Rename it, e.g. \"\(suggestion)\", and update the references to it."
                if hyphenOnly {
                    shape.warning(
                        message + " A hyphen is accepted by the platform, but the schema does not allow it.",
                        at: parameter.pointer, signature: "name:\(parameter.name)", atKey: true)
                } else {
                    shape.error(message, at: parameter.pointer, signature: "name:\(parameter.name)", atKey: true)
                }
            }
            guard let object = shape.object(parameter.value, owner, at: parameter.pointer) else { continue }
            if let typeMember = shape.required(
                object, "type", owner: owner, at: parameter.pointer,
                hint: "Add \"type\": one of \(types.joined(separator: ", ")).")
            {
                if let text = shape.string(typeMember.value, "\(owner): type", at: typeMember.pointer) {
                    if let match = types.first(where: { $0.lowercased() == text.lowercased() }) {
                        if match != text {
                            shape.warning(
                                "\(owner) has type \"\(text)\"; write \"\(match)\". The platform reads it without regard to case.",
                                at: typeMember.pointer, signature: "type=\(text)")
                        }
                    } else {
                        shape.error(
                            "\(owner) has type \"\(text)\", which is not a connection parameter type. Use one of \(types.joined(separator: ", ")).",
                            at: typeMember.pointer, signature: "type=\(text)")
                    }
                }
            }
            // A null uiDefinition is read as none (two certified oauthSetting parameters have one).
            // Whether it must be there, with a displayName and a description, is the policy stage's
            // conn-param-uidef.
            guard let ui = shape.member(object, "uiDefinition", owner: owner, at: parameter.pointer), !ui.value.isNull,
                let definition = shape.object(ui.value, "\(owner): uiDefinition", at: ui.pointer)
            else { continue }
            for name in ["displayName", "description", "tooltip"] {
                if let field = shape.member(definition, name, owner: "\(owner): uiDefinition", at: ui.pointer) {
                    shape.string(field.value, "\(owner): uiDefinition.\(name)", at: field.pointer)
                }
            }
            if let constraints = shape.member(definition, "constraints", owner: "\(owner): uiDefinition", at: ui.pointer) {
                _ = shape.object(constraints.value, "\(owner): uiDefinition.constraints", at: constraints.pointer)
            }
        }
        return context.propertiesFindings(shape.issues)
    }
}
