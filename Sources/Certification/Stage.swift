import ConnectorPackage
import JSONDocument

/// What a stage ended as.
public enum StageStatus: String, Codable, Sendable {
    case passed, failed, skipped
}

/// The outcome of one stage over one package.
public struct StageResult: Codable, Sendable, Hashable {
    public var name: String
    public var status: StageStatus
    public var durationMs: Double
    /// Why the stage was skipped, when it was.
    public var skipReason: String?
    public var findings: [Finding]

    public init(name: String, status: StageStatus, durationMs: Double, skipReason: String? = nil, findings: [Finding]) {
        self.name = name
        self.status = status
        self.durationMs = durationMs
        self.skipReason = skipReason
        self.findings = findings
    }
}

/// A JSON file of the package, parsed once for every stage.
public enum ParsedFile: Sendable {
    case parsed(JSONDocument)
    case failed(JSONParseError)

    public var document: JSONDocument? {
        if case .parsed(let document) = self { return document }
        return nil
    }
}

/// What every stage is given: the package, its JSON files parsed once, and the run's options.
public struct StageInput: Sendable {
    public var package: ConnectorPackage
    /// Parsed JSON files by package path.
    public var json: [String: ParsedFile]
    public var options: CheckOptions

    public init(package: ConnectorPackage, options: CheckOptions) {
        self.package = package
        self.options = options
        var json: [String: ParsedFile] = [:]
        for file in package.files where file.path.lowercased().hasSuffix(".json") {
            do {
                json[file.path] = .parsed(try JSONDocument.parse(file.bytes))
            } catch {
                json[file.path] = .failed(error)
            }
        }
        self.json = json
    }

    /// The parsed swagger, when the package has one and it is JSON.
    public var swagger: (file: PackageFile, document: JSONDocument)? {
        guard let file = package.file(.swagger), let document = json[file.path]?.document else { return nil }
        return (file, document)
    }

    /// The parsed apiProperties.json, when the package has one and it is JSON.
    public var properties: (file: PackageFile, document: JSONDocument)? {
        guard let file = package.file(.properties), let document = json[file.path]?.document else { return nil }
        return (file, document)
    }
}

/// Options for a run, shared by the CLI and the server.
public struct CheckOptions: Sendable, Hashable {
    /// Stages to run after the package stage, by name, in pipeline order.
    public var stages: [String]
    /// Rules turned off or re-graded, and the publisher profile.
    public var ruleset: Ruleset
    /// Fingerprints of accepted findings (a baseline): their warnings and infos are left out.
    /// Errors cannot be accepted.
    public var acceptedFingerprints: Set<String>

    public init(
        stages: [String] = StageRegistry.selectableNames, ruleset: Ruleset = .default,
        acceptedFingerprints: Set<String> = []
    ) {
        self.stages = stages
        self.ruleset = ruleset
        self.acceptedFingerprints = acceptedFingerprints
    }
}

/// What a stage reports back: its findings, and whether the stages after it can still run.
public struct StageOutput: Sendable {
    public var findings: [Finding]
    /// When set, every later stage is skipped with this reason.
    public var blocksLaterStages: String?

    public init(findings: [Finding], blocksLaterStages: String? = nil) {
        self.findings = findings
        self.blocksLaterStages = blocksLaterStages
    }
}

/// One step of the pipeline. Stages never do I/O except the probe stage's calls to the
/// connector's own API; they read the package from `StageInput` and return findings.
public protocol Stage: Sendable {
    var name: String { get }
    func run(_ input: StageInput) async -> StageOutput
}

/// The stages of the pipeline, in order.
public enum StageRegistry {
    /// Stages a user can select with `--stages` (the package stage always runs first), in
    /// pipeline order. A stage is listed once it has rules.
    public static var selectableNames: [String] {
        var names: [String] = []
        if !SchemaStage.rules.isEmpty { names.append(SchemaStage.stageName) }
        if !PolicyStage.rules.isEmpty { names.append(PolicyStage.stageName) }
        return names
    }

    public static func stages(for options: CheckOptions) -> [any Stage] {
        var stages: [any Stage] = [PackageStage()]
        for name in selectableNames where options.stages.contains(name) {
            if let stage = make(name) { stages.append(stage) }
        }
        return stages
    }

    static func make(_ name: String) -> (any Stage)? {
        switch name {
        case SchemaStage.stageName: SchemaStage.make()
        case PolicyStage.stageName: PolicyStage.make()
        default: nil
        }
    }
}
