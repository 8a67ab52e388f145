import Certification
import Foundation
import JSONDocument

extension PolicySwaggerParameter {
    var isInternal: Bool { object["x-ms-visibility"]?.string?.lowercased() == "internal" }
    var isRequired: Bool { object["required"]?.bool == true }
    /// Internal itself, or written only in internal operations: no user ever sees it.
    var isHiddenFromUsers: Bool { isInternal || (!owners.isEmpty && owners.allSatisfy(\.isInternal)) }
}

extension PolicyRules {
    static let parameterDescription = Rule(
        RuleDescription(
            id: "param-description", severity: .error, stage: PolicyStage.stageName,
            summary:
                "Every parameter a user sees (not in the body, not internal, not only in internal operations) has a non-empty description.",
            source:
                "param-description: validator \"The 'description' property is required. ValuePath: .../parameters/0\" (PR#3407, V). Body parameters are left out, because the designer shows the body schema's properties and not the body parameter (418 certified connectors have a body parameter without description), and internal parameters (or parameters of internal operations) are never shown. The validator evidently judges the same set: 121 certified connectors lack a description on some parameter, but only 2 on a parameter users see.",
            fix: "Add a description that tells the user what to enter, as a sentence.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"description\": \"The place name.\", ", with: ""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/description")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for parameter in PolicySwaggerWalk.parameters(swagger.document.root)
        where parameter.location != "body" && !parameter.isHiddenFromUsers {
            guard (parameter.object["description"]?.string ?? "").allSatisfy(\.isWhitespace) else { continue }
            findings.append(
                context.swaggerFinding(
                    "The \(parameter.label) has no description. Add one that tells the user what to enter.",
                    at: parameter.pointer.appending("description"), signature: parameter.name))
        }
        return findings.compactMap { $0 }
    }

    static let parameterSummary = Rule(
        RuleDescription(
            id: "param-x-ms-summary", severity: .error, stage: PolicyStage.stageName,
            summary:
                "Every parameter a user sees (not in the body, not internal, not only in internal operations) has a non-empty x-ms-summary of at most 80 characters.",
            source:
                "param-x-ms-summary: validator \"The 'x-ms-summary' property is required\" (PR#3407, V); DH/connector-string-guidance (Title Case, at most 80 characters). Internal parameters and the parameters of internal operations are left out because no user sees them, and the validator evidently does the same: 162 of the 619 certified connectors lack x-ms-summary on some non-body parameter, but only 2 on one users see.",
            fix: "Add \"x-ms-summary\": the parameter's display name in Title Case, at most 80 characters.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"x-ms-summary\": \"Place\", ", with: ""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-summary"),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"x-ms-summary\": \"Place\"",
                        with: "\"x-ms-summary\": \"The name of the place for which the forecast is requested, in any language you like\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-summary"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for parameter in PolicySwaggerWalk.parameters(swagger.document.root)
        where parameter.location != "body" && !parameter.isHiddenFromUsers {
            let summary = parameter.object["x-ms-summary"]?.string ?? ""
            if summary.allSatisfy(\.isWhitespace) {
                findings.append(
                    context.swaggerFinding(
                        "The \(parameter.label) has no x-ms-summary. Add its display name in Title Case, e.g. \"\(PolicySwaggerText.titleCase(parameter.name))\".",
                        at: parameter.pointer.appending("x-ms-summary"), signature: "\(parameter.name)-missing"))
            } else if summary.utf16.count > 80 {
                findings.append(
                    context.swaggerFinding(
                        "The x-ms-summary of \(parameter.label) has \(summary.utf16.count) characters; the limit is 80. Shorten it and move the detail to the description.",
                        at: parameter.pointer.appending("x-ms-summary"), signature: "\(parameter.name)-length"))
            }
        }
        return findings.compactMap { $0 }
    }

    static let internalRequiredDefault = Rule(
        RuleDescription(
            id: "visibility-internal-default", severity: .error, stage: PolicyStage.stageName,
            summary:
                "A non-body parameter, or a property of a request body schema, that is required and has x-ms-visibility \"internal\" has a default value (a body parameter or an object is built from its properties, which are checked instead; webhook callback URLs are exempt; response schemas are not inputs).",
            source:
                "visibility: DH/openapi-extensions (R): an internal parameter is hidden from the user, so when it is required the connector must supply its value as the default; validator `PropertyMustBeRequired` (SVR) covers the related case of an internal default that is optional. Fires on 4 of the 619 certified connectors.",
            fix:
                "Add a \"default\" value to the internal parameter, or make it visible (\"advanced\") so that users can fill it, or make it optional.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"x-ms-summary\": \"Place\", ", with: "\"x-ms-summary\": \"Place\", \"x-ms-visibility\": \"internal\", "
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0"),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"parameters\": [",
                        with:
                            "\"parameters\": [{\"name\": \"body\", \"in\": \"body\", \"schema\": {\"type\": \"object\", \"required\": [\"kind\"], \"properties\": {\"kind\": {\"type\": \"string\", \"x-ms-visibility\": \"internal\", \"description\": \"The kind.\"}}}},"
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/schema/properties/kind"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"x-ms-summary\": \"Place\", ",
                        with: "\"x-ms-summary\": \"Place\", \"x-ms-visibility\": \"internal\", \"default\": \"Oslo\", ")),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        for parameter in PolicySwaggerWalk.parameters(root)
        where parameter.location != "body" && parameter.isInternal && parameter.isRequired && parameter.object["default"] == nil {
            findings.append(
                context.swaggerFinding(
                    "The \(parameter.label) is required and internal but has no default, so no value can ever be sent. Add a \"default\", or set x-ms-visibility to \"advanced\", or make it optional.",
                    at: parameter.pointer, atKey: true, signature: parameter.name))
        }
        for schema in PolicySwaggerWalk.inputSchemas(root) {
            guard let properties = schema.object["properties"]?.object else { continue }
            let required = Set((schema.object["required"]?.array ?? []).compactMap(\.string))
            for member in properties.members where required.contains(member.key) {
                // An object is built from its own properties' defaults, which the walk checks.
                guard let property = member.value.object, property["x-ms-visibility"]?.string?.lowercased() == "internal",
                    property["default"] == nil, property["$ref"] == nil, property["properties"] == nil,
                    property["type"]?.string != "object", !PolicySwaggerText.isNotificationURL(property)
                else { continue }
                findings.append(
                    context.swaggerFinding(
                        "Property \"\(member.key)\" is required and internal but has no default, so no value can ever be sent. Add a \"default\", or set x-ms-visibility to \"advanced\", or make it optional.",
                        at: schema.pointer.appending("properties").appending(member.key), atKey: true, signature: member.key))
            }
        }
        return findings.compactMap { $0 }
    }

    static let pathParameterEncoding = Rule(
        RuleDescription(
            id: "path-param-encoding", severity: .warning, stage: PolicyStage.stageName,
            summary: "Path parameters set x-ms-url-encoding (\"single\" or \"double\"); query parameters do not.",
            source:
                "path-param-encoding: validator `PathParameterMissingEncoding` and `QueryParameterEncodingNotSupported` (SVR, R). A warning, as the validator's wording (\"might lead to invalid requests\") suggests; it fires on 133 of the 619 certified connectors.",
            fix:
                "Add \"x-ms-url-encoding\": \"single\" to each path parameter (\"double\" when the value may contain \"/\"), and remove it from query parameters.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"/forecast\": {\n      \"get\": {",
                        with:
                            "\"/forecast/{day}\": {\"parameters\": [{\"name\": \"day\", \"in\": \"path\", \"required\": true, \"type\": \"string\", \"description\": \"The day.\", \"x-ms-summary\": \"Day\"}],\n      \"get\": {"
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast~1{day}/parameters/0"),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"x-ms-summary\": \"Place\", ", with: "\"x-ms-summary\": \"Place\", \"x-ms-url-encoding\": \"single\", "
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-url-encoding"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for parameter in PolicySwaggerWalk.parameters(swagger.document.root) {
            let encoding = parameter.object["x-ms-url-encoding"]
            if parameter.location == "path" && encoding == nil {
                findings.append(
                    context.swaggerFinding(
                        "Path \(parameter.label) has no x-ms-url-encoding, so some values can produce invalid requests. Add \"x-ms-url-encoding\": \"single\".",
                        at: parameter.pointer, atKey: true, signature: "path-\(parameter.name)"))
            } else if parameter.location == "query" && encoding != nil {
                findings.append(
                    context.swaggerFinding(
                        "Query \(parameter.label) sets x-ms-url-encoding, which is not supported for query parameters (they are always encoded once). Remove it.",
                        at: parameter.pointer.appending("x-ms-url-encoding"), signature: "query-\(parameter.name)"))
            }
        }
        return findings.compactMap { $0 }
    }
}

extension PolicySwaggerText {
    /// "place_name" -> "Place Name"
    static func titleCase(_ name: String) -> String {
        var words: [String] = []
        var current = ""
        for character in name {
            if character == "_" || character == "-" || character == " " || character == "." {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if character.isUppercase, let last = current.last, last.isLowercase {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        let result = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return result.isEmpty ? "Name" : result
    }

    /// The webhook callback URL property: the platform fills it, so it needs no default.
    static func isNotificationURL(_ property: JSONObject) -> Bool {
        property["x-ms-notification-url"]?.bool == true
    }
}
