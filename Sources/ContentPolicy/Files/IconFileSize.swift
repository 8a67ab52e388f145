import Certification
import ConnectorPackage

extension PolicyRules {
    /// Icons must be smaller than this: 1 MB, read as 1 MiB.
    static let iconMaximumBytes = 1_048_576

    static let iconFileSize = Rule(
        RuleDescription(
            id: "icon-filesize", severity: .error, stage: PolicyStage.stageName,
            summary: "icon.png is smaller than 1 MB.",
            source:
                "Policy 5000.2.1.2 (third-party copy of the certification policy errors). The largest icon in the certified corpus is 24 KB.",
            fix: "Save the icon as a 230 x 230 PNG without embedded metadata; a flat logo on one colour is a few kilobytes.",
            triggering: [.withIcon(PolicyFilesIconExamples.brand + [UInt8](repeating: 0, count: 1_048_576)).at("icon.png")],
            nonTriggering: [.minimal(), .withIcon(PolicyFilesIconExamples.brand)])
    ) { context in
        guard let icon = context.package.file(.icon), icon.bytes.count >= iconMaximumBytes else { return [] }
        return [
            context.fileFinding(
                "\(icon.path) is \(icon.bytes.count) bytes; icons must be smaller than 1 MB (\(iconMaximumBytes) bytes). Save it again at 230 x 230 pixels without metadata.",
                file: icon.path, signature: "size")
        ]
    }
}
