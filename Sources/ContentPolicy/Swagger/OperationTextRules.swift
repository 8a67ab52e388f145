import Certification
import Foundation
import JSONDocument

extension PolicyRules {
    static let operationStringsRequired = Rule(
        RuleDescription(
            id: "op-strings-required", severity: .error, stage: PolicyStage.stageName,
            summary: "Every operation users see (not x-ms-visibility internal) has a non-empty summary and description.",
            source:
                "op-strings-required: DH/certification-submission checklist, \"No operations are missing a summary, description, or visibility information\" (R). Internal operations are exempt: the 21 certified connectors with an operation missing one have it only on internal operations, so the validator evidently checks visible ones only. The visibility part is the separate rule op-visibility-required, because 502 certified connectors omit x-ms-visibility.",
            fix:
                "Add a summary (the action's name in the designer, at most 80 characters) and a description (a full sentence) to the operation.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"summary\": \"Get the forecast\",", with: ""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/summary"),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"Returns the forecast for the next days at a place.\"", with: "\" \"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/description"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) where !operation.isInternal {
            for key in ["summary", "description"] {
                let value = operation.object[key]?.string ?? ""
                guard value.allSatisfy(\.isWhitespace) else { continue }
                let what = key == "summary" ? "a summary (the action's name in the designer)" : "a description (a full sentence)"
                findings.append(
                    context.swaggerFinding(
                        "The \(operation.label) has \(operation.object[key] == nil ? "no" : "an empty") \(key). Add \(what).",
                        at: operation.pointer.appending(key), signature: key))
            }
        }
        return findings.compactMap { $0 }
    }

    static let operationVisibilityRequired = Rule(
        RuleDescription(
            id: "op-visibility-required", severity: .info, stage: PolicyStage.stageName,
            summary: "Every operation sets x-ms-visibility (important, advanced or internal).",
            source:
                "op-strings-required (visibility part): DH/certification-submission checklist (R). Information only: 502 of the 619 certified connectors leave x-ms-visibility out on some operation (8,392 of 11,758 operations), so neither the validator nor the reviewers enforce it; the designer treats a missing value as \"none\" (shown normally).",
            fix:
                "Set \"x-ms-visibility\" on the operation: \"important\" for the main actions, \"advanced\" for the others, \"internal\" for helpers used by dynamic values.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"x-ms-visibility\": \"important\",", with: ""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) where operation.object["x-ms-visibility"] == nil {
            findings.append(
                context.swaggerFinding(
                    "The \(operation.label) has no x-ms-visibility. Set it to \"important\", \"advanced\" or \"internal\".",
                    at: operation.pointer, atKey: true, signature: "x-ms-visibility"))
        }
        return findings.compactMap { $0 }
    }

