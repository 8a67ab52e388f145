import Certification
import Foundation
import StageCatalog
import Yams

/// Reads a ruleset YAML file:
///
///     profile: independent-publisher      # or verified-publisher (the default)
///     level: strict                       # or default: see docs/calibration.md
///     rules:
///       json-duplicate-key: error         # a severity: error, warning or info
///       json-byte-order-mark: off         # off / on
///       title-max-length:
///         severity: warning
///         options: { maximum: 40 }
///
/// Every mistake is reported with the file, line and column.
enum RulesetFile {
    static func load(_ path: String) throws -> Ruleset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("\(path): cannot read the ruleset file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw fail("\(path): not valid YAML: \(error)".replacingOccurrences(of: "\n", with: " "))
        }
        guard let root = node else { return .default }
        func where_(_ node: Node) -> String {
            guard let mark = node.mark else { return path }
            return "\(path):\(mark.line):\(mark.column)"
        }
        guard let mapping = root.mapping else { throw fail("\(where_(root)): the ruleset must be a mapping with 'profile' and 'rules'") }
        var ruleset = Ruleset()
        var level = Ruleset.Level.default
        let known = Set(RuleCatalog.all.map(\.id))
        for (key, value) in mapping {
            switch key.string {
            case "profile":
                guard let name = value.string, let profile = Ruleset.Profile(rawValue: name) else {
                    throw fail(
                        "\(where_(value)): profile must be one of: \(Ruleset.Profile.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                ruleset.profile = profile
            case "level":
                guard let name = value.string, let parsed = Ruleset.Level(rawValue: name) else {
                    throw fail("\(where_(value)): level must be one of: \(Ruleset.Level.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                level = parsed
            case "rules":
                guard let rules = value.mapping else { throw fail("\(where_(value)): 'rules' must be a mapping of rule id to setting") }
                for (idNode, setting) in rules {
                    guard let id = idNode.string, known.contains(id) else {
                        throw fail("\(where_(idNode)): unknown rule '\(idNode.string ?? "?")' (see 'certify rules list')")
                    }
                    ruleset.rules[id] = try parseSetting(setting, at: where_)
                }
            default:
                throw fail("\(where_(key)): unknown key '\(key.string ?? "?")'; a ruleset has 'profile', 'level' and 'rules'")
            }
        }
        // Rules the file grades itself keep its severity; the others take the level's.
        return level == .strict ? Ruleset.strict(ruleset) : ruleset
    }

    static func parseSetting(_ node: Node, at where_: (Node) -> String) throws -> Ruleset.RuleSetting {
        if let scalar = node.string {
            switch scalar.lowercased() {
            case "off", "false", "no", "disabled": return Ruleset.RuleSetting(enabled: false)
            case "on", "true", "yes", "enabled": return Ruleset.RuleSetting()
            default:
                guard let severity = Severity(rawValue: scalar.lowercased()) else {
                    throw fail("\(where_(node)): '\(scalar)' is not off, on, error, warning or info")
                }
                return Ruleset.RuleSetting(severity: severity)
            }
        }
        guard let mapping = node.mapping else { throw fail("\(where_(node)): a rule setting is a word (off, error, ...) or a mapping") }
        var setting = Ruleset.RuleSetting()
        for (key, value) in mapping {
            switch key.string {
            case "enabled":
                guard let flag = value.bool else { throw fail("\(where_(value)): 'enabled' is true or false") }
                setting.enabled = flag
            case "severity":
                guard let name = value.string, let severity = Severity(rawValue: name) else {
                    throw fail("\(where_(value)): severity is error, warning or info")
                }
                setting.severity = severity
            case "options":
                guard let options = value.mapping else { throw fail("\(where_(value)): 'options' is a mapping") }
                for (name, option) in options {
                    guard let name = name.string, let value = option.string else {
                        throw fail("\(where_(option)): option values are scalars")
                    }
                    setting.options[name] = value
                }
            default:
                throw fail("\(where_(key)): unknown key '\(key.string ?? "?")'; use enabled, severity or options")
            }
        }
        return setting
    }
}
