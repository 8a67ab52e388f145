import Certification
import ConnectorPackage
import Foundation
import JSONDocument

extension PolicyRules {
    static let noSecrets = Rule(
        RuleDescription(
            id: "no-secrets", severity: .error, stage: PolicyStage.stageName,
            summary:
                "No file carries a real credential: OAuth clientSecret values, client ids that look like real ones, hard-coded keys in policies or scripts, or tokens and keys of well-known shapes (AWS, Google, Azure storage, Stripe, GitHub, Slack, JSON Web Tokens, bearer tokens, private key blocks).",
            source:
                "PowerPlatformConnectors README: use null, \"[DUMMY_VALUE]\" or \"<put-clientId-here>\"; \"secret look alike values are not allowed\" and a GUID-like clientId gets flagged (PR#526, #654, #2453); CredScan and PoliCheck run on every PR. Messages show a masked excerpt only. x-ms-test-value is left to test-value-no-secrets. In the certified corpus it fires on 19 of 619 connectors (3%): 17 clientIds that are GUIDs or random-looking (AAD and vendor app ids, which the current validator refuses) and a bearer token left in 2 READMEs.",
            fix:
                "Replace the value with a placeholder (null, \"[DUMMY_VALUE]\", \"<put-clientId-here>\"), read keys from connection parameters, and rotate any credential that was real: it is in the repository's history.",
            triggering: [
                .properties(PolicyFilesSecretExamples.properties(clientId: "6145b6dc-1ce4-43b1-a4b5-a19b8440096a"))
                    .at("apiProperties.json#/properties/connectionParameters/token/oAuthSettings/clientId"),
                .properties(PolicyFilesSecretExamples.properties(clientId: "[DUMMY_VALUE]", clientSecret: "Zx8Q~d3vR7pLk2MnB5tY9wC4"))
                    .at("apiProperties.json#/properties/connectionParameters/token/oAuthSettings/clientSecret"),
                .minimal([
                    "readme.md": ExamplePackage.minimalFiles["readme.md"]!
                        + "\nCall it with `Authorization: Bearer OnYSrLTH3i2qiyb873au2LNdAajXjf5I`.\n"
                ]).at("readme.md:21"),
                .minimal(["script.csx": PolicyFilesScriptExamples.valid + "// AKIA" + "Z7QRSTUVWXY23456\n"]).at("script.csx:14"),
                .minimal([
                    "script.csx": PolicyFilesScriptExamples.valid.replacingOccurrences(
                        of: "var note = ", with: "var apiKey = \"9f8Kq2LmZx71NbVc04TyWp\";\n        var note = ")
                ]).at("script.csx:10"),
                .swagger(
                    ExamplePackage.minimalFiles["apiDefinition.swagger.json"]!.replacingOccurrences(
                        of: "\"The place name.\"", with: "\"The place name. Token: ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\"")
                )
                .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/description"),
                .properties(PolicyFilesSecretExamples.policyHeader("Zx81kQ2LmV7bN3cT"))
                    .at("apiProperties.json#/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplateParameter.value"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(PolicyFilesSecretExamples.properties(clientId: "[DUMMY_VALUE]", clientSecret: nil)),
                .properties(PolicyFilesSecretExamples.properties(clientId: "<put-clientId-here>", clientSecret: "[DUMMY_VALUE]")),
                .properties(PolicyFilesSecretExamples.properties(clientId: "00000000-0000-0000-0000-000000000000")),
                .properties(PolicyFilesSecretExamples.policyHeader("@connectionParameters('api_key')")),
                .minimal([
                    "readme.md": ExamplePackage.minimalFiles["readme.md"]!
                        + "\nSend `Authorization: Bearer <your-access-token>`; AWS documents AKIAIOSFODNN7EXAMPLE.\n"
                ]),
                .minimal([
                    "script.csx": PolicyFilesScriptExamples.valid.replacingOccurrences(
                        of: "var note = ", with: "request.Headers.Add(\"Authorization\", \"Bearer \" + token);\n        var note = ")
                ]),
            ])
    ) { context in
        var findings: [Finding] = []
        var reported: Set<String> = []  // "path#pointer" already reported by a specific check
        if let properties = context.properties {
            let document = properties.document
            for (pointer, key, value) in policyFilesStrings(document.root) {
                let lowerKey = key?.lowercased()
                if lowerKey == "clientid" && !PolicyFilesText.isPlaceholder(value)
                    && (PolicyFilesText.isGUID(value) || PolicyFilesText.looksRandom(value, minimumLength: 16))
                {
                    findings.append(
                        context.finding(
                            "The clientId \"\(PolicyFilesText.mask(value))\" looks like a real application id. Submit a placeholder instead (\"[DUMMY_VALUE]\" or null): the certification validator flags secret look-alike values, and the real id is set at deployment.",
                            in: properties.file, document: document, at: pointer, signature: "client-id"))
                    reported.insert(properties.file.path + "#" + pointer.description)
                } else if lowerKey == "clientsecret" && !PolicyFilesText.isPlaceholder(value) {
                    findings.append(
                        context.finding(
                            "The clientSecret has a value (\"\(PolicyFilesText.mask(value))\"). Never submit secrets: use null or \"[DUMMY_VALUE]\", and rotate this secret if it is real.",
                            in: properties.file, document: document, at: pointer, signature: "client-secret"))
                    reported.insert(properties.file.path + "#" + pointer.description)
                }
            }
            let instances = document.root["properties"]?["policyTemplateInstances"]?.array ?? []
            for (index, instance) in instances.enumerated() {
                let parameters = instance["parameters"]
                guard let name = parameters?["x-ms-apimTemplateParameter.name"]?.string, PolicyFilesSecrets.isCredentialName(name),
                    let value = parameters?["x-ms-apimTemplateParameter.value"]?.string,
                    !value.contains("@"), PolicyFilesSecrets.looksLikeKey(value)
                else { continue }
                let pointer = JSONPointer(tokens: [
                    "properties", "policyTemplateInstances", String(index), "parameters", "x-ms-apimTemplateParameter.value",
                ])
                findings.append(
                    context.finding(
                        "The policy sets \(name) to a fixed value (\"\(PolicyFilesText.mask(value))\"), a credential in the package. Take it from a connection parameter instead (\"@connectionParameters('api_key')\") and rotate it if it is real.",
                        in: properties.file, document: document, at: pointer, signature: "policy:" + name))
                reported.insert(properties.file.path + "#" + pointer.description)
            }
        }
        let swaggerPath = context.swagger?.file.path
        for file in context.package.files where !PolicyFilesSecrets.isBinary(file) {
            let matches = PolicyFilesSecretScanner.scan(file.bytes)
            if matches.isEmpty { continue }
            if let document = context.input.json[file.path]?.document {
                // Scanning the raw bytes is fast; the rare match is then placed at its value.
                for match in matches {
                    let pointer = policyFilesPointer(containing: match.offset, in: document.root)
                    if file.path == swaggerPath && pointer.tokens.contains("x-ms-test-value") { continue }
                    if reported.contains(file.path + "#" + pointer.description) { continue }
                    findings.append(
                        context.finding(
                            "\(file.path) contains what looks like \(match.kind) (\"\(match.masked)\") in the value at \(pointer.description.isEmpty ? "/" : pointer.description). Remove it, use a placeholder, and rotate the credential if it is real.",
                            in: file, document: document, at: pointer,
                            signature: match.kind + ":" + PolicyFilesText.digest(match.text)))
                }
                continue
            }
            for match in matches {
                let at = PolicyFilesText.position(of: match.offset, in: file.bytes)
                findings.append(
                    context.fileFinding(
                        "\(file.path) contains what looks like \(match.kind) (\"\(match.masked)\"). Remove it, use a placeholder, and rotate the credential if it is real.",
                        file: file.path, line: at.line, column: at.column, signature: match.kind + ":" + PolicyFilesText.digest(match.text))
                )
            }
        }
        for script in PolicyFilesCSharp.scripts(context.package) {
            // A literal that holds a key of a known shape was reported above.
            let shapes = PolicyFilesSecretScanner.scan(script.bytes).map(\.offset)
            for literal in PolicyFilesSecrets.credentialLiterals(PolicyFilesCSharp(script.bytes))
            where !shapes.contains(where: { $0 >= literal.offset && $0 < literal.offset + literal.length }) {
                let at = PolicyFilesText.position(of: literal.offset, in: script.bytes)
                findings.append(
                    context.fileFinding(
                        "\(script.path) assigns a fixed value (\"\(PolicyFilesText.mask(literal.value))\") to \(literal.name), which looks like a credential. Read it from the connection (the request's headers) instead, and rotate it if it is real.",
                        file: script.path, line: at.line, column: at.column, signature: "literal:" + PolicyFilesText.digest(literal.value)))
            }
        }
        return findings
    }
}

enum PolicyFilesSecrets {
    /// Words that mark a name (header, parameter, variable) as holding a credential.
    static let credentialWords = [
        "secret", "apikey", "api_key", "api-key", "password", "passwd", "token", "accesskey", "access_key", "access-key",
        "privatekey", "private_key", "private-key", "subscription-key", "subscriptionkey", "authorization",
    ]

