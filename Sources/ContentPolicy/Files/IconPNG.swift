import Certification
import ConnectorPackage
import PNGImage

extension PolicyRules {
    static let iconPNG = Rule(
        RuleDescription(
            id: "icon-png", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The icon is a complete, well-formed PNG named icon.png: signature, chunks and CRCs, an IEND, and image data that inflates to exactly what its header declares.",
            source:
                "Certification docs: the icon is a PNG (CPE 5000.2.1.3; certification-rules.md 1e icon-png). The structure checks are the PNG specification's (W3C PNG, 3rd edition): a reader must reject a bad CRC or an unknown critical chunk.",
            fix:
                "Export the icon again as a PNG (not JPEG, SVG or a renamed file) named icon.png, and check that the file was copied completely.",
            triggering: [
                .minimal(["icon.png": "GIF89a, not a PNG"]).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.badCRC).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.truncated).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.withoutEnd).at("icon.png"),
                .withIcon(PolicyFilesIconExamples.overlongData).at("icon.png"),
                .minimal(["icon.jpg": "JPEG bytes"]).at("icon.jpg"),
            ],
            nonTriggering: [.minimal(), .withIcon(PolicyFilesIconExamples.brand), .withIcon(PolicyFilesIconExamples.interlacedBrand)])
    ) { context in
        guard let icon = context.package.file(.icon) else {
            let other = context.package.files.first { file in
                !file.path.contains("/") && file.name.lowercased().hasPrefix("icon.")
            }
            guard let other else { return [] }
            return [
                context.fileFinding(
                    "The icon is \(other.path), but certification takes a PNG named icon.png. Convert it to PNG and name it icon.png.",
                    file: other.path, signature: "name")
            ]
        }
        do throws(PNGImage.Problem) {
            let png = try PNGImage(icon.bytes)
            _ = try png.pixels()
            return []
        } catch {
            // Too large to decode is a size problem, reported by icon-size from the header.
            if error.code == "too-many-pixels" { return [] }
            return [
                context.fileFinding(
                    "\(icon.path) is not a valid PNG: \(error.message). Export the icon again as PNG.", file: icon.path,
                    signature: error.code)
            ]
        }
    }
}

/// PNGs for the icon rules' examples, made by `PNGWriter`. The brand colour of the
/// minimal package is #1f6feb.
enum PolicyFilesIconExamples {
    /// 230 x 230, background in the brand colour, a white logo in the middle: passes every rule.
    static let brand = PNGWriter.icon(size: 230, background: "#1f6feb", logo: "#ffffff")
    static let interlacedBrand = PNGWriter.image(width: 120, height: 120, interlaced: true) { x, y in
        (x > 30 && x < 90 && y > 30 && y < 90) ? (255, 255, 255, 255) : (0x1f, 0x6f, 0xeb, 255)
    }
    static let small = PNGWriter.icon(size: 64, background: "#1f6feb", logo: "#ffffff")
    static let large = PNGWriter.icon(size: 512, background: "#1f6feb", logo: "#ffffff")
    static let wide = PNGWriter.image(width: 230, height: 160) { _, _ in (0x1f, 0x6f, 0xeb, 255) }
    static let white = PNGWriter.icon(size: 230, background: "#ffffff", logo: "#1f6feb")
    static let defaultBlue = PNGWriter.icon(size: 230, background: "#007ee5", logo: "#ffffff")
    static let otherColour = PNGWriter.icon(size: 230, background: "#c03020", logo: "#ffffff")
    static let nearBrand = PNGWriter.icon(size: 230, background: "#2170ea", logo: "#ffffff")
    /// The brand background, opaque, with a half-transparent logo.
    static let translucentLogo = PNGWriter.image(width: 230, height: 230, alpha: true) { x, y in
        (x > 60 && x < 170 && y > 60 && y < 170) ? (255, 255, 255, 128) : (0x1f, 0x6f, 0xeb, 255)
    }
    static let transparent = PNGWriter.icon(size: 230, background: "#1f6feb", logo: "#ffffff", backgroundAlpha: 0)

    static let badCRC: [UInt8] = {
        var bytes = brand
        bytes[29] ^= 0xFF  // the first byte of IHDR's CRC
        return bytes
    }()
    static let truncated = Array(brand.prefix(brand.count / 2))
    static let withoutEnd = Array(brand.dropLast(12))
    /// A header of 16 x 16 pixels over the image data of 230 x 230.
    static let overlongData: [UInt8] = {
        var header = Array(brand[16..<29])
        header[3] = 16
        header[7] = 16
        return PNGImage.signature + PNGWriter.chunk("IHDR", header) + Array(brand[33...])
    }()
}
