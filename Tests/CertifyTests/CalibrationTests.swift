import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import StageCatalog
import XCTest

/// Issue 14: verdicts a publisher can trust. The default level fails at most 15% of the
/// certified connectors changed recently, each one still failing is listed (with why) in
/// docs/calibration.md, every rule that can be an error says why, and calibration lost no
/// detection: a violation of any error rule planted into a clean certified connector is
/// still reported at its place.
final class CalibrationTests: XCTestCase {
    static let history = TestPaths.shared.appendingPathComponent("corpus/certified-history.tsv")
    static let table = TestPaths.packageRoot.appendingPathComponent("docs/calibration.md")

    func testEveryRuleThatCanBeAnErrorHasADecisionAndEvidence() {
        let rules = CorpusCalibration.errorCapableRules
        XCTAssertGreaterThan(rules.count, 90)
        for rule in rules {
            let calibration = RuleCatalog.calibration[rule.id]
            XCTAssertNotNil(calibration, "\(rule.id) can be an error but has no calibration (RuleEvidence.swift)")
            XCTAssertFalse(calibration?.decision.isEmpty ?? true, rule.id)
            XCTAssertFalse(calibration?.evidence.isEmpty ?? true, "\(rule.id) has no evidence")
            for evidence in calibration?.evidence ?? [] {
                XCTAssertFalse(evidence.quote.isEmpty || evidence.link.isEmpty, "\(rule.id): evidence without quote or link")
            }
        }
        // No calibration for a rule that cannot be an error, or that does not exist.
        let capable = Set(rules.map(\.id))
        for id in RuleCatalog.calibration.keys {
            XCTAssertTrue(capable.contains(id), "\(id) has a calibration but cannot be an error (or is no rule)")
        }
        // A rule that is a warning by default but an error when strict says so in its decision.
        for rule in rules where rule.severity != .error {
            XCTAssertEqual(rule.strictSeverity, .error, rule.id)
            XCTAssertTrue(RuleCatalog.calibration[rule.id]?.decision.lowercased().contains("strict") ?? false, rule.id)
        }
    }

    func testTheDefaultLevelFailsFewRecentConnectorsAndTheTableListsEachOne() async throws {
        let corpus = try TestPaths.requireCorpus()
        guard FileManager.default.fileExists(atPath: Self.history.path) else {
            throw XCTSkip("\(Self.history.path) is missing; the calibration test needs the corpus history")
        }
        let calibration = try await CorpusCalibration.run(corpus: corpus, history: Self.history)
        let recent = calibration.recent
        XCTAssertGreaterThan(recent.count, 250, "the history dates too few connectors as recent")
        let failing = calibration.failing(recent, at: .default)
        XCTAssertLessThanOrEqual(
            calibration.recentFailureShare, CorpusCalibration.defaultTargetFailureShare,
            "\(failing.count) of \(recent.count) recent connectors fail at the default level: \(failing.map(\.name))")
        let table = try String(contentsOf: Self.table, encoding: .utf8)
        let listed = table.components(separatedBy: "## Rules that can be an error")[0]
        for connector in failing {
            XCTAssertTrue(
                listed.contains("| \(connector.name) |"),
                "\(connector.name) fails at the default level but docs/calibration.md does not list it: run certify rules calibrate")
            for finding in CorpusCalibration.errors(of: connector, at: .default) {
                XCTAssertTrue(listed.contains("`\(finding.ruleId)`"), "\(connector.name): \(finding.ruleId) is not in the table")
            }
        }
        // And the table lists no connector that passes now.
        let failingNames = Set(failing.map(\.name))
        for connector in recent where !failingNames.contains(connector.name) {
            XCTAssertFalse(listed.contains("| \(connector.name) |"), "\(connector.name) passes now but docs/calibration.md lists it")
        }
        // The strict level fails at least as many: it only raises severities.
        XCTAssertGreaterThanOrEqual(calibration.failing(recent, at: .strict).count, failing.count)
    }

    // MARK: Planted violations

    /// Rules whose examples cannot be planted into another connector, with the reason.
    let notPlantable: [String: String] = [
        "title-unique": "needs a registry of other titles",
        "brand-color-ip": "needs the independent-publisher profile",
        "package-refused": "its cases are hostile zips, not files",
    ]

