import Foundation
import PNGImage
import XCTest
import ZlibCodec

/// The PNG reader (Sources/PNGImage) against vectors made by an independent encoder, the icons
/// of the certified corpus, and broken and hostile files; through its public API only, which
/// is all a fuzzer needs: `try PNGImage(bytes).pixels()` returns or throws a `Problem`.
final class PNGImageTests: XCTestCase {
    /// 230 x 230, background #1f6feb, a white square logo in the middle (the icon rules' `brand`
    /// example).
    static let brand = PNGWriter.icon(size: 230, background: "#1f6feb", logo: "#ffffff")
    /// `brand` with the first byte of IHDR's CRC flipped (the icon rules' `badCRC` example).
    static let badCRC: [UInt8] = {
        var bytes = brand
        bytes[29] ^= 0xFF  // the first byte of IHDR's CRC
        return bytes
    }()

    /// The certified connectors beside this checkout (`../shared/corpus/certified`), or a skip
    /// that says why.
    static func requireCorpus() throws -> URL {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus/certified")
        guard FileManager.default.fileExists(atPath: corpus.path) else {
            throw XCTSkip("../shared/corpus/certified is not beside this checkout (\(corpus.path)); corpus tests skipped")
        }
        return corpus
    }

    /// Every colour type and bit depth, every filter type, Adam7, tRNS: the border colour and
    /// the transparent pixels match what Python computed from the source pixels.
    func testDecodesEveryColourTypeBitDepthFilterAndInterlace() throws {
        for vector in PNGVectors.vectors {
            let bytes = Array(Data(base64Encoded: vector.base64)!)
            let png = try PNGImage(bytes)
            XCTAssertEqual(png.header.width, vector.width, vector.name)
            let pixels = try png.pixels()
            XCTAssertEqual(pixels.background(tolerance: 0)?.color.hex, vector.background, vector.name)
            XCTAssertEqual(pixels.transparentPixels, vector.transparent, vector.name)
            XCTAssertEqual(pixels.firstTransparent?.x, vector.first?.0, vector.name)
            XCTAssertEqual(pixels.firstTransparent?.y, vector.first?.1, vector.name)
            XCTAssertEqual(pixels.borderPixels, vector.border, vector.name)
            XCTAssertEqual(pixels.transparentBorderPixels, vector.transparentBorder, vector.name)
        }
    }

