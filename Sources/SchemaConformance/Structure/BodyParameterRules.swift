import Certification
import Foundation
import JSONDocument

extension SchemaRules {
    static let bodyParameterSingle = Rule(
        RuleDescription(
            id: "body-parameter-single", severity: .error, stage: SchemaStage.stageName,
            summary: "An operation has at most one body parameter (its own and its path item's together).",
            source:
                "OpenAPI 2.0 specification (Parameter Object, body: \"There can be one body parameter at most\"); reference: body-rules (SVR).",
            fix: "Merge the bodies into one body parameter whose schema is an object with a property for each.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"post": {"parameters": [{"name": "a", "in": "body", "schema": {}}, {"name": "b", "in": "body", "schema": {}}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/post/parameters/1")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASBodyRules.findings(context) { operation, parameters in
            let bodies = parameters.filter { $0.location == "body" }
            return bodies.dropFirst().map {
                (
                    "\(operation.label) has more than one body parameter (\"\(bodies[0].name)\" and \"\($0.name)\"): a request has one body. Merge them into one body parameter.",
                    $0.pointer, "body:\($0.name)"
                )
            }
        }
    }

    static let bodyFormDataExclusive = Rule(
        RuleDescription(
            id: "body-form-data-exclusive", severity: .error, stage: SchemaStage.stageName,
            summary: "An operation does not have both a body parameter and formData parameters.",
            source:
                "OpenAPI 2.0 specification (Parameter Object: \"body and form parameters cannot exist together for the same operation\"); reference: body-rules (SVR).",
            fix:
                "Send the content either as one body parameter (JSON), or as form fields (formData parameters with consumes multipart/form-data or application/x-www-form-urlencoded), not both.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"post": {"parameters": [{"name": "a", "in": "body", "schema": {}}, {"name": "b", "in": "formData", "type": "string"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/post/parameters/1")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASBodyRules.findings(context) { operation, parameters in
            guard let body = parameters.first(where: { $0.location == "body" }) else { return [] }
            return parameters.filter { $0.location == "formData" }.map {
                (
                    "\(operation.label) has the body parameter \"\(body.name)\" and the formData parameter \"\($0.name)\": a request body is either one or the other. Use only a body parameter, or only formData parameters.",
                    $0.pointer, "formData:\($0.name)"
                )
            }
        }
    }

    static let getNoBody = Rule(
        RuleDescription(
            id: "get-no-body", severity: .error, stage: SchemaStage.stageName,
            summary: "A GET operation has no body or formData parameter.",
            source:
                "RFC 9110 section 9.3.1 (content in a GET request has no defined semantics, and clients and proxies may drop it); reference: get-no-body (SVR BodyOrFormDataParameterInFetchOperationNotAllowed).",
            fix: "Send the values as query parameters, or make the operation a POST.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "filter", "in": "body", "schema": {"type": "object"}}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASBodyRules.findings(context, method: "get") { operation, parameters in
            parameters.filter { $0.location == "body" || $0.location == "formData" }.map {
                (
                    "\(operation.label) has the \($0.location) parameter \"\($0.name)\", but a GET request has no body. Send it as a query parameter, or make the operation a POST.",
                    $0.pointer, "\($0.location):\($0.name)"
                )
            }
        }
    }

    static let deleteNoBody = Rule(
        RuleDescription(
            id: "delete-no-body", severity: .warning, stage: SchemaStage.stageName,
            summary: "A DELETE operation has no body or formData parameter.",
            source:
                "RFC 9110 section 9.3.5 (content in a DELETE request has no generally defined semantics and may be rejected); issue 3 asks for GET and DELETE. A warning, not an error: the platform's validator names only GET (SVR), HTTP does not forbid it, and 22 certified connectors send a DELETE body.",
            fix:
                "Identify what to delete in the path or the query; if the API really needs a DELETE body, keep it and expect some clients and proxies to drop it.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"delete": {"parameters": [{"name": "ids", "in": "body", "schema": {"type": "array", "items": {"type": "string"}}}], "responses": {"204": {"description": "Deleted"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/delete/parameters/0")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASBodyRules.findings(context, method: "delete") { operation, parameters in
            parameters.filter { $0.location == "body" || $0.location == "formData" }.map {
                (
                    "\(operation.label) has the \($0.location) parameter \"\($0.name)\": a DELETE request body has no defined meaning in HTTP and may be dropped. Identify what to delete in the path or the query.",
                    $0.pointer, "\($0.location):\($0.name)"
                )
            }
        }
    }

    static let fileParameterConsumes = Rule(
        RuleDescription(
            id: "file-parameter-consumes", severity: .error, stage: SchemaStage.stageName,
            summary:
                "An operation with a formData parameter of type \"file\" consumes multipart/form-data or application/x-www-form-urlencoded (its own consumes, or else the document's).",
            source:
                "OpenAPI 2.0 specification (Parameter Object type: \"If type is \\\"file\\\", the consumes MUST be either \\\"multipart/form-data\\\", \\\"application/x-www-form-urlencoded\\\" or both\"); reference: body-rules (\"file only in formData\"). A file parameter outside formData is reported by openapi-parameter.",
            fix: "Add \"consumes\": [\"multipart/form-data\"] to the operation.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "consumes": ["application/json"], "paths": {"/a": {"post": {"parameters": [{"name": "f", "in": "formData", "type": "file"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/post/parameters/0")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "consumes": ["application/json"], "paths": {"/a": {"post": {"consumes": ["multipart/form-data; boundary=x"], "parameters": [{"name": "f", "in": "formData", "type": "file"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ),
            ])
    ) { context in
        guard let root = context.swagger?.document.root else { return [] }
        return OASBodyRules.findings(context) { operation, parameters in
            let files = parameters.filter { $0.location == "formData" && $0.object["type"]?.string == "file" }
            guard !files.isEmpty else { return [] }
            let consumes = operation.consumes(in: root)
            let essences = consumes.map {
                $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            }
            guard !essences.contains("multipart/form-data") && !essences.contains("application/x-www-form-urlencoded") else { return [] }
            let found = consumes.isEmpty ? "it declares no consumes" : "it consumes \(OASText.list(consumes, "and"))"
            return files.map {
                (
                    "The file parameter \"\($0.name)\" of \(operation.label) is sent as a form field, but \(found). Add \"consumes\": [\"multipart/form-data\"] to the operation.",
                    $0.pointer, "consumes:\($0.name)"
                )
            }
        }
    }
}

/// Runs a check over the parameters that apply to each operation (its own and its path item's,
/// through $ref).
enum OASBodyRules {
    static func findings(
        _ context: RuleContext, method: String? = nil,
        _ check: (OASOperation, [OASParameter]) -> [(message: String, pointer: JSONPointer, signature: String)]
    ) -> [Finding] {
        guard context.swagger != nil else { return [] }
        var findings: [Finding] = []
        var reported = Set<String>()
        for (operation, parameters) in OASOperation.withParameters(context) where method == nil || operation.method == method {
            for (message, pointer, signature) in check(operation, parameters) {
                // A path item's parameter is reported once, not once per operation.
                guard reported.insert(pointer.description + "\u{1F}" + signature).inserted,
                    let finding = context.swaggerFinding(message, at: pointer, signature: signature)
                else { continue }
                findings.append(finding)
            }
        }
        return findings
    }
}
