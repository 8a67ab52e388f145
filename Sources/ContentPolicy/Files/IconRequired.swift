import Certification
import ConnectorPackage
import Foundation

extension PolicyRules {
    static let iconRequired = Rule(
        RuleDescription(
            id: "icon-required", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "A verified publisher's full submission package (one that carries intro.md) includes icon.png; with the ruleset option always: \"true\", every package must.",
            source:
                "PowerPlatformConnectors README and certification docs: verified publishers also submit icon.png (files-required). Only 11 of the 619 certified connectors have an icon in their folder, because the icon was uploaded separately (ISV Studio, later Partner Center) rather than kept with the connector; intro.md travels the same way (6 of 619). So a missing icon is reported only when intro.md is present, that is when the package is the full submission, and as a warning: certify cannot tell a connector folder from a submission package for sure. A ruleset for submission packages can set the option always: \"true\" (and re-grade the rule to error) to require the icon everywhere. Independent publishers (iconBrandColor #da3b01) must not submit an icon (ip-no-icon).",
            fix: "Add icon.png (230 x 230, the logo on iconBrandColor) at the root of the package.",
            triggering: [.minimal(["intro.md": "Contoso Weather brings forecasts to your flows.\n"]).at("icon.png")],
            nonTriggering: [
                .minimal(), .withIcon(PolicyFilesIconExamples.brand, ["intro.md": "Contoso Weather brings forecasts to your flows.\n"]),
            ])
    ) { context in
        guard context.package.file(.icon) == nil, !PolicyFilesIcon.isIndependentPublisher(context) else { return [] }
        let always = context.input.options.ruleset.option("always", of: "icon-required") == "true"
        guard always || context.package.file(.intro) != nil else { return [] }
        let why = always ? "The package has no icon.png." : "The submission has intro.md but no icon.png."
        return [
            context.fileFinding(
                "\(why) Verified publishers submit the icon with the package: add icon.png (230 x 230, the logo on iconBrandColor).",
                file: "icon.png", signature: "missing")
        ]
    }
}

extension PolicyRules {
    static let ipNoIcon = Rule(
        RuleDescription(
            id: "ip-no-icon", severity: .error, stage: PolicyStage.stageName,
            summary:
                "Independent publishers (the independent-publisher profile, or iconBrandColor #da3b01) do not submit an icon: a generic one is applied.",
            source:
                "PowerPlatformConnectors pull request template for independent publishers; #da3b01 is the brand colour every independent publisher must use (certification-rules.md 1a ip-no-icon, 1d brand-color-ip).",
            fix: "Remove icon.png from the package.",
            triggering: [
                .withIcon(
                    PolicyFilesIconExamples.brand,
                    [
                        "apiProperties.json": ExamplePackage.minimalFiles["apiProperties.json"]!.replacingOccurrences(
                            of: "#1f6feb", with: "#da3b01")
                    ]
                ).at("icon.png")
            ],
            nonTriggering: [.minimal(), .withIcon(PolicyFilesIconExamples.brand)])
    ) { context in
        guard let icon = context.package.file(.icon), PolicyFilesIcon.isIndependentPublisher(context) else { return [] }
        return [
            context.fileFinding(
                "\(icon.path) is in the package, but independent publishers' connectors (iconBrandColor #da3b01) get a generic icon. Remove \(icon.path).",
                file: icon.path, signature: "independent")
        ]
    }
}

/// Whether the package is an independent publisher's: the run's profile says so, or the
/// brand colour is #da3b01, which every independent publisher must use (the default profile is
/// verified publisher, so the colour is the package's own evidence).
enum PolicyFilesIcon {
    static func isIndependentPublisher(_ context: RuleContext) -> Bool {
        if context.input.options.ruleset.profile == .independentPublisher { return true }
        return context.properties?.document.root["properties"]?["iconBrandColor"]?.string?.lowercased() == "#da3b01"
    }
}