    func testTheCorpusIconsDecode() throws {
        let corpus = try Self.requireCorpus()
        var decoded = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus.path) {
            let path = corpus.appendingPathComponent(name).appendingPathComponent("icon.png").path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let png = try PNGImage(Array(data))
            let pixels = try png.pixels()
            XCTAssertEqual(pixels.borderPixels, 2 * png.header.width + 2 * png.header.height - 4, name)
            decoded += 1
        }
        XCTAssertEqual(decoded, 11)
    }

    func problem(_ bytes: [UInt8]) -> String? {
        do throws(PNGImage.Problem) {
            _ = try PNGImage(bytes).pixels()
            return nil
        } catch {
            return error.code
        }
    }

    /// Broken and hostile files end in a named problem, never a crash or a hang.
    func testHostilePNGsAreProblemsNotCrashes() {
        let good = Self.brand
        let header = Array(good[16..<29])
        func png(_ header: [UInt8], _ idat: [UInt8], end: Bool = true) -> [UInt8] {
            PNGImage.signature + PNGWriter.chunk("IHDR", header) + PNGWriter.chunk("IDAT", idat)
                + (end ? PNGWriter.chunk("IEND", []) : [])
        }
        var huge = header
        huge.replaceSubrange(0..<8, with: [0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF])
        var tiny = header
        tiny.replaceSubrange(0..<8, with: [0, 0, 0, 2, 0, 0, 0, 2])
        var palette = header
        palette[8] = 8
        palette[9] = 3
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "signature"),
            ("a JPEG", [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 20), "signature"),
            ("signature only", PNGImage.signature, "ihdr-missing"),
            ("half", Array(good.prefix(good.count / 2)), "truncated"),
            ("no IEND", Array(good.dropLast(12)), "iend-missing"),
            ("bad CRC", Self.badCRC, "crc-IHDR"),
            (
                "a length past the end",
                PNGImage.signature + [0x7F, 0xFF, 0xFF, 0xFF] + Array("IHDR".utf8) + Array(repeating: 0, count: 20), "truncated"
            ),
            ("huge dimensions", png(huge, PNGWriter.zlib([0, 1, 2])), "too-many-pixels"),
            ("not zlib", png(header, [1, 2, 3, 4, 5, 6]), "zlib-header"),
            ("garbage deflate", png(header, [0x78, 0x9C] + Array(repeating: 0xFF, count: 64)), "inflate"),
            // zlib is given the stream's real length, so a cut stream is reported as truncated
            // (the earlier decoder padded the last chunk and saw it as corrupt).
            ("truncated deflate", png(header, Array(PNGWriter.zlib(Array(repeating: 0, count: 5000)).prefix(6))), "inflate-truncated"),
            (
                "wrong Adler-32",
                png(
                    tiny,
                    {
                        var z = PNGWriter.zlib(Array(repeating: 0, count: 14))
                        z[z.count - 1] ^= 0xFF
                        return z
                    }()), "adler32"
            ),
            ("too much data", png(tiny, PNGWriter.zlib(Array(repeating: 0, count: 100_000))), "data-long"),
            ("too little data", png(tiny, PNGWriter.zlib([0, 1, 2, 3, 4, 5, 6])), "data-short"),
            (
                "filter type 9", png(tiny, PNGWriter.zlib([9] + Array(repeating: 0, count: 6) + [0] + Array(repeating: 0, count: 6))),
                "filter"
            ),
            ("palette without PLTE", png(palette, PNGWriter.zlib([0])), "plte-missing"),
            (
                "unknown critical chunk",
                PNGImage.signature + PNGWriter.chunk("IHDR", header) + PNGWriter.chunk("ABCD", []) + Array(good[33...]), "critical-ABCD"
            ),
            ("IDAT first", PNGImage.signature + PNGWriter.chunk("IDAT", [0]) + Array(good[8...]), "ihdr-first"),
        ]
        for (name, bytes, code) in cases {
            XCTAssertEqual(problem(bytes), code, name)
        }
        var outOfPalette = tiny
        outOfPalette[8] = 8
        outOfPalette[9] = 3
        let paletteFile =
            PNGImage.signature + PNGWriter.chunk("IHDR", outOfPalette)
            + PNGWriter.chunk("PLTE", [1, 2, 3]) + PNGWriter.chunk("IDAT", PNGWriter.zlib([0, 0, 5, 0, 0, 0]))
            + PNGWriter.chunk("IEND", [])
        XCTAssertEqual(problem(paletteFile), "palette-index")
    }

    /// Random damage to a valid icon: the reader must always return or throw.
    func testDamagedIconsNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let good = Self.brand
        for _ in 0..<300 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 8..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator))) }
            _ = problem(bytes)
        }
    }

    /// The Adler-32 at the end of the zlib stream (of the inflated image data) is checked. Each
    /// file below has a deflate stream that is intact and inflates to exactly the bytes its
    /// header needs; only the checksum is wrong (or missing), so a decoder that ignores it
    /// decodes every one of them.
    func testImageDataWhoseAdler32IsWrongIsRefused() throws {
        let width = 16
        let height = 16
        func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(value >> $0 & 0xFF) } }
        func png(_ idats: [[UInt8]]) -> [UInt8] {
            PNGImage.signature + PNGWriter.chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0])
                + idats.flatMap { PNGWriter.chunk("IDAT", $0) } + PNGWriter.chunk("IEND", [])
        }
        /// Unfiltered RGB rows of one grey.
        func rows(_ grey: UInt8) -> [UInt8] {
            (0..<height).flatMap { _ in [0] + Array(repeating: grey, count: width * 3) }
        }
        let raw = rows(0x40)
        let stream = PNGWriter.zlib(raw)
        // The deflate data between the 2-byte header and the 4-byte checksum is all of `raw`.
        XCTAssertEqual(try ZlibCodec.inflate(Array(stream[2..<(stream.count - 4)]), format: .raw, limit: raw.count), raw)
        /// The stream in two IDAT chunks, the checksum straddling them.
        func split(_ stream: [UInt8]) -> [[UInt8]] { [Array(stream.dropLast(2)), Array(stream.suffix(2))] }

        // With its own checksum the image decodes, in one IDAT or two.
        XCTAssertEqual(try PNGImage(png([stream])).pixels().background(tolerance: 0)?.color.hex, "#404040")
        XCTAssertNil(problem(png(split(stream))))

        // One bit wrong, in each byte of the checksum.
        for index in (stream.count - 4)..<stream.count {
            for bit: UInt8 in [0x01, 0x80] {
                var damaged = stream
                damaged[index] ^= bit
                XCTAssertEqual(problem(png([damaged])), "adler32", "byte \(index), bit \(bit)")
                XCTAssertEqual(problem(png(split(damaged))), "adler32", "split, byte \(index), bit \(bit)")
            }
        }
        // A well-formed checksum, of other data: the same rows one grey lighter.
        let otherChecksum = Array(stream.dropLast(4)) + PNGWriter.zlib(rows(0x41)).suffix(4)
        XCTAssertEqual(problem(png([otherChecksum])), "adler32")
        // No checksum at all: the zlib stream is cut short.
        XCTAssertEqual(problem(png([Array(stream.dropLast(4))])), "inflate-truncated")
    }
}

