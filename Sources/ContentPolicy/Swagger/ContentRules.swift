import Certification
import Foundation
import JSONDocument

extension PolicyRules {
    static let supportedMimeTypes = ["application/json", "text/plain", "multipart/form-data", "application/x-www-form-urlencoded"]

    static let mimeTypes = Rule(
        RuleDescription(
            id: "mime-types", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "Every consumes value (root and operations) is application/json, text/plain, multipart/form-data or application/x-www-form-urlencoded, or another JSON type (text/json, application/*+json), which the platform sends as JSON; parameters after \";\" are ignored.",
            source:
                "mime-types: validator `MimeTypeNotValid`, \"the user-provided MIME content type ... valid mime types are application/json, text/plain, multipart/form-data, application/x-www-form-urlencoded\" (SVR, R), read as the request types (consumes): the platform builds requests only in these forms. produces is not restricted: connectors return files as application/octet-stream, application/pdf or image/* (67 certified connectors, Microsoft's among them); its syntax is the schema stage's. Calibrated to a warning (strict: error), narrowed to non-JSON types: Microsoft's pipeline printed \"The MIME type 'application/text' is not supported\" as ##[warning] (PR#1095, 2021), and the rule fired as an error on 42 of the 619 certified connectors, 17 of them changed in 2023-24, mostly for text/json and application/*+json from generated swaggers (docs/calibration.md).",
            fix:
                "Replace the value with one of the four supported types: text/json and application/*+json become application/json; remove XML types the connector does not send.",
            triggering: [
                ExamplePackage.swagger(
                    PolicyOASExamples.swagger(replacing: "\"consumes\": []", with: "\"consumes\": [\"application/xml\"]")
                ).at("apiDefinition.swagger.json#/consumes/0"),
                ExamplePackage.swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"GetForecast\",", with: "\"GetForecast\", \"consumes\": [\"application/json\", \"text/xml\"],")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/consumes/1"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"GetForecast\",", with: "\"GetForecast\", \"consumes\": [\"text/json\", \"application/*+json\"],")),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"consumes\": []", with: "\"consumes\": [\"application/json; charset=utf-8\"]")),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"produces\": [\"application/json\"]", with: "\"produces\": [\"application/json\", \"application/pdf\"]"
                    )),
            ], strictSeverity: .error)
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        func check(_ object: JSONObject?, at pointer: JSONPointer) {
            for key in ["consumes"] {
                for (index, value) in (object?[key]?.array ?? []).enumerated() {
                    guard let text = value.string else { continue }
                    let bare = text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
                    guard !supportedMimeTypes.contains(bare), !isJSONMediaType(bare) else { continue }
                    let hint = ""
                    findings.append(
                        context.swaggerFinding(
                            "\(key) lists \"\(text)\", which connectors do not support. Use one of \(supportedMimeTypes.joined(separator: ", ")).\(hint)",
                            at: pointer.appending(key).appending(index), signature: "\(key)-\(bare)"))
                }
            }
        }
        check(root.object, at: .root)
        for operation in PolicySwaggerWalk.operations(root) {
            check(operation.object, at: operation.pointer)
        }
        return findings.compactMap { $0 }
    }

    /// text/json, application/json-patch+json, application/*+json: JSON the platform sends as
    /// application/json (generated swaggers list them beside it).
    static func isJSONMediaType(_ type: String) -> Bool {
        let parts = type.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return false }
        return parts[1] == "json" || parts[1].hasSuffix("+json")
    }

    static let consumesRequired = Rule(
        RuleDescription(
            id: "consumes-required", severity: .warning, stage: PolicyStage.stageName,
            summary: "An operation with a body or formData parameter declares what it consumes (in the operation or at the root).",
            source:
                "mime-types (ConsumesMissing part): validator `ConsumesMissing`, \"At least one supported MIME type must be provided in 'consumes'\" (SVR, R). A warning, not an error: 124 of the 619 certified connectors (20%) omit it, and the platform then sends JSON.",
            fix:
                "Add \"consumes\": [\"application/json\"] to the operation (or \"multipart/form-data\" / \"application/x-www-form-urlencoded\" for form data).",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"parameters\": [",
                        with:
                            "\"parameters\": [{\"name\": \"body\", \"in\": \"body\", \"schema\": {\"type\": \"object\", \"properties\": {\"unit\": {\"type\": \"string\", \"description\": \"The unit.\"}}}},"
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        let rootConsumes = root["consumes"]?.array ?? []
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(root) {
            let parameters = PolicySwaggerWalk.effectiveParameters(of: operation, in: root)
            guard let body = parameters.first(where: { $0.location == "body" || $0.location == "formData" }) else { continue }
            let consumes = operation.object["consumes"]?.array ?? rootConsumes
            guard consumes.isEmpty else { continue }
            let suggestion = body.location == "formData" ? "multipart/form-data" : "application/json"
            findings.append(
                context.swaggerFinding(
                    "The \(operation.label) takes a \(body.location) parameter but declares no consumes. Add \"consumes\": [\"\(suggestion)\"].",
                    at: operation.pointer, atKey: true, signature: "consumes"))
        }
        return findings.compactMap { $0 }
    }

    static let supportedFormats = [
        "int32", "int64", "float", "double", "byte", "binary", "date", "date-time", "password", "date-no-tz", "email", "html",
        "uri", "uuid",
    ]

    static let typeFormat = Rule(
        RuleDescription(
            id: "type-format", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "Every format (on parameters and schemas) is one the platform recognises: \(supportedFormats.joined(separator: ", ")).",
            source:
                "type-format: validator `UnrecognizedTypeFormat` (SVR, R); the list is the PowerPlatformConnectors swagger schema's with the connector additions date-no-tz, email, html, uri, uuid. Calibrated to a warning (strict: error): OpenAPI 2.0 makes format an open string (\"formats such as email, uuid ... may be used even though undefined by this specification\"), the platform ignores a format it does not know, no pull-request validator output quoting the code was found (only paconn's \"The type/format 'number/int64' is not recognized\", issue #312), and the rule fired as an error on 32 of the 619 certified connectors, 16 of them changed in 2023-24 (docs/calibration.md).",
            fix: "Use a recognised format (uuid for GUIDs, uri for URLs, double for decimals) or remove format.",
            triggering: [
                ExamplePackage.swagger(PolicyOASExamples.swagger(replacing: "\"format\": \"date\"", with: "\"format\": \"guid\""))
                    .at(
                        "apiDefinition.swagger.json#/paths/~1forecast/get/responses/200/schema/properties/days/items/properties/date/format"
                    )
            ],
            nonTriggering: [.minimal()], strictSeverity: .error)
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        var seen = Set<JSONPointer>()
        for schema in PolicySwaggerWalk.schemas(swagger.document.root) where seen.insert(schema.pointer).inserted {
            guard let format = schema.object["format"]?.string, !supportedFormats.contains(format) else { continue }
            if format.isEmpty {
                findings.append(
                    context.swaggerFinding(
                        "format is empty. Remove it, or set a recognised format: \(supportedFormats.joined(separator: ", ")).",
                        at: schema.pointer.appending("format"), signature: "empty"))
                continue
            }
            let suggestion =
                PolicySwaggerText.formatSuggestion(format).map { "Use \"\($0)\" instead" } ?? "Use a recognised format or remove it"
            findings.append(
                context.swaggerFinding(
                    "format \"\(format)\" is not recognised. \(suggestion); recognised formats: \(supportedFormats.joined(separator: ", ")).",
                    at: schema.pointer.appending("format"), signature: format))
        }
        return findings.compactMap { $0 }
    }

    static let obsoleteNames = ["microsoft flow", "powerapps", "ms flow"]

    static let noObsoleteNames = Rule(
        RuleDescription(
            id: "no-obsolete-names", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "The swagger's operation, parameter and schema texts (summaries, descriptions, titles) do not use the old product names \"Microsoft Flow\", \"MS Flow\" or \"PowerApps\".",
            source:
                "no-obsolete-names: reviewers ask for \"Power Automate\" and \"Power Apps\" (PR#140, V). The reference lists it for the readme; here it is applied to the swagger's user-visible texts (the README is the files rules' concern).",
            fix: "Write \"Power Automate\" for Microsoft Flow and \"Power Apps\" for PowerApps.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"Returns the forecast for the next days at a place.\"",
                        with: "\"Returns the forecast for the next days at a place, for use in Microsoft Flow.\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/description")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        // info.title and info.description are covered by title-restricted-words and
        // description-restricted, which are errors.
        for (pointer, text) in PolicySwaggerText.userTexts(swagger.document.root) where pointer.tokens.first != "info" {
            let lower = text.lowercased()
            guard lower.contains("flow") || lower.contains("powerapps") else { continue }
            for name in obsoleteNames {
                guard let found = PolicySwaggerText.wholeWord(name, in: text) else { continue }
                let modern = name == "powerapps" ? "Power Apps" : "Power Automate"
                findings.append(
                    context.swaggerFinding(
                        "\(PolicySwaggerText.quote(text, limit: 60)) uses the old name \"\(found)\". Write \"\(modern)\" instead.",
                        at: pointer, signature: name))
            }
        }
        return findings.compactMap { $0 }
    }
}