    static let summaryMaxLength = Rule(
        RuleDescription(
            id: "summary-max-length", severity: .error, stage: PolicyStage.stageName,
            summary: "Operation summaries have at most 80 characters.",
            source:
                "summary-max-length: DH/certification-submission (R, \"should\" be 80 for certification); the validator's `OperationSummaryTooLong` is at 120 (SVR). 80 is used: no certified connector has a longer summary.",
            fix: "Shorten the summary to 80 characters or fewer; put the detail in the description.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"Get the forecast\"",
                        with: "\"Get the forecast for the next days at a place given by its name or by its coordinates\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/summary")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            guard let summary = operation.object["summary"]?.string, summary.utf16.count > 80 else { continue }
            findings.append(
                context.swaggerFinding(
                    "The summary of the \(operation.label) has \(summary.utf16.count) characters (\(PolicySwaggerText.quote(summary, limit: 50))); the limit is 80. Shorten it and move the detail to the description.",
                    at: operation.pointer.appending("summary"), signature: "length"))
        }
        return findings.compactMap { $0 }
    }

    static let summaryRestrictedCharacters: Set<Character> = ["/", "\\", "<", ">", "*", "%", "&", "?"]

    static let summaryChars = Rule(
        RuleDescription(
            id: "summary-chars", severity: .error, stage: PolicyStage.stageName,
            summary: "Operation summaries contain none of the characters / \\ < > * % & ?",
            source:
                "summary-chars: validator \"Summary string contains any of the restricted characters [/\\<>*%&?]\" (`RestrictedCharactersInSummary`, PR#1095, V). The docs' stricter \"only alphanumeric characters or parentheses\" is not enforced by the validator and is not checked.",
            fix: "Reword the summary without / \\ < > * % & ? (write \"and\" for &, \"or\" for /).",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Get the forecast\"", with: "\"Get the forecast/observations\""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/summary")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    PolicyOASExamples.swagger(replacing: "\"Get the forecast\"", with: "\"Get the forecast (daily), in Celsius\"")),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            guard let summary = operation.object["summary"]?.string else { continue }
            var seen: [Character] = []
            for character in summary where summaryRestrictedCharacters.contains(character) && !seen.contains(character) {
                seen.append(character)
            }
            guard !seen.isEmpty else { continue }
            let list = seen.map { "\"\($0)\"" }.joined(separator: ", ")
            findings.append(
                context.swaggerFinding(
                    "The summary \(PolicySwaggerText.quote(summary)) of the \(operation.label) contains \(list). Reword it without / \\ < > * % & ? (e.g. \"and\" for &, \"or\" for /).",
                    at: operation.pointer.appending("summary"), signature: String(seen)))
        }
        return findings.compactMap { $0 }
    }

    static let summaryEndAlphanumeric = Rule(
        RuleDescription(
            id: "summary-end-alnum", severity: .error, stage: PolicyStage.stageName,
            summary:
                "Operation summaries end with a letter, a digit or a closing parenthesis: no trailing period, punctuation or whitespace.",
            source:
                "summary-end-alnum: DH/connector-string-guidance (R). The closing parenthesis is accepted (I), as the guidance allows parentheses; no certified connector has a summary ending otherwise.",
            fix: "Remove the trailing punctuation or whitespace from the summary.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Get the forecast\"", with: "\"Get the forecast.\""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/summary")
            ],
            nonTriggering: [
                .minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"Get the forecast\"", with: "\"Get the forecast (V2)\"")),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            guard let summary = operation.object["summary"]?.string, !summary.allSatisfy(\.isWhitespace),
                !PolicySwaggerText.endsAlphanumeric(summary), !summary.hasSuffix(")")
            else { continue }
            findings.append(
                context.swaggerFinding(
                    "The summary \(PolicySwaggerText.quote(summary)) of the \(operation.label) ends with \(PolicySwaggerText.describeLast(summary)). Remove it: summaries end with a letter, a digit or \")\".",
                    at: operation.pointer.appending("summary"), signature: "end"))
        }
        return findings.compactMap { $0 }
    }

    static let descriptionSentence = Rule(
        RuleDescription(
            id: "description-sentence", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "Operation descriptions are full sentences: they end with \".\", \"!\" or \"?\" (a closing quote or parenthesis may follow).",
            source:
                "description-sentence: DH/certification-submission, \"a full English sentence ending in punctuation\" (R). A warning: reviewers ask for it, the validator does not check it, and 413 of the 619 certified connectors have an operation description without final punctuation.",
            fix: "End the description with a period, and write it as a sentence that says what the operation does.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"Returns the forecast for the next days at a place.\"",
                        with: "\"Returns the forecast for the next days at a place\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/description")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(swagger.document.root) {
            guard let description = operation.object["description"]?.string, !description.allSatisfy(\.isWhitespace),
                !PolicySwaggerText.endsSentence(description)
            else { continue }
            findings.append(
                context.swaggerFinding(
                    "The description \(PolicySwaggerText.quote(description, limit: 60)) of the \(operation.label) does not end with a period. Write it as a full sentence ending in \".\".",
                    at: operation.pointer.appending("description"), signature: "sentence"))
        }
        return findings.compactMap { $0 }
    }

    static let summaryNotDescription = Rule(
        RuleDescription(
            id: "summary-ne-description", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "An operation's summary differs from its description, and a parameter's x-ms-summary differs from its description (compared case-insensitively, ignoring a final period).",
            source:
                "summary-ne-description: DH/coding-standards (R, a \"should\"): the description is shown as help text under the name and must add information. A warning: 297 of the 619 certified connectors repeat a summary as a description somewhere (202 on an operation).",
            fix: "Write a description that says more than the name: what the operation does or what the value means, as a sentence.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"Returns the forecast for the next days at a place.\"", with: "\"Get the forecast.\"")
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/description"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"The place name.\"", with: "\"Place\""))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/description"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        for operation in PolicySwaggerWalk.operations(root) {
            guard let summary = operation.object["summary"]?.string, let description = operation.object["description"]?.string,
                PolicySwaggerText.sameText(summary, description)
            else { continue }
            findings.append(
                context.swaggerFinding(
                    "The description of the \(operation.label) repeats its summary \(PolicySwaggerText.quote(summary)). Write a sentence that says what the operation does.",
                    at: operation.pointer.appending("description"), signature: "operation"))
        }
        for parameter in PolicySwaggerWalk.parameters(root) {
            guard let summary = parameter.object["x-ms-summary"]?.string, let description = parameter.object["description"]?.string,
                PolicySwaggerText.sameText(summary, description)
            else { continue }
            findings.append(
                context.swaggerFinding(
                    "The description of \(parameter.label) repeats its x-ms-summary \(PolicySwaggerText.quote(summary)). Describe what the value means and how to fill it.",
                    at: parameter.pointer.appending("description"), signature: "parameter"))
        }
        return findings.compactMap { $0 }
    }
}

extension PolicySwaggerText {
    /// Ends with . ! or ? (and maybe closing quotes or parentheses), ignoring trailing whitespace.
    static func endsSentence(_ text: String) -> Bool {
        var trimmed = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        while let last = trimmed.last, "\"')”’]".contains(last) { trimmed = trimmed.dropLast() }
        guard let last = trimmed.last else { return false }
        return ".!?。".contains(last)
    }

    /// The same text, ignoring case, surrounding whitespace and a final period.
    static func sameText(_ a: String, _ b: String) -> Bool {
        func normal(_ text: String) -> String {
            var value = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            while value.hasSuffix(".") { value.removeLast() }
            return value
        }
        let left = normal(a)
        return !left.isEmpty && left == normal(b)
    }
}
