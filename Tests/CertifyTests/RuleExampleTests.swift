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
        let broken = "{\"properties\": {\"iconBrandColor\": \"#1f6feb\",}}"
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
