import ConnectorPackage
import XCTest

@testable import Certification
@testable import SchemaConformance

/// The x-ms-* extension and apiProperties.json shape rules: exact places, severities and
/// messages, beyond what each rule's own examples show.
final class ExtensionRuleTests: XCTestCase {
    /// The x-ms names and the sites are bit sets (`XMSVisit.known`, `XMSSite.bit`): they must fit.
    func testCatalogFitsItsBitSets() {
        XCTAssertLessThan(XMSCatalog.names.count, 64)
        XCTAssertLessThan(XMSSite.allCases.count, 32)
        XCTAssertEqual(Set(XMSSite.allCases.map(\.bit)).count, XMSSite.allCases.count, "one bit a site")
        XCTAssertEqual(XMSCatalog.applies("x-ms-trigger", at: .operation), true)
        XCTAssertEqual(XMSCatalog.applies("x-ms-trigger", at: .schema), false)
        XCTAssertNil(XMSCatalog.applies("x-ms-enum", at: .schema), "AutoRest's, not the platform's")
    }

    func findings(_ rule: Rule, _ example: ExamplePackage) -> [Finding] {
        let files = example.files.map { PackageFile(path: $0.key, bytes: Array($0.value.utf8)) }
        let input = StageInput(package: ConnectorPackage(name: "example", files: files), options: CheckOptions())
        return rule.check(RuleContext(input: input, rule: rule.description))
    }

    func swagger(operation: String = "", parameter: String = "", root: String = "", paths: String = "") -> ExamplePackage {
        .swagger(XMSExamples.swagger(root: root, operation: operation, parameter: parameter, paths: paths))
    }

