import Certification
import Foundation

extension PolicyRules {
    static let swaggerSizeErrorBytes = 1_048_576
    static let swaggerSizeWarningCharacters = 500_000

    static let swaggerSize = Rule(
        RuleDescription(
            id: "swagger-size", severity: .error, stage: PolicyStage.stageName,
            summary:
                "apiDefinition.swagger.json is under 1 MB (1,048,576 bytes; an error); over 500,000 characters it is a warning, because it no longer fits a Dataverse solution.",
            source:
                "swagger-size: DH/faq and certification-submission step 3d (the 1 MB limit, R); #3567 (V) for the Dataverse `openapidefinition` column maximum of 500,000 characters, counted here in UTF-16 code units as Dataverse does. The file's bytes are measured as submitted, whether or not it parses.",
            fix:
                "Shrink the definition: move repeated schemas to `definitions` and reference them, drop unused definitions and examples, remove indentation, or split the connector in two.",
            triggering: [
                .swagger(PolicyOASExamples.paddedSwagger(characters: 520_000)).at("apiDefinition.swagger.json (warning)"),
                .swagger(PolicyOASExamples.paddedSwagger(characters: 1_100_000)).at("apiDefinition.swagger.json"),
            ],
            nonTriggering: [.minimal(), .swagger(PolicyOASExamples.paddedSwagger(characters: 400_000))])
    ) { context in
        guard let file = context.package.file(.swagger) else { return [] }
        let bytes = file.bytes.count
        if bytes >= swaggerSizeErrorBytes {
            return [
                context.fileFinding(
                    "\(file.path) is \(bytes) bytes; the limit is 1 MB (\(swaggerSizeErrorBytes) bytes). Shrink it: reference shared schemas from `definitions`, remove unused definitions and examples, or split the connector.",
                    file: file.path, signature: "over-1mb")
            ]
        }
        let characters = String(decoding: file.bytes, as: UTF8.self).utf16.count
        guard characters > swaggerSizeWarningCharacters else { return [] }
        var finding = context.fileFinding(
            "\(file.path) has \(characters) characters, more than the 500,000 a Dataverse solution can hold: the connector cannot be packaged in a solution for Partner Center. Shrink it below 500,000 characters (remove indentation, unused definitions and examples).",
            file: file.path, signature: "over-500k-characters")
        finding.severity = .warning
        return [finding]
    }
}

/// Example texts the policy rules build their examples from.
enum PolicyOASExamples {
    /// The minimal swagger with a `definitions` entry whose description pads the file to about
    /// `characters` characters.
    static func paddedSwagger(characters: Int) -> String {
        let base = ExamplePackage.minimalFiles["apiDefinition.swagger.json"]!
        let padding = String(repeating: "Padding text. ", count: max(0, characters - base.utf16.count) / 14 + 1)
        return swagger(
            replacing: "\"x-ms-connector-metadata\"",
            with: "\"definitions\": {\"Padding\": {\"type\": \"string\", \"description\": \"\(padding)\"}},\n  \"x-ms-connector-metadata\"")
    }

    /// The minimal swagger with the first occurrence of `old` replaced by `new`.
    static func swagger(replacing old: String, with new: String) -> String {
        replace(ExamplePackage.minimalFiles["apiDefinition.swagger.json"]!, old, new)
    }

    /// The minimal apiProperties.json with the first occurrence of `old` replaced by `new`.
    static func properties(replacing old: String, with new: String) -> String {
        replace(ExamplePackage.minimalFiles["apiProperties.json"]!, old, new)
    }

    static func replace(_ text: String, _ old: String, _ new: String) -> String {
        guard let range = text.range(of: old) else { fatalError("example text has no \(old)") }
        return text.replacingCharacters(in: range, with: new)
    }
}
