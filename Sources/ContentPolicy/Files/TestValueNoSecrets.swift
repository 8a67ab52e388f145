import Certification
import ConnectorPackage
import Foundation
import JSONDocument

extension PolicyRules {
    static let testValueNoSecrets = Rule(
        RuleDescription(
            id: "test-value-no-secrets", severity: .error, stage: PolicyStage.stageName,
            summary:
                "x-ms-test-value holds no secrets: no keys or tokens of known shapes, and no real value for a credential (a parameter or property named like a key, token, secret or password, or of format password). Random-looking values elsewhere are a warning.",
            source:
                "PowerPlatformConnectors swagger schema: x-ms-test-value \"must not contain secrets, keys or PII\" (certification-rules.md 1a test-value-no-secrets). Only 8 of the 619 certified connectors use x-ms-test-value; their random-looking values are ids (a Planner plan id, a GUID, an audit id), so a value that is only random-looking is a warning, not an error. GUIDs are ids, not secrets.",
            fix:
                "Use a harmless example value (\"[DUMMY_VALUE]\", a sample id) in x-ms-test-value; give test credentials to the certification team through the submission, never in the swagger.",
            triggering: [
                .swagger(PolicyFilesTestValueExamples.swagger(name: "apiKey", value: "k3Y9x2Lm7QpZ4vB8nR1t"))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/1/x-ms-test-value"),
                .swagger(
                    PolicyFilesTestValueExamples.swagger(
                        name: "place", value: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/1/x-ms-test-value"),
                .swagger(PolicyFilesTestValueExamples.swagger(name: "place", value: "Xk29fLq8Zt3NwR7vYb1Mc6Hd0Jp5Sg4A"))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/1/x-ms-test-value (warning)"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(PolicyFilesTestValueExamples.swagger(name: "apiKey", value: "[DUMMY_VALUE]")),
                .swagger(PolicyFilesTestValueExamples.swagger(name: "place", value: "6145b6dc-1ce4-43b1-a4b5-a19b8440096a")),
                .swagger(PolicyFilesTestValueExamples.swagger(name: "place", value: "New York City")),
            ])
    ) { context in
        // Few connectors use x-ms-test-value: skip the walk when the text has none.
        guard let swagger = context.swagger, PolicyFilesText.contains(swagger.file.bytes, "x-ms-test-value") else { return [] }
        var findings: [Finding] = []
        func visit(_ value: JSONValue, _ pointer: JSONPointer, holderKey: String?) {
            guard case .object(let object) = value.kind else {
                if case .array(let elements) = value.kind {
                    for (index, element) in elements.enumerated() { visit(element, pointer.appending(index), holderKey: nil) }
                }
                return
            }
            for member in object.members {
                let memberPointer = pointer.appending(member.key)
                if member.key == "x-ms-test-value" {
                    // What the value is for: the parameter's name, or the property's key.
                    let name = object["name"]?.string ?? holderKey ?? ""
                    let isCredential = PolicyFilesSecrets.isCredentialName(name) || object["format"]?.string == "password"
                    for (stringPointer, _, text) in policyFilesStrings(member.value, at: memberPointer) {
                        if let finding = testValueFinding(
                            context, swagger, text, at: stringPointer, credentialName: isCredential ? name : nil)
                        {
                            findings.append(finding)
                        }
                    }
                } else {
                    visit(member.value, memberPointer, holderKey: member.key)
                }
            }
        }
        visit(swagger.document.root, .root, holderKey: nil)
        return findings
    }

    static func testValueFinding(
        _ context: RuleContext, _ swagger: (file: PackageFile, document: JSONDocument), _ text: String, at pointer: JSONPointer,
        credentialName: String?
    ) -> Finding? {
        let masked = PolicyFilesText.mask(text)
        if let match = PolicyFilesSecretScanner.scan(text).first {
            return context.finding(
                "This x-ms-test-value contains what looks like \(match.kind) (\"\(match.masked)\"). Test values are published with the connector: use a dummy value, and rotate the credential if it is real.",
                in: swagger.file, document: swagger.document, at: pointer, signature: "shape:" + match.kind)
        }
        if let name = credentialName, !PolicyFilesText.isPlaceholder(text) {
            return context.finding(
                "The x-ms-test-value of \(name) is a real-looking credential (\"\(masked)\"). Test values are published with the connector: use \"[DUMMY_VALUE]\", and rotate the credential if it is real.",
                in: swagger.file, document: swagger.document, at: pointer, signature: "credential:" + name)
        }
        if !PolicyFilesText.isGUID(text), PolicyFilesText.looksRandom(text, minimumLength: 24, minimumEntropy: 4.0) {
            return context.finding(
                "This x-ms-test-value (\"\(masked)\") looks like a generated key or token. If it is a secret, replace it with a dummy value and rotate it; if it is a sample id, it can stay.",
                in: swagger.file, document: swagger.document, at: pointer, severity: .warning, signature: "random")
        }
        return nil
    }
}

enum PolicyFilesTestValueExamples {
    /// The minimal swagger with one more query parameter carrying an x-ms-test-value.
    static func swagger(name: String, value: String) -> String {
        ExamplePackage.minimalFiles["apiDefinition.swagger.json"]!.replacingOccurrences(
            of: #""x-ms-test-value": "Oslo"}"#,
            with: #""x-ms-test-value": "Oslo"},"# + "\n          "
                + #"{"name": "\#(name)", "in": "query", "required": false, "type": "string", "description": "A value.", "x-ms-summary": "Value", "x-ms-test-value": "\#(value)"}"#
        )
    }
}
