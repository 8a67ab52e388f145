import Certification
import JSONDocument

extension PolicyRules {
    static let brandColorPointer = JSONPointer(tokens: ["properties", "iconBrandColor"])

    static let brandColorFormat = Rule(
        RuleDescription(
            id: "brand-color-format", severity: .error, stage: PolicyStage.stageName,
            summary: "apiProperties.json sets properties.iconBrandColor to a colour written #RRGGBB (six hexadecimal digits).",
            source:
                "props-shape and brand-color-format: PowerPlatformConnectors schemas/paconn-apiProperties.schema.json requires iconBrandColor (R); the #RRGGBB form is inferred from the designer (I) and every certified connector uses it.",
            fix: "Set \"iconBrandColor\" in properties to the icon's background colour, e.g. \"#1f6feb\".",
            triggering: [
                .properties(PolicyOASExamples.properties(replacing: "\"#1f6feb\"", with: "\"blue\""))
                    .at("apiProperties.json#/properties/iconBrandColor"),
                .properties(PolicyOASExamples.properties(replacing: "\"iconBrandColor\": \"#1f6feb\",", with: ""))
                    .at("apiProperties.json#/properties/iconBrandColor"),
            ],
            nonTriggering: [.minimal(), .properties(PolicyOASExamples.properties(replacing: "\"#1f6feb\"", with: "\"#1F6FEB\""))])
    ) { context in
        guard let properties = context.properties, properties.document.root["properties"]?.object != nil else { return [] }
        guard let value = properties.document.root["properties"]?["iconBrandColor"] else {
            return [
                context.finding(
                    "properties.iconBrandColor is missing. Add the icon's background colour as \"#RRGGBB\".",
                    in: properties.file, document: properties.document, at: brandColorPointer, signature: "missing")
            ]
        }
        guard let color = value.string else {
            return [
                context.finding(
                    "properties.iconBrandColor is a \(value.typeName), not a string. Write the colour as \"#RRGGBB\".",
                    in: properties.file, document: properties.document, at: brandColorPointer, signature: "type")
            ]
        }
        guard !PolicySwaggerText.isHexColor(color) else { return [] }
        return [
            context.finding(
                "iconBrandColor \"\(color)\" is not a colour written #RRGGBB. Write it as \"#\" and six hexadecimal digits, e.g. \"#1f6feb\".",
                in: properties.file, document: properties.document, at: brandColorPointer, signature: "format")
        ]
    }

    static let brandColorForbidden = Rule(
        RuleDescription(
            id: "brand-color-forbidden", severity: .error, stage: PolicyStage.stageName,
            summary: "iconBrandColor is neither #007ee5 (the default custom-connector blue) nor #ffffff (white), in any case.",
            source:
                "brand-color-forbidden: PowerPlatformConnectors pull-request template and DH/certification-submission (R). Fires on 4 of the 619 certified connectors.",
            fix: "Use the brand colour of the service's icon background (the icon must be on a non-white background of that colour).",
            triggering: [
                .properties(PolicyOASExamples.properties(replacing: "\"#1f6feb\"", with: "\"#007EE5\""))
                    .at("apiProperties.json#/properties/iconBrandColor"),
                .properties(PolicyOASExamples.properties(replacing: "\"#1f6feb\"", with: "\"#ffffff\""))
                    .at("apiProperties.json#/properties/iconBrandColor"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let properties = context.properties,
            let color = properties.document.root["properties"]?["iconBrandColor"]?.string
        else { return [] }
        let lower = color.lowercased()
        guard lower == "#007ee5" || lower == "#ffffff" else { return [] }
        let why = lower == "#ffffff" ? "white, which is not allowed" : "the default custom-connector blue, which is not allowed"
        return [
            context.finding(
                "iconBrandColor \"\(color)\" is \(why). Use the brand colour of the icon's background instead.",
                in: properties.file, document: properties.document, at: brandColorPointer, signature: lower)
        ]
    }

    static let independentPublisherColor = "#da3b01"

    static let brandColorIndependentPublisher = Rule(
        RuleDescription(
            id: "brand-color-ip", severity: .error, stage: PolicyStage.stageName,
            summary: "Under the independent-publisher profile (ruleset profile independent-publisher), iconBrandColor is #da3b01.",
            source:
                "brand-color-ip: PowerPlatformConnectors README and DH/certification-submission-ip (R); all 394 independent-publisher files in PowerPlatformConnectors comply. Checked only when the run's profile is the independent publisher (verified publishers choose their colour).",
            fix: "Set \"iconBrandColor\": \"#da3b01\": independent-publisher connectors all use this colour with the generic icon.",
            triggering: [],
            nonTriggering: [.minimal()])
    ) { context in
        guard context.input.options.ruleset.profile == .independentPublisher, let properties = context.properties,
            let color = properties.document.root["properties"]?["iconBrandColor"]?.string,
            color.lowercased() != independentPublisherColor
        else { return [] }
        return [
            context.finding(
                "iconBrandColor is \"\(color)\"; independent-publisher connectors must use \(independentPublisherColor). Set \"iconBrandColor\": \"\(independentPublisherColor)\".",
                in: properties.file, document: properties.document, at: brandColorPointer, signature: color.lowercased())
        ]
    }
}

extension PolicySwaggerText {
    static func isHexColor(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return scalars.count == 7 && scalars[0] == "#"
            && scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
    }
}
