import ConnectorPackage
import Foundation
import PNGImage
import XCTest

@testable import Certification
@testable import ContentPolicy

/// The icon, README, intro.md, script and secret rules (Sources/ContentPolicy/Files):
/// what they decide and the places findings point at. The PNG reader itself is tested in
/// PNGImageTests.
final class PolicyFilesTests: XCTestCase {
    func findings(_ example: ExamplePackage, _ ruleId: String) async -> [Finding] {
        let result = await StageRunner().run(ConnectorPackage(name: "example", files: example.packageFiles), path: "example")
        return result.findings.filter { $0.ruleId == ruleId }
    }

    // MARK: Icon

    func testHugeDeclaredDimensionsAreASizeFindingNotAnAllocation() async {
        var header = Array(PolicyFilesIconExamples.brand[16..<29])
        header.replaceSubrange(0..<8, with: [0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00])
        let bytes =
            PNGImage.signature + PNGWriter.chunk("IHDR", header)
            + PNGWriter.chunk("IDAT", PNGWriter.zlib([0])) + PNGWriter.chunk("IEND", [])
        let size = await findings(.withIcon(bytes), "icon-size")
        XCTAssertEqual(
            size.map(\.message),
            [
                "icon.png is 1048576 x 1048576 pixels and has a side outside 100 to 230 pixels. Make it a square of 230 x 230 pixels with the logo about 160 x 160 in the middle."
            ])
        let png = await findings(.withIcon(bytes), "icon-png")
        XCTAssertEqual(png, [])
    }