extension PolicySwaggerText {
    static func formatSuggestion(_ format: String) -> String? {
        switch format.lowercased() {
        case "guid": "uuid"
        case "url", "uri-reference": "uri"
        case "decimal", "number": "double"
        case "integer", "int": "int32"
        case "long": "int64"
        case "datetime", "date_time": "date-time"
        default: nil
        }
    }

    /// The texts of the swagger a user reads, with their pointers: info title and description,
    /// operation summaries and descriptions, parameter and schema titles, summaries and descriptions.
    static func userTexts(_ root: JSONValue) -> [(JSONPointer, String)] {
        var texts: [(JSONPointer, String)] = []
        func add(_ object: JSONObject?, at pointer: JSONPointer, keys: [String]) {
            for key in keys {
                if let text = object?[key]?.string { texts.append((pointer.appending(key), text)) }
            }
        }
        add(root["info"]?.object, at: JSONPointer(tokens: ["info"]), keys: ["title", "description"])
        for operation in PolicySwaggerWalk.operations(root) {
            add(operation.object, at: operation.pointer, keys: ["summary", "description"])
        }
        var seen = Set<JSONPointer>()
        for parameter in PolicySwaggerWalk.parameters(root) where seen.insert(parameter.pointer).inserted {
            add(parameter.object, at: parameter.pointer, keys: ["x-ms-summary", "description"])
        }
        for schema in PolicySwaggerWalk.schemas(root) where seen.insert(schema.pointer).inserted {
            add(schema.object, at: schema.pointer, keys: ["title", "x-ms-summary", "description"])
        }
        return texts
    }
}
