import ZlibCodec

/// Reads a PNG far enough to judge a connector icon: its chunks (with their CRCs), its header,
/// and, once the image data is inflated (by the system zlib, which checks its Adler-32) and
/// unfiltered row by row, whether any pixel is transparent and which colour its border is.
///
/// Hostile input is expected: every length is checked before it is used, the pixel count is
/// capped before anything is allocated, inflated data may not outgrow what the header
/// promises, and only one row (and the one before it) is ever held in memory. Every failure is
/// a thrown `Problem`, never a crash or a hang, so `try PNGImage(bytes).pixels()` is the whole
/// entry point for a fuzzer.
public struct PNGImage: Sendable {
    /// Larger images are not decoded (their header is still read): 2048 x 2048.
    static let maxDecodedPixels = 4_194_304
    /// The PNG signature, `\x89PNG\r\n\x1a\n`.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The image header (IHDR).
    public struct Header: Sendable, Hashable {
        /// Pixels a row.
        public internal(set) var width: Int
        /// Rows.
        public internal(set) var height: Int
        var bitDepth: Int
        var colorType: Int
        var interlaced: Bool

        var channels: Int {
            switch colorType {
            case 0, 3: 1
            case 4: 2
            case 2: 3
            default: 4
            }
        }

        var colorTypeName: String {
            switch colorType {
            case 0: "greyscale"
            case 2: "RGB"
            case 3: "palette"
            case 4: "greyscale with alpha"
            default: "RGBA"
            }
        }

        var bitsPerPixel: Int { channels * bitDepth }

        /// Bytes of one row of `width` pixels, without its filter byte.
        func rowBytes(_ width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
    }

    /// Why a file is not a readable PNG (certify's `icon-png` rule reports it).
    public struct Problem: Error, Sendable, Hashable {
        /// Stable and short (`signature`, `crc-IHDR`, `adler32`, `too-many-pixels`, ...): what
        /// kind of problem it is, whatever the file.
        public internal(set) var code: String
        /// Says what is wrong, for a publisher: a clause that follows "it is not a valid PNG:".
        public internal(set) var message: String
    }

    /// An opaque colour, 8 bits a channel.
    public struct Color: Sendable, Hashable {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8

        /// `#rrggbb`, lower case.
        public var hex: String {
            "#"
                + [red, green, blue].map { value in
                    let text = String(value, radix: 16)
                    return text.count == 1 ? "0" + text : text
                }.joined()
        }

        /// `#rrggbb` (case-insensitive), or nil.
        public init?(hex: String) {
            let digits = Array(hex.utf8)
            guard digits.count == 7, digits[0] == UInt8(ascii: "#"), let value = UInt32(String(hex.dropFirst()), radix: 16)
            else { return nil }
            self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
        }

        /// A colour from its channels.
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// The largest difference of one channel.
        public func distance(to other: Color) -> Int {
            max(abs(Int(red) - Int(other.red)), abs(Int(green) - Int(other.green)), abs(Int(blue) - Int(other.blue)))
        }
    }

    /// What the pixels show. A pixel is transparent when its alpha is below the maximum, or a
    /// tRNS entry it uses says so.
    public struct Pixels: Sendable {
        /// Transparent pixels in the whole image.
        public internal(set) var transparentPixels = 0
        /// The topmost, then leftmost, transparent pixel.
        public internal(set) var firstTransparent: (x: Int, y: Int)?
        /// Opaque border pixels (the outermost row and column on each side) by colour.
        var borderColors: [Color: Int] = [:]
        /// Pixels on the border (the outermost row and column on each side), each counted once.
        public internal(set) var borderPixels = 0
        /// Transparent pixels on the border.
        public internal(set) var transparentBorderPixels = 0
        /// Top left, top right, bottom left, bottom right; nil when transparent.
        var corners: [Color?] = [nil, nil, nil, nil]

