import Certification
import JSONDocument

/// The authentication type is frozen once a connector is certified: every existing connection
/// was made with it.
extension BreakingDiff {
    /// "apiKey", "basic", "oauth2 (accessCode)": one entry per distinct kind, sorted; "none" for none.
    static func securityKinds(_ document: JSONDocument) -> [String] {
        guard let definitions = document.root["securityDefinitions"]?.object else { return [] }
        var kinds: Set<String> = []
        for member in definitions.members {
            guard let type = member.value["type"]?.string else { continue }
            if type == "oauth2", let flow = member.value["flow"]?.string {
                kinds.insert("oauth2 (\(flow))")
            } else {
                kinds.insert(type)
            }
        }
        return kinds.sorted()
    }

    static func describe(_ kinds: [String]) -> String {
        kinds.isEmpty ? "no authentication" : kinds.joined(separator: " + ")
    }

    /// Reports a change of the swagger's securityDefinitions; true when it found one.
    mutating func compareSecurityDefinitions() -> Bool {
        let before = Self.securityKinds(old)
        let after = Self.securityKinds(new)
        guard before != after else { return false }
        report(
            BreakingChanges.authTypeChanged,
            "The authentication type changed from \(Self.describe(before)) to \(Self.describe(after)); a certified connector keeps its authentication type, and existing connections would stop working.",
            at: JSONPointer(tokens: ["securityDefinitions"]), operation: nil,
            signature: "securityDefinitions|\(before.joined(separator: ","))|\(after.joined(separator: ","))")
        return true
    }

    /// The OAuth identity providers of apiProperties.json ("aad", "oauth2generic", …), lowercased
    /// and sorted, with the pointer of the first one; single-auth and multi-auth
    /// (connectionParameterSets) alike.
    static func identityProviders(_ document: JSONDocument) -> (providers: [String], pointer: JSONPointer?) {
        var providers: Set<String> = []
        var first: JSONPointer?
        func scan(_ parameters: JSONValue?, at pointer: JSONPointer) {
            guard let parameters = parameters?.object else { return }
            for member in parameters.members where member.value["type"]?.string?.lowercased() == "oauthsetting" {
                let provider = member.value["oAuthSettings"]?["identityProvider"]?.string?.lowercased() ?? "oauth"
                providers.insert(provider)
                if first == nil {
                    first = pointer.appending(member.key).appending("oAuthSettings").appending("identityProvider")
                }
            }
        }
        let properties = JSONPointer(tokens: ["properties"])
        scan(document.root["properties"]?["connectionParameters"], at: properties.appending("connectionParameters"))
        if let sets = document.root["properties"]?["connectionParameterSets"]?["values"]?.array {
            for (index, set) in sets.enumerated() {
                scan(
                    set["parameters"],
                    at: properties.appending("connectionParameterSets").appending("values")
                        .appending(index).appending("parameters"))
            }
        }
        return (providers.sorted(), first)
    }

    /// Reports a change of the OAuth identity provider, which the swagger does not show (both
    /// "aad" and "oauth2generic" are `oauth2` there).
    mutating func compareIdentityProviders(old: JSONDocument, new: JSONDocument, file: String) {
        let before = Self.identityProviders(old)
        let after = Self.identityProviders(new)
        guard before.providers != after.providers else { return }
        func describe(_ providers: [String]) -> String {
            providers.isEmpty ? "none" : providers.joined(separator: " + ")
        }
        report(
            BreakingChanges.authTypeChanged,
            "The OAuth identity provider changed from \(describe(before.providers)) to \(describe(after.providers)); a certified connector keeps its authentication type, and existing connections would stop working.",
            in: new, file: file, at: after.pointer ?? JSONPointer(tokens: ["properties", "connectionParameters"]),
            operation: nil,
            signature: "identityProvider|\(before.providers.joined(separator: ","))|\(after.providers.joined(separator: ","))")
    }
}
