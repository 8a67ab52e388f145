import Certification
import ConnectorPackage
import ContentPolicy
import Probing
import StageCatalog
import XCTest

/// Every rule proves itself: it fires on each of its triggering examples and stays quiet on each
/// of its non-triggering ones. A rule without a triggering example fails this test, unless it
/// can only fire on input the examples cannot express (listed here with the reason).
final class RuleExampleTests: XCTestCase {
    /// Rules whose input is not a package of text files.
    let exemptFromExamples: [String: String] = [
        "package-refused": "fires on a package that cannot be loaded; its cases are the hostile zips in Fixtures/zips (PackageLoaderTests)",
        "brand-color-ip": "fires only under the independent-publisher profile; PolicySwaggerRuleTests runs it with that profile",
        "title-unique": "fires only against a registry of other titles; RegistryBaselineTests gives it one",
        "publisher-matches-account": "fires only when the filing publisher is known; PublisherMatchTests files packages under one",
        "breaking-changes": "compares with a previous certified revision; BreakingChangesTests run every breaking-* rule",
    ].merging(BreakingChanges.rules.map { ($0.id, "needs a previous certified revision: BreakingChangesTests") }) { a, _ in a }
        .merging(ProbeRules.all.map { ($0.id, "a probe rule needs a live API: ProbeTests run it against the fixture API") }) { a, _ in a }

    func run(_ example: ExamplePackage) async -> [Finding] {
        let files = example.packageFiles
        let result = await StageRunner().run(ConnectorPackage(name: "example", files: files), path: "example")
        return result.findings
    }

    func testEveryRuleFiresOnItsTriggeringExamplesOnly() async {
        for rule in RuleCatalog.all {
            if rule.triggering.isEmpty {
                XCTAssertNotNil(exemptFromExamples[rule.id], "\(rule.id) has no triggering example")
            }
            for (index, example) in rule.triggering.enumerated() {
                let findings = await run(example)
                XCTAssertTrue(findings.contains { $0.ruleId == rule.id }, "\(rule.id): triggering example \(index) did not fire")
            }
            for (index, example) in rule.nonTriggering.enumerated() {
                let findings = await run(example)
                XCTAssertFalse(
                    findings.contains { $0.ruleId == rule.id },
                    "\(rule.id): non-triggering example \(index) fired: \(findings.filter { $0.ruleId == rule.id }.map(\.message))")
            }
        }
    }

    /// Triggering examples whose findings cannot carry a place the example can name.
    let exemptFromPlaces: [String: String] = [:]

    /// Each triggering example names where its finding must point (`ExamplePackage.at`), and
    /// the rule reports a finding there at its own severity: a rule that fires somewhere else
    /// (the parent object, the wrong file, the wrong line) fails here.
    func testEveryTriggeringExampleIsReportedAtItsPlaceAndSeverity() async {
        for rule in RuleCatalog.all {
            for (index, example) in rule.triggering.enumerated() {
                let findings = await run(example).filter { $0.ruleId == rule.id }
                let found = findings.map { "\($0.file ?? "-")#\($0.pointer ?? "")@\($0.line.map(String.init) ?? "-") \($0.severity)" }
                if example.places.isEmpty {
                    XCTAssertNotNil(
                        exemptFromPlaces[rule.id],
                        "\(rule.id): triggering example \(index) declares no place (ExamplePackage.at); it reports \(found)")
                }
                for place in example.places {
                    let (file, pointer, line, severity) = ExamplePackage.parsePlace(place)
                    let match = findings.first { finding in
                        finding.file == file && (pointer == nil || finding.pointer == pointer)
                            && (line == nil || finding.line == line)
                    }
                    XCTAssertNotNil(match, "\(rule.id): triggering example \(index) has no finding at \(place); it reports \(found)")
                    XCTAssertEqual(match?.severity, severity ?? rule.severity, "\(rule.id): triggering example \(index) at \(place)")
                }
            }
        }
    }

    /// Every rule written in Sources (a `RuleDescription(id: ...)`) is in the catalogue, so a
    /// rule defined but left out of its stage's hand-kept list is caught.
    func testEveryRuleDefinedInTheSourcesIsRegistered() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else {
            return XCTFail("cannot read \(sources.path)")
        }
        let pattern = try NSRegularExpression(pattern: #"RuleDescription\(\s*id:\s*"([a-z0-9-]+)""#)
        var defined: [String: String] = [:]
        for case let url as URL in walker where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { defined[String(text[range])] = url.lastPathComponent }
            }
        }
        XCTAssertGreaterThan(defined.count, 100, "the scan found too few rule definitions to mean anything")
        let registered = Set(RuleCatalog.all.map(\.id))
        for (id, file) in defined.sorted(by: { $0.key < $1.key }) {
            XCTAssertTrue(registered.contains(id), "\(id) is defined in \(file) but no stage lists it")
        }
    }

    func testTheMinimalExampleIsClean() async {
        let findings = await run(.minimal())
        XCTAssertEqual(findings.map(\.ruleId), [], "the minimal package every example starts from must pass every rule")
    }

    func testRuleIdsAreUniqueAndKebabCase() {
        let ids = RuleCatalog.all.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids {
            XCTAssertNotNil(id.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression), id)
        }
        for rule in RuleCatalog.all {
            XCTAssertFalse(rule.summary.isEmpty || rule.fix.isEmpty || rule.source.isEmpty, rule.id)
        }
    }

    /// A fingerprint names the problem, not its line: moving it keeps the fingerprint.
    func testFingerprintIgnoresLineNumbers() async {
        var moved = ExamplePackage.minimal().files
        let broken = "{\"properties\": {\"iconBrandColor\": \"#1f6feb\" \"x\": 1}}"
        moved["apiProperties.json"] = broken
        let first = await run(ExamplePackage(moved)).first { $0.ruleId == "json-syntax" }
        moved["apiProperties.json"] = "\n\n\n" + broken
        let second = await run(ExamplePackage(moved)).first { $0.ruleId == "json-syntax" }
        XCTAssertNotNil(first)
        XCTAssertNotEqual(first?.line, second?.line)
        XCTAssertEqual(first?.fingerprint, second?.fingerprint)
    }
}

final class MinimalExampleTests: XCTestCase {
    /// The rules' minimal example and the clean fixture are the same package.
    func testMinimalExampleEqualsTheCleanFixture() throws {
        let fixture = try PackageLoader().load(path: TestPaths.package("clean"))
        XCTAssertEqual(Set(fixture.files.map(\.path)), Set(ExamplePackage.minimalFiles.keys))
        for file in fixture.files {
            XCTAssertEqual(
                String(decoding: file.bytes, as: UTF8.self).trimmingCharacters(in: .newlines),
                ExamplePackage.minimalFiles[file.path]?.trimmingCharacters(in: .newlines), file.path)
        }
    }
}
