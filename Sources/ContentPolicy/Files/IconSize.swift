import Certification
import ConnectorPackage
import PNGImage

extension PolicyRules {
    /// The smallest and largest side accepted, in pixels.
    static let iconSideRange = 100...230

    static let iconSize = Rule(
        RuleDescription(
            id: "icon-size", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The icon is square, 100 to 230 pixels a side (230 x 230 is the reference canvas, with the logo in its middle 160 x 160).",
            source:
                "Certification docs: \"a 230x230 canvas\" with a 160x160 logo; reviewers: \"size is 230x230\" (PR#2585); policy 5000.2.1.4 gives 100-230 px (third-party copy). Chosen: the policy's range, so an exact 230 is not demanded. 2 of the 11 icons in the certified corpus are larger (400 and 471).",
            fix:
                "Resize the canvas to 230 x 230 pixels (or at least a square of 100 to 230), keeping the logo about 160 x 160 in the middle.",
            triggering: [
                .withIcon(PolicyFilesIconExamples.small).at("icon.png"), .withIcon(PolicyFilesIconExamples.large).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.wide).at("icon.png"),
            ],
            nonTriggering: [.minimal(), .withIcon(PolicyFilesIconExamples.brand), .withIcon(PolicyFilesIconExamples.interlacedBrand)])
    ) { context in
        guard let icon = context.package.file(.icon), let png = try? PNGImage(icon.bytes, headerOnly: true) else {
            return []
        }
        let width = png.header.width
        let height = png.header.height
        var problems: [String] = []
        if width != height { problems.append("is not square") }
        if !iconSideRange.contains(width) || !iconSideRange.contains(height) {
            problems.append(
                "has a side outside \(iconSideRange.lowerBound) to \(iconSideRange.upperBound) pixels")
        }
        guard !problems.isEmpty else { return [] }
        return [
            context.fileFinding(
                "\(icon.path) is \(width) x \(height) pixels and \(problems.joined(separator: " and ")). Make it a square of 230 x 230 pixels with the logo about 160 x 160 in the middle.",
                file: icon.path, signature: "\(width)x\(height)")
        ]
    }
}
