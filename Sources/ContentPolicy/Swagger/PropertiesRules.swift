import Certification
import ConnectorPackage
import Foundation
import JSONDocument

/// One connection parameter of apiProperties.json, from `connectionParameters` or from a value
/// of `connectionParameterSets`.
struct PolicySwaggerConnectionParameter {
    var name: String
    var pointer: JSONPointer
    var object: JSONObject

    var type: String { object["type"]?.string ?? "" }
    var isOAuth: Bool { type.lowercased() == "oauthsetting" }

    static func all(_ root: JSONValue) -> [PolicySwaggerConnectionParameter] {
        var result: [PolicySwaggerConnectionParameter] = []
        let properties = JSONPointer(tokens: ["properties"])
        for member in root["properties"]?["connectionParameters"]?.object?.members ?? [] {
            guard let object = member.value.object else { continue }
            result.append(
                .init(name: member.key, pointer: properties.appending("connectionParameters").appending(member.key), object: object))
        }
        let sets = root["properties"]?["connectionParameterSets"]?["values"]?.array ?? []
        for (index, set) in sets.enumerated() {
            let base = properties.appending("connectionParameterSets").appending("values").appending(index).appending("parameters")
            for member in set["parameters"]?.object?.members ?? [] {
                guard let object = member.value.object else { continue }
                result.append(.init(name: member.key, pointer: base.appending(member.key), object: object))
            }
        }
        return result
    }
}

