import Certification
import JSONDocument

extension SchemaRules {
    static let propertiesOAuthSetting = Rule(
        RuleDescription(
            id: "properties-oauth-setting", severity: .error, stage: SchemaStage.stageName,
            summary:
                "An oauthSetting connection parameter has oAuthSettings with a string identityProvider, clientId a string, scopes a list of strings, redirectMode Global, GlobalPerConnector or Direct, customParameters an object of {value} objects, and properties an object.",
            source:
                "PowerPlatformConnectors paconn-apiProperties schema (oauth-idp; redirectMode {Global, Direct}; aad requires customParameters.resourceUri; aadcertificate requires IsFirstParty \"True\"); certification-rules.md `oauth-redirect`: 34 certified connectors use GlobalPerConnector, so it is accepted. Warnings, not errors, where certified connectors differ: a missing aad resourceUri (1), a non-string redirectUrl (1), a boolean IsFirstParty (1), an unknown member such as additionalParameters (1), \"direct\" in lower case (1). Whether redirectMode Global is still allowed is content policy, not checked here.",
            fix: "Give oAuthSettings the documented members and types; see the message.",
            triggering: [
                .properties(
                    XMSExamples.properties(
                        apiKey:
                            #"{"type": "oauthSetting", "oAuthSettings": {"clientId": "[DUMMY_VALUE]", "scopes": "read", "redirectMode": "Global"}}"#
                    )
                ).at("apiProperties.json#/properties/connectionParameters/api_key/oAuthSettings/scopes"),
                .properties(
                    XMSExamples.properties(
                        apiKey:
                            #"{"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "[DUMMY_VALUE]", "scopes": [], "redirectMode": "Local", "customParameters": {}}}"#
                    )
                ).at("apiProperties.json#/properties/connectionParameters/api_key/oAuthSettings/redirectMode"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        apiKey:
                            #"{"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "[DUMMY_VALUE]", "scopes": ["read"], "redirectMode": "GlobalPerConnector", "redirectUrl": "https://global.consent.azure-apim.net/redirect", "customParameters": {"authorizationUrl": {"value": "https://contoso.example/oauth/authorize"}}, "properties": {"IsFirstParty": "False"}}}"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document else { return [] }
        var shape = XMSShape()
        for parameter in XMSProperties(document.root).connectionParameters {
            guard let object = parameter.value.object,
                XMSProperties.member(object, "type")?.value.string?.lowercased() == "oauthsetting"
            else { continue }
            let owner = "Connection parameter \"\(parameter.name)\""
            guard
                let settingsMember = shape.required(
                    object, "oAuthSettings", owner: owner, at: parameter.pointer,
                    hint:
                        "An oauthSetting parameter needs \"oAuthSettings\": {\"identityProvider\": …, \"clientId\": …, \"scopes\": […], \"redirectMode\": …}."
                ),
                let settings = shape.object(settingsMember.value, "\(owner): oAuthSettings", at: settingsMember.pointer)
            else { continue }
            let name = "\(owner): oAuthSettings"
            let at = settingsMember.pointer
            shape.unknownMembers(
                settings,
                known: [
                    "identityProvider", "clientId", "clientSecret", "scopes", "redirectMode", "redirectUrl", "customParameters",
                    "properties",
                ],
                owner: name, at: at)
            var provider = ""
            if let field = shape.required(
                settings, "identityProvider", owner: name, at: at,
                hint: "Set it to oauth2, oauth2generic, aad, aadcertificate or the service's own provider."),
                let text = shape.string(field.value, "\(name).identityProvider", at: field.pointer)
            {
                provider = text.lowercased()
                if text.allSatisfy(\.isWhitespace) {
                    shape.error(
                        "\(name).identityProvider is empty. Set it to oauth2, oauth2generic, aad, aadcertificate or the service's own provider.",
                        at: field.pointer, signature: "identityProvider:empty")
                }
            }
            for key in ["clientId", "clientSecret"] {
                if let field = shape.member(settings, key, owner: name, at: at) {
                    shape.optionalString(field.value, "\(name).\(key)", at: field.pointer)
                }
            }
            if let field = shape.member(settings, "scopes", owner: name, at: at), !field.value.isNull {
                _ = shape.strings(field.value, "\(name).scopes", at: field.pointer)
            }
            if let field = shape.member(settings, "redirectMode", owner: name, at: at), !field.value.isNull,
                let issue = XMSVocabulary.check(
                    field.value, "\(name).redirectMode", allowed: ["Global", "GlobalPerConnector", "Direct"], at: field.pointer)
            {
                shape.issues.append(issue)
            }
            if let field = shape.member(settings, "redirectUrl", owner: name, at: at), !field.value.isNull, field.value.string == nil {
                shape.warning(
                    "\(name).redirectUrl should be a URL string or null, but it is \(XMSText.kind(field.value)). The platform sets the redirect URL from redirectMode; write a string or remove it.",
                    at: field.pointer, signature: "redirectUrl:\(field.value.typeName)")
            }
            var custom: JSONObject?
            if let field = shape.member(settings, "customParameters", owner: name, at: at),
                let map = shape.object(
                    field.value, "\(name).customParameters", at: field.pointer,
                    hint: "Write {\"name\": {\"value\": \"…\"}, …}.")
            {
                custom = map
                for member in map.members {
                    let item = "\(name).customParameters.\(member.key)"
                    guard
                        let entry = shape.object(
                            member.value, item, at: field.pointer.appending(member.key),
                            hint: "Write {\"value\": \"…\"}.")
                    else { continue }
                    if let value = entry["value"], value.object != nil || value.array != nil {
                        shape.error(
                            "\(item).value must be a string, but it is \(XMSText.kind(value)).",
                            at: field.pointer.appending(member.key).appending("value"), signature: "custom:\(member.key)")
                    }
                }
            }
            var firstParty: JSONValue?
            if let field = shape.member(settings, "properties", owner: name, at: at),
                let map = shape.object(field.value, "\(name).properties", at: field.pointer)
            {
                if let flag = XMSProperties.member(map, "IsFirstParty") {
                    firstParty = flag.value
                    if flag.value.string == nil {
                        shape.warning(
                            "\(name).properties.IsFirstParty should be the string \"True\" or \"False\", but it is \(XMSText.quote(flag.value)).",
                            at: field.pointer.appending(flag.key), signature: "IsFirstParty:\(flag.value.typeName)")
                    }
                }
            }
            if provider == "aad", XMSProperties.member(custom, "resourceUri") == nil {
                shape.warning(
                    "\(name) uses identityProvider aad without customParameters.resourceUri; the schema requires the resource the token is for. Add \"resourceUri\": {\"value\": \"…\"}.",
                    at: at, signature: "aad:resourceUri")
            }
            if provider == "aadcertificate", firstParty?.string?.lowercased() != "true" {
                shape.warning(
                    "\(name) uses identityProvider aadcertificate, which the schema allows only with properties.IsFirstParty \"True\".",
                    at: at, signature: "aadcertificate:IsFirstParty")
            }
        }
        return context.propertiesFindings(shape.issues)
    }
}
