import Certification
import JSONDocument

extension PolicyRules {
    /// Runs the breaking-change comparison when the run has the publisher's last certified
    /// revision of the connector; its findings carry the breaking-* rule ids.
    static let breakingChanges = Rule(
        RuleDescription(
            id: "breaking-changes", severity: .info, stage: PolicyStage.stageName,
            summary: "Compares a new revision with the last certified one; what it breaks is reported under the breaking-* rules.",
            source: "Breaking Change Detector of the PowerPlatformConnectors pipeline (/ValidateChange); DH/certification-updates",
            fix: "Acknowledge each breaking change with the reviewer, or keep the old behaviour.")
    ) { context in
        guard let previous = context.input.options.previous, let swagger = context.swagger else { return [] }
        let properties = context.properties
        return BreakingChanges.compare(
            old: previous.swagger, new: swagger.document, newFile: swagger.file.path, oldProperties: previous.properties,
            newProperties: properties?.document, newPropertiesFile: properties?.file.path)
    }
}