extension PolicyRules {
    static let publisherStackOwner = Rule(
        RuleDescription(
            id: "publisher-stackowner", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "apiProperties.json sets properties.publisher and properties.stackOwner to non-empty names that contain a letter or a digit.",
            source:
                "publisher-stackowner: DH/certification-submission 3a (R). The docs' \"alphanumeric\" is not enforced on the characters: 139 certified connectors have names like \"Blackbaud, Inc.\". Calibrated to a warning (strict: error): no validator message for it was found in any pull request; reviewers ask for the keys by hand (PR#918, PR#2637), paconn refused a stackOwner for years (\"InvalidRequestContent\", PR#754, PR#918), and the rule fired as an error on 70 of the 619 certified connectors, 17 of them changed in 2023-24 (docs/calibration.md).",
            fix:
                "Add \"publisher\": the company or person publishing the connector, and \"stackOwner\": the company that owns the service (for verified publishers usually the same name).",
            triggering: [
                .properties(PolicyOASExamples.properties(replacing: "\"stackOwner\": \"Contoso\"", with: "\"stackOwner\": \"\""))
                    .at("apiProperties.json#/properties/stackOwner"),
                .properties(PolicyOASExamples.properties(replacing: ",\n    \"publisher\": \"Contoso\"", with: ""))
                    .at("apiProperties.json#/properties/publisher"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    PolicyOASExamples.properties(replacing: "\"publisher\": \"Contoso\"", with: "\"publisher\": \"Contoso, Inc.\"")),
            ], strictSeverity: .error)
    ) { context in
        guard let properties = context.properties, let object = properties.document.root["properties"]?.object else { return [] }
        var findings: [Finding] = []
        for key in ["publisher", "stackOwner"] {
            let pointer = JSONPointer(tokens: ["properties", key])
            let role = key == "publisher" ? "the company or person publishing the connector" : "the company that owns the service"
            guard let value = object[key] else {
                findings.append(
                    context.finding(
                        "properties.\(key) is missing. Add it: \(role).",
                        in: properties.file, document: properties.document, at: pointer, signature: "\(key)-missing"))
                continue
            }
            let text = value.string ?? ""
            guard !text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) else { continue }
            findings.append(
                context.finding(
                    "properties.\(key) is \(value.jsonText), which is not a name. Set it to \(role).",
                    in: properties.file, document: properties.document, at: pointer, signature: "\(key)-empty"))
        }
        return findings
    }

    static let publisherMatchesAccount = Rule(
        RuleDescription(
            id: "publisher-matches-account", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "properties.publisher in apiProperties.json names the publisher the submission is filed under (the submitter's account), compared without case, spaces or punctuation.",
            source:
                "publisher-matches-account: Microsoft's certification bot answers \"Publisher Mismatch Detected\" when an update comes from another publisher than the connector's (PR#3832, V; certification-rules.md section 2). A warning: the account's name and the package's may be spelt differently (\"Contoso\" and \"Contoso Ltd\"), which a reviewer settles. Runs only where the filing publisher is known (the service; check --publisher).",
            fix:
                "Submit with the account of the publisher named in apiProperties.json, or correct properties.publisher to your organisation's name.",
            nonTriggering: [.minimal()])
    ) { context in
        guard let filed = context.input.options.filingPublisher, let properties = context.properties,
            let object = properties.document.root["properties"]?.object
        else { return [] }
        let pointer = JSONPointer(tokens: ["properties", "publisher"])
        // A missing publisher is publisher-stackowner's finding.
        guard let named = object["publisher"]?.string else { return [] }
        guard PublisherName.key(named) != PublisherName.key(filed) else { return [] }
        return [
            context.finding(
                "apiProperties.json names the publisher \"\(named)\", but this submission is filed under \"\(filed)\". Microsoft refuses an update from another publisher (\"Publisher Mismatch Detected\"): submit with \"\(named)\"'s account, or correct properties.publisher.",
                in: properties.file, document: properties.document, at: pointer, signature: "mismatch")
        ]
    }

    static let connectionParameterUIDefinition = Rule(
        RuleDescription(
            id: "conn-param-uidef", severity: .error, stage: PolicyStage.stageName,
            summary:
                "Every connection parameter a user fills (not OAuth, not hidden) has a uiDefinition with a non-empty displayName and description.",
            source:
                "conn-param-uidef: apiProperties validator, Critical: \"Invalid value for the description property within the UI Definition object.\" (PR#1421, V). OAuth parameters without uiDefinition are left out (the platform draws their sign-in button; 179 certified connectors do so), and so are hidden parameters (46 certified connectors leave their description empty; no user sees them). Fires on 7 of the 619 certified connectors.",
            fix:
                "Add \"uiDefinition\": {\"displayName\": ..., \"description\": ...} with a short name and a sentence telling the user what to enter.",
            triggering: [
                .properties(PolicyOASExamples.properties(replacing: "\"The API key for this connection.\"", with: "\"\""))
                    .at("apiProperties.json#/properties/connectionParameters/api_key/uiDefinition/description")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let properties = context.properties else { return [] }
        var findings: [Finding] = []
        for parameter in PolicySwaggerConnectionParameter.all(properties.document.root) {
            guard let ui = parameter.object["uiDefinition"]?.object else {
                if !parameter.isOAuth {
                    findings.append(
                        context.finding(
                            "Connection parameter \"\(parameter.name)\" has no uiDefinition. Add one with a displayName and a description.",
                            in: properties.file, document: properties.document, at: parameter.pointer.appending("uiDefinition"),
                            signature: "\(parameter.name)-uidefinition"))
                }
                continue
            }
            let hidden = ui["constraints"]?["hidden"]
            if hidden?.bool == true || hidden?.string?.lowercased() == "true" { continue }
            for key in ["displayName", "description"] {
                guard (ui[key]?.string ?? "").allSatisfy(\.isWhitespace) else { continue }
                let what = key == "displayName" ? "a short name for the field" : "a sentence telling the user what to enter"
                findings.append(
                    context.finding(
                        "The uiDefinition of connection parameter \"\(parameter.name)\" has \(ui[key] == nil ? "no" : "an empty") \(key). Set it to \(what).",
                        in: properties.file, document: properties.document, at: parameter.pointer.appending("uiDefinition").appending(key),
                        signature: "\(parameter.name)-\(key)"))
            }
        }
        return findings
    }

    static let oauthRedirect = Rule(
        RuleDescription(
            id: "oauth-redirect", severity: .warning, stage: PolicyStage.stageName,
            summary: "OAuth connection parameters set redirectMode to \"GlobalPerConnector\" (or \"Direct\"), not \"Global\" or nothing.",
            source:
                "oauth-redirect: the schema allows {Global, Direct}, but the per-connector redirect URI is reported mandatory for new OAuth apps since February 2024 (3P); 30 certified connectors already use GlobalPerConnector. A warning, for a reviewer: 171 of the 619 certified connectors still use the global redirect.",
            fix:
                "Set \"redirectMode\": \"GlobalPerConnector\" in oAuthSettings and register the connector's own redirect URI with the identity provider.",
            triggering: [
                .properties(
                    PolicyOASExamples.properties(
                        replacing: "\"connectionParameters\": {",
                        with:
                            "\"connectionParameters\": {\"token\": {\"type\": \"oauthSetting\", \"oAuthSettings\": {\"identityProvider\": \"oauth2\", \"clientId\": \"[DUMMY_VALUE]\", \"scopes\": [], \"redirectMode\": \"Global\", \"redirectUrl\": \"https://global.consent.azure-apim.net/redirect\", \"properties\": {\"IsFirstParty\": \"False\"}, \"customParameters\": {}}},"
                    )
                ).at("apiProperties.json#/properties/connectionParameters/token/oAuthSettings/redirectMode")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let properties = context.properties else { return [] }
        var findings: [Finding] = []
        for parameter in PolicySwaggerConnectionParameter.all(properties.document.root) {
            guard let settings = parameter.object["oAuthSettings"]?.object else { continue }
            let settingsPointer = parameter.pointer.appending("oAuthSettings")
            let mode = settings["redirectMode"]?.string
            switch mode?.lowercased() {
            case "globalperconnector", "direct": continue
            case nil:
                findings.append(
                    context.finding(
                        "The OAuth settings of \"\(parameter.name)\" set no redirectMode, so the shared global redirect URI is used. Set \"redirectMode\": \"GlobalPerConnector\" and register the connector's own redirect URI.",
                        in: properties.file, document: properties.document, at: settingsPointer, atKey: true,
                        signature: "\(parameter.name)-none"))
            default:
                findings.append(
                    context.finding(
                        "The OAuth settings of \"\(parameter.name)\" use redirectMode \"\(mode!)\". Set \"redirectMode\": \"GlobalPerConnector\" and register the connector's own redirect URI.",
                        in: properties.file, document: properties.document, at: settingsPointer.appending("redirectMode"),
                        signature: "\(parameter.name)-\(mode!.lowercased())"))
            }
        }
        return findings
    }

    /// Connection parameter types that are not one of the certified authentication kinds.
    static let uncertifiedAuthenticationTypes = [
        "gatewaysetting": "an on-premises data gateway", "clientcertificate": "a client certificate",
    ]

    static let authType = Rule(
        RuleDescription(
            id: "auth-type", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The connector authenticates with OAuth 2.0, an API key, basic authentication or nothing: no gateway or client-certificate connection parameter, and an oauth2 security definition in the swagger has its oauthSetting connection parameter in apiProperties.json.",
            source:
                "security (auth type): DH/submit-certification (R), \"Auth must be OAuth2, API key, basic or anonymous\". apiProperties.json is what the platform signs in with (25 certified connectors declare OAuth only there, so that direction is not required), but an oauth2 definition without an oauthSetting parameter leaves the connector without tokens. Fires on 1 of the 619 certified connectors (an on-premises gateway). The allowed security types, the security names and the oAuthSettings shape are the schema stage's rules.",
            fix:
                "Authenticate with OAuth 2.0 (an oauthSetting connection parameter), an API key (securestring) or basic authentication; when the swagger declares oauth2, add the oauthSetting connection parameter to apiProperties.json.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"api_key\": {\"type\": \"apiKey\", \"in\": \"header\", \"name\": \"X-Api-Key\"}",
                        with:
                            "\"api_key\": {\"type\": \"apiKey\", \"in\": \"header\", \"name\": \"X-Api-Key\"}, \"oauth\": {\"type\": \"oauth2\", \"flow\": \"accessCode\", \"authorizationUrl\": \"https://contoso.example/authorize\", \"tokenUrl\": \"https://contoso.example/token\", \"scopes\": {}}"
                    )
                ).at("apiDefinition.swagger.json#/securityDefinitions/oauth"),
                .properties(
                    PolicyOASExamples.properties(
                        replacing: "\"connectionParameters\": {",
                        with:
                            "\"connectionParameters\": {\"gateway\": {\"type\": \"gatewaySetting\", \"gatewaySettings\": {\"dataSourceType\": \"CustomConnector\", \"connectionDetails\": []}, \"uiDefinition\": {\"displayName\": \"Gateway\", \"description\": \"The on-premises gateway.\"}},"
                    )
                ).at("apiProperties.json#/properties/connectionParameters/gateway/type"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    PolicyOASExamples.properties(
                        replacing: "\"connectionParameters\": {",
                        with:
                            "\"connectionParameters\": {\"token\": {\"type\": \"oauthSetting\", \"oAuthSettings\": {\"identityProvider\": \"oauth2\", \"clientId\": \"[DUMMY_VALUE]\", \"scopes\": [], \"redirectMode\": \"GlobalPerConnector\"}},"
                    )),
            ])
    ) { context in
        var findings: [Finding?] = []
        let parameters = context.properties.map { PolicySwaggerConnectionParameter.all($0.document.root) } ?? []
        if let properties = context.properties {
            for parameter in parameters {
                guard let kind = uncertifiedAuthenticationTypes[parameter.type.lowercased()] else { continue }
                findings.append(
                    context.finding(
                        "Connection parameter \"\(parameter.name)\" has type \"\(parameter.type)\" (\(kind)); certified connectors authenticate with OAuth 2.0, an API key, basic authentication or nothing. Use one of these.",
                        in: properties.file, document: properties.document, at: parameter.pointer.appending("type"),
                        signature: "type-\(parameter.name)"))
            }
        }
        if let swagger = context.swagger, context.properties != nil, !parameters.contains(where: \.isOAuth),
            let oauth = swagger.document.root["securityDefinitions"]?.object?.members.first(where: { $0.value["type"]?.string == "oauth2" })
        {
            findings.append(
                context.swaggerFinding(
                    "The swagger declares OAuth (security definition \"\(oauth.key)\") but apiProperties.json has no oauthSetting connection parameter, so the connector gets no tokens. Add one with oAuthSettings, or remove the oauth2 definition.",
                    at: JSONPointer(tokens: ["securityDefinitions", oauth.key]), atKey: true, signature: "oauth-swagger-only"))
        }
        return findings.compactMap { $0 }
    }

    static let scriptOperations = Rule(
        RuleDescription(
            id: "csx-ops", severity: .warning, stage: PolicyStage.stageName,
            summary: "Every name in apiProperties.json's scriptOperations is an operationId of the swagger.",
            source:
                "csx-ops: paconn README (R): scriptOperations lists the operations the script handles; an empty list means all. A name that is no operationId means the script never runs where the publisher expects.",
            fix: "Correct the name to the operation's operationId, or remove it from scriptOperations.",
            triggering: [
                .properties(
                    PolicyOASExamples.properties(
                        replacing: "\"capabilities\": [],", with: "\"capabilities\": [], \"scriptOperations\": [\"GetForecasts\"],")
                ).at("apiProperties.json#/properties/scriptOperations/0")
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    PolicyOASExamples.properties(
                        replacing: "\"capabilities\": [],", with: "\"capabilities\": [], \"scriptOperations\": [\"GetForecast\"],")),
            ])
    ) { context in
        guard let properties = context.properties, let swagger = context.swagger,
            let names = properties.document.root["properties"]?["scriptOperations"]?.array
        else { return [] }
        let operationIds = Set(PolicySwaggerWalk.operations(swagger.document.root).compactMap(\.operationId))
        var findings: [Finding] = []
        for (index, value) in names.enumerated() {
            guard let name = value.string, !operationIds.contains(name) else { continue }
            let close = operationIds.first { $0.lowercased() == name.lowercased() }
            findings.append(
                context.finding(
                    "scriptOperations names \"\(name)\", which is no operationId of the swagger\(close.map { " (did you mean \"\($0)\"?)" } ?? ""). Use the exact operationId or remove the entry.",
                    in: properties.file, document: properties.document,
                    at: JSONPointer(tokens: ["properties", "scriptOperations", String(index)]), signature: name))
        }
        return findings
    }
}
