import Certification
import JSONDocument

extension PolicyRules {
    static let titlePointer = JSONPointer(tokens: ["info", "title"])

    static let titleRequiredEnglish = Rule(
        RuleDescription(
            id: "title-required-english", severity: .error, stage: PolicyStage.stageName,
            summary:
                "info.title is not empty and is written in English. English is judged by a simple heuristic: every letter must be Latin (ASCII or accented Latin); a title in another script fires, an untranslated title in a Latin-script language does not.",
            source:
                "title-required-english: DH/certification-submission (R), validator error `ValueMustBeInEnglish`, whose fix reads \"a value containing only alphanumeric characters\". No language detection is published; the Latin-script heuristic catches Cyrillic, Greek, CJK, Arabic and other scripts without false positives on names like \"Zoho Créator\". A missing title is the schema stage's finding (info.title is a required field).",
            fix: "Give the connector an English title in info.title, in Latin letters.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Контосо Погода\""))
                    .at("apiDefinition.swagger.json#/info/title"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"  \""))
                    .at("apiDefinition.swagger.json#/info/title"),
            ],
            nonTriggering: [
                .minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Météo™ 2\"")),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        guard let title = swagger.document.root["info"]?["title"]?.string else { return [] }
        if title.allSatisfy(\.isWhitespace) {
            return [
                context.swaggerFinding(
                    "info.title is empty. Set it to the connector's English display name (at most 30 characters).",
                    at: titlePointer, signature: "empty")
            ].compactMap { $0 }
        }
        let foreign = title.unicodeScalars.filter { $0.properties.isAlphabetic && !PolicySwaggerText.isLatin($0) }
        guard let first = foreign.first else { return [] }
        return [
            context.swaggerFinding(
                "info.title \(PolicySwaggerText.quote(title)) has letters that are not Latin (first: \"\(first)\"); titles must be in English. Translate the title to English.",
                at: titlePointer, signature: "non-latin")
        ].compactMap { $0 }
    }

    static let titleMaxLength = Rule(
        RuleDescription(
            id: "title-max-length", severity: .error, stage: PolicyStage.stageName,
            summary: "info.title has at most 30 characters.",
            source:
                "title-max-length: DH/certification-submission (R); validator \"The 'title' value goes over the character limit '30'\" (`FieldLengthExceeded`, policy 5000.2.2.1; PR#3407, V). Characters are counted as UTF-16 code units, as the .NET validator does.",
            fix: "Shorten info.title to 30 characters or fewer; move detail to info.description.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Weather Forecasts Worldwide\""))
                    .at("apiDefinition.swagger.json#/info/title")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Weather Forecasts Hub1\"")),
            ])
    ) { context in
        guard let swagger = context.swagger, let title = swagger.document.root["info"]?["title"]?.string else { return [] }
        let length = title.utf16.count
        guard length > 30 else { return [] }
        return [
            context.swaggerFinding(
                "info.title \(PolicySwaggerText.quote(title)) has \(length) characters; the limit is 30. Shorten it and move the detail to info.description.",
                at: titlePointer, signature: "length")
        ].compactMap { $0 }
    }

    /// Words and product names a title must not contain, as whole words, case-insensitively.
    static let titleRestrictedWords = [
        "api", "apis", "connector", "connectors", "copilot studio", "power apps", "power automate", "power bi",
        "power pages", "power platform", "power virtual agents", "logic apps", "microsoft flow",
    ]

    static let titleRestrictedWordsRule = Rule(
        RuleDescription(
            id: "title-restricted-words", severity: .error, stage: PolicyStage.stageName,
            summary:
                "info.title does not contain \"API\", \"Connector\" or a Microsoft product name (Copilot Studio, Power Apps, Power Automate, Power BI, Power Pages, Power Platform, Power Virtual Agents, Logic Apps, Microsoft Flow), matched as whole words in any case.",
            source:
                "title-restricted-words: validator \"contains at least one of the restricted words: 'api, connector'\" (PR#3407, V); DH/certification-submission bans Copilot Studio and Power Platform product names (R). Power BI, Power Pages, Power Platform and the old names are inferred additions (I). Whole-word matching (I) so that \"Rapid\" or \"Capital\" never match \"api\"; spaces inside product names are optional (\"PowerApps\").",
            fix: "Remove the word from info.title: the title names the service, not the connector or the Microsoft product it runs in.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Weather API\""))
                    .at("apiDefinition.swagger.json#/info/title"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso for PowerApps\""))
                    .at("apiDefinition.swagger.json#/info/title"),
            ],
            nonTriggering: [
                .minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Rapid Capital Weather\"")),
            ])
    ) { context in
        guard let swagger = context.swagger, let title = swagger.document.root["info"]?["title"]?.string else { return [] }
        return titleRestrictedWords.compactMap { word in
            guard let found = PolicySwaggerText.wholeWord(word, in: title) else { return nil }
            return context.swaggerFinding(
                "info.title \(PolicySwaggerText.quote(title)) contains the restricted word \"\(found)\". Remove it: the title names the service, without \"API\", \"Connector\" or Microsoft product names.",
                at: titlePointer, signature: word)
        }
    }

    static let titleEndAlphanumeric = Rule(
        RuleDescription(
            id: "title-end-alnum", severity: .error, stage: PolicyStage.stageName,
            summary: "info.title ends with a letter or a digit (or a closing parenthesis): no trailing punctuation, space, CR or LF.",
            source:
                "title-end-alnum: DH/certification-submission (R), validator `ValueMustEndWithAlphanumeric` ([A-Za-z0-9]$). A closing parenthesis is accepted: 14 certified titles end with one (\"Asite (Canada)\", \"XC-Gate (Preview)\"), so the validator evidently allows it.",
            fix: "Remove the trailing punctuation or whitespace from info.title.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Weather.\""))
                    .at("apiDefinition.swagger.json#/info/title"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Weather \""))
                    .at("apiDefinition.swagger.json#/info/title"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Contoso Weather\"", with: "\"Contoso Weather (Preview)\"")),
            ])
    ) { context in
        guard let swagger = context.swagger, let title = swagger.document.root["info"]?["title"]?.string,
            !title.allSatisfy(\.isWhitespace)
        else { return [] }
        if PolicySwaggerText.endsAlphanumeric(title) || title.hasSuffix(")") { return [] }
        return [
            context.swaggerFinding(
                "info.title \(PolicySwaggerText.quote(title)) ends with \(PolicySwaggerText.describeLast(title)); it must end with a letter or a digit. Remove the trailing character.",
                at: titlePointer, signature: "end")
        ].compactMap { $0 }
    }
}

extension PolicySwaggerText {
    /// Whether a letter belongs to the Latin script (ASCII, Latin-1, the Latin Extended blocks,
    /// fullwidth Latin).
    static func isLatin(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0000...0x024F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xAB30...0xAB6F, 0xFF21...0xFF3A,
            0xFF41...0xFF5A:
            return true
        default:
            return false
        }
    }
}