    func testIconBackgroundNamesBothColours() async {
        let found = await findings(.withIcon(PolicyFilesIconExamples.otherColour), "icon-background")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.file, "icon.png")
        XCTAssertEqual(
            found.first?.message,
            "The background of icon.png is #c03020, but iconBrandColor is #1f6feb (apiProperties.json line 6). They must be the same colour: fill the icon's background with #1f6feb, or set iconBrandColor to #c03020."
        )
        let translucent = await findings(.withIcon(PolicyFilesIconExamples.translucentLogo), "icon-background")
        XCTAssertEqual(translucent.map(\.severity), [.warning])
        let transparent = await findings(.withIcon(PolicyFilesIconExamples.transparent), "icon-background")
        XCTAssertEqual(transparent.map(\.severity), [.error])
    }

    func testTheProfileAndTheRulesetDecideAboutTheIcon() async {
        func run(_ example: ExamplePackage, _ ruleset: Ruleset) async -> [String] {
            let options = CheckOptions(ruleset: ruleset)
            let result = await StageRunner(options: options).run(
                ConnectorPackage(name: "example", files: example.packageFiles), path: "example")
            return result.findings.map(\.ruleId).filter { $0.hasPrefix("icon-") || $0 == "ip-no-icon" }
        }
        let independent = Ruleset(profile: .independentPublisher)
        let withIcon = await run(.withIcon(PolicyFilesIconExamples.brand), independent)
        XCTAssertEqual(withIcon, ["ip-no-icon"])
        let always = Ruleset(rules: ["icon-required": .init(severity: .error, options: ["always": "true"])])
        let missing = await StageRunner(options: CheckOptions(ruleset: always))
            .run(ConnectorPackage(name: "example", files: ExamplePackage.minimal().packageFiles), path: "example")
        XCTAssertEqual(missing.findings.filter { $0.ruleId == "icon-required" }.map(\.severity), [.error])
        let none = await run(.minimal(), independent.with(["icon-required": .init(options: ["always": "true"])]))
        XCTAssertEqual(none, [])
    }

    // MARK: README and intro.md

    func testAMissingSectionIsReportedWhereItWouldGo() async {
        let readme =
            "# Contoso Weather\n\n## Publisher: Contoso\n\n## Prerequisites\nAn account.\n\n## Supported Operations\n### Get the forecast\n\n## Obtaining Credentials\nCreate a key.\n\n## Deployment Instructions\nUse paconn.\n"
        let found = await findings(.minimal(["readme.md": readme]), "readme-sections")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.line, 14)
        XCTAssertEqual(found.first?.column, 1)
        XCTAssertEqual(
            found.first?.message,
            "readme.md has no \"## Known Issues and Limitations\" section. Add it before \"Deployment Instructions\" (line 14), as in the README template."
        )
    }

    func testTheFirstLevelTwoHeadingCountsAsTheTitle() async {
        var readme = ExamplePackage.minimalFiles["readme.md"]!
        readme = readme.replacingOccurrences(of: "# Contoso Weather", with: "## Contoso Weather")
        let found = await findings(.minimal(["readme.md": readme]), "readme-sections")
        XCTAssertEqual(found, [])
        let none = await findings(.minimal(["readme.md": "Just text.\n"]), "readme-sections")
        XCTAssertEqual(none.first?.line, 1)
        XCTAssertEqual(none.count, 7)
    }

    func testIntroListsOperationsAtTheirHeading() async {
        let found = await findings(.minimal(["intro.md": PolicyFilesIntroExamples.complete + "\n## Actions\n"]), "intro-md")
        XCTAssertEqual(
            found.map(\.line), [PolicyFilesIntroExamples.complete.split(separator: "\n", omittingEmptySubsequences: false).count + 1])
    }

    func testObsoleteNamesAreFoundOutsideAddressesAndCode() async {
        let readme =
            "# Contoso\n\nUse it from PowerApps or Microsoft  Flow. See https://make.powerapps.com, flow.microsoft.com and `PowerApps`.\n"
        let found = await findings(.minimal(["readme.md": readme]), "readme-obsolete-names")
        XCTAssertEqual(found.map { "\($0.line!):\($0.column!)" }, ["3:13", "3:26"])
    }

    // MARK: Scripts

    func testTheLexerSkipsCommentsAndEveryKindOfString() {
        let source = #"""
            /* using Evil; */ var a = @"say ""using Evil;"" "; var b = $"{x} using Evil; {{"; var c = """
            using Evil;
            """; var d = '"'; var e = "\"using Evil;";
            using System.Text;
            """#
        let code = PolicyFilesCSharp(Array(source.utf8))
        XCTAssertEqual(code.usingDirectives.map(\.name), ["System.Text"])
        XCTAssertFalse(code.tokens.contains { $0.kind == .identifier && $0.text == "Evil" })
    }

    func testANamespaceFindingPointsAtItsUsing() async {
        let script = "using System;\n  using System.Reflection;\n" + PolicyFilesScriptExamples.valid
        let found = await findings(.minimal(["script.csx": script]), "csx-namespaces")
        XCTAssertEqual(found.map { "\($0.file!) \($0.line!):\($0.column!)" }, ["script.csx 2:3"])
        let statements =
            "using System;\n"
            + PolicyFilesScriptExamples.valid.replacingOccurrences(
                of: "var note", with: "using var stream = new MemoryStream();\n        using (var x = Open()) {}\n        var note")
        let none = await findings(.minimal(["script.csx": statements]), "csx-namespaces")
        XCTAssertEqual(none, [])
    }

    // MARK: Secrets

    func testSecretsAreMaskedAndPlaced() async {
        let secret = "Zx8Q~d3vR7pLk2MnB5tY9wC4"
        let found = await findings(
            .properties(PolicyFilesSecretExamples.properties(clientId: "[DUMMY_VALUE]", clientSecret: secret)), "no-secrets")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.pointer, "/properties/connectionParameters/token/oAuthSettings/clientSecret")
        XCTAssertEqual(found.first?.line, 4)
        XCTAssertFalse(found.first!.message.contains(secret))
        XCTAssertTrue(found.first!.message.contains("\"Zx8Q****\""))

        let token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
        let readme = ExamplePackage.minimalFiles["readme.md"]! + "\nexport GITHUB=" + token + "\n"
        let inText = await findings(.minimal(["readme.md": readme]), "no-secrets")
        XCTAssertEqual(inText.map { "\($0.line!):\($0.column!)" }, ["21:15"])
        XCTAssertFalse(inText.first!.message.contains(token))
        XCTAssertNotEqual(inText.first?.fingerprint, found.first?.fingerprint)

        let bearer = await findings(
            .minimal(["readme.md": ExamplePackage.minimalFiles["readme.md"]! + "\nBearer OnYSrLTH3i2qiyb873au2LNdAajXjf5I\n"]), "no-secrets"
        )
        XCTAssertTrue(bearer.first!.message.contains("\"Bearer OnYS****\""))
    }

    func testEveryShapeIsRecognised() {
        let samples: [(String, String)] = [
            ("an AWS access key", "key=AKIA" + "Z7QRSTUVWXY23456;"),
            ("a Google API key", "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
            ("an Azure storage or service bus key", "Endpoint=sb://x/;SharedAccessKey=" + String(repeating: "Ab3+", count: 11)),
            ("an Azure storage or service bus key", "AccountName=x;AccountKey=" + String(repeating: "Zq9/", count: 22) + "=="),
            ("a Stripe live key", "sk_live_" + "51HxYzAbCdEfGhIjKlMn"),
            ("a GitHub token", "github_pat_" + "11ABCDEFG0123456789_abcdefghij"),
            ("a Slack token", "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKl"),
            (
                "a Slack webhook URL",
                "https://hooks.slack.com/services/"
                    + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX".replacingOccurrences(of: "X", with: "a")
            ),
            ("a shared access signature", "https://x.blob.core.windows.net/c?sv=2020&sig=" + "AbCdEf0123456789AbCdEf0123456789%3D"),
        ]
        for (kind, text) in samples {
            XCTAssertEqual(PolicyFilesSecretScanner.scan(text).map(\.kind), [kind], text)
        }
        for text in [
            "AKIAIOSFODNN7EXAMPLE", "sk_test_51HxYzAbCdEfGhIjKlMn", "Bearer {{token}}", "Bearer YOUR_ACCESS_TOKEN_HERE", "xoxb-your-token",
            "eyJhbGciOi.eyJzdWIi.x",
        ] {
            XCTAssertEqual(PolicyFilesSecretScanner.scan(text).map(\.kind), [], text)
        }
    }

    func testPrivateKeysInJSONStringsAreFound() async {
        let key =
            "-----BEGIN RSA PRIVATE KEY-----\\n" + String(repeating: "MIIEowIBAAKCAQEAx7Yk", count: 5) + "\\n-----END RSA PRIVATE KEY-----"
        let swagger = ExamplePackage.minimalFiles["apiDefinition.swagger.json"]!.replacingOccurrences(
            of: "\"The place name.\"", with: "\"\(key)\"")
        let found = await findings(.swagger(swagger), "no-secrets")
        XCTAssertEqual(found.map(\.pointer), ["/paths/~1forecast/get/parameters/0/description"])
        let placeholder = swagger.replacingOccurrences(of: String(repeating: "MIIEowIBAAKCAQEAx7Yk", count: 5), with: "...")
        let none = await findings(.swagger(placeholder), "no-secrets")
        XCTAssertEqual(none, [])
    }
}

extension Ruleset {
    fileprivate func with(_ rules: [String: RuleSetting]) -> Ruleset {
        var copy = self
        copy.rules.merge(rules) { $1 }
        return copy
    }
}
