import ConnectorPackage
import XCTest

@testable import Certification
@testable import ContentPolicy

/// The swagger and apiProperties policy rules: what their examples cannot show (the publisher
/// profile), and exact places and messages.
final class PolicySwaggerRuleTests: XCTestCase {
    func findings(_ rule: Rule, _ example: ExamplePackage, profile: Ruleset.Profile = .verifiedPublisher) -> [Finding] {
        let files = example.files.map { PackageFile(path: $0.key, bytes: Array($0.value.utf8)) }
        let options = CheckOptions(ruleset: Ruleset(profile: profile))
        let input = StageInput(package: ConnectorPackage(name: "example", files: files), options: options)
        return rule.check(RuleContext(input: input, rule: rule.description))
    }

    func testIndependentPublisherMustUseTheFixedBrandColour() {
        let rule = PolicyRules.brandColorIndependentPublisher
        let found = findings(rule, .minimal(), profile: .independentPublisher)
        XCTAssertEqual(found.map(\.pointer), ["/properties/iconBrandColor"])
        XCTAssertEqual(found.first?.line, 6)
        XCTAssertTrue(found.first?.message.contains("#1f6feb") == true && found.first?.message.contains("#da3b01") == true)
        let compliant = ExamplePackage.properties(PolicyOASExamples.properties(replacing: "\"#1f6feb\"", with: "\"#DA3B01\""))
        XCTAssertEqual(findings(rule, compliant, profile: .independentPublisher), [])
        XCTAssertEqual(findings(rule, .minimal(), profile: .verifiedPublisher), [])
    }

    func testPointersEscapePathsAndNameTheOffendingValue() throws {
        let swagger = PolicyOASExamples.swagger(replacing: "\"/forecast\"", with: "\"/items/{id}\"")
            .replacingOccurrences(of: "\"Get the forecast\"", with: "\"Get item & details.\"")
        let chars = findings(PolicyRules.summaryChars, .swagger(swagger))
        XCTAssertEqual(chars.map(\.pointer), ["/paths/~1items~1{id}/get/summary"])
        XCTAssertEqual(chars.first?.line, 18)
        XCTAssertTrue(try XCTUnwrap(chars.first?.message).contains("\"&\""))
        let end = findings(PolicyRules.summaryEndAlphanumeric, .swagger(swagger))
        XCTAssertEqual(end.map(\.pointer), ["/paths/~1items~1{id}/get/summary"])
        XCTAssertTrue(try XCTUnwrap(end.first?.message).contains("\".\""))
    }

    func testAParameterDefinedOnceIsReportedOnceWhereItIsWritten() {
        let swagger = PolicyOASExamples.swagger(
            replacing: "\"securityDefinitions\"",
            with:
                "\"parameters\": {\"Shared\": {\"name\": \"unit\", \"in\": \"query\", \"type\": \"string\", \"description\": \"The unit.\"}},\n  \"securityDefinitions\""
        ).replacingOccurrences(
            of: "\"parameters\": [", with: "\"parameters\": [{\"$ref\": \"#/parameters/Shared\"}, {\"$ref\": \"#/parameters/Shared\"}, ")
        let found = findings(PolicyRules.parameterSummary, .swagger(swagger))
        XCTAssertEqual(found.map(\.pointer), ["/parameters/Shared/x-ms-summary"])
        XCTAssertTrue(found.first?.message.contains("\"unit\"") == true)
    }

    func testCategoriesAreReportedOneByOneWithTheirValue() {
        let swagger = PolicyOASExamples.swagger(replacing: "\"Data;Lifestyle and Entertainment\"", with: "\"Weather;Data;Fun\"")
        let found = findings(PolicyRules.categoriesEnum, .swagger(swagger))
        XCTAssertEqual(found.count, 3)
        XCTAssertEqual(Set(found.map(\.pointer)), ["/x-ms-connector-metadata/2/propertyValue"])
        XCTAssertTrue(found.contains { $0.message.contains("\"Weather\"") })
        XCTAssertTrue(found.contains { $0.message.contains("at most 2") })
    }

    func testTheSizeRuleWarnsBeforeItBlocks() {
        let warning = findings(PolicyRules.swaggerSize, .swagger(PolicyOASExamples.paddedSwagger(characters: 520_000)))
        XCTAssertEqual(warning.map(\.severity), [.warning])
        let error = findings(PolicyRules.swaggerSize, .swagger(PolicyOASExamples.paddedSwagger(characters: 1_100_000)))
        XCTAssertEqual(error.map(\.severity), [.error])
        XCTAssertEqual(error.first?.file, "apiDefinition.swagger.json")
    }

    func testWholeWordsOnly() {
        XCTAssertNil(PolicySwaggerText.wholeWord("api", in: "Rapid Capital"))
        XCTAssertEqual(PolicySwaggerText.wholeWord("api", in: "Contoso API"), "API")
        XCTAssertEqual(PolicySwaggerText.wholeWord("power apps", in: "for PowerApps users"), "PowerApps")
    }

    func testHostHeuristic() {
        XCTAssertNotNil(PolicySwaggerText.nonProductionReason("api.dev.contoso.com"))
        XCTAssertNotNil(PolicySwaggerText.nonProductionReason("localhost:8080"))
        XCTAssertNotNil(PolicySwaggerText.nonProductionReason("192.168.1.4"))
        XCTAssertNil(PolicySwaggerText.nonProductionReason("developer.contoso.com"))
        XCTAssertNil(PolicySwaggerText.nonProductionReason("latest.contoso.com"))
    }

    /// Parameters of internal operations are not shown to users, and not checked.
    func testParametersOfInternalOperationsNeedNoDisplayTexts() {
        let hidden = PolicyOASExamples.swagger(
            replacing: "\"x-ms-visibility\": \"important\"", with: "\"x-ms-visibility\": \"internal\""
        )
        .replacingOccurrences(of: "\"description\": \"The place name.\", \"x-ms-summary\": \"Place\", ", with: "")
        XCTAssertEqual(findings(PolicyRules.parameterSummary, .swagger(hidden)), [])
        XCTAssertEqual(findings(PolicyRules.parameterDescription, .swagger(hidden)), [])
        let visible = PolicyOASExamples.swagger(
            replacing: "\"description\": \"The place name.\", \"x-ms-summary\": \"Place\", ", with: "")
        XCTAssertEqual(
            findings(PolicyRules.parameterSummary, .swagger(visible)).map(\.pointer), ["/paths/~1forecast/get/parameters/0/x-ms-summary"])
        XCTAssertEqual(
            findings(PolicyRules.parameterDescription, .swagger(visible)).map(\.pointer), ["/paths/~1forecast/get/parameters/0/description"]
        )
    }
}