        /// The most frequent opaque border colour, with the share of opaque border pixels
        /// within `tolerance` (per channel) of it; nil when no border pixel is opaque.
        public func background(tolerance: Int) -> (color: Color, share: Double)? {
            guard let top = borderColors.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.hex > $1.key.hex) })
            else { return nil }
            let near = borderColors.reduce(0) { $0 + ($1.key.distance(to: top.key) <= tolerance ? $1.value : 0) }
            return (top.key, Double(near) / Double(max(1, borderPixels - transparentBorderPixels)))
        }
    }

    var fileSize: Int
    /// The header, read from IHDR.
    public internal(set) var header: Header
    var palette: [Color] = []
    /// Alpha by palette index (tRNS of a palette image).
    var paletteAlpha: [UInt8] = []
    /// The transparent sample values of a greyscale or RGB image (tRNS), at the image's bit depth.
    var transparentKey: [Int]?
    var imageData: [UInt8] = []

    /// Reads the chunks. Throws a `Problem` when the file is not a complete, well-formed PNG.
    /// With `headerOnly`, stops after IHDR (for the size rules, which must work on files whose
    /// later chunks are broken).
    public init(_ bytes: [UInt8], headerOnly: Bool = false) throws(Problem) {
        fileSize = bytes.count
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else {
            throw Problem(code: "signature", message: "it does not start with the PNG signature (89 50 4E 47 0D 0A 1A 0A)")
        }
        var offset = 8
        var sawHeader: Header?
        var sawEnd = false
        var chunkIndex = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                throw Problem(code: "truncated", message: "it ends in the middle of a chunk, at byte \(offset): the file is truncated")
            }
            let length = Self.uint32(bytes, offset)
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                throw Problem(code: "chunk-type", message: "the chunk at byte \(offset) has an invalid type: the file is corrupt")
            }
            guard length <= 0x7FFF_FFFF, length <= bytes.count - offset - 12 else {
                throw Problem(
                    code: "truncated",
                    message:
                        "its \(type) chunk at byte \(offset) declares \(length) bytes but the file ends before them: the file is truncated")
            }
            let dataStart = offset + 8
            let data = bytes[dataStart..<(dataStart + length)]
            let storedCRC = Self.uint32(bytes, dataStart + length)
            let computedCRC = Int(bytes[(offset + 4)..<(dataStart + length)].withUnsafeBytes { ZlibCodec.crc32($0) })
            guard storedCRC == computedCRC else {
                throw Problem(
                    code: "crc-\(type)",
                    message: "the CRC of its \(type) chunk (at byte \(offset)) does not match its contents: the file is corrupt")
            }
            if chunkIndex == 0 && type != "IHDR" {
                throw Problem(code: "ihdr-first", message: "its first chunk is \(type), not IHDR")
            }
            switch type {
            case "IHDR":
                guard sawHeader == nil else { throw Problem(code: "ihdr-twice", message: "it has two IHDR chunks") }
                let header = try Self.header(Array(data))
                sawHeader = header
                self.header = header
                if headerOnly { return }
            case "PLTE":
                guard length % 3 == 0, length > 0, length <= 768 else {
                    throw Problem(code: "plte", message: "its PLTE chunk has \(length) bytes, not 3 to 768 in steps of 3")
                }
                palette = stride(from: dataStart, to: dataStart + length, by: 3).map {
                    Color(red: bytes[$0], green: bytes[$0 + 1], blue: bytes[$0 + 2])
                }
            case "tRNS":
                let values = Array(data)
                switch sawHeader?.colorType {
                case 3: paletteAlpha = values
                case 0 where values.count == 2: transparentKey = [Self.uint16(values, 0)]
                case 2 where values.count == 6: transparentKey = [Self.uint16(values, 0), Self.uint16(values, 2), Self.uint16(values, 4)]
                default: break
                }
            case "IDAT":
                imageData.append(contentsOf: data)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first letter clear: a critical chunk a decoder must understand.
                if typeBytes[0] & 0x20 == 0 {
                    throw Problem(code: "critical-\(type)", message: "it has a critical chunk \(type) that PNG readers do not know")
                }
            }
            offset = dataStart + length + 4
            chunkIndex += 1
            if sawEnd { break }
        }
        guard let header = sawHeader else {
            throw Problem(code: "ihdr-missing", message: "it has no IHDR chunk")
        }
        self.header = header
        guard sawEnd else {
            throw Problem(code: "iend-missing", message: "it has no IEND chunk: the file is truncated")
        }
        guard !imageData.isEmpty else {
            throw Problem(code: "idat-missing", message: "it has no image data (IDAT chunk)")
        }
        if header.colorType == 3 && palette.isEmpty {
            throw Problem(code: "plte-missing", message: "it is a palette image without a PLTE chunk")
        }
    }

    static func header(_ data: [UInt8]) throws(Problem) -> Header {
        guard data.count == 13 else { throw Problem(code: "ihdr-length", message: "its IHDR chunk has \(data.count) bytes, not 13") }
        let width = uint32(data, 0)
        let height = uint32(data, 4)
        let bitDepth = Int(data[8])
        let colorType = Int(data[9])
        guard width > 0, height > 0, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else {
            throw Problem(code: "ihdr-dimensions", message: "its IHDR declares \(width) x \(height) pixels")
        }
        let allowedDepths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowedDepths[colorType], depths.contains(bitDepth) else {
            throw Problem(
                code: "ihdr-format",
                message: "its IHDR declares colour type \(colorType) with bit depth \(bitDepth), which PNG does not allow")
        }
        guard data[10] == 0, data[11] == 0, data[12] <= 1 else {
            throw Problem(code: "ihdr-method", message: "its IHDR declares an unknown compression, filter or interlace method")
        }
        return Header(width: width, height: height, bitDepth: bitDepth, colorType: colorType, interlaced: data[12] == 1)
    }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }

    static func uint16(_ bytes: [UInt8], _ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }

    /// The passes of the image: the whole image, or Adam7's seven sub-images
    /// (start x, start y, step x, step y).
    var passes: [(x: Int, y: Int, dx: Int, dy: Int)] {
        header.interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
    }

    /// How many bytes the inflated image data must have. Only meaningful (and free of
    /// overflow) once the pixel count is within `maxDecodedPixels`.
    var expectedDataSize: Int {
        passes.reduce(0) { total, pass in
            let width = (header.width - pass.x + pass.dx - 1) / pass.dx
            let height = (header.height - pass.y + pass.dy - 1) / pass.dy
            return width == 0 || height == 0 ? total : total + height * (1 + header.rowBytes(width))
        }
    }

    /// Inflates and unfilters the image data and summarises its pixels. Throws a `Problem`
    /// when the data is not a valid zlib stream, does not match the header, or the image has
    /// more than `maxDecodedPixels` (2048 x 2048) pixels (code `too-many-pixels`).
    public func pixels() throws(Problem) -> Pixels {
        guard header.width * header.height <= Self.maxDecodedPixels else {
            throw Problem(
                code: "too-many-pixels",
                message: "it has \(header.width) x \(header.height) pixels, more than certify decodes (\(Self.maxDecodedPixels))")
        }
        guard imageData.count >= 2, imageData[0] & 0x0F == 8, imageData[0] >> 4 <= 7,
            (Int(imageData[0]) << 8 | Int(imageData[1])) % 31 == 0, imageData[1] & 0x20 == 0
        else {
            throw Problem(code: "zlib-header", message: "its image data does not start with a zlib header")
        }
        var reader = PNGRows(png: self)
        do {
            // A zlib stream: zlib checks its header and, at the end, the Adler-32 of the data.
            try imageData.withUnsafeBytes { buffer in
                _ = try ZlibCodec.inflate(buffer, format: .zlib) { chunk in try reader.consume(chunk) }
            }
        } catch let stop as PNGRows.Stop {
            throw stop.problem(expected: expectedDataSize)
        } catch let failure as ZlibCodec.Failure where failure.kind == .truncated {
            throw PNGRows.Stop.truncated.problem(expected: expectedDataSize)
        } catch let failure as ZlibCodec.Failure where failure.message.contains("incorrect data check") {
            throw Problem(code: "adler32", message: "its image data fails its Adler-32 checksum: the file is corrupt")
        } catch {
            throw Problem(code: "inflate", message: "its image data is not a valid deflate stream: the file is corrupt")
        }
        guard reader.received == expectedDataSize else {
            throw Problem(
                code: "data-short",
                message:
                    "its image data inflates to \(reader.received) bytes, but \(header.width) x \(header.height) pixels need \(expectedDataSize)"
            )
        }
        return reader.pixels
    }
}

