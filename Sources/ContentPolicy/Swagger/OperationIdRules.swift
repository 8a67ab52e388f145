import Certification
import Foundation
import JSONDocument

extension PolicyRules {
    static let operationIdPresent = Rule(
        RuleDescription(
            id: "opid", severity: .error, stage: PolicyStage.stageName,
            summary: "Every operation has an operationId made of ASCII letters, digits, underscores and dashes.",
            source:
                "opid: validator `OperationIdRequired` and `OperationIdSanitized` (\"avoid the usage of non-alphanumeric characters\", SVR, R). Underscores and dashes are accepted here: 107 and 43 of the 619 certified connectors use them, so the validator evidently lets them through (opid-pascal warns about them). Other characters (dots, slashes, spaces, non-ASCII letters) fire. Uniqueness is the schema stage's rule.",
            fix: "Give each operation an operationId of letters and digits, in PascalCase, e.g. \"GetForecast\".",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"operationId\": \"GetForecast\",", with: ""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"GetForecast\"", with: "\"get.forecast\""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/operationId"),
            ],
            nonTriggering: [.minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"GetForecast\"", with: "\"Get_Forecast-V2\""))])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            guard let operationId = operation.operationId else {
                findings.append(
                    context.swaggerFinding(
                        "The \(operation.label) has no operationId. Add one made of letters and digits, e.g. \"\(PolicySwaggerText.suggestedOperationId(operation))\".",
                        at: operation.pointer, atKey: true, signature: "missing"))
                continue
            }
            if operationId.isEmpty || !operationId.unicodeScalars.allSatisfy(PolicySwaggerText.isOperationIdCharacter) {
                let cleaned = PolicySwaggerText.pascalCase(operationId)
                findings.append(
                    context.swaggerFinding(
                        "operationId \"\(operationId)\" has characters other than letters, digits, \"_\" and \"-\". Rename it, e.g. to \"\(cleaned.isEmpty ? PolicySwaggerText.suggestedOperationId(operation) : cleaned)\", and update the x-ms-dynamic-* references to it.",
                        at: operation.pointer.appending("operationId"), signature: operationId))
            }
        }
        return findings.compactMap { $0 }
    }

    static let operationIdPascal = Rule(
        RuleDescription(
            id: "opid-pascal", severity: .warning, stage: PolicyStage.stageName,
            summary: "operationIds are PascalCase (^[A-Z][A-Za-z0-9]*$): an upper-case first letter, no \"_\" or \"-\".",
            source:
                "opid-pascal: DH/coding-standards (R, a \"should\"). PowerPlatformConnectors has 12.5k PascalCase operationIds and 3.4k others (177 of the 619 certified connectors have one), so this is a warning. Ids with characters opid rejects are reported by opid only.",
            fix:
                "Rename the operationId to PascalCase, e.g. \"getForecast\" to \"GetForecast\" (a rename of a published operation is a breaking change: do it before the first certification).",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"GetForecast\"", with: "\"getForecast\""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/operationId"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"GetForecast\"", with: "\"Get_Forecast\""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/operationId"),
            ],
            nonTriggering: [.minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"GetForecast\"", with: "\"get.forecast\""))])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            guard let operationId = operation.operationId, let first = operationId.unicodeScalars.first,
                operationId.unicodeScalars.allSatisfy(PolicySwaggerText.isOperationIdCharacter),
                !("A"..."Z").contains(first) || !operationId.unicodeScalars.allSatisfy(PolicySwaggerText.isASCIIAlphanumeric)
            else { continue }
            findings.append(
                context.swaggerFinding(
                    "operationId \"\(operationId)\" is not PascalCase. Rename it to \"\(PolicySwaggerText.pascalCase(operationId))\" (and update the x-ms-dynamic-* references to it).",
                    at: operation.pointer.appending("operationId"), signature: operationId))
        }
        return findings.compactMap { $0 }
    }
}

extension PolicySwaggerText {
    static func isOperationIdCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(scalar) || scalar == "_" || scalar == "-"
    }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The words of `text` (split at anything that is not an ASCII letter or digit), each with
    /// an upper-case first letter, joined.
    static func pascalCase(_ text: String) -> String {
        text.unicodeScalars.split { !isASCIIAlphanumeric($0) }.map { word in
            let string = String(word)
            return string.prefix(1).uppercased() + string.dropFirst()
        }.joined()
    }

    /// An operationId made from the method and the path, for messages.
    static func suggestedOperationId(_ operation: PolicySwaggerOperation) -> String {
        let words = operation.path.split(separator: "/").filter { !$0.hasPrefix("{") }.map(String.init)
        let name = pascalCase(operation.method + " " + words.joined(separator: " "))
        return name.isEmpty ? "MyOperation" : name
    }
}
