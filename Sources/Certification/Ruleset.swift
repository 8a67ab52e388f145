import Foundation

/// What is in force for a run: which rules are on, at what severity, with which options, under
/// which publisher profile. Loaded from a YAML file at the edges (CLI, server); stored with every
/// run by version, a hash of the catalogue and of this definition.
public struct Ruleset: Sendable, Hashable, Codable {
    public enum Profile: String, Sendable, Codable, CaseIterable {
        case verifiedPublisher = "verified-publisher"
        case independentPublisher = "independent-publisher"
    }

    public struct RuleSetting: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var severity: Severity?
        public var options: [String: String]

        public init(enabled: Bool = true, severity: Severity? = nil, options: [String: String] = [:]) {
            self.enabled = enabled
            self.severity = severity
            self.options = options
        }
    }

    /// How strictly the rules are graded. `default`: each rule at its calibrated severity (an
    /// error is what Microsoft blocks on in practice, docs/calibration.md). `strict`: the rules
    /// Microsoft documents as errors but certified connectors show it let through are errors too
    /// (`RuleDescription.strictSeverity`), for a reviewer who wants the letter of the documents.
    /// A ruleset file's `level: strict` is expanded into rule settings when it is read
    /// (`Ruleset.strict`), so a stored ruleset says every severity it gave.
    public enum Level: String, Sendable, Codable, CaseIterable {
        case `default`
        case strict
    }

    public var profile: Profile
    public var rules: [String: RuleSetting]

    public init(profile: Profile = .verifiedPublisher, rules: [String: RuleSetting] = [:]) {
        self.profile = profile
        self.rules = rules
    }

    public static let `default` = Ruleset()

    /// The canonical JSON text (sorted keys): what is stored and hashed.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func decode(canonicalJSON text: String) throws -> Ruleset {
        try JSONDecoder().decode(Ruleset.self, from: Data(text.utf8))
    }

    /// Applies the settings to a stage's findings: findings of rules turned off go, severities
    /// change where the ruleset says so.
    public func apply(to findings: [Finding]) -> [Finding] {
        guard !rules.isEmpty else { return findings }
        return findings.compactMap { finding in
            guard let setting = rules[finding.ruleId] else { return finding }
            guard setting.enabled else { return nil }
            var finding = finding
            if let severity = setting.severity { finding.severity = severity }
            return finding
        }
    }

    /// The option `name` of rule `id`, if set.
    public func option(_ name: String, of id: String) -> String? {
        rules[id]?.options[name]
    }
}