/// Unfilters the inflated rows as they arrive, keeping one row and the row before it.
struct PNGRows {
    enum Stop: Error {
        case truncated, tooLong
        case badFilter(Int)
        case badPaletteIndex(Int)

        func problem(expected: Int) -> PNGImage.Problem {
            switch self {
            case .truncated:
                PNGImage.Problem(
                    code: "inflate-truncated", message: "its image data ends before the deflate stream does: the file is truncated")
            case .tooLong:
                PNGImage.Problem(code: "data-long", message: "its image data inflates to more than the \(expected) bytes its header allows")
            case .badFilter(let type):
                PNGImage.Problem(code: "filter", message: "a row of its image data has filter type \(type); PNG has 0 to 4")
            case .badPaletteIndex(let index):
                PNGImage.Problem(code: "palette-index", message: "a pixel uses palette entry \(index), beyond its PLTE chunk")
            }
        }
    }

    let png: PNGImage
    let passes: [(x: Int, y: Int, dx: Int, dy: Int, width: Int, height: Int)]
    let expected: Int
    var pass = 0
    var rowInPass = 0
    var row: [UInt8] = []
    var previous: [UInt8] = []
    var received = 0
    var pixels = PNGImage.Pixels()

    init(png: PNGImage) {
        self.png = png
        let header = png.header
        passes = png.passes.map { pass in
            (
                pass.x, pass.y, pass.dx, pass.dy,
                (header.width - pass.x + pass.dx - 1) / pass.dx, (header.height - pass.y + pass.dy - 1) / pass.dy
            )
        }.filter { $0.4 > 0 && $0.5 > 0 }
        expected = png.expectedDataSize
        startPass()
    }

