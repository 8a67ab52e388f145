import Certification
import ConnectorPackage
import JSONDocument
import PNGImage

extension PolicyRules {
    /// How far (per channel, 0-255) the icon's background may be from iconBrandColor: exports
    /// through colour-managed tools shift a channel by a unit or two.
    static let iconColorTolerance = 6
    /// The share of border pixels that must be one colour for it to count as the background.
    static let iconUniformBorderShare = 0.5

    static let iconBackground = Rule(
        RuleDescription(
            id: "icon-background", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The icon has an opaque background, and that background, sampled on the icon's border, is iconBrandColor, neither white nor #007ee5. Translucent pixels inside an opaque background are a warning.",
            source:
                "Certification docs: the icon's background is not white or transparent and matches iconBrandColor; reviewers reject icons whose background differs from iconBrandColor (PR#2585, PR#2415). The sampling (the border's dominant colour, within \(iconColorTolerance) units a channel) is certify's (I). Transparency is judged per pixel (alpha below 255, or a tRNS entry a pixel uses): an alpha channel that is 255 everywhere is not transparency. A transparent edge is an error; translucent pixels only inside the opaque background (the logo's anti-aliasing, as in 1 of the 11 certified icons) are a warning.",
            fix:
                "Fill the whole 230 x 230 canvas with the brand colour (no transparency), draw the logo in the middle, and set iconBrandColor in apiProperties.json to that exact colour.",
            triggering: [
                .withIcon(PolicyFilesIconExamples.transparent).at("icon.png"), .withIcon(PolicyFilesIconExamples.white).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.defaultBlue).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.otherColour).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.translucentLogo).at("icon.png (warning)"),
            ],
            nonTriggering: [
                .minimal(), .withIcon(PolicyFilesIconExamples.brand), .withIcon(PolicyFilesIconExamples.nearBrand),
                .withIcon(PolicyFilesIconExamples.interlacedBrand),
                .withIcon(PolicyFilesIconExamples.badCRC),
            ])
    ) { context in
        guard let icon = context.package.file(.icon),
            let png = try? PNGImage(icon.bytes), let pixels = try? png.pixels()
        else { return [] }  // icon-png and icon-size report files that cannot be decoded
        var findings: [Finding] = []
        let file = icon.path
        if pixels.transparentBorderPixels > 0 {
            findings.append(
                context.fileFinding(
                    "The background of \(file) is transparent: \(pixels.transparentBorderPixels) of its \(pixels.borderPixels) edge pixels are not opaque (\(pixels.transparentPixels) pixels in all). Icons need an opaque background: fill the canvas with iconBrandColor.",
                    file: file, signature: "transparent"))
        } else if pixels.transparentPixels > 0 {
            // Inside an opaque background, translucent pixels are usually the logo's
            // anti-aliasing; they still show whatever is behind the icon, so a reviewer looks.
            let first = pixels.firstTransparent.map { " (the first at x \($0.x), y \($0.y))" } ?? ""
            var finding = context.fileFinding(
                "\(file) has \(pixels.transparentPixels) translucent pixels inside its opaque background\(first). Flatten the image onto iconBrandColor so that no pixel is transparent.",
                file: file, signature: "translucent")
            finding.severity = .warning
            findings.append(finding)
        }
        // A mostly transparent edge has no background colour to compare.
        if pixels.transparentBorderPixels * 2 > pixels.borderPixels { return findings }
        guard let background = pixels.background(tolerance: iconColorTolerance) else { return findings }
        let brandValue = context.properties?.document.root["properties"]?["iconBrandColor"]?.string
        let brand = brandValue.flatMap(PNGImage.Color.init(hex:))
        if background.share < iconUniformBorderShare {
            findings.append(
                context.fileFinding(
                    "The border of \(file) is not one colour (its most common colour, \(background.color.hex), covers \(Int(background.share * 100))% of it), so the icon has no plain background. Put the logo on a plain background of iconBrandColor\(brandValue.map { " (\($0))" } ?? "") that reaches every edge.",
                    file: file, signature: "no-background"))
            return findings
        }
        let color = background.color
        if color.distance(to: .init(red: 255, green: 255, blue: 255)) <= iconColorTolerance {
            findings.append(
                context.fileFinding(
                    "The background of \(file) is white (\(color.hex)). Certified icons need a coloured background: fill it with iconBrandColor\(brandValue.map { " (\($0))" } ?? ""), and pick a brand colour that is not white.",
                    file: file, signature: "white"))
        } else if color.distance(to: .init(red: 0x00, green: 0x7E, blue: 0xE5)) <= iconColorTolerance {
            findings.append(
                context.fileFinding(
                    "The background of \(file) is \(color.hex), the default colour of custom connectors (#007ee5), which certified connectors may not use. Fill it with your brand colour and set iconBrandColor to it.",
                    file: file, signature: "default-blue"))
        } else if let brand, let brandValue, color.distance(to: brand) > iconColorTolerance {
            let line =
                context.properties.flatMap { properties in
                    properties.document.position(of: "/properties/iconBrandColor").map { " (\(properties.file.path) line \($0.line))" }
                } ?? ""
            findings.append(
                context.fileFinding(
                    "The background of \(file) is \(color.hex), but iconBrandColor is \(brandValue)\(line). They must be the same colour: fill the icon's background with \(brandValue), or set iconBrandColor to \(color.hex).",
                    file: file, signature: "brand-mismatch"))
        }
        return findings
    }
}
