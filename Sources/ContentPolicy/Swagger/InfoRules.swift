import Certification
import Foundation
import JSONDocument

extension PolicyRules {
    static let infoDescriptionPointer = JSONPointer(tokens: ["info", "description"])

    static let descriptionLength = Rule(
        RuleDescription(
            id: "description-length", severity: .error, stage: PolicyStage.stageName,
            summary: "info.description is present and has 30 to 500 characters.",
            source:
                "description-length: DH/certification-submission (R), validator `FieldLengthNotInRange`; policy 5000.2.3.4. Counted in UTF-16 code units, as the .NET validator counts.",
            fix: "Write a description of the service in 30 to 500 characters: what it is and what the connector lets users do.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "\"Weather forecasts and current observations for any place on Earth, by coordinates or by name.\"",
                        with: "\"Weather forecasts.\"")
                ).at("apiDefinition.swagger.json#/info/description"),
                ExamplePackage.swagger(
                    PolicyOASExamples.swagger(
                        replacing:
                            "\"description\": \"Weather forecasts and current observations for any place on Earth, by coordinates or by name.\",",
                        with: "")
                ).at("apiDefinition.swagger.json#/info/description"),
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        guard let description = swagger.document.root["info"]?["description"]?.string else {
            return [
                context.swaggerFinding(
                    "info.description is missing. Add a description of the service in 30 to 500 characters.",
                    at: infoDescriptionPointer, signature: "missing")
            ].compactMap { $0 }
        }
        let length = description.utf16.count
        guard length < 30 || length > 500 else { return [] }
        let advice = length < 30 ? "expand it to at least 30" : "shorten it to at most 500"
        return [
            context.swaggerFinding(
                "info.description has \(length) characters (\(PolicySwaggerText.quote(description, limit: 60))); it must have 30 to 500: \(advice).",
                at: infoDescriptionPointer, signature: length < 30 ? "short" : "long")
        ].compactMap { $0 }
    }

    /// Microsoft product names a connector description must not use.
    static let descriptionRestrictedNames = ["power apps", "power automate", "logic apps", "copilot studio", "microsoft flow"]

    static let descriptionRestricted = Rule(
        RuleDescription(
            id: "description-restricted", severity: .error, stage: PolicyStage.stageName,
            summary:
                "info.description does not name Power Apps, Power Automate, Logic Apps, Copilot Studio or Microsoft Flow (whole words, any case, spaces optional).",
            source:
                "description-restricted: validator \"contains at least one of the restricted words: 'power apps, power automate, logic apps'\" (PR#3407, V); Copilot Studio per DH/certification-submission (R); Microsoft Flow is the old name of Power Automate. The string guidance also discourages \"API\" (W), but 75 certified descriptions use it and the validator does not list it, so it is not checked.",
            fix: "Describe the service itself; remove the product name (the connector runs in all of them).",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "by coordinates or by name.", with: "by coordinates or by name, in Power Automate.")
                ).at("apiDefinition.swagger.json#/info/description")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger, let description = swagger.document.root["info"]?["description"]?.string else {
            return []
        }
        return descriptionRestrictedNames.compactMap { name in
            guard let found = PolicySwaggerText.wholeWord(name, in: description) else { return nil }
            return context.swaggerFinding(
                "info.description names \"\(found)\"; product names are not allowed in the connector description. Describe the service instead and remove \"\(found)\".",
                at: infoDescriptionPointer, signature: name)
        }
    }

    static let contactRequired = Rule(
        RuleDescription(
            id: "contact-required", severity: .error, stage: PolicyStage.stageName,
            summary:
                "info.contact is present, and its email and url, where given, are a valid ASCII email address and an absolute http(s) URL.",
            source:
                "contact-required: validator \"The 'contact' property is required. ValuePath: /info\" (PR#1095 and PR#2637 as ##[error]; paconn \"Error : info : The 'contact' property is required\", PR#683, V); `ContactEmailNotValid` (SVR, R), which checks the email \"if present\". The URL check is the validator's `UrlNotValid` applied to the contact URL (I). Narrowed by calibration: a contact without a name, url or email is contact-complete's warning, since Microsoft's validator requires the object and checks the email only when given, and 66 of the 619 certified connectors, 10 of them changed in 2023-24, lack a part (docs/calibration.md).",
            fix:
                "Add \"contact\": {\"name\": ..., \"url\": \"https://...\", \"email\": \"support@...\"} to info, with the publisher's support contact.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"support@contoso.example\"", with: "\"support at contoso\""))
                    .at("apiDefinition.swagger.json#/info/contact/email"),
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing:
                            "\"contact\": {\"name\": \"Contoso Support\", \"url\": \"https://contoso.example/support\", \"email\": \"support@contoso.example\"}",
                        with: "\"x-contact\": {}")
                ).at("apiDefinition.swagger.json#/info/contact"),
            ],
            nonTriggering: [.minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"name\": \"Contoso Support\", ", with: ""))])
    ) { context in
        contactFindings(context, completeness: false)
    }

    static let contactComplete = Rule(
        RuleDescription(
            id: "contact-complete", severity: .warning, stage: PolicyStage.stageName,
            summary: "info.contact has all three of a name, a url and an email.",
            source:
                "contact-complete: DH/certification-submission asks for the contact's name, URL and email (\"Provide one value for each\", R), but the validator requires only the contact object and checks the email if present (PR#683, PR#1095, V). A warning (strict: error): certified connectors lack a url (75 of the merged swaggers) or an email (22), 10 of those in the corpus changed in 2023-24 (docs/calibration.md).",
            fix: "Complete info.contact with the publisher's support name, a https URL and a support email.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"name\": \"Contoso Support\", ", with: ""))
                    .at("apiDefinition.swagger.json#/info/contact/name")
            ],
            nonTriggering: [.minimal()], strictSeverity: .error)
    ) { context in
        contactFindings(context, completeness: true)
    }

    /// contact-required's findings (a missing contact, a malformed email or url), or with
    /// `completeness` contact-complete's (a missing name, url or email).
    static func contactFindings(_ context: RuleContext, completeness: Bool) -> [Finding] {
        guard let swagger = context.swagger else { return [] }
        let contactPointer = JSONPointer(tokens: ["info", "contact"])
        guard let contact = swagger.document.root["info"]?["contact"]?.object else {
            if completeness { return [] }
            return [
                context.swaggerFinding(
                    "info.contact is missing; Microsoft's validator requires it (\"The 'contact' property is required\"). Add {\"name\", \"url\", \"email\"} with the publisher's support contact.",
                    at: contactPointer, signature: "missing")
            ].compactMap { $0 }
        }
        var findings: [Finding?] = []
        if completeness {
            for key in ["name", "url", "email"] {
                let value = contact[key]?.string?.trimmingCharacters(in: .whitespaces) ?? ""
                if value.isEmpty {
                    findings.append(
                        context.swaggerFinding(
                            "info.contact has no \(key). Add the support contact's \(key).",
                            at: contactPointer.appending(key), signature: "missing-\(key)"))
                }
            }
            return findings.compactMap { $0 }
        }
        if let email = contact["email"]?.string, !email.trimmingCharacters(in: .whitespaces).isEmpty,
            !PolicySwaggerText.isEmail(email)
        {
            findings.append(
                context.swaggerFinding(
                    "info.contact.email \(PolicySwaggerText.quote(email)) is not a valid email address. Use one address in ASCII, like support@example.com.",
                    at: contactPointer.appending("email"), signature: "email"))
        }
        if let url = contact["url"]?.string, !url.trimmingCharacters(in: .whitespaces).isEmpty,
            !PolicySwaggerText.isAbsoluteURL(url, schemes: ["http", "https"])
        {
            findings.append(
                context.swaggerFinding(
                    "info.contact.url \(PolicySwaggerText.quote(url)) is not an absolute URL. Use a full address such as https://example.com/support.",
                    at: contactPointer.appending("url"), signature: "url"))
        }
        return findings.compactMap { $0 }
    }
}

extension PolicySwaggerText {
    /// One ASCII email address: local part, "@", a dotted domain with a letter TLD.
    static func isEmail(_ text: String) -> Bool {
        // No address is longer (RFC 5321); longer text is not matched, so the pattern's
        // backtracking is bounded.
        guard text.utf8.count <= 254 else { return false }
        return text.range(
            of:
                #"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"#,
            options: .regularExpression) != nil
    }

    /// An absolute URL with one of `schemes`, a host, and no spaces.
    static func isAbsoluteURL(_ text: String, schemes: Set<String>) -> Bool {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), schemes.contains(scheme),
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
