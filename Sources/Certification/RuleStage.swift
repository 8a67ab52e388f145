import ConnectorPackage
import JSONDocument

/// A certification rule: its description, with its own examples, and its check. A rule reads
/// the package through `RuleContext` and never does I/O.
public struct Rule: Sendable {
    public var description: RuleDescription
    public var check: @Sendable (RuleContext) -> [Finding]

    public init(_ description: RuleDescription, check: @escaping @Sendable (RuleContext) -> [Finding]) {
        self.description = description
        self.check = check
    }

    public var id: String { description.id }
}

/// What a rule sees: the package, its parsed JSON files, and helpers that turn a JSON Pointer
/// into a finding with its line and column.
public struct RuleContext: Sendable {
    public let input: StageInput
    public let rule: RuleDescription

    public init(input: StageInput, rule: RuleDescription) {
        self.input = input
        self.rule = rule
    }

    public var package: ConnectorPackage { input.package }

    /// The swagger file and its parsed document, when it is JSON.
    public var swagger: (file: PackageFile, document: JSONDocument)? { input.swagger }

    /// apiProperties.json and its parsed document, when it is JSON.
    public var properties: (file: PackageFile, document: JSONDocument)? { input.properties }

    /// A finding of this rule at `pointer` in a parsed JSON file, with the value's line and
    /// column (or the key's, with `atKey`, which reads better for "this member is not allowed").
    public func finding(
        _ message: String, in file: PackageFile, document: JSONDocument, at pointer: JSONPointer,
        atKey: Bool = false, severity: Severity? = nil, signature: String = ""
    ) -> Finding {
        let position =
            (atKey ? document.keyPosition(of: pointer) : nil) ?? document.position(of: pointer)
            ?? nearestPosition(document, pointer)
        var finding = rule.finding(
            message, file: file.path, pointer: pointer.description, line: position?.line, column: position?.column,
            signature: signature)
        if let severity { finding.severity = severity }
        return finding
    }

    /// A finding at a pointer of the swagger.
    public func swaggerFinding(_ message: String, at pointer: JSONPointer, atKey: Bool = false, signature: String = "")
        -> Finding?
    {
        guard let swagger else { return nil }
        return finding(message, in: swagger.file, document: swagger.document, at: pointer, atKey: atKey, signature: signature)
    }

    /// A finding about a whole file, or a line of a text file.
    public func fileFinding(_ message: String, file: String, line: Int? = nil, column: Int? = nil, signature: String = "")
        -> Finding
    {
        rule.finding(message, file: file, line: line, column: column, signature: signature)
    }

    /// For a pointer to a member that is missing: the position of its closest existing parent.
    func nearestPosition(_ document: JSONDocument, _ pointer: JSONPointer) -> SourcePosition? {
        var tokens = pointer.tokens
        while !tokens.isEmpty {
            tokens.removeLast()
            if let position = document.position(of: JSONPointer(tokens: tokens)) { return position }
        }
        return document.root.position
    }
}

/// A stage made of rules over the parsed package: the schema and policy stages.
public struct RuleStage: Stage {
    public let name: String
    public let rules: [Rule]

    public init(name: String, rules: [Rule]) {
        self.name = name
        self.rules = rules
    }

    public func run(_ input: StageInput) async -> StageOutput {
        var findings: [Finding] = []
        // A rule the ruleset turns off is not run at all (its findings would be dropped anyway).
        for rule in rules where input.options.ruleset.rules[rule.id]?.enabled != false {
            findings += rule.check(RuleContext(input: input, rule: rule.description))
        }
        // The same problem reached twice (a schema included through two allOf branches) is one
        // finding: same fingerprint, same message.
        var seen = Set<String>()
        findings = findings.filter { seen.insert($0.fingerprint + "\u{1F}" + $0.message).inserted }
        return StageOutput(findings: findings)
    }
}

extension ExamplePackage {
    /// The minimal package with its swagger replaced.
    public static func swagger(_ text: String) -> ExamplePackage {
        minimal(["apiDefinition.swagger.json": text])
    }

    /// The minimal package with its apiProperties.json replaced.
    public static func properties(_ text: String) -> ExamplePackage {
        minimal(["apiProperties.json": text])
    }
}