enum PNGVectors {
    static let vectors:
        [(
            name: String, base64: String, background: String, transparent: Int, first: (Int, Int)?, border: Int, transparentBorder: Int,
            width: Int, height: Int
        )] = [
            (
                "grey1",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALAQAAAACMyTrMAAAAFElEQVR42mNgYGAMXM8kKMB81ZRFegND4oMwcEcAAAAVSURBVAdG0WqmFAZm+9ksawQYGBgActYG5tv+DQ4AAAAASUVORK5CYII=",
                "#000000", 0, nil, 44, 0, 13, 11
            ),
            (
                "grey2",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALAgAAAADLaUAcAAAAH0lEQVR42mNYtWpVA+NykWn6TO+qzRiY4y9MOM7CcU83gaGllPTc/QAAACBJREFU8VYD45rJi+Yz3Zu0kYHZdedtURZemYZZDCAdAGfeFlqJwDxMAAAAAElFTkSuQmCC",
                "#aaaaaa", 0, nil, 44, 0, 13, 11
            ),
            (
                "grey4",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALBAAAAABEKbW8AAAALUlEQVR42mNYBQYLGNfx5gjs3/CLiTGkm7VyOwNz8IXaiVxr/FhYlE9Ir/diYFiW0DaEYyJ5AAAALklEQVR9xZUFjAtlxXKWys9hYpkYm+9TxMAcNmNfejkDJwt7ap/8tHXbGKDmAQANOyLehh0TfgAAAABJRU5ErkJggg==",
                "#aaaaaa", 0, nil, 44, 0, 13, 11
            ),
            (
                "grey8",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALCAAAAACB2Vi9AAAAR0lEQVR42mNYhQwYV1WHJXi56y8WzOmz0GRiUCyZyh0fJ6o8fbIvA3OoKefBnMeJVcUNaqxPWRhidrs+7JTcpVMXwyLPsEokpsvpRuGrV8cAAABISURBVMt5n7/LdYGmPOl3qPFJqVeNWOpuycQwJesh/wOVszF733ACTbn02S7J9zEjx6/Q2McsDMr66h9UJi1giojv0mVAcQsAF5ZA51ar37AAAAAASUVORK5CYII=",
                "#aaaaaa", 0, nil, 44, 0, 13, 11
            ),
            (
                "grey16",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALEAAAAADRSYT+AAAAg0lEQVR42mNYhRMwrlplZRXUtvyOgtaZS1eCL05nj7V6u83m0fVkRSYGhtcB1R12k1zZ7bjaF4hsTGdcIr999ZMdDAzMoaHsk6/dV882P3fy3zm+FZGbP1goTtpaNSP0BQsDw+GjJivfpf21TWtSS+udfpFf91Vl5v9NDHIMq1at3nA4RevzZ+PDHe0AAACDSURBVJa+82nP6gWZOvRa2h11v4CdMf9f8xPPk1uSnM72PWeKupO7hV/FpuLjYxugM2KDDavMDU+csJ9Ry+DAcEHx7i812xRlsDPSlfo/iqzyi90SNNtZKqDpxE8Ou/ZlijeEgc6okK5avLTd6gOPXuK+i40ZCkv/c92sszMqZcAdGgD5X455K03mrwAAAABJRU5ErkJggg==",
                "#aaaaaa", 0, nil, 44, 0, 13, 11
            ),
            (
                "grey8key",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALCAAAAACB2Vi9AAAAAnRSTlMAkmiSP1AAAABJSURBVHjaY1iFDBhX7ectFTyecm5ei9+hZiaGR8bT5zfeZ+x5qMLNwBz6Ne/a76bSP9vOaBx2YGFo5uuJsNq/uGvpmd8MDKv0PNp2OPefDZLCAAAASUlEQVRb7ir79wNoiryz64Zfr1+eXtd7+xcTw/epb1awHrhn+LU/DGjK/efxeTsFcu0T3573ZGH4vXlmRbNxovqhq8tfM6C4BQCwX1AVkKFingAAAABJRU5ErkJggg==",
                "#aaaaaa", 2, (4, 3), 44, 0, 13, 11
            ),
            (
                "rgb8",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALCAIAAAAr0JA2AAAAu0lEQVR42mNYFfqfGMQIxIY7z/ZK+2bt1T0gdHl9/I3JEfOPXP5q/kNUw39xXOdL0TVeDuH9TAwMDDxzpIrkPFd5CMuadVmmTp4c7awT+OyjgLCGWWDyO4+jPfxANcyh2g1/fD/xiWVMXbW86rZT/tu188XC5i37M69u3UueJ4KfXd4ZBZm+FmABqi1Nc0gw2O2SpC684HUney/fT/c5zfJ8isdeXz/WMteu5ovsW6AioPsE117feSqVeapS5t+0J37V3gAAALxJREFU+cll7wrbp5v/jS/6cVXG66R0Lo/HFag/Ck7Grz/hVOC0Jd+Sy32946X1XIrT++QvRWh0e4htf11uIv1luxLIH0K/p8y+4aJZm+a1rqR/f+n/IBe7kz5JP+Qm3LhyXebB9V8qUH9su1r/pc+xcguH4h/1BdVC+/Me5y5QWfpA9CGb+Lt+W/9/8UxMwiB/iEgIfC13Fpq6OabCrXaFSeZquTfzxKMU5sb9/DU3/f2rF5FSX1UZiIwPAM/u03otjYCqAAAAAElFTkSuQmCC",
                "#aa55ff", 0, nil, 44, 0, 13, 11
            ),
            (
                "rgb16",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALEAIAAAB7QEx1AAABaElEQVR42mNYtSo09P9/apGMEKq8pbSk8WbM/jXrNi8qmDmnlvGV6LGHCk4fHlufiZgXtvHqjoua8c0Fry6pJfCujG37MWt/7fGmFdaBZnpfcgzvsnLusV8+vXZmX+BLJgYwUDf2ufxiOuv0uTKm6yV8p86cy7xHMHu7ZotTwsqdf4rS0xoCH8ds1790K/235poCsR9nnm1j3X9uYvSTV0VpDexyj9U4TkHMYQ4N1dZuaIiuXXAgbA7/vw+TJpwvOPe41fyExIe3C9o7d3Re0o0ukveJ7LrTWbuhYlmPJsP8jbXfP5kIrs09/Z97g3jUYc6Pe7rubb6udVvqX4oaC8TUD2Vqb2K2Pfh656Gfje2exEMSfOcLu1WrJM0zFx8RirTIKtokU3bZ5KiwWf76/Ndn3j/uUFKfIjHr5NOmSmcf9eAtwi41DMl9exl8GCBhN+fEdeG5Z+vn3fx13G2P0pODD/Kj27i/M57+Nf9/23tZAAABaElEQVSdRUXRk6OvlkR/+OR55qfZJaVYxyPbp98p382j9/WRp8h9kQtOm7SkFyxAiYo692PFhypkT34qTWj9nBj2QSn98G4DC0G1ssQ+tXh5gTcG+z6pca+YkbJky7cwHmVFdZbSlj2WWy2YZ/ofqp2/aM+Otxt989sPrS2GRkVaXY/A/yrB1VVSku8fHA5lXzLRaue7paVBvj/TmHh3WB/+OVF4iex0h38zP3xenrp+nYCgJkfQ7+RHVe/41xSJ2Nc9c8pDiQrHg+Gut4vrZaf+b0iO2Tjrg/SL4ylb1byl9f9/Yvnjd1xu8pvHndvvvnr912h6+4fNt+Odjgvr3p48ecNn209W83N9bhczG3g/k5GUgkbFqr8G7ElBs1/cm/3gzZkHhSFfT/9ed/pneKNJlGZf7tFty72u7mk/dNtdRljhQZro3Alzg+4pbfAx2fzs+bErPDu1zRxfH0lgOM3AYMxA3VwBAIFEwFjjEp7xAAAAAElFTkSuQmCC",
                "#aa55ff", 0, nil, 44, 0, 13, 11
            ),
            (
                "rgb16key",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALEAIAAAB7QEx1AAAABnRSTlNo9JbDo2YdjMEdAAABZklEQVR42mNYtSo09P9/apGMEMql98r9F2uzp3pV+1nr8DI73Puxy9n0ZvGH2yfvpkcW577n15lwY8mLgoLnl6ImF0oIPjtjqF/xu7ishfGuhP5vZw/Nco8Xyalf+JyZGMBAlPdJ/A89uTdaj8znOy/c+MzlK/ebVKH27/Kp6/KLp2nu3egyf84TIb6ODx8mtK26vkH0grbwVpbjUftl/Pck7/lR+bncA2IOc2iotnZDw+O7Dx4pbbniZLNu29adTc8Kenu07uc+bPkWs6bInVs8xl35ntWOlvdbvCJOBDVeY9Caszb1L9Pka8eXp9/pX+S0/7Tfo1l3PeVvefKzQEz9atq0ym3W5qrcVcXmW2qlt134LC+fuqZ3hueEZJ2z1st51T+GKD5oDm39bBD9IPHzoVutvcvnqnWeuNLCU6+vFiWy5Y8NA0O3L8NDBkjY3VDkebyvILNjtmnbwdta4bMPmZRPf/3H4Ztg8NEf7gAAAWZJREFU5Kac5Q7+bc/6lvaEnX+r9GBV88YyD4eu1ZxveisvJ4l2fJ4V76/mf7fuEEpU/O2M1QpOvbj3axVfC09Tr9qXuA3TDT4UlEg6Pn947bP378n7PrWe0Yt0XdWqHWR0YIJs3MEVaxwW3j92TjG74HQs36ZZucKMGcpf1kKjYmHGRaPaS12PrwrXuATrOz5XPKrx9HaXyuoJWqHBryNmXfuh+uFlRrakhleAp1RfubK1bNcBs3DX26vUPobJJyt7unKYokQF+z9m7uz9qlNsf8+p9864ema+blpk1vxDfAkHrOdc9LzD+FL4dKhiy4QypVdHOa3eildfsbRxm3ShePqljXYc80029vA3CH3h3+zOA40K6cNxtXJ7PJLk+6WMs+MmOBjsilplzBSQV/HnyN2MZ0uPP3qem824eubbLy8vFf8V23p5t31kzIW36uY7zh38X7Mquc9IksFuNwPDPwbq5goAaZ61pmZFXj4AAAAASUVORK5CYII=",
                "#aa55ff", 1, (4, 3), 44, 0, 13, 11
            ),
            (
                "palette1",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALAQMAAACefJUiAAAABlBMVEX1+Nsfb+ur7ry0AAAAAnRSTlMA/1uRIrUAAAAWSURBVHjaASEA3v8A//gB5SMC/JADJAIEOdtzt9UNAAAAFklEQVQAx/gByPACwjADuAYE+HMA//jqbg5jqodrEQAAAABJRU5ErkJggg==",
                "#1f6feb", 45, (3, 1), 44, 0, 13, 11
            ),
            (
                "palette2",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALAgMAAADZ3O/yAAAADFBMVEUsFMwfb+uZNwMXYfNVjfWVAAAABHRSTlMA////sy1AiAAAAB9JREFUeNpjCA0NdWD0PWb4h0m5PYKBWXvTtEUsrw7cYGAoYETZv3UAAAAgSURBVClyYIw9PquJ6fH9lwzMWucjeVlMt/5iYADpAAAe1RPAEjld7AAAAABJRU5ErkJggg==",
                "#1f6feb", 35, (1, 1), 44, 0, 13, 11
            ),
            (
                "palette4",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALBAMAAABWnBpSAAAAMFBMVEWe234fb+t355EApIaJ2FAVk0hLjP+xK/jDZneeHcruaYIExesstSB3y4Sk9GdgbGJTMEW+AAAAEHRSTlMA////////////////////wFCLQwAAAC1JREFUeNpjEAQDAUYh9yTOtV2iTIypmXfcORiYOTjkOedoPGFhMN82+ePaIAZ5HaOuh1FUCgAAAC1JREFUoqMCjHK2MresWhmYPpvM+Vndx8DMvdLIKVp8GQt31azgb1cYGKDmAQDZdhf6l+cVqAAAAABJRU5ErkJggg==",
                "#1f6feb", 6, (7, 2), 44, 0, 13, 11
            ),
            (
                "palette8",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALCAMAAACTbPdTAAADAFBMVEVH5DEfb+vnraV39Du7SalxHVznSuBMiNbSfk8NiperVYX7N6Lp9zpOHWz0kj2DZ7rdhXp5MceU1FMdlkkI4q5H4gCSX7jeFNFvjVxGXHVZZCgs/YxZaUZinWcFIdAcsauQ/C4H0fREiH9fuxJTvgK25CQ9tn2kwx+VN/3kDUQKfC1yXVU0n4APCTFjhQnteuM0szBbF4s/7vyPOD4+z0Z0dEvsy1QJx9cSyhq5rc17q9+kzRumS7R/2AW6N18jpt1mCnNH18voFxQRiIsSM4A+Bt55FJM5nLFVPR6JK+5L4T9DltCTjHwsk+hxxWe765v08J4PfKpxYMTKBrRTeqWm+4qRbpcdC1EisuEfxuG1N3NP1ay0R2eNMPOJQdM0AtI8/stM1Y84wufqk7SVtMjEpAP/wuOZXptK38F2LamlfKZo2gUNGIP+mZ/f3MfttxSz5wUidTLRv81OYNf5zeGvL1e5orsmn1k4lq/XUJRqYNNdHja0FdIFAZ0Cm8syBw9kWf6ISWXSPkpQNg4zJlf779wfBqVJebWNVhCIMiCyYubFChtwyhbhG3p/chZRWKED6ZvWgf0ifMdx057M+At8LFhXt8JfA5TKuTqrxavOIT/Ys33GYe+RsHnfEY4Mrk97Qi9kikHi73pRvLRuz8BqmPNodOdDheG8fs5sQD4uisUOSp8HxyxadqRgNyK5mGIhny1zk0DMkLbO7UONWg+7s9MM7H/NtDJdlTqKcBTPFFLcZZtPwhSfW3T+gt6yADmSFRh9OBOja7As1clxjy6y2eKu5xtp20H6YBaFWVN4hX8eVrex0i9nn0ZF+fd5ewPjRLOZREh7qjzZVk/sz2k6lAa4+WkWHo+bZDie5TlSpuPvuZRWJBcF7/gqqYc3+t76YaQEty6SgH0oRg4MykqXvF9WNJ6nwl62o3W8Rb2Beh0VNs4Zbv3Y/1CZKUh0U0bizS0U4fVhb74BENlJkSQc160g4ARaVMGXAuKyZPArpevbT80pHqmY17z2RpmvDmDVOR0/AAABAHRSTlMA////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////Cpf0PAAAAEdJREFUeNpjYEQFBSVuCsXijw+nvdxdw8Rwst9QpnrOya3120oZmBnDyy6c+dBcu33JjVnPWRjK7z7RnGijeO/mplVnGRgl9omy574L2KboAAAASElEQVSeaet6SwdoStrl6oWpn8Nr99i4ODMx+B9IjKvgWLT9MtMRoClR3SvsDufPurH5tOF+FoaV7zbsyHDzf3WeVZuBAcUlAOkzN8IHIol3AAAAAElFTkSuQmCC",
                "#1f6feb", 0, nil, 44, 0, 13, 11
            ),
            (
                "greyAlpha8",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALCAQAAAAOu8/qAAAAf0lEQVR42mNY9R8XZFz1fzHDqrPSxtt+dHJMYXBk8GC4ynCZYRHDJwYmBoYYhvMtHxn0OXYyGDEoM8gyODMYclYcZ2BgDm0wZEiKKGPY9pGdIyfCPeQ2gx+DYk2H7C0GFgaGRVHSy4rXPA15xHDBPoOhhuE+w1Yg2cTAsOr/7P/v/9/+/egS3QAAAH9JREFUrxQY+b/5f8j/yv/5/5/+n7AU7IwOhtezfqdNYwhhYGVgZ5jJHvhzC4MGwzWQM34x9KVtYbBnX8Awk2EWQ9LPQKBhTxnAznjMoMtwqjpivyuDJ8NHBm2gtBTQlT9BzlBjaF0g1hrBsB/o8IV3fqisZzjJ4MawGuQMXBAAe0yCcwejW3cAAAAASUVORK5CYII=",
                "#aaaaaa", 18, (2, 1), 44, 0, 13, 11
            ),
            (
                "greyAlpha16",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALEAQAAABeKxOpAAAA6klEQVR42mNYter/f1IxI4hgm5IywzpkTobSbwaGX1EMDMduMDA8O8vAwPuNgYHhxMKeTQXxJTOeMzBcqWRgODOBgYEJKMzAqjkn4104A0O3U8PSdIbTJc31DAxXfZS/3FRiYHhZEl/CC6TvhjAw2Ewz2w5Szxwa2tDA+ZOBQUISqOlob9ymI7MnXyvJ5QtRz2eTtmNgWPGfgSFxF9AWQwaGjNCEDx88maVZQDojIhkYwh0ZGA4c3Hwhfw8Dw/57DAx1r4LYOP+fvXhDMWP1o9uVdcvPMDDMW8pqGv8GqAHkJ8v2////iQmf3vTqVmYcvBrxAAAA6klEQVQRkN99+P9/9pP//yt7GnlJNPz/v3PF///LgGIvApAC4v86BoYHOgwMkvkMDEpKKRKMDlmrW15ePbOzKLawYTMDg/28KxFLpumsOH775OY6C3NfcEBkPOJd6+bMwMCiyMAgVzDnxR1nI9vtNrGF74BiDnJABV91Vuy2ZWCI+WLuCw8I99oqrZ0lRz7+LpbjsNsbxaE9ObjmHDAE5SYyMMxQtpM4W55Ysl6ZgSF2LgODlxPQcJBOUc9LUZmfbJYVKzAwWB5a9uPbZAaGIFEGhuIlDAzp60quLgWGIKcNA4OzMQMEkJMiAFWXDNmYKSeiAAAAAElFTkSuQmCC",
                "#aaaaaa", 26, (1, 1), 44, 0, 13, 11
            ),
            (
                "rgba8",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALCAYAAACksgdhAAAA8klEQVR42mNYFfr/P6mYEUQsWufMoLsrx3HCyqD9Il/nMOR7PWMI6awySVw140ytnR9DeOM7hjzZVQz717kwZHx2ZGBiAAKZpY8Yslml939dbs5wfqIzQ9rW+QzS4hxnVL82+LzewMkQM8GcYdWuPAYVT8tekHrmUO2GBp+T9g/yFO4LxLNLM2z9zc/A6ZvKcEVE6Fzc+eDisGN/Vm5liGi53OcZMi/CkzdYSlycBaTzwuk9CtP8bjFwFNQyNPhVMiz/80p4v/PB2rDFWUY1uVvD81/PDT9hsIuh/iSrLkMxUAPIT7Iuov+fTCs/s9hvXnCub9l/gTXhFSgAAADzSURBVOWH/k8t0v/vE3fn/1krYfls1Sn/Of/p/++frYsICDfTUoaVbfsjT9mmLXdP82X4x17K8CGzl2Gh/kOGG4cyGIwONDMIPFnEcPvjmgc1a/4qgAOCVfAGw9wsjuXq73kZVibNZdh7vZhhZfgklr8nDRmiEn8zcG+OZnh69zmD47kqBXhABLA2MHDMsmP4XazKMI01h0ErcjnDl2UCdeEiBxkee984Pa36mbTQ+WaGvrwWBs+z4gzggJh87TqDj0HHh7kN9vcyDh/47Roby8hirWpmxdzEkCl/ztR+/UVrVomaow/10qo2+B5vYyAnRQAAsp0PD5qya70AAAAASUVORK5CYII=",
                "#aa55ff", 24, (2, 1), 44, 0, 13, 11
            ),
            (
                "rgba16",
                "iVBORw0KGgoAAAANSUhEUgAAAA0AAAALEAYAAAD0ItsiAAABwUlEQVR42r1Uf1DTZRx+2AazWwhJcbEhZyAcsTUbvyJEpO1AD0Wx3CUxbyHoPBH5sRg/BQ0RDwbSGQxG6vhliqArE1bSOMfKbnFTr4lXB4aE6CSHBN4XUXn72gX/1L/1/PO8f3zufd7P8zz3oqNDKiU0/mt2WjgI9PuhfQ+4kdLk9snbgMTWuj6dDXwWvDkioQ+YYt6yq7MAbUlZxcOPgTr36snkOOCFzuL2MSXQ5VTpzxcAulUu32Q8ypUfiErWzlevPxcU0zwzIJVMM/A37pcprfdSgaLXogK+vgGcuXfmU7YJCNf3nV1uAGpyRuTWEODak1/nJruBmJPm7gcUkKi7/HInE+gZz+2v7QGO6nznP6SqmqsH/JyPMyTTC/czpVI+/wAN1xfPvzGrAbhRPx0qLyidOFzAEFxjvcO58Pj3pDk5vSEULedrgQCz1xDfD/CucZL7tu0W9QqW9kg0G3efOLchAx5A1AMev38/EGgRx3/LA5zFKyaSlgGsBUXh1GBa5kWAOu1fsTe02XPvGu+Lyp0HyasGlmt2GDASsY/jSQu4OV5piH4fUDBYM0FNDVfzVIrcudXA3WKT900ucMi+wiQ2AixxgloAAAHBSURBVGlxnKcxF4BndBqgLcdiWJr8xuE8QtQiyfWENEIKI9bO1n5hDOvnHBNJwgkxX1EP+qoIqbJkeOWcIMTwZuA6g4CQlTPRKacKCLkvW8cZGyDERzwW7F5OyKQiopHq+JcysPK2BqrsQO+tu33arwBHY0l8YQvwg75E10Zb2qlZrX/Oif7UhpvR9Itv70rfSCcs+8M8OuMNlO/c8ss4bRkjxDEUKaLZsqa+tAKIzZ5qyqfnFstgr9wRfYwPkPjYXsq1fe2qvM/3WaqAg9teT31uafV1x1IXP+v0wGOVgD0BWH+rNz07Dmw6bM66lEBbq5rP/XI7sMRQw8w/QlvWGmTepgP+UYaVzr4jMg6QxWsPe0IJU4q7GsLbns75FRnVnt9XMjNHZ232tx56sXeZ1Kcu3QF+XDaU7Knh8iif7jbhVaWyOcPGSXcXiAMsborW03vkH7SYH0m52u3DHuyRHaKQdxfLQIzWnqY6ILNrlJtMh6i/8lK+m8xlOFLvcVuTRIefVKTunwKCbMLLy0OBn8e3lgbHjd+Jqwv02UNvnhNb5uB9ZDNmFcpSQ787mhipDKinBrP1pTZh318C/9fP8Ce1/R3cMvRzVQAAAABJRU5ErkJggg==",
                "#aa55ff", 13, (10, 1), 44, 0, 13, 11
            ),
            (
                "rgba8interlaced",
                "iVBORw0KGgoAAAANSUhEUgAAABMAAAARCAYAAAFIn6dRAAACS0lEQVR42o1SezTUaRh+hmlTEpZtsZupyY5yaVyWdT3aaGlyG5ZoqyO21ZpWw1CR1q81xRpS0oV12UIXc0ZXE2UkTYlRTYnVZVOxohTKblMt3za0W/vHnrPvOc/3x/s97/ue8zwPKkII+Rs09ZO9MwX3a0ehgdcl4Amx/fAWaKp/Qiwpiu59i4nKECbwr6E7Ud0wPhGID6WTkbNHZ3w4fWYk2h57gndMG9pVBW+XvAu6/8/hsSRpVa5vtTkaeiahfKEuYOLfQdayh8iUuDxSrNg7fkg7tj+nW+LJT+VXTNW9+dNT60ERNEoeGPBPuyjh1swaa6hr7JA40Ia6seZr6rC5YMIL7wTZ1i36FM50UV2GB6mwmSxqo1sdRVezlVIeqBYZuteJNqTV8hFRNhsKhRDNnSK3vgRr+aCapN4o+X4qqYxoJz8YGgSfOdFENposJkVeyaTU24h8V1n9Vo3gkQZwXtzBwOhWXEwRwzQ7GiaTWeCvXo3jWaIWLq30U413hf8vaIb7fta2X+l0oL68OazmUiMGqGJk5Z2FRw8Pu+tGEiKOmJrT3Tcnie3NLNBifw02ZDYq0nahw7UMYdlRSNwgyGqVyYB4vx+lDlp5pD7flWw6t3Q47ZPphN71jKy7be0gq24gGc7vE9rBylckorEM4fGB+I0hcMotPX1Rr+ZziEQB1XPYwz73lLHQKKgCen+ZgJKcs5hbyJoWoeiLqWL4wJmtmei3PQDSwD29mkYZxdIbjQMr/eeqYCd7GT58XbJofZlxpzCiK9l2jj7uzsywArYAAAJLSURBVE6ZQqf84g0PrdyO/CBnsLm3oBtZCUloycypHDp/v8eVBVzzjkX4PzqNqf5wZwvamXlKanmnDRX3Eg03VPBPHcEMXgz05avB64hB667RWg/X414PXOp0/bjvDfU+OqkVOX+3SsJeCytDa1gGWI1nt5DWDaIZHeOLRJhZzAGtcA3ud3+MNNYjNMpMIdDyQdzaIK+wY0WwcFk/9E3SNlh5MlWLzrUiVnEN8TdZ41FUZ3zwui0ulGtJjpZc/apvXj2eiMPcmno8Im9vuwwX5uLEy4xXX/QGz0LxJBHuHLFF7i4Fsi6G4HCtk+61PzhJXqz8ivsNHpZjcY2PYsBY7i19vqT02LdHD/pnRUrlek0fIawq+Z7ciyGqNZqI9Yemv2ZykHQqAy7T5kHldxlK1cQhB80NcF5oH5rp+ibS7jXPCMtxFul8ziRxPfsG2+u6yV4TB2K11YvMn/GE6OfPOlTZaUlsTPTIAkczogxNJjclNSTloSs5/1RQsONJ01sDohh1+CBzGZqvbP697SpXe4AmxxahJ5RcAY4rDsDskh2CgrjN6W2/Oka7c0j93Yk0zuZybMrMw7KHF7YFGHqPhqqex48ZwF3hdL59WIAkM7G2NF0OATsVpRmy164Kd3DauzB4NQSt/eaO0xII7Jfvo62SdcW1nwxG5JdiDDzt49uKq4T/GJDtq2Oafo6CAacOUXZC5FicwjM9HaxQNKzScXYy/nPUOXVE2B9caJlPezy4FKW5OT7hj/1gwGMr+4sYRpKXlnJ3psaSvwBhAmRedjjreQAAAABJRU5ErkJggg==",
                "#aa55ff", 55, (2, 1), 68, 0, 19, 17
            ),
            (
                "palette2interlaced",
                "iVBORw0KGgoAAAANSUhEUgAAAAkAAAAHAgMAAAHQ8r9lAAAADFBMVEVtIYQfb+vajumizfKx4uJzAAAABHRSTlMA////sy1AiAAAABZJREFUeNpjCGB0YAphDmBxYAh2YAx9zRTKfPUNbnUAAAAXSURBVIhlGUMoo6PrLqb/3xiYXdmeAgCTyQnZAuDy/wAAAABJRU5ErkJggg==",
                "#1f6feb", 10, (1, 1), 28, 0, 9, 7
            ),
            (
                "grey1tiny", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAABUlEQVR42mNgAOOrteQAAAAFSURBVAAAAgABOA+9MQAAAABJRU5ErkJggg==",
                "#000000", 0, nil, 1, 0, 1, 1
            ),
            (
                "rgbInterlacedTiny",
                "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAFlEcHbAAAADElEQVR42mNYFfqfEYiZgJgszSPNAAAADElEQVQZiEO1G4AIAHVICf/6bUE5AAAAAElFTkSuQmCC",
                "#aa55ff", 0, nil, 6, 0, 3, 2
            ),
        ]
}