    static func isCredentialName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return credentialWords.contains { lower.contains($0) }
    }

    /// A fixed value that could be a key: not a placeholder, and either random-looking or a
    /// long run of letters and digits.
    static func looksLikeKey(_ value: String) -> Bool {
        !PolicyFilesText.isPlaceholder(value) && PolicyFilesText.looksRandom(value, minimumLength: 12, minimumEntropy: 3.0)
    }

    static func isBinary(_ file: PackageFile) -> Bool {
        let name = file.name.lowercased()
        let binaryExtensions = [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".zip", ".pdf", ".dll", ".exe"]
        if binaryExtensions.contains(where: name.hasSuffix) { return true }
        return file.bytes.prefix(8192).contains(0)
    }

    /// String literals of a script assigned to a credential-named variable, property or
    /// header (`apiKey = "..."`, `{"x-api-key", "..."}`, `Add("Authorization", "...")`) whose
    /// value looks like a key.
    static func credentialLiterals(_ code: PolicyFilesCSharp) -> [(name: String, value: String, offset: Int, length: Int)] {
        let tokens = code.tokens
        var result: [(String, String, Int, Int)] = []
        for index in tokens.indices where tokens[index].kind == .literal && index >= 2 {
            guard [":", "=", ","].contains(tokens[index - 1].text) else { continue }
            let holder = tokens[index - 2]
            guard holder.kind == .identifier || holder.kind == .literal else { continue }
            let name = holder.kind == .literal ? unquote(holder.text) : holder.text
            guard isCredentialName(name) else { continue }
            let value = unquote(tokens[index].text)
            if looksLikeKey(value) && !value.lowercased().hasPrefix("bearer") && !value.lowercased().hasPrefix("basic") {
                result.append((name, value, tokens[index].offset, tokens[index].text.utf8.count))
            }
        }
        return result
    }