    /// Every triggering example of every error rule (at the default level, and at the strict
    /// level for the rules only it makes errors), planted into a certified connector that
    /// passes: the example's changes to each file (top-level members of a JSON file that differ
    /// from the minimal package's, or the whole of any other file) are written over the
    /// connector's, and the rule must report a finding at the example's place, at its severity.
    func testAViolationOfAnyErrorRulePlantedIntoACleanConnectorIsReportedAtItsPlace() async throws {
        let corpus = try TestPaths.requireCorpus()
        let base = try PackageLoader().load(path: corpus.appendingPathComponent("Ant Text Automation").path)
        let clean = await StageRunner().run(base, path: "base")
        XCTAssertEqual(clean.findings.filter { $0.severity == .error }.map(\.ruleId), [], "the base connector must pass")
        var planted = 0
        for rule in CorpusCalibration.errorCapableRules where notPlantable[rule.id] == nil {
            let level: Ruleset.Level = rule.severity == .error ? .default : .strict
            let options = CheckOptions(ruleset: level == .strict ? Ruleset.strict() : .default)
            for (index, example) in rule.triggering.enumerated() {
                let package = Self.plant(example, into: base)
                let findings = await StageRunner(options: options).run(package, path: "planted").findings.filter {
                    $0.ruleId == rule.id
                }
                XCTAssertFalse(findings.isEmpty, "\(rule.id): example \(index) planted into Ant Text Automation is not reported")
                for place in example.places {
                    let (file, pointer, line, severity) = ExamplePackage.parsePlace(place)
                    let here = findings.filter { finding in
                        finding.file == file && (pointer == nil || finding.pointer == pointer) && (line == nil || finding.line == line)
                    }
                    // The connector's own brand colour may add a finding of the same rule there.
                    let expected = severity ?? rule.severity(at: level)
                    let match = here.first { $0.severity == expected } ?? here.first
                    XCTAssertNotNil(
                        match,
                        "\(rule.id): example \(index) planted is not reported at \(place): \(findings.map { "\($0.file ?? "-")#\($0.pointer ?? "")@\($0.line ?? 0)" })"
                    )
                    XCTAssertEqual(match?.severity ?? expected, expected, "\(rule.id) at \(place)")
                }
                planted += 1
            }
        }
        XCTAssertGreaterThan(planted, 100, "too few examples were planted to mean anything")
    }

    /// `base` with `example`'s changes from the minimal package written over it.
    static func plant(_ example: ExamplePackage, into base: ConnectorPackage) -> ConnectorPackage {
        var files = Dictionary(base.files.map { ($0.path.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        // An example that brings an icon of its own (icon.jpg, a broken icon.png) replaces the connector's.
        if example.files.keys.contains(where: { $0.lowercased().hasPrefix("icon.") }) { files["icon.png"] = nil }
        let minimal = Dictionary(ExamplePackage.minimal().packageFiles.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let changed = Dictionary(example.packageFiles.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for path in Set(minimal.keys).union(changed.keys) {
            let before = minimal[path]
            let after = changed[path]
            guard before?.bytes != after?.bytes else { continue }
            let key = path.lowercased()
            guard let after else {
                files[key] = nil
                continue
            }
            // A JSON file both sides read: merge the members the example changed.
            if let before, let existing = files[key], let merged = merge(before.bytes, after.bytes, into: existing.bytes) {
                files[key] = PackageFile(path: existing.path, bytes: merged)
            } else {
                files[key] = PackageFile(path: path, bytes: after.bytes)
            }
        }
        return ConnectorPackage(name: base.name, files: files.values.sorted { $0.path < $1.path })
    }

    /// The members of `after` (and of its "properties" object, for apiProperties.json) that
    /// differ from `before`, written over `target`; members `after` lacks are removed. Path
    /// items and definitions are merged one level deeper, so the connector keeps its own. Nil
    /// when one of the three is not a JSON object.
    static func merge(_ before: [UInt8], _ after: [UInt8], into target: [UInt8]) -> [UInt8]? {
        func object(_ bytes: [UInt8]) -> [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        }
        // Only strict JSON is merged (Foundation reads trailing commas, which the example may be about).
        guard (try? JSONDocument.parse(after)) != nil, let old = object(before), let new = object(after), var merged = object(target)
        else { return nil }
        func apply(_ old: [String: Any], _ new: [String: Any], to merged: inout [String: Any], deeper: Set<String>) {
            for key in Set(old.keys).union(new.keys) {
                let was = old[key].map { NSDictionary(dictionary: ["v": $0]) }
                let now = new[key].map { NSDictionary(dictionary: ["v": $0]) }
                guard was != now else { continue }
                if deeper.contains(key), let oldMembers = old[key] as? [String: Any], let newMembers = new[key] as? [String: Any],
                    var existing = merged[key] as? [String: Any]
                {
                    apply(oldMembers, newMembers, to: &existing, deeper: [])
                    merged[key] = existing
                } else {
                    merged[key] = new[key]
                }
            }
        }
        apply(old, new, to: &merged, deeper: ["paths", "definitions", "parameters", "responses", "securityDefinitions", "properties"])
        guard let data = try? JSONSerialization.data(withJSONObject: merged, options: [.prettyPrinted, .sortedKeys]) else { return nil }
        return Array(data)
    }
}
