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
    /// The severity under the strict level (`level: strict` in a ruleset, `check --strict`),
    /// when it differs: a requirement Microsoft documents as an error that certified connectors
    /// show it did not block on in practice is a warning by default and an error when strict.
    public var strictSeverity: Severity?
    /// The day (YYYY-MM-DD) from which Microsoft documents the requirement, when it is known
    /// and newer than some certified connectors: a re-certification tells a finding of a rule
    /// newer than the connector's last run from a regression.
    public var since: String?

    public init(
        id: String, severity: Severity, stage: String, summary: String, source: String, fix: String,
        triggering: [ExamplePackage] = [], nonTriggering: [ExamplePackage] = [], strictSeverity: Severity? = nil,
        since: String? = nil
    ) {
        self.id = id
        self.severity = severity
        self.stage = stage
        self.summary = summary
        self.source = source
        self.fix = fix
        self.triggering = triggering
        self.nonTriggering = nonTriggering
        self.strictSeverity = strictSeverity
        self.since = since
    }

    /// The severity under `level`.
    public func severity(at level: Ruleset.Level) -> Severity {
        level == .strict ? strictSeverity ?? severity : severity
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

/// A small package written inline, for a rule's examples: file path to text.
public struct ExamplePackage: Sendable, Hashable, Codable {
    public var files: [String: String]
    /// Where the rule's findings on this example must point, for a triggering example: each
    /// place is `FILE#POINTER` (a JSON Pointer into a JSON file, e.g.
    /// `apiDefinition.swagger.json#/info/title`), `FILE:LINE`, or `FILE` alone for a finding
    /// about a whole file. The shared example test asserts a finding of the rule, at the rule's
    /// severity, at each place (in the spirit of Spectral's expected `path`).
    public var places: [String]

    public init(_ files: [String: String], places: [String] = []) {
        self.files = files
        self.places = places
    }

    enum CodingKeys: String, CodingKey { case files, places }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        files = try container.decode([String: String].self, forKey: .files)
        places = try container.decodeIfPresent([String].self, forKey: .places) ?? []
    }

    /// This example with the places its findings must point at (see `places`).
    public func at(_ places: String...) -> ExamplePackage {
        var example = self
        example.places += places
        return example
    }

    /// A place split into its file and its JSON Pointer or line (nil for the whole file), and
    /// the severity it expects when the place ends in " (warning)" or " (info)": a rule that
    /// reports a lesser case below its own severity.
    public static func parsePlace(_ place: String) -> (file: String, pointer: String?, line: Int?, severity: Severity?) {
        for severity in [Severity.warning, .info] where place.hasSuffix(" (\(severity.rawValue))") {
            let (file, pointer, line, _) = parsePlace(String(place.dropLast(severity.rawValue.count + 3)))
            return (file, pointer, line, severity)
        }
        if let hash = place.firstIndex(of: "#") {
            return (String(place[..<hash]), String(place[place.index(after: hash)...]), nil, nil)
        }
        if let colon = place.lastIndex(of: ":"), let line = Int(place[place.index(after: colon)...]) {
            return (String(place[..<colon]), nil, line, nil)
        }
        return (place, nil, nil, nil)
    }

    /// A minimal package that passes every rule, with some files replaced (a `nil` removes one).
    public static func minimal(_ changes: [String: String?] = [:]) -> ExamplePackage {
        var files = minimalFiles
        for (path, text) in changes {
            files[path] = text
        }
        return ExamplePackage(files)
    }

    /// The same files as Fixtures/packages/clean: a small connector that passes every rule.
    public static let minimalFiles: [String: String] = [
        "apiDefinition.swagger.json": #"""
        {
          "swagger": "2.0",
          "info": {
            "title": "Contoso Weather",
            "description": "Weather forecasts and current observations for any place on Earth, by coordinates or by name.",
            "version": "1.0",
            "contact": {"name": "Contoso Support", "url": "https://contoso.example/support", "email": "support@contoso.example"}
          },
          "host": "api.contoso.example",
          "basePath": "/v1",
          "schemes": ["https"],
          "consumes": [],
          "produces": ["application/json"],
          "paths": {
            "/forecast": {
              "get": {
                "operationId": "GetForecast",
                "summary": "Get the forecast",
                "description": "Returns the forecast for the next days at a place.",
                "x-ms-visibility": "important",
                "parameters": [
                  {"name": "place", "in": "query", "required": true, "type": "string", "description": "The place name.", "x-ms-summary": "Place", "x-ms-test-value": "Oslo"}
                ],
                "responses": {
                  "200": {"description": "The forecast.", "schema": {"type": "object", "properties": {"days": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "high": {"type": "number"}}}}}}}
                }
              }
            }
          },
          "securityDefinitions": {"api_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
          "security": [{"api_key": []}],
          "x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://contoso.example"},
            {"propertyName": "Privacy policy", "propertyValue": "https://contoso.example/privacy"},
            {"propertyName": "Categories", "propertyValue": "Data;Lifestyle and Entertainment"}
          ]
        }
        """#,
        "apiProperties.json": #"""
        {
          "properties": {
            "connectionParameters": {
              "api_key": {"type": "securestring", "uiDefinition": {"displayName": "API Key", "description": "The API key for this connection.", "tooltip": "Your Contoso API key", "constraints": {"tabIndex": 2, "clearText": false, "required": "true"}}}
            },
            "iconBrandColor": "#1f6feb",
            "capabilities": [],
            "publisher": "Contoso",
            "stackOwner": "Contoso"
          }
        }
        """#,
        "readme.md": #"""
        # Contoso Weather
        Weather forecasts for any place.

        ## Publisher: Contoso

        ## Prerequisites
        A Contoso account.

        ## Supported Operations
        ### Get the forecast
        Returns the forecast for the next days at a place.

        ## Obtaining Credentials
        Sign in to contoso.example and create an API key.

        ## Known Issues and Limitations
        None known.

        ## Deployment Instructions
        Use the paconn CLI.
        """#,
    ]
}

/// The version of this tool, recorded with every run.
public enum CertifyVersion {
    public static let tool = "0.1.0"
}
