import ConnectorPackage
import JSONDocument

/// The first stage: the package has its required files, and every JSON file in it is strict
/// JSON. When the swagger is missing or is not JSON, nothing after this stage can run.
public struct PackageStage: Stage {
    public static let stageName = "package"
    public var name: String { Self.stageName }

    public init() {}

    public func run(_ input: StageInput) async -> StageOutput {
        var findings: [Finding] = []
        var blocked: String?
        for role in [PackageRole.swagger, .properties, .readme] where input.package.file(role) == nil {
            findings.append(
                Self.fileMissing.finding(
                    "The package has no \(role.expectedName). Add it at the root of the package.",
                    file: role.expectedName, signature: role.rawValue))
            if role == .swagger { blocked = "the package has no apiDefinition.swagger.json" }
        }
        for path in input.json.keys.sorted() {
            switch input.json[path]! {
            case .failed(let error):
                findings.append(
                    Self.jsonSyntax.finding(
                        "Not valid JSON: \(error.message)", file: path,
                        line: error.position.line, column: error.position.column, signature: error.kind.rawValue))
                if path == input.package.file(.swagger)?.path {
                    blocked = "\(path) is not valid JSON (line \(error.position.line), column \(error.position.column))"
                }
            case .parsed(let document):
                for (ordinal, comma) in (input.trailingCommas[path] ?? []).enumerated() {
                    findings.append(
                        Self.trailingComma.finding(
                            "A comma before a closing bracket (line \(comma.line), column \(comma.column)) is not valid JSON. Microsoft's tools read it, but strict readers (paconn, Python, JavaScript) refuse the file: remove the comma.",
                            file: path, line: comma.line, column: comma.column, signature: "comma-\(ordinal)"))
                }
                if document.hasByteOrderMark {
                    findings.append(
                        Self.byteOrderMark.finding(
                            "\(path) starts with a UTF-8 byte order mark. It is accepted, but some tools reject it: save the file as UTF-8 without BOM.",
                            file: path, pointer: "", line: 1, column: 1))
                }
                for duplicate in document.duplicateKeys {
                    let key = duplicate.pointer.appending(duplicate.key).description
                    findings.append(
                        Self.duplicateKey.finding(
                            "Key \"\(duplicate.key)\" appears twice in the same object (first at line \(duplicate.first.line), column \(duplicate.first.column)). Most JSON readers, and every check of certify, keep this later value and ignore the earlier one; some readers keep the first or refuse the file. Keep one of the two.",
                            file: path, pointer: key, line: duplicate.duplicate.line,
                            column: duplicate.duplicate.column, signature: duplicate.key))
                }
            }
        }
        return StageOutput(findings: findings, blocksLaterStages: blocked)
    }

    public static let packageRefused = RuleDescription(
        id: "package-refused", severity: .error, stage: stageName,
        summary: "The package can be read within the intake limits: a folder or a zip, no unsafe paths, no links, no zip bombs.",
        source: "certify intake limits (DESIGN.md); Microsoft: \"Not able to deserialize the package. Invalid package structure.\"",
        fix: "Submit a folder or a plain zip of the connector's files, within the size limits, without links or '..' paths.")

    public static let fileMissing = RuleDescription(
        id: "package-file-missing", severity: .error, stage: stageName,
        summary: "apiDefinition.swagger.json, apiProperties.json and readme.md are present at the root of the package.",
        source: "PowerPlatformConnectors README; certification-submission docs (files-required)",
        fix: "Add the missing file at the package root; the README may be spelled in any case.",
        triggering: [.minimal(["readme.md": nil]).at("readme.md"), .minimal(["apiProperties.json": nil]).at("apiProperties.json")],
        nonTriggering: [.minimal(), .minimal(["readme.md": nil, "README.MD": "# Contoso Weather\n"])])

    public static let jsonSyntax = RuleDescription(
        id: "json-syntax", severity: .error, stage: stageName,
        summary: "Every JSON file is JSON (RFC 8259), UTF-8; a trailing comma is json-trailing-comma's warning.",
        source:
            "paconn validate.py reads JSON strictly (json-strict); RFC 8259. Narrowed by calibration: trailing commas, which Microsoft's own readers take, are json-trailing-comma's; what remains (missing commas, unbalanced brackets, control characters, non-JSON white space) no JSON reader takes, and 3 certified connectors changed in 2023-24 still carry it, which the calibration table lists (docs/calibration.md).",
        fix:
            "Fix the syntax at the reported line and column: remove trailing commas, add missing commas, balance brackets, escape control characters.",
        triggering: [
            .minimal(["apiProperties.json": "{\"properties\": {\"iconBrandColor\": \"#1f6feb\" \"x\": 1}}"]).at("apiProperties.json:1")
        ],
        nonTriggering: [.minimal()])

    public static let trailingComma = RuleDescription(
        id: "json-trailing-comma", severity: .warning, stage: stageName,
        summary: "No JSON file has a comma before a closing bracket (read as white space, so the other checks still run).",
        source:
            "RFC 8259 does not allow it and paconn validate (Python json.load) refuses it, but Microsoft's pipeline posts the raw text to its .NET validator and parses it with PowerShell's ConvertFrom-Json (Json.NET, which reads trailing commas), and 7 certified swaggers have one, 4 of them changed in 2023-24, merged in PR#3386 and PR#3662 among others (docs/calibration.md). A warning (strict: error); at most \(JSONDocument.maximumTrailingCommaRepairs) are read in one file, past that it is json-syntax's error.",
        fix: "Remove the comma after the last member or element.",
        triggering: [.minimal(["apiProperties.json": "{\"properties\": {\"iconBrandColor\": \"#1f6feb\",}}"]).at("apiProperties.json:1")],
        nonTriggering: [.minimal()], strictSeverity: .error)

    public static let duplicateKey = RuleDescription(
        id: "json-duplicate-key", severity: .warning, stage: stageName,
        summary: "No object has the same key twice.",
        source:
            "RFC 8259 section 4 (names SHOULD be unique). A warning, not an error: three certified connectors have duplicates, and most readers (Python, JavaScript, Json.NET) keep the last value. certify's checks read the last value too, so the rest of the report describes what those readers see.",
        fix: "Remove one of the two members; keep the value the connector needs.",
        triggering: [
            .minimal(["apiProperties.json": "{\"properties\": {\"iconBrandColor\": \"#1f6feb\", \"iconBrandColor\": \"#1f6feb\"}}"])
                .at("apiProperties.json#/properties/iconBrandColor")
        ],
        nonTriggering: [.minimal()])

    public static let byteOrderMark = RuleDescription(
        id: "json-byte-order-mark", severity: .info, stage: stageName,
        summary: "JSON files are UTF-8 without a byte order mark.",
        source: "RFC 8259 section 8.1 (implementations MUST NOT add a BOM); paconn reads utf-8-sig, so it is accepted",
        fix: "Save the file as UTF-8 without BOM.",
        triggering: [
            .minimal(["apiProperties.json": "\u{FEFF}{\"properties\": {\"iconBrandColor\": \"#1f6feb\"}}"]).at("apiProperties.json:1")
        ],
        nonTriggering: [.minimal()])

    public static let rules = [packageRefused, fileMissing, jsonSyntax, trailingComma, duplicateKey, byteOrderMark]
}
