import Certification
import Foundation
import JSONDocument

/// One entry of `x-ms-connector-metadata`.
struct PolicySwaggerMetadataEntry {
    var pointer: JSONPointer
    var name: String
    var value: JSONValue?

    /// The entries whose propertyName is a string, in order.
    static func entries(_ root: JSONValue) -> [PolicySwaggerMetadataEntry] {
        guard let list = root["x-ms-connector-metadata"]?.array else { return [] }
        let base = JSONPointer(tokens: ["x-ms-connector-metadata"])
        return list.enumerated().compactMap { index, element in
            guard let name = element["propertyName"]?.string else { return nil }
            return PolicySwaggerMetadataEntry(pointer: base.appending(index), name: name, value: element["propertyValue"])
        }
    }

    /// Whether the entry is `name`, compared case-insensitively without surrounding spaces:
    /// 75 PowerPlatformConnectors files spell "Privacy Policy" and were accepted.
    func isNamed(_ name: String) -> Bool {
        self.name.trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased()
    }
}

extension PolicyRules {
    static let metadataPointer = JSONPointer(tokens: ["x-ms-connector-metadata"])
    static let requiredMetadataNames = ["Website", "Privacy policy", "Categories"]

    static let connectorMetadata = Rule(
        RuleDescription(
            id: "connector-metadata", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The swagger has x-ms-connector-metadata with the propertyNames Website, Privacy policy and Categories (names compared case-insensitively).",
            source:
                "connector-metadata: validator \"The 'x-ms-connector-metadata' property is required.\" (PR#1095, V) and `ConnectorMetadataPropertiesMissing` (SVR). Case-insensitive because 75 accepted PowerPlatformConnectors files spell \"Privacy Policy\" (I). Fires on 44 of the 619 certified connectors (41 have no metadata at all, older submissions).",
            fix:
                "Add to the swagger root: \"x-ms-connector-metadata\": [{\"propertyName\": \"Website\", \"propertyValue\": \"https://...\"}, {\"propertyName\": \"Privacy policy\", \"propertyValue\": \"https://...\"}, {\"propertyName\": \"Categories\", \"propertyValue\": \"Category1;Category2\"}].",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(
                        replacing: "{\"propertyName\": \"Privacy policy\", \"propertyValue\": \"https://contoso.example/privacy\"},",
                        with: "")
                ).at("apiDefinition.swagger.json#/x-ms-connector-metadata"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"x-ms-connector-metadata\"", with: "\"x-ms-connector-info\""))
                    .at("apiDefinition.swagger.json#/x-ms-connector-metadata"),
            ],
            nonTriggering: [
                .minimal(), .swagger(PolicyOASExamples.swagger(replacing: "\"Privacy policy\"", with: "\"Privacy Policy\"")),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        guard swagger.document.root["x-ms-connector-metadata"]?.array != nil else {
            return [
                context.swaggerFinding(
                    "The swagger has no x-ms-connector-metadata array. Add one with the entries Website, Privacy policy and Categories.",
                    at: metadataPointer, signature: "missing")
            ].compactMap { $0 }
        }
        let entries = PolicySwaggerMetadataEntry.entries(swagger.document.root)
        return requiredMetadataNames.compactMap { name in
            guard !entries.contains(where: { $0.isNamed(name) }) else { return nil }
            return context.swaggerFinding(
                "x-ms-connector-metadata has no \"\(name)\" entry. Add {\"propertyName\": \"\(name)\", \"propertyValue\": ...}.",
                at: metadataPointer, signature: name.lowercased())
        }
    }

    static let metadataURLs = Rule(
        RuleDescription(
            id: "metadata-urls", severity: .error, stage: PolicyStage.stageName,
            summary: "The Website and Privacy policy entries of x-ms-connector-metadata are absolute http(s) URLs, without spaces.",
            source:
                "metadata-urls: validator `UrlNotValid`, \"a valid absolute URL\" (SVR, R). Narrowed by calibration: https is metadata-urls-https's warning, since no Microsoft source requires it (policies 5000.3.1.3 and 5000.3.1.5 are known only from a third party) and 17 of the 24 certified connectors this rule fired on used http (docs/calibration.md).",
            fix: "Use the full address of the publisher's website and privacy policy, e.g. https://example.com/privacy.",
            triggering: [
                .swagger(
                    PolicyOASExamples.swagger(replacing: "\"https://contoso.example/privacy\"", with: "\"contoso.example/privacy\"")
                ).at("apiDefinition.swagger.json#/x-ms-connector-metadata/1/propertyValue")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(PolicyOASExamples.swagger(replacing: "\"https://contoso.example\"}", with: "\"http://contoso.example\"}")),
            ])
    ) { context in
        metadataURLFindings(context, https: false)
    }

    static let metadataURLsHTTPS = Rule(
        RuleDescription(
            id: "metadata-urls-https", severity: .warning, stage: PolicyStage.stageName,
            summary: "The Website and Privacy policy URLs of x-ms-connector-metadata use https.",
            source:
                "metadata-urls-https: https is required by policies 5000.3.1.3 and 5000.3.1.5 as a third party reports them (3P); Microsoft's validator asks only for an absolute URL (`UrlNotValid`, SVR). A warning (strict: error): 17 certified connectors, 7 of them changed in 2023-24, link over http (docs/calibration.md).",
            fix: "Use the https address of the publisher's website and privacy policy.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"https://contoso.example\"}", with: "\"http://contoso.example\"}"))
                    .at("apiDefinition.swagger.json#/x-ms-connector-metadata/0/propertyValue")
            ],
            nonTriggering: [.minimal()], strictSeverity: .error)
    ) { context in
        metadataURLFindings(context, https: true)
    }

    /// metadata-urls' findings (a missing, relative or spaced URL), or with `https`
    /// metadata-urls-https's (an absolute http URL).
    static func metadataURLFindings(_ context: RuleContext, https: Bool) -> [Finding] {
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        for entry in PolicySwaggerMetadataEntry.entries(swagger.document.root)
        where entry.isNamed("Website") || entry.isNamed("Privacy policy") {
            let pointer = entry.pointer.appending("propertyValue")
            let example = "https://example.com\(entry.isNamed("Website") ? "" : "/privacy")"
            guard let text = entry.value?.string else {
                if !https {
                    findings.append(
                        context.swaggerFinding(
                            "The \"\(entry.name)\" entry of x-ms-connector-metadata has no propertyValue string. Set it to the absolute https URL.",
                            at: pointer, signature: "\(entry.name.lowercased())-missing"))
                }
                continue
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if PolicySwaggerText.isAbsoluteURL(trimmed, schemes: ["https"]) && trimmed == text { continue }
            let isHTTP = trimmed == text && PolicySwaggerText.isAbsoluteURL(trimmed, schemes: ["http"])
            guard isHTTP == https else { continue }
            let problem =
                isHTTP
                ? "uses http"
                : trimmed != text
                    ? "has spaces around it"
                    : trimmed.contains(where: \.isWhitespace) && trimmed.contains("://")
                        ? "contains a space (write it as %20)"
                        : "is not an absolute URL"
            findings.append(
                context.swaggerFinding(
                    "The \"\(entry.name)\" URL \(PolicySwaggerText.quote(text)) \(problem). Use the full https address, e.g. \(example).",
                    at: pointer, signature: entry.name.lowercased()))
        }
        return findings.compactMap { $0 }
    }

    /// The categories a connector may declare (DH/certification-submission 3b).
    static let connectorCategories = [
        "AI", "Business Management", "Business Intelligence", "Collaboration", "Commerce", "Communication",
        "Content and Files", "Finance", "Data", "Human Resources", "Internet of Things", "IT Operations",
        "Lifestyle and Entertainment", "Marketing", "Productivity", "Sales and CRM", "Security", "Social Media", "Website",
    ]

    static let categoriesEnum = Rule(
        RuleDescription(
            id: "categories-enum", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The Categories entry of x-ms-connector-metadata lists one or two categories, separated by \";\", each from the published list.",
            source:
                "categories-enum: DH/certification-submission 3b (R); validator `TooManyConnectorCategories` and `InvalidConnectorCategory`. The list: \(connectorCategories.joined(separator: ", ")). Compared case-insensitively.",
            fix: "Set Categories to at most two values from the list, separated by \";\", e.g. \"Data;Productivity\".",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"Data;Lifestyle and Entertainment\"", with: "\"Data;Weather\""))
                    .at("apiDefinition.swagger.json#/x-ms-connector-metadata/2/propertyValue"),
                .swagger(
                    PolicyOASExamples.swagger(replacing: "\"Data;Lifestyle and Entertainment\"", with: "\"Data;AI;Productivity\"")
                ).at("apiDefinition.swagger.json#/x-ms-connector-metadata/2/propertyValue"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Data;Lifestyle and Entertainment\"", with: "\"\""))
                    .at("apiDefinition.swagger.json#/x-ms-connector-metadata/2/propertyValue"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(PolicyOASExamples.swagger(replacing: "\"Data;Lifestyle and Entertainment\"", with: "\"Data; ai\"")),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var findings: [Finding?] = []
        let known = Dictionary(uniqueKeysWithValues: connectorCategories.map { ($0.lowercased(), $0) })
        for entry in PolicySwaggerMetadataEntry.entries(swagger.document.root) where entry.isNamed("Categories") {
            let pointer = entry.pointer.appending("propertyValue")
            let values = (entry.value?.string ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            if values.isEmpty {
                findings.append(
                    context.swaggerFinding(
                        "The Categories entry of x-ms-connector-metadata is empty. Set one or two categories, e.g. \"Data;Productivity\".",
                        at: pointer, signature: "empty"))
            }
            if values.count > 2 {
                findings.append(
                    context.swaggerFinding(
                        "Categories lists \(values.count) categories (\(values.joined(separator: ";"))); at most 2 are allowed. Keep the two that fit best.",
                        at: pointer, signature: "too-many"))
            }
            for value in values where known[value.lowercased()] == nil {
                findings.append(
                    context.swaggerFinding(
                        "Category \"\(value)\" is not one of the allowed categories. Use one of: \(connectorCategories.joined(separator: ", ")).",
                        at: pointer, signature: value))
            }
        }
        return findings.compactMap { $0 }
    }
}
