import ZlibCodec

/// Writes small PNGs for the icon rules' examples and tests: truecolour with or without alpha,
/// optionally Adam7-interlaced, rows unfiltered, data deflated by the system zlib. Its parts
/// (`chunk`, `zlib`) build damaged files for tests.
public enum PNGWriter {
    /// One pixel, 8 bits a channel.
    public typealias Pixel = (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8)

    /// A PNG of `width` x `height` whose pixels come from `pixel(x, y)`. With `alpha: false`
    /// the image is RGB (colour type 2) and the alpha of `pixel` is ignored.
    public static func image(
        width: Int, height: Int, alpha: Bool = false, interlaced: Bool = false, pixel: (Int, Int) -> Pixel
    ) -> [UInt8] {
        let channels = alpha ? 4 : 3
        var raw: [UInt8] = []
        let passes: [(x: Int, y: Int, dx: Int, dy: Int)] =
            interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        for pass in passes {
            guard pass.x < width, pass.y < height else { continue }
            for y in stride(from: pass.y, to: height, by: pass.dy) {
                raw.append(0)
                for x in stride(from: pass.x, to: width, by: pass.dx) {
                    let value = pixel(x, y)
                    raw += [value.red, value.green, value.blue]
                    if channels == 4 { raw.append(value.alpha) }
                }
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, alpha ? 6 : 2, 0, 0, interlaced ? 1 : 0]
        return PNGImage.signature + chunk("IHDR", header) + chunk("IDAT", zlib(raw)) + chunk("IEND", [])
    }

    /// A square icon of one colour (`#rrggbb`), optionally with a square of another colour in
    /// the middle (the logo) and a transparent alpha for the background.
    public static func icon(size: Int, background: String, logo: String? = nil, backgroundAlpha: UInt8 = 255) -> [UInt8] {
        let back = PNGImage.Color(hex: background) ?? .init(red: 0, green: 0, blue: 0)
        let front = logo.flatMap(PNGImage.Color.init(hex:)) ?? back
        let inset = size / 4
        return image(width: size, height: size, alpha: backgroundAlpha != 255) { x, y in
            let inLogo = x >= inset && x < size - inset && y >= inset && y < size - inset
            let color = inLogo ? front : back
            return (color.red, color.green, color.blue, inLogo ? 255 : backgroundAlpha)
        }
    }

    /// One chunk: length, type, data, CRC.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + typeAndData.withUnsafeBytes { bigEndian(ZlibCodec.crc32($0)) }
    }

    /// A zlib stream (RFC 1950) of `data`: header, raw deflate, Adler-32.
    public static func zlib(_ data: [UInt8]) -> [UInt8] {
        ZlibCodec.compress(data)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
