import Certification
import JSONDocument

extension PolicyRules {
    static let responses = Rule(
        RuleDescription(
            id: "responses", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "Every operation has a success (2xx) response; a webhook trigger declares one beside its x-ms-notification-content.",
            source:
                "responses: validator `OperationShouldHaveSuccessfulResponse` (SVR, R), a \"should\". Calibrated to a warning (strict: error): it fired as an error on 78 of the 619 certified connectors, 43 of them changed in 2023-24, almost all for operations with only a \"default\" response; the coding standards say \"Don't use default as your only defined response\" and a reviewer asked for it (PR#2551), but no validator output quoting it was found in the public pull requests (docs/calibration.md): a reviewer's request, not a blocking check. An operation with no response at all is openapi-structure's error, except a webhook trigger with \"responses\": {}, which Microsoft certifies (its output is x-ms-notification-content) and which is reported here.",
            fix: "Add the operation's success response, e.g. \"200\": {\"description\": \"OK\", \"schema\": {...}}.",
            triggering: [
                ExamplePackage.swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"200\": {\"description\": \"The forecast.\"", with: "\"default\": {\"description\": \"The forecast.\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/responses"),
                ExamplePackage.swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"responses\": {\n",
                        with:
                            "\"x-ms-trigger\": \"single\", \"x-ms-notification-content\": {\"schema\": {\"type\": \"object\"}}, \"responses\": {}, \"x-responses\": {\n"
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/responses"),
            ],
            nonTriggering: [.minimal()], strictSeverity: .error)
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            let pointer = operation.pointer.appending("responses")
            // A missing "responses" is the schema stage's (it is a required field).
            guard let responses = operation.object["responses"]?.object else { continue }
            guard !responses.isEmpty else {
                // An empty list is openapi-structure's error, except on a webhook trigger (its
                // x-ms-notification-content on the operation or, as Microsoft's docs place it,
                // on the path item).
                let pathItem = swagger.document.root["paths"]?[operation.path]
                guard operation.object["x-ms-trigger"] != nil,
                    operation.isWebhookTrigger || pathItem?["x-ms-notification-content"] != nil
                else { continue }
                findings.append(
                    context.swaggerFinding(
                        "The webhook trigger \(operation.label) declares no response. Its output is in x-ms-notification-content, but OpenAPI 2.0 requires a response: add the subscription's success response, e.g. \"201\": {\"description\": \"Subscribed\"}.",
                        at: pointer, signature: "none"))
                continue
            }
            guard !responses.keys.contains(where: { $0.count == 3 && $0.hasPrefix("2") }) else { continue }
            findings.append(
                context.swaggerFinding(
                    "The \(operation.label) has no success response (only \(responses.keys.joined(separator: ", "))). Add a 2xx response, e.g. \"200\" with a schema, so the designer shows the operation's outputs.",
                    at: pointer, signature: "no-2xx"))
        }
        return findings.compactMap { $0 }
    }

    static let defaultNoSchema = Rule(
        RuleDescription(
            id: "default-no-schema", severity: .warning, stage: PolicyStage.stageName,
            summary: "The \"default\" response has no schema.",
            source:
                "default-no-schema: validator `DefaultResponseHasSchema`, \"The 'default' response should not have schema definition. Schemas should be defined on expected responses only.\" (SVR, R; quoted as an error on PR#3810 and PR#3841, 2025). A requirement newer in practice than many certified connectors: it fired on 61 of the 619, 34 of them changed in 2023-24, so Microsoft did not block on it then. A warning by default, an error under the strict level and for work after 2025-04 (since), when the validator's output shows it blocking (docs/calibration.md).",
            fix: "Remove the schema from the \"default\" response and put it on the success response (200 or 201).",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"200\": {\"description\": \"The forecast.\"",
                        with:
                            "\"default\": {\"description\": \"An error.\", \"schema\": {\"type\": \"object\", \"properties\": {\"message\": {\"type\": \"string\"}}}}, \"200\": {\"description\": \"The forecast.\""
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/responses/default/schema")
            ],
            nonTriggering: [.minimal()], strictSeverity: .error, since: "2025-04-01")
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(root) {
            guard let response = operation.object["responses"]?["default"] else { continue }
            let written = operation.pointer.appending("responses").appending("default")
            guard let (object, pointer) = PolicySwaggerWalk.resolve(response, at: written, in: root), object["schema"] != nil else {
                continue
            }
            findings.append(
                context.swaggerFinding(
                    "The default response of the \(operation.label) has a schema. Remove it: schemas belong on the expected responses (200 or 201) only.",
                    at: pointer.appending("schema"), signature: "default-schema"))
        }
        return findings.compactMap { $0 }
    }

    static let responseSchema = Rule(
        RuleDescription(
            id: "response-schema", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "An operation with a 200 or 201 response describes its output there with a non-empty schema (a webhook trigger does it in x-ms-notification-content); a dynamic schema counts.",
            source:
                "response-schema: validator `SchemaDefinitionSetIncorrectly`, \"should define an output schema on the 200 or 201 response ... to be visible in the designer\" (SVR, R); DH \"Define exact operation responses\" (no empty operations, no empty objects). A warning: the validator says \"should\", and 274 of the 619 certified connectors have a 200 or 201 response without a usable schema (often operations that really return nothing). Operations whose success codes are only 202 or 204 are not checked.",
            fix:
                "Describe the returned JSON in the 200 (or 201) response's schema with its properties, or use x-ms-dynamic-schema; if the operation returns nothing, answer 204 instead.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"schema\": {\"type\": \"object\", \"properties\": {\"days\"",
                        with: "\"x-schema\": {\"type\": \"object\", \"properties\": {\"days\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/responses/200"),
                ExamplePackage.swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"schema\": {\"type\": \"object\", \"properties\": {\"days\"",
                        with:
                            "\"schema\": {\"type\": \"object\", \"properties\": {}}, \"x-schema\": {\"type\": \"object\", \"properties\": {\"days\""
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/responses/200/schema"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(root) {
            if operation.isWebhookTrigger {
                let pointer = operation.pointer.appending("x-ms-notification-content")
                let schema = operation.object["x-ms-notification-content"]?["schema"]
                if PolicySwaggerText.isEmptySchema(schema, in: root) {
                    findings.append(
                        context.swaggerFinding(
                            "The webhook trigger \(operation.label) has no output schema in x-ms-notification-content. Describe the notification's JSON there, so the designer shows its fields.",
                            at: pointer.appending("schema"), signature: "notification"))
                }
                continue
            }
            guard let responses = operation.object["responses"]?.object else { continue }
            let codes = ["200", "201"].filter { responses[$0] != nil }
            guard let first = codes.first else { continue }
            let resolved = codes.compactMap { code in
                PolicySwaggerWalk.resolve(responses[code]!, at: operation.pointer.appending("responses").appending(code), in: root)
            }
            guard resolved.allSatisfy({ PolicySwaggerText.isEmptySchema($0.0["schema"], in: root) }) else { continue }
            let pointer = resolved.first?.1 ?? operation.pointer.appending("responses").appending(first)
            let present = resolved.first?.0["schema"] != nil
            findings.append(
                context.swaggerFinding(
                    "The \(first) response of the \(operation.label) has \(present ? "an empty schema" : "no schema"), so the designer shows no outputs. Describe the returned JSON with its properties (or x-ms-dynamic-schema), or answer 204 when nothing is returned.",
                    at: present ? pointer.appending("schema") : pointer, signature: present ? "empty" : "missing"))
        }
        return findings.compactMap { $0 }
    }
}

extension PolicySwaggerText {
    /// Whether a schema says nothing about the output: missing, or an object type without
    /// properties, additionalProperties, items, composition, reference or dynamic schema.
    static func isEmptySchema(_ value: JSONValue?, in root: JSONValue) -> Bool {
        guard let value else { return true }
        guard let (schema, _) = PolicySwaggerWalk.resolve(value, at: .root, in: root) else {
            // An unresolvable reference is the schema stage's finding, not an empty schema.
            return value["$ref"] == nil
        }
        let descriptive: Set<String> = ["description", "title", "x-ms-summary", "example", "x-ms-visibility", "type", "required"]
        if let type = schema["type"]?.string, type != "object" { return false }
        for member in schema.members where !descriptive.contains(member.key) {
            if member.key == "properties", member.value.object?.isEmpty == true { continue }
            return false
        }
        return true
    }
}
