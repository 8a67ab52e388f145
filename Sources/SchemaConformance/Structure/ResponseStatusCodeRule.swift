import Certification
import Foundation
import JSONDocument

extension SchemaRules {
    static let responseStatusCode = Rule(
        RuleDescription(
            id: "response-status-code", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every key of an operation's \"responses\" is an HTTP status code from 100 to 599 (three digits), \"default\", or a vendor extension (x-...).",
            source:
                "OpenAPI 2.0 specification (Responses Object: \"any HTTP status code\" or \"default\"; RFC 9110 status codes are 1xx-5xx); the official schema's ^([0-9]{3})$|^(default)$; reference: responses (SVR: keys match ^([0-9]{3}|default)$). Ranges such as \"2XX\" are OpenAPI 3 only.",
            fix: "Use the exact status code (\"200\", \"404\") or \"default\" for every other response.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"responses": {"2XX": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/responses/2XX"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "OK"}, "Default": {"description": "Error"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/responses/Default"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"responses": {"204": {"description": "Done"}, "default": {"description": "Error"}, "x-ms-foo": 1}}}}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in OASOperation.all(context) {
            guard let responses = operation.operation["responses"]?.object else { continue }
            for member in responses.members where !OASStatusCode.isValid(member.key) && !OASSpec.isExtension(member.key) {
                var message =
                    "\"\(member.key)\" is not a response code: a key of \"responses\" is an HTTP status code from 100 to 599 written with three digits, or \"default\"."
                if member.key.lowercased() == "default" {
                    message += " Write \"default\" in lower case."
                } else if member.key.uppercased().hasSuffix("XX") {
                    message += " Ranges such as \"\(member.key)\" exist only in OpenAPI 3: list the exact codes, or use \"default\"."
                } else if let number = Int(member.key.trimmingCharacters(in: .whitespaces)), (100...599).contains(number) {
                    message += " Write it as \"\(number)\"."
                }
                findings.append(
                    context.swaggerFinding(
                        message, at: operation.pointer.appending("responses").appending(member.key), atKey: true, signature: member.key))
            }
        }
        return findings.compactMap { $0 }
    }
}

enum OASStatusCode {
    /// ^[1-5][0-9]{2}$ or "default".
    static func isValid(_ key: String) -> Bool {
        if key == "default" { return true }
        let bytes = Array(key.utf8)
        guard bytes.count == 3 else { return false }
        return bytes[0] >= UInt8(ascii: "1") && bytes[0] <= UInt8(ascii: "5")
            && bytes[1...].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