    /// The contents of a C# string literal, without its prefix and quotes.
    static func unquote(_ literal: String) -> String {
        var text = Substring(literal)
        while let first = text.first, first == "@" || first == "$" { text = text.dropFirst() }
        while text.first == "\"" && text.last == "\"" && text.count >= 2 { text = text.dropFirst().dropLast() }
        return String(text)
    }
}

enum PolicyFilesSecretExamples {
    static func properties(clientId: String?, clientSecret: String? = nil) -> String {
        let id = clientId.map { "\"\($0)\"" } ?? "null"
        let secret = clientSecret.map { "\"\($0)\"" } ?? "null"
        return """
            {
              "properties": {
                "connectionParameters": {
                  "token": {"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": \(id), "clientSecret": \(secret), "scopes": [], "redirectMode": "GlobalPerConnector", "redirectUrl": "https://global.consent.azure-apim.net/redirect", "properties": {"IsFirstParty": "False"}, "customParameters": {"authorizationUrl": {"value": "https://contoso.example/oauth/authorize"}, "tokenUrl": {"value": "https://contoso.example/oauth/token"}, "refreshUrl": {"value": "https://contoso.example/oauth/token"}}}}
                },
                "iconBrandColor": "#1f6feb",
                "capabilities": [],
                "publisher": "Contoso",
                "stackOwner": "Contoso"
              }
            }
            """
    }

    static func policyHeader(_ value: String) -> String {
        ExamplePackage.minimalFiles["apiProperties.json"]!.replacingOccurrences(
            of: "\"capabilities\": [],",
            with:
                #""capabilities": [], "policyTemplateInstances": [{"templateId": "setheader", "title": "Key", "parameters": {"x-ms-apimTemplateParameter.name": "X-Api-Key", "x-ms-apimTemplateParameter.value": "\#(value)", "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-policySection": "Request"}}],"#
        )
    }
}