    mutating func startPass() {
        guard pass < passes.count else { return }
        let length = 1 + png.header.rowBytes(passes[pass].width)
        row = []
        row.reserveCapacity(length)
        previous = [UInt8](repeating: 0, count: length)
    }

    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(Stop) {
        guard received + bytes.count <= expected else { throw .tooLong }
        received += bytes.count
        var index = 0
        while index < bytes.count {
            let take = min(previous.count - row.count, bytes.count - index)
            row.append(contentsOf: bytes[index..<(index + take)])
            index += take
            if row.count == previous.count {
                try finishRow()
            }
        }
    }

    mutating func finishRow() throws(Stop) {
        let header = png.header
        let bytesPerPixel = max(1, header.bitsPerPixel / 8)
        let filter = Int(row[0])
        let count = row.count
        switch filter {
        case 0: break
        case 1:
            for i in stride(from: 1 + bytesPerPixel, to: count, by: 1) { row[i] &+= row[i - bytesPerPixel] }
        case 2:
            for i in 1..<count { row[i] &+= previous[i] }
        case 3:
            for i in 1..<count {
                let left = i > bytesPerPixel ? Int(row[i - bytesPerPixel]) : 0
                row[i] &+= UInt8((left + Int(previous[i])) / 2)
            }
        case 4:
            for i in 1..<count {
                let a = i > bytesPerPixel ? Int(row[i - bytesPerPixel]) : 0
                let b = Int(previous[i])
                let c = i > bytesPerPixel ? Int(previous[i - bytesPerPixel]) : 0
                let p = a + b - c
                let pa = abs(p - a)
                let pb = abs(p - b)
                let pc = abs(p - c)
                row[i] &+= UInt8(pa <= pb && pa <= pc ? a : (pb <= pc ? b : c))
            }
        default:
            throw .badFilter(filter)
        }
        try scanPixels()
        swap(&row, &previous)
        row.removeAll(keepingCapacity: true)
        rowInPass += 1
        if rowInPass == passes[pass].height {
            pass += 1
            rowInPass = 0
            startPass()
        }
    }

    mutating func scanPixels() throws(Stop) {
        let header = png.header
        let current = passes[pass]
        let y = current.y + rowInPass * current.dy
        for column in 0..<current.width {
            let x = current.x + column * current.dx
            let (color, opaque) = try pixel(column)
            if !opaque {
                // Adam7 delivers pixels out of raster order: keep the topmost, then leftmost.
                if let first = pixels.firstTransparent, (first.y, first.x) < (y, x) {} else { pixels.firstTransparent = (x, y) }
                pixels.transparentPixels += 1
            }
            let isBorder = x == 0 || y == 0 || x == header.width - 1 || y == header.height - 1
            if isBorder {
                pixels.borderPixels += 1
                if opaque { pixels.borderColors[color, default: 0] += 1 } else { pixels.transparentBorderPixels += 1 }
                if (x == 0 || x == header.width - 1) && (y == 0 || y == header.height - 1) {
                    let corner = (y == 0 ? 0 : 2) + (x == 0 ? 0 : 1)
                    pixels.corners[corner] = opaque ? color : nil
                }
            }
        }
    }

    /// The colour of a pixel of the current row (scaled to 8 bits) and whether it is opaque.
    func pixel(_ column: Int) throws(Stop) -> (PNGImage.Color, Bool) {
        let header = png.header
        let depth = header.bitDepth
        func sample(_ channel: Int) -> Int {
            switch depth {
            case 16:
                let offset = 1 + (column * header.channels + channel) * 2
                return Int(row[offset]) << 8 | Int(row[offset + 1])
            case 8:
                return Int(row[1 + column * header.channels + channel])
            default:
                let bit = column * depth
                let byte = row[1 + bit / 8]
                return Int(byte >> UInt8(8 - depth - bit % 8)) & ((1 << depth) - 1)
            }
        }
        func scaled(_ value: Int) -> UInt8 {
            depth == 16 ? UInt8(value >> 8) : UInt8(value * 255 / ((1 << depth) - 1))
        }
        let maximum = (1 << depth) - 1
        switch header.colorType {
        case 0:
            let grey = sample(0)
            let value = scaled(grey)
            return (.init(red: value, green: value, blue: value), png.transparentKey != [grey])
        case 2:
            let values = [sample(0), sample(1), sample(2)]
            return (.init(red: scaled(values[0]), green: scaled(values[1]), blue: scaled(values[2])), png.transparentKey != values)
        case 3:
            let index = sample(0)
            guard index < png.palette.count else { throw .badPaletteIndex(index) }
            let alpha = index < png.paletteAlpha.count ? png.paletteAlpha[index] : 255
            return (png.palette[index], alpha == 255)
        case 4:
            let value = scaled(sample(0))
            return (.init(red: value, green: value, blue: value), sample(1) == maximum)
        default:
            return (.init(red: scaled(sample(0)), green: scaled(sample(1)), blue: scaled(sample(2))), sample(3) == maximum)
        }
    }
}