    func testAMisspeltExtensionIsReportedAtItsKeyWithTheLikelyName() throws {
        let found = findings(SchemaRules.xmsUnknownExtension, swagger(parameter: #""x-ms-visibilty": "advanced""#))
        XCTAssertEqual(found.map(\.pointer), ["/paths/~1forecast/get/parameters/0/x-ms-visibilty"])
        let finding = try XCTUnwrap(found.first)
        XCTAssertEqual(finding.file, "apiDefinition.swagger.json")
        XCTAssertEqual(finding.line, 22)
        XCTAssertEqual(finding.column, 166)
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertTrue(finding.message.contains("Did you mean \"x-ms-visibility\"?"), finding.message)
    }

    func testKeysInsideValuesAreNotExtensions() {
        // Examples, defaults and extension values hold data, not spec objects.
        let package = swagger(
            parameter: #""default": {"x-ms-anything": 1}"#,
            root:
                #""x-ms-openai-data": {"openai-enabled": true, "operations": [{"operationId": "GetForecast", "x-ms-require-user-confirmation": false}]}"#
        )
        XCTAssertEqual(findings(SchemaRules.xmsUnknownExtension, package), [])
    }

    func testAMissingOperationIsAnErrorAtTheOperationId() throws {
        let found = findings(
            SchemaRules.xmsOperationReference,
            swagger(
                parameter:
                    #""x-ms-dynamic-values": {"operationId": "ListPlace", "value-collection": "value", "value-path": "id", "value-title": "name"}"#
            ))
        XCTAssertEqual(found.map(\.pointer), ["/paths/~1forecast/get/parameters/0/x-ms-dynamic-values/operationId"])
        XCTAssertEqual(found.first?.severity, .error)
        XCTAssertEqual(found.first?.line, 22)
        XCTAssertTrue(try XCTUnwrap(found.first?.message).contains("Did you mean \"ListPlaces\"?"))
    }

    func testVisibilityInAnotherCaseIsAWarningAndAnUnknownValueAnError() {
        let paramCase = findings(SchemaRules.xmsVisibilityValue, swagger(parameter: #""x-ms-visibility": "Advanced""#))
        XCTAssertEqual(paramCase.map(\.severity), [.warning])
        XCTAssertEqual(paramCase.map(\.pointer), ["/paths/~1forecast/get/parameters/0/x-ms-visibility"])
        let hidden = findings(SchemaRules.xmsVisibilityValue, swagger(parameter: #""x-ms-visibility": "hidden""#))
        XCTAssertEqual(hidden.map(\.severity), [.error])
        XCTAssertTrue(hidden.first?.message.contains("\"hidden\"") == true)
    }

    func testScalarsThePlatformConvertsAreWarningsContainersAreErrors() {
        let number = findings(SchemaRules.xmsExtensionShape, swagger(parameter: #""x-ms-url-encoding": 1"#))
        XCTAssertEqual(number.map(\.severity), [.warning])
        let object = findings(SchemaRules.xmsExtensionShape, swagger(operation: #""x-ms-trigger-hint": {"text": "Add a place"}"#))
        XCTAssertEqual(object.map(\.severity), [.error])
        XCTAssertEqual(object.map(\.pointer), ["/paths/~1forecast/get/x-ms-trigger-hint"])
        let flag = findings(SchemaRules.xmsExtensionShape, swagger(operation: #""x-ms-no-generic-test": "true""#))
        XCTAssertEqual(flag.map(\.severity), [.warning])
    }

    func testDynamicParameterFormsFollowTheExtension() {
        // x-ms-dynamic-values takes literals and {parameter}; x-ms-dynamic-list takes {value} and {parameterReference}.
        let values = findings(
            SchemaRules.xmsExtensionShape,
            swagger(
                parameter: #""x-ms-dynamic-values": {"operationId": "ListPlaces", "parameters": {"country": "no"}, "value-path": "id"}"#))
        XCTAssertEqual(values, [])
        let list = findings(
            SchemaRules.xmsExtensionShape,
            swagger(
                parameter: #""x-ms-dynamic-list": {"operationId": "ListPlaces", "parameters": {"country": "no"}, "itemValuePath": "id"}"#))
        XCTAssertEqual(list.map(\.pointer), ["/paths/~1forecast/get/parameters/0/x-ms-dynamic-list/parameters/country"])
        XCTAssertTrue(list.first?.message.contains("{\"value\": \"no\"}") == true)
        let mixed = findings(
            SchemaRules.xmsExtensionShape,
            swagger(
                parameter:
                    #""x-ms-dynamic-values": {"operationId": "ListPlaces", "parameters": {"country": {"value": "no"}}, "value-path": "id"}"#
            ))
        XCTAssertEqual(mixed.map(\.severity), [.error])
        XCTAssertTrue(mixed.first?.message.contains("x-ms-dynamic-list") == true)
    }

    func testATargetWithABodyMayTakeItsPropertiesAsKeys() {
        let search =
            #""/search": {"post": {"operationId": "Search", "summary": "Search", "description": "Searches places.", "x-ms-visibility": "internal", "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {"text": {"type": "string"}}}}], "responses": {"200": {"description": "Results."}}}}"#
        let found = findings(
            SchemaRules.xmsDynamicParameter,
            swagger(
                parameter: #""x-ms-dynamic-values": {"operationId": "Search", "parameters": {"text": "a"}, "value-path": "id"}"#,
                paths: search))
        XCTAssertEqual(found, [])
    }

    func testMisplacedExtensionsSayWhereTheyBelong() {
        let found = findings(SchemaRules.xmsExtensionPlacement, swagger(root: #""x-ms-trigger": "single""#))
        XCTAssertEqual(found.map(\.pointer), ["/x-ms-trigger"])
        XCTAssertTrue(found.first?.message.contains("on an operation") == true)
        // Not also reported as a bad shape or value where it has no effect.
        XCTAssertEqual(findings(SchemaRules.xmsExtensionValue, swagger(root: #""x-ms-trigger": "often""#)), [])
    }

    func testPropertiesFindingsHaveFilePointerAndLine() throws {
        let text = XMSExamples.properties(apiKey: #"{"type": "password", "uiDefinition": {}}"#)
        let found = findings(SchemaRules.propertiesConnectionParameter, .properties(text))
        XCTAssertEqual(found.map(\.pointer), ["/properties/connectionParameters/api_key/type"])
        let finding = try XCTUnwrap(found.first)
        XCTAssertEqual(finding.file, "apiProperties.json")
        XCTAssertEqual(finding.line, 4)
        XCTAssertEqual(finding.column, 27)
        XCTAssertEqual(finding.severity, .error)
        XCTAssertTrue(finding.message.contains("\"password\""))
        XCTAssertTrue(finding.message.contains("securestring"))
    }

    func testAPolicyTemplateNeedsItsRequiredParameters() {
        let found = findings(
            SchemaRules.propertiesPolicyTemplate,
            .properties(
                XMSExamples.properties(
                    properties:
                        #""policyTemplateInstances": [{"templateId": "SetQueryParameter", "title": "Version", "parameters": {"x-ms-apimTemplateParameter.name": "api-version"}}]"#
                )))
        XCTAssertEqual(found.map(\.pointer), ["/properties/policyTemplateInstances/0/parameters"])
        XCTAssertTrue(found.first?.message.contains("x-ms-apimTemplateParameter.value") == true)
    }

    func testANullUIDefinitionIsNoneAndCaseVariantsAreWarnings() {
        let found = findings(
            SchemaRules.propertiesConnectionParameter,
            .properties(
                XMSExamples.properties(
                    apiKey:
                        #"{"type": "oAuthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "x", "scopes": []}, "uiDefinition": null}"#
                )))
        XCTAssertEqual(found.map(\.severity), [.warning])
        XCTAssertEqual(found.map(\.pointer), ["/properties/connectionParameters/api_key/type"])
        let sets = findings(
            SchemaRules.propertiesParameterSets,
            .properties(
                XMSExamples.properties(
                    properties:
                        #""connectionParameterSets": {"uiDefinition": {"displayname": "Sign in", "description": "How to sign in."}, "values": [{"name": "key", "uiDefinition": {"displayName": "Key", "description": "An API key."}, "parameters": {}}]}"#
                )))
        XCTAssertEqual(sets.map(\.severity), [.warning])
        XCTAssertEqual(sets.map(\.pointer), ["/properties/connectionParameterSets/uiDefinition/displayname"])
    }

    func testFingerprintsSurviveMovedLines() throws {
        let text = XMSExamples.swagger(parameter: #""x-ms-visibility": "hidden""#)
        let first = try XCTUnwrap(findings(SchemaRules.xmsVisibilityValue, .swagger(text)).first)
        let moved = try XCTUnwrap(findings(SchemaRules.xmsVisibilityValue, .swagger("\n\n" + text)).first)
        XCTAssertEqual(moved.line, first.line.map { $0 + 2 })
        XCTAssertEqual(first.fingerprint, moved.fingerprint)
    }

    func testTheCorpusIsAcceptedWhereThePlatformAcceptedIt() throws {
        // Every rule of this family that errors stays below a fifth of the certified corpus.
        let corpus = try TestPaths.requireCorpus()
        let rules = SchemaRules.extensions.filter { $0.description.severity == .error }
        var failing: [String: Set<String>] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
        for name in names {
            guard let package = try? PackageLoader().load(path: corpus.appendingPathComponent(name).path) else { continue }
            let input = StageInput(package: package, options: CheckOptions())
            for rule in rules {
                let errors = rule.check(RuleContext(input: input, rule: rule.description)).filter { $0.severity == .error }
                if !errors.isEmpty { failing[rule.id, default: []].insert(name) }
            }
        }
        for rule in rules {
            XCTAssertLessThan(failing[rule.id]?.count ?? 0, names.count / 5, rule.id)
        }
    }
}
