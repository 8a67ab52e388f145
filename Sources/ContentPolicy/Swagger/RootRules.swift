import Certification
import Foundation
import JSONDocument

extension PolicyRules {
    static let hostProduction = Rule(
        RuleDescription(
            id: "host-production", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "host names a production service: not localhost, not an IP address, not a dev, test, staging, sandbox, QA or UAT host.",
            source:
                "host-production: DH/certification-submission step 4 (R) asks for production endpoints; policy 5000.2.6.4 (3P). The host test is a heuristic (I): a label or a dash-separated part equal to dev, test, staging, stage, sandbox, qa or uat, localhost, or an IP literal. A warning for a reviewer, since 20 accepted PowerPlatformConnectors hosts match it (16 of the 619 certified connectors).",
            fix: "Point host at the production service, or explain to the reviewer why this host is the production one.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"api.contoso.example\"", with: "\"api-staging.contoso.example\""))
                    .at("apiDefinition.swagger.json#/host"),
                .swagger(PolicyOASExamples.swagger(replacing: "\"api.contoso.example\"", with: "\"10.0.0.12:8443\""))
                    .at("apiDefinition.swagger.json#/host"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(PolicyOASExamples.swagger(replacing: "\"api.contoso.example\"", with: "\"contest.devices.example\"")),
            ])
    ) { context in
        guard let swagger = context.swagger, let host = swagger.document.root["host"]?.string,
            let reason = PolicySwaggerText.nonProductionReason(host)
        else { return [] }
        return [
            context.swaggerFinding(
                "host \"\(host)\" looks like a non-production endpoint (\(reason)). Certified connectors must call the production service: change host, or tell the reviewer why this is the production host.",
                at: JSONPointer(tokens: ["host"]), signature: host.lowercased())
        ].compactMap { $0 }
    }

    static let schemesHTTPS = Rule(
        RuleDescription(
            id: "schemes", severity: .warning, stage: PolicyStage.stageName,
            summary: "schemes allows https only: no plain http.",
            source:
                "schemes: policy 5000.3.1.6, https with TLS 1.2 (3P); the structural checks (non-empty, known values) are the schema stage's. Calibrated to a warning (strict: error): Microsoft's validator accepts http (`SchemeNotValid`: \"should be one of 'http' or 'https'\", SVR), no Microsoft source requiring https only was found, and 11 of the 619 certified connectors list http, 2 of them changed in 2023-24 (docs/calibration.md). A reviewer should still ask: credentials must not travel in clear text.",
            fix: "Set \"schemes\": [\"https\"] and serve the API over TLS 1.2 or later.",
            triggering: [
                .swagger(PolicyOASExamples.swagger(replacing: "\"schemes\": [\"https\"]", with: "\"schemes\": [\"https\", \"http\"]"))
                    .at("apiDefinition.swagger.json#/schemes/1")
            ],
            nonTriggering: [.minimal()], strictSeverity: .error)
    ) { context in
        guard let swagger = context.swagger, let schemes = swagger.document.root["schemes"]?.array else { return [] }
        var findings: [Finding?] = []
        for (index, scheme) in schemes.enumerated() {
            guard let value = scheme.string, value.lowercased() == "http" else { continue }
            findings.append(
                context.swaggerFinding(
                    "schemes lists \"\(value)\"; certified connectors use https only. Remove \"\(value)\" and keep \"https\".",
                    at: JSONPointer(tokens: ["schemes", String(index)]), signature: value.lowercased()))
        }
        return findings.compactMap { $0 }
    }

    static let operationCountLimit = 256

    static let operationCount = Rule(
        RuleDescription(
            id: "op-count", severity: .error, stage: PolicyStage.stageName,
            summary: "The swagger has at most 256 operations.",
            source: "op-count: DH/faq (R); validator `TotalOperationsCountExceedsMaxAllowed`.",
            fix: "Remove operations the connector does not need, or split it into two connectors.",
            triggering: [.swagger(PolicyOASExamples.swaggerWithOperations(257)).at("apiDefinition.swagger.json#/paths")],
            nonTriggering: [.minimal(), .swagger(PolicyOASExamples.swaggerWithOperations(256))])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let count = PolicySwaggerWalk.operations(swagger.document.root).count
        guard count > operationCountLimit else { return [] }
        return [
            context.swaggerFinding(
                "The swagger has \(count) operations; the limit is \(operationCountLimit). Remove \(count - operationCountLimit) or more, or split the connector in two.",
                at: JSONPointer(tokens: ["paths"]), signature: "count")
        ].compactMap { $0 }
    }
}

extension PolicyOASExamples {
    /// The minimal swagger with `count` operations.
    static func swaggerWithOperations(_ count: Int) -> String {
        let extra = (1..<max(count, 1)).map { index in
            "\"/items\(index)\": {\"get\": {\"operationId\": \"GetItems\(index)\", \"summary\": \"Get items \(index)\", \"description\": \"Returns the items of list \(index).\", \"x-ms-visibility\": \"advanced\", \"responses\": {\"200\": {\"description\": \"The items.\", \"schema\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}}},"
        }.joined(separator: "\n")
        return swagger(replacing: "\"paths\": {", with: "\"paths\": {\n" + extra)
    }
}

extension PolicySwaggerText {
    /// Why a host looks like a non-production one, or nil.
    static func nonProductionReason(_ host: String) -> String? {
        var name = host.lowercased()
        if let colon = name.lastIndex(of: ":"), !name.hasPrefix("[") { name = String(name[..<colon]) }
        if name == "localhost" || name.hasSuffix(".localhost") { return "localhost" }
        if name.hasPrefix("[") || name.split(separator: ".").count == 4 && name.split(separator: ".").allSatisfy({ UInt8($0) != nil }) {
            return "an IP address"
        }
        let markers: Set<String> = ["dev", "test", "staging", "stage", "sandbox", "qa", "uat"]
        for label in name.split(separator: ".") {
            for part in label.split(separator: "-") where markers.contains(String(part)) {
                return "\"\(part)\" in the host name"
            }
        }
        return nil
    }
}
