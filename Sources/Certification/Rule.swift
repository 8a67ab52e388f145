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
