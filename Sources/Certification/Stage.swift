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
    /// One line on what the stage did (the probe summary).
    public var summary: String?
    public var findings: [Finding]
    /// The probe's exchanges, kept with the run as evidence.
    public var exchanges: [Exchange]

    public init(
        name: String, status: StageStatus, durationMs: Double, skipReason: String? = nil, summary: String? = nil,
        findings: [Finding], exchanges: [Exchange] = []
    ) {
        self.name = name
        self.status = status
        self.durationMs = durationMs
        self.skipReason = skipReason
        self.summary = summary
        self.findings = findings
        self.exchanges = exchanges
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
    /// Commas before a closing bracket that were read as white space, by package path (see
    /// `JSONDocument.parseAllowingTrailingCommas`); the package stage reports them.
    public var trailingCommas: [String: [SourcePosition]] = [:]
    public var options: CheckOptions
    /// Work several rules need (a walk of the swagger), done once per package.
    public private(set) var memo = Memo()
    /// When the run's time is up (set by the runner in the service's workers, nil in `certify
    /// check`): a stage with a long loop may look at it and stop, since its results would be
    /// dropped anyway.
    public var deadline: Deadline?

    public init(package: ConnectorPackage, options: CheckOptions) {
        self.package = package
        self.options = options
        var json: [String: ParsedFile] = [:]
        for file in package.files where file.path.lowercased().hasSuffix(".json") {
            do {
                let (document, commas) = try JSONDocument.parseAllowingTrailingCommas(file.bytes)
                json[file.path] = .parsed(document)
                if !commas.isEmpty { trailingCommas[file.path] = commas }
            } catch {
                json[file.path] = .failed(error)
            }
        }
        self.json = json
    }

    /// The same input with nothing computed yet for its rules (a new memo), its files still
    /// parsed: for timing a stage again without parsing again.
    public func unmemoized() -> StageInput {
        var copy = self
        copy.memo = Memo()
        return copy
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
    /// Accepted findings, by fingerprint (`check --baseline FILE`): their warnings and infos are left out.
    /// Errors cannot be accepted.
    public var acceptedFindings: Set<String>
    /// Titles of other certified connectors, by normalised title (`TitleRegistry.key`), for the
    /// title-unique rule.
    public var titleRegistry: [String: String]
    /// The publisher's last certified revision of the same connector, for the breaking-change rules.
    public var previous: PreviousRevision?
    /// The publisher the submission is filed under (a submitter's token's publisher, or the one
    /// an admin named), for the publisher-matches-account rule; nil in `certify check` unless
    /// `--publisher` names one.
    public var filingPublisher: String?

    /// `stages` names the stages to run; `CheckOptions()` without it (in StageCatalog) names
    /// the static stages, what runs by default.
    public init(
        stages: [String], ruleset: Ruleset = .default,
        acceptedFindings: Set<String> = [], titleRegistry: [String: String] = [:], previous: PreviousRevision? = nil
    ) {
        self.stages = stages
        self.ruleset = ruleset
        self.acceptedFindings = acceptedFindings
        self.titleRegistry = titleRegistry
        self.previous = previous
    }
}

/// The registry of certified connector titles: titles compared without case and spaces.
public enum TitleRegistry {
    /// "Contoso  Weather" and "contosoweather" are the same title.
    public static func key(_ title: String) -> String {
        String(title.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }
}

/// The last certified revision a new one is compared with.
public struct PreviousRevision: Sendable, Hashable {
    public var label: String
    public var swagger: JSONDocument
    public var properties: JSONDocument?

    public init(label: String, swagger: JSONDocument, properties: JSONDocument?) {
        self.label = label
        self.swagger = swagger
        self.properties = properties
    }

    /// From a loaded package; nil when its swagger is missing or not JSON.
    public init?(package: ConnectorPackage, label: String) {
        guard let file = package.file(.swagger), let swagger = try? JSONDocument.parse(file.bytes) else { return nil }
        self.label = label
        self.swagger = swagger
        self.properties = package.file(.properties).flatMap { try? JSONDocument.parse($0.bytes) }
    }

    public static func == (lhs: PreviousRevision, rhs: PreviousRevision) -> Bool { lhs.label == rhs.label }
    public func hash(into hasher: inout Hasher) { hasher.combine(label) }
}

/// What a stage reports back: its findings, and whether the stages after it can still run.
public struct StageOutput: Sendable {
    public var findings: [Finding]
    /// When set, every later stage is skipped with this reason.
    public var blocksLaterStages: String?
    /// One line on what the stage did, for the reports (the probe stage: called, passed, failed,
    /// skipped).
    public var summary: String?
    /// Records to keep with the run (the probe stage's request and response exchanges).
    public var exchanges: [Exchange]

    public init(findings: [Finding], blocksLaterStages: String? = nil, summary: String? = nil, exchanges: [Exchange] = []) {
        self.findings = findings
        self.blocksLaterStages = blocksLaterStages
        self.summary = summary
        self.exchanges = exchanges
    }
}

/// One HTTP exchange a probe made, secrets already redacted: what is stored as evidence.
public struct Exchange: Codable, Sendable, Hashable {
    public var operation: String
    public var method: String
    public var url: String
    public var requestHeaders: [String]
    public var status: Int?
    public var latencyMs: Double
    public var responseHeaders: [String]
    /// The first bytes of the response body, as text.
    public var bodyExcerpt: String
    public var error: String?

    public init(
        operation: String, method: String, url: String, requestHeaders: [String], status: Int?, latencyMs: Double,
        responseHeaders: [String], bodyExcerpt: String, error: String?
    ) {
        self.operation = operation
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.status = status
        self.latencyMs = latencyMs
        self.responseHeaders = responseHeaders
        self.bodyExcerpt = bodyExcerpt
        self.error = error
    }

    /// The exchange as evidence text: request line and headers, status, latency, response
    /// headers and the start of the body.
    public var evidence: String {
        var lines = ["\(method) \(url)"] + requestHeaders
        if let status {
            lines.append("-> \(status) in \(Int(latencyMs.rounded())) ms")
        } else {
            lines.append("-> no response after \(Int(latencyMs.rounded())) ms: \(error ?? "unknown error")")
        }
        lines += responseHeaders
        if !bodyExcerpt.isEmpty { lines += ["", bodyExcerpt] }
        return lines.joined(separator: "\n")
    }
}

/// One step of the pipeline. Stages never do I/O except the probe stage's calls to the
/// connector's own API; they read the package from `StageInput` and return findings.
public protocol Stage: Sendable {
    var name: String { get }
    func run(_ input: StageInput) async -> StageOutput
}
