/// The description of one certification rule: what it checks, why, and how to fix what it finds.
/// `certify rules list` and the reports are generated from these.
public struct RuleDescription: Sendable, Hashable, Codable {
    public var id: String
    public var severity: Severity
    public var stage: String
    /// One line: what the rule requires.
    public var summary: String
    /// Where the requirement comes from.
    public var source: String
    /// What to do about a finding.
    public var fix: String
    /// Packages on which the rule must fire, and packages on which it must stay quiet: the
    /// rule's own proof, run by one generic test.
    public var triggering: [ExamplePackage]
    public var nonTriggering: [ExamplePackage]

    public init(
        id: String, severity: Severity, stage: String, summary: String, source: String, fix: String,
        triggering: [ExamplePackage] = [], nonTriggering: [ExamplePackage] = []
    ) {
        self.id = id
        self.severity = severity
        self.stage = stage
        self.summary = summary
        self.source = source
        self.fix = fix
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }

    /// Makes a finding of this rule with its default severity.
    public func finding(
        _ message: String, file: String? = nil, pointer: String? = nil, line: Int? = nil, column: Int? = nil,
        operation: String? = nil, evidence: String? = nil, signature: String = ""
    ) -> Finding {
        Finding(
            ruleId: id, severity: severity, stage: stage, message: message, file: file, pointer: pointer,
            line: line, column: column, operation: operation, evidence: evidence, signature: signature)
    }
}

/// Every rule of every stage, for look-up by id.
public enum RuleCatalog {
    public static var all: [RuleDescription] {
        PackageStage.rules
    }

    public static func rule(_ id: String) -> RuleDescription? {
        all.first { $0.id == id }
    }
}

/// A small package written inline, for a rule's examples: file path to text.
public struct ExamplePackage: Sendable, Hashable, Codable {
    public var files: [String: String]

    public init(_ files: [String: String]) {
        self.files = files
    }

    /// A minimal package that passes every rule, with some files replaced (a `nil` removes one).
    public static func minimal(_ changes: [String: String?] = [:]) -> ExamplePackage {
        var files = minimalFiles
        for (path, text) in changes {
            files[path] = text
        }
        return ExamplePackage(files)
    }

    public static let minimalFiles: [String: String] = [
        "apiDefinition.swagger.json": """
            {
              "swagger": "2.0",
              "info": {"title": "Contoso Weather", "description": "Weather forecasts and observations for any place on Earth.", "version": "1.0"},
              "host": "api.contoso.com",
              "basePath": "/",
              "schemes": ["https"],
              "paths": {}
            }
            """,
        "apiProperties.json": """
            {"properties": {"iconBrandColor": "#1f6feb", "publisher": "Contoso", "stackOwner": "Contoso"}}
            """,
        "readme.md": "# Contoso Weather\n",
    ]
}

extension RuleCatalog {
    /// A hash of every rule's id, severity and stage: what was in force for a run, so that a
    /// report can be reproduced and re-certification can tell that the rules changed.
    public static var version: String {
        let text = all.map { "\($0.id)|\($0.severity.rawValue)|\($0.stage)" }.sorted().joined(separator: "\n")
        return "rules-" + Finding.fingerprint(ruleId: "ruleset", file: nil, location: nil, signature: text)
    }
}

/// The version of this tool, recorded with every run.
public enum CertifyVersion {
    public static let tool = "0.1.0"
}
