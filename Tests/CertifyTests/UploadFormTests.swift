import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import UploadForm
import XCTest

/// `UploadForm`: multipart/form-data read with multipart-kit's parser. Every input is either read
/// or refused with an `UploadForm.Failure` whose message says what is wrong; none traps or hangs,
/// and the layout scan and multipart-kit never disagree.
final class UploadFormTests: XCTestCase {
    typealias Failure = UploadForm.Failure

    /// The form curl sends for `curl -F package=@weather.zip -F probeBaseUrl=... -F credential=...`.
    static let curlBoundary = "------------------------d74496d66958873e"
    static let zipBytes: [UInt8] = Array("PK\u{3}\u{4}".utf8) + [0, 0xFF, 13, 10, 13, 10, 45, 45, 0x80, 13, 45, 45] + Array("--\r\n-".utf8)

    static func curlForm(boundary: String = curlBoundary, zip: [UInt8] = zipBytes) -> [UInt8] {
        var body: [UInt8] = []
        body += Array("--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"package\"; filename=\"weather.zip\"\r\n".utf8)
        body += Array("Content-Type: application/zip\r\n\r\n".utf8)
        body += zip
        body += Array("\r\n--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"probeBaseUrl\"\r\n\r\nhttps://api.contoso.com/v1".utf8)
        body += Array("\r\n--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"credential\"\r\n\r\napiKey=s3cr=t".utf8)
        body += Array("\r\n--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"credential\"\r\n\r\nbearer=abc".utf8)
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    func contentType(_ boundary: String = curlBoundary) -> String { "multipart/form-data; boundary=\(boundary)" }

    /// The failure `parse` throws; fails the test if it parses or throws anything else.
    func failure(
        _ body: [UInt8], contentType: String? = nil, limits: UploadForm.Limits = .standard,
        file: StaticString = #filePath, line: UInt = #line
    ) -> Failure? {
        do {
            let parts = try UploadForm.parse(body: body, contentType: contentType ?? self.contentType(), limits: limits)
            XCTFail("parsed into \(parts.count) parts, expected a refusal", file: file, line: line)
        } catch let failure as Failure {
            XCTAssertNotEqual(failure.kind, .parserDisagreement, failure.message, file: file, line: line)
            XCTAssertFalse(failure.message.isEmpty, file: file, line: line)
            return failure
        } catch {
            XCTFail("threw \(error), not an UploadForm.Failure", file: file, line: line)
        }
        return nil
    }

    func assertRefused(
        _ body: [UInt8], _ kind: Failure.Kind, containing text: String? = nil, contentType: String? = nil,
        limits: UploadForm.Limits = .standard, file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let failure = failure(body, contentType: contentType, limits: limits, file: file, line: line) else { return }
        XCTAssertEqual(failure.kind, kind, failure.message, file: file, line: line)
        if let text { XCTAssertTrue(failure.message.contains(text), "'\(failure.message)' lacks '\(text)'", file: file, line: line) }
    }

    /// Parses or refuses with a Failure other than a disagreement; any other outcome fails.
    @discardableResult
    func parseOrRefuse(
        _ body: [UInt8], contentType: String, limits: UploadForm.Limits = .standard, file: StaticString = #filePath, line: UInt = #line
    ) -> [UploadForm.Part]? {
        do {
            return try UploadForm.parse(body: body, contentType: contentType, limits: limits)
        } catch let failure as Failure {
            XCTAssertNotEqual(failure.kind, .parserDisagreement, "\(failure.message) for \(body.prefix(200))", file: file, line: line)
            XCTAssertFalse(failure.message.isEmpty, file: file, line: line)
        } catch {
            XCTFail("threw \(error), not an UploadForm.Failure", file: file, line: line)
        }
        return nil
    }

    // MARK: - Well-formed forms

    func testCurlStyleForm() throws {
        let parts = try UploadForm.parse(body: Self.curlForm(), contentType: contentType())
        XCTAssertEqual(parts.map(\.name), ["package", "probeBaseUrl", "credential", "credential"])
        XCTAssertEqual(parts[0].fileName, "weather.zip")
        XCTAssertEqual(parts[0].contentType, "application/zip")
        XCTAssertEqual(parts[0].body, Self.zipBytes, "content kept byte for byte, CRs, LFs and dashes included")
        XCTAssertEqual(parts[0].headers.map(\.name), ["Content-Disposition", "Content-Type"])
        XCTAssertNil(parts[1].fileName)
        XCTAssertNil(parts[1].contentType)
        XCTAssertEqual(parts[1].text, "https://api.contoso.com/v1")
        XCTAssertEqual(parts[2].text, "apiKey=s3cr=t")
        XCTAssertEqual(parts[3].text, "bearer=abc")
        XCTAssertEqual(try UploadForm.filePart(in: parts), parts[0])
    }

    /// Browsers (WHATWG form-data encoding) send a backslash as it is, so a field name or file name
    /// may end in one: `name="4\"` is the name `4\`, not an unclosed quote (Schemathesis sent one).
    /// A `\"` with more after it is still an escaped quote.
    func testAValueEndingInABackslashIsClosedByItsQuote() throws {
        let boundary = "b0undary"
        var body: [UInt8] = []
        func part(_ disposition: String, _ content: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: \(disposition)\r\n\r\n\(content)\r\n".utf8)
        }
        part(#"form-data; name="\#u{1D105}4\""#, "{}")
        part(#"form-data; name="dir\"; filename="C:\dir\""#, "x")
        part(#"form-data; name="say \"hi\" now""#, "y")
        body += Array("--\(boundary)--\r\n".utf8)
        let parts = try UploadForm.parse(body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        XCTAssertEqual(parts.map(\.name), ["\u{1D105}4\\", "dir\\", "say \"hi\" now"])
        XCTAssertEqual(parts[1].fileName, #"C:\dir\"#)
    }

    func testQuotedBoundaryAndOtherParameters() throws {
        let boundary = "a b'()+_,-./:=?z"
        let body = Self.curlForm(boundary: boundary)
        for type in [
            "multipart/form-data; boundary=\"\(boundary)\"",
            "Multipart/Form-Data;charset=utf-8;  BOUNDARY = \"\(boundary)\" ",
        ] {
            let parts = try UploadForm.parse(body: body, contentType: type)
            XCTAssertEqual(parts.count, 4, type)
            XCTAssertEqual(parts[0].body, Self.zipBytes, type)
        }
        // A token boundary with characters a token does not allow, sent unquoted anyway, is taken.
        XCTAssertEqual(
            try UploadForm.parse(body: Self.curlForm(boundary: "x=y"), contentType: "multipart/form-data; boundary=x=y").count, 4)
        XCTAssertEqual(
            try UploadForm.boundary(fromContentType: "multipart/form-data; boundary=\"\(String(repeating: "b", count: 70))\""),
            String(repeating: "b", count: 70))
    }

    func testBadBoundaryParameters() {
        let body = Self.curlForm()
        assertRefused(body, .noBoundary, containing: "without a boundary parameter", contentType: "multipart/form-data")
        assertRefused(body, .noBoundary, contentType: "multipart/form-data; charset=utf-8")
        assertRefused(body, .invalidBoundary, containing: "empty", contentType: "multipart/form-data; boundary=")
        assertRefused(body, .invalidBoundary, containing: "empty", contentType: "multipart/form-data; boundary=\"\"")
        assertRefused(
            body, .invalidBoundary, containing: "71 bytes",
            contentType: "multipart/form-data; boundary=\(String(repeating: "b", count: 71))")
        assertRefused(body, .invalidBoundary, containing: "'@'", contentType: "multipart/form-data; boundary=a@b")
        assertRefused(body, .invalidBoundary, containing: "ends with a space", contentType: "multipart/form-data; boundary=\"ab \"")
        assertRefused(body, .invalidBoundary, containing: "closing quote", contentType: "multipart/form-data; boundary=\"abc")
        assertRefused(body, .invalidBoundary, containing: "twice", contentType: "multipart/form-data; boundary=a; boundary=b")
        assertRefused(body, .invalidBoundary, containing: "byte 0xC3", contentType: "multipart/form-data; boundary=é")
        assertRefused(body, .notFormData, contentType: "multipart/mixed; boundary=abc")
        assertRefused(body, .notFormData, contentType: "")
    }

    func testLineEndingVariants() throws {
        let b = "XyZ"
        // The close delimiter with or without its CRLF, and with an epilogue.
        for ending in ["", "\r\n", "\r\n\r\n", "  trailing\r\n"] {
            let body = Array("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--XyZ--\(ending)".utf8)
            XCTAssertEqual(try UploadForm.parse(body: body, contentType: contentType(b)).map(\.text), ["hello"], ending)
        }
        // Content ending in CRLF keeps it: only the CRLF right before the delimiter belongs to it.
        let crlfContent = Array("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n\r\n--XyZ--".utf8)
        XCTAssertEqual(try UploadForm.parse(body: crlfContent, contentType: contentType(b)).first?.text, "hello\r\n")
        // An empty content.
        let empty = Array("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--XyZ--".utf8)
        XCTAssertEqual(try UploadForm.parse(body: empty, contentType: contentType(b)).first?.body, [])
        // Bare LFs: refused, saying lines end with CRLF.
        assertRefused(
            Array("--XyZ\nContent-Disposition: form-data; name=a\n\nhello\n--XyZ--\n".utf8), .malformedDelimiter,
            contentType: contentType(b))
        assertRefused(
            Array("--XyZ\r\nContent-Disposition: form-data; name=a\n\nhello\r\n--XyZ--\r\n".utf8), .malformedHeader,
            containing: "no colon", contentType: contentType(b))
        assertRefused(
            Array("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\nhello\r\n--XyZ--\r\n".utf8), .malformedHeader,
            containing: "bare LF", contentType: contentType(b))
        assertRefused(
            Array("--XyZ\r\nContent-Disposition: form-data; name=a\rX\r\n\r\nhello\r\n--XyZ--".utf8), .malformedHeader,
            containing: "not LF", contentType: contentType(b))
        assertRefused(
            Array("--XyZ\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--XyZ--".utf8), .malformedDelimiter,
            containing: "at byte 0", contentType: contentType(b))
        // Transport padding after a delimiter (RFC 2046 allows it; multipart-kit does not).
        assertRefused(
            Array("--XyZ  \r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--XyZ--".utf8), .malformedDelimiter,
            contentType: contentType(b))
        // Only "--" closes: one dash is not enough.
        assertRefused(
            Array("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--XyZ-x".utf8), .malformedDelimiter,
            contentType: contentType(b))
        assertRefused(
            Array("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--XyZ-".utf8), .truncated, contentType: contentType(b))
        // Header values lose the spaces around them.
        let spaced = Array("--XyZ\r\nContent-Disposition:   form-data; name=a  \r\nContent-Type:\ttext/plain \t\r\n\r\nx\r\n--XyZ--".utf8)
        let part = try XCTUnwrap(try UploadForm.parse(body: spaced, contentType: contentType(b)).first)
        XCTAssertEqual(part.contentType, "text/plain")
        XCTAssertEqual(part.name, "a")
    }

    func testPreambleAndEpilogue() throws {
        let form = Array("--XyZ\r\nContent-Disposition: form-data; name=\"package\"; filename=\"a.zip\"\r\n\r\nPK\r\n--XyZ--\r\n".utf8)
        let epilogue = Array("This is the epilogue: --XyZ\r\n\u{FF}\u{80}: ignored\r\n--XyZ--\r\n".utf8)
        let preamble = Array("This is the preamble; it mentions -XyZ and \r\n-- and \r\n-\r\n--XyZ but not on its own line".utf8)
        // A preamble with "--XyZ" followed by anything but CRLF: that is the first delimiter, malformed.
        assertRefused(
            preamble + Array("\r\n".utf8) + form, .malformedDelimiter, containing: "'--XyZ' at byte 57", contentType: contentType("XyZ"))
        for body in [form + epilogue, Array("Preamble\r\n".utf8) + form + epilogue, Array("\r\n".utf8) + form] {
            let parts = try UploadForm.parse(body: body, contentType: contentType("XyZ"))
            XCTAssertEqual(parts.map(\.name), ["package"])
            XCTAssertEqual(parts[0].text, "PK")
            XCTAssertEqual(parts[0].fileName, "a.zip")
        }
    }

    func testContentDispositionParameters() throws {
        func part(_ disposition: String) throws -> UploadForm.Part {
            let body = Array("--b\r\nContent-Disposition: \(disposition)\r\n\r\nx\r\n--b--".utf8)
            return try XCTUnwrap(try UploadForm.parse(body: body, contentType: contentType("b")).first)
        }
        XCTAssertEqual(try part("form-data; name=\"package\"; filename=\"C:\\Users\\me\\a.zip\"").fileName, "C:\\Users\\me\\a.zip")
        XCTAssertEqual(try part("form-data; name=\"package\"; filename=\"a\\\"b;c.zip\"").fileName, "a\"b;c.zip")
        XCTAssertEqual(try part("FORM-DATA; NAME=package; FILENAME=a.zip").fileName, "a.zip")
        XCTAssertEqual(try part("form-data; filename=\"é.zip\"; name=\"pâckage\"").name, "pâckage")
        XCTAssertEqual(try part("form-data; name=\"\"").name, "")
        let refusals: [(String, Failure.Kind, String)] = [
            ("attachment; name=a", .invalidContentDisposition, "not form-data"),
            ("form-data; filename=a.zip", .invalidContentDisposition, "no name parameter"),
            ("form-data; name=\"a", .invalidContentDisposition, "closing quote"),
            ("form-data; name=a; name=b", .invalidContentDisposition, "twice"),
            ("form-data; name", .invalidContentDisposition, "no '='"),
            ("form-data; name=\"a\"b", .invalidContentDisposition, "followed by more"),
        ]
        for (disposition, kind, text) in refusals {
            assertRefused(
                Array("--b\r\nContent-Disposition: \(disposition)\r\n\r\nx\r\n--b--".utf8), kind, containing: text,
                contentType: contentType("b"))
        }
        assertRefused(
            Array("--b\r\nContent-Disposition: form-data; name=a\r\ncontent-disposition: form-data; name=b\r\n\r\nx\r\n--b--".utf8),
            .duplicateHeader, contentType: contentType("b"))
        assertRefused(
            Array("--b\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n--b--".utf8),
            .duplicateHeader, contentType: contentType("b"))
        // Not UTF-8: multipart-kit would make the value an empty string without a word.
        assertRefused(
            Array("--b\r\nContent-Disposition: form-data; name=\"".utf8) + [0xE9] + Array("\"\r\n\r\nx\r\n--b--".utf8),
            .malformedHeader, containing: "not UTF-8", contentType: contentType("b"))
    }

    func testTheUploadsFile() throws {
        func parts(_ fields: [(String, String?, String)]) throws -> [UploadForm.Part] {
            var body: [UInt8] = []
            for (name, fileName, content) in fields {
                body += Array(
                    "--b\r\nContent-Disposition: form-data; name=\"\(name)\"\(fileName.map { "; filename=\"\($0)\"" } ?? "")\r\n\r\n\(content)\r\n"
                        .utf8)
            }
            body += Array("--b--".utf8)
            return try UploadForm.parse(body: body, contentType: contentType("b"))
        }
        XCTAssertEqual(try UploadForm.filePart(in: parts([("note", nil, "hi"), ("zip", "a.zip", "PK")])).name, "zip")
        XCTAssertEqual(try UploadForm.filePart(in: parts([("note", nil, "hi"), ("package", nil, "PK")])).text, "PK")
        XCTAssertEqual(try UploadForm.filePart(in: parts([("file", nil, "PK")])).text, "PK")
        // An empty file input, as browsers send it, is not a second file.
        XCTAssertEqual(try UploadForm.filePart(in: parts([("other", "", ""), ("package", "a.zip", "PK")])).name, "package")
        XCTAssertThrowsError(try UploadForm.filePart(in: parts([("package", "a.zip", "PK"), ("credential", "key.txt", "a=b")]))) { error in
            XCTAssertEqual((error as? Failure)?.kind, .multipleFiles)
            XCTAssertTrue((error as? Failure)?.message.contains("'credential' ('key.txt')") == true, "\(error)")
        }
        XCTAssertThrowsError(try UploadForm.filePart(in: parts([("note", nil, "hi")]))) { error in
            XCTAssertEqual((error as? Failure)?.kind, .noFile)
            XCTAssertTrue("\(error)".contains("curl -F package=@connector.zip"))
        }
    }

    // MARK: - Hostile inputs: refused with the reason, never a trap or a hang

    func testNoClosingBoundary() {
        assertRefused(
            Array("--XYZ\r\nContent-Disposition: form-data; name=\"package\"; filename=\"a.zip\"\r\n\r\nabc".utf8), .truncated,
            containing: "closing boundary '--XYZ--' is missing", contentType: contentType("XYZ"))
        assertRefused(
            Array("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc\r\n--XYZ".utf8), .truncated, contentType: contentType("XYZ"))
        assertRefused(
            Array("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc\r\n--XYZ\r\n".utf8), .truncated,
            contentType: contentType("XYZ"))
        assertRefused(
            Array("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc\r\n--XYZ\r".utf8), .truncated, contentType: contentType("XYZ")
        )
        assertRefused(
            Array("--XYZ\r\nContent-Disposition: form-da".utf8), .truncated, containing: "headers", contentType: contentType("XYZ"))
        assertRefused(Array("--XYZ\r\nContent-Disposition: form-data; name=a\r\n".utf8), .truncated, contentType: contentType("XYZ"))
        assertRefused(Array("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r".utf8), .truncated, contentType: contentType("XYZ"))
        assertRefused(Array("--XYZ".utf8), .truncated, contentType: contentType("XYZ"))
        assertRefused(Array("--XYZ\r".utf8), .truncated, contentType: contentType("XYZ"))
        // Every cut of a good form is refused, as cut off or malformed.
        let form = Self.curlForm()
        for length in 0..<(form.count - 3) {
            XCTAssertNotNil(failure(Array(form.prefix(length))), "cut at \(length)")
        }
    }

    func testBoundaryInsideContent() {
        var body = Array("--XYZ\r\nContent-Disposition: form-data; name=\"package\"; filename=\"a.zip\"\r\n\r\n".utf8)
        body += Array("PK...\r\n--XYZ is in here...\r\n--XYZ--".utf8)
        assertRefused(body, .malformedDelimiter, containing: "inside a part's content", contentType: contentType("XYZ"))
        // Without the CRLF before it, the boundary in content is content.
        let inline = Array("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx--XYZ\r\n --XYZ\r\r--XYZ\r\n--XYZ--".utf8)
        XCTAssertEqual(parseOrRefuse(inline, contentType: contentType("XYZ"))?.first?.text, "x--XYZ\r\n --XYZ\r\r--XYZ")
    }

    func testTenThousandParts() throws {
        var body: [UInt8] = []
        for index in 0..<10_000 {
            body += Array("--b\r\nContent-Disposition: form-data; name=\"f\(index)\"\r\n\r\n\(index)\r\n".utf8)
        }
        body += Array("--b--\r\n".utf8)
        let start = Date()
        assertRefused(body, .tooManyParts, containing: "maximumParts (32)", contentType: contentType("b"))
        // With the limit raised, multipart-kit reads them all, quickly.
        let parts = try UploadForm.parse(body: body, contentType: contentType("b"), limits: UploadForm.Limits(maximumParts: 10_000))
        XCTAssertEqual(parts.count, 10_000)
        XCTAssertEqual(parts.last?.text, "9999")
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    func testOneMegabyteHeaderLine() {
        let long = String(repeating: "a", count: 1 << 20)
        assertRefused(
            Array("--b\r\nContent-Disposition: form-data; name=\"\(long)\"\r\n\r\nx\r\n--b--".utf8), .headerTooLarge,
            containing: "maximumHeaderBytesPerPart (8192)", contentType: contentType("b"))
        assertRefused(Array("--b\r\n\(long)".utf8), .headerTooLarge, contentType: contentType("b"))
        assertRefused(Array("--b\r\nX: \(long)".utf8), .headerTooLarge, contentType: contentType("b"))
        // Exactly at the limit is fine: the header section with its blank line is 8192 bytes.
        let header = "Content-Disposition: form-data; name=a\r\nX-Pad: "
        let pad = String(repeating: "p", count: 8192 - header.utf8.count - 4)
        let fits = Array("--b\r\n\(header)\(pad)\r\n\r\nx\r\n--b--".utf8)
        XCTAssertEqual(parseOrRefuse(fits, contentType: contentType("b"))?.first?.headers.last?.value.count, pad.count)
        assertRefused(Array("--b\r\n\(header)\(pad)p\r\n\r\nx\r\n--b--".utf8), .headerTooLarge, contentType: contentType("b"))
    }

    func testPartWithoutHeaders() {
        assertRefused(
            Array("--b\r\n\r\ncontent\r\n--b--".utf8), .missingContentDisposition, containing: "Part 1", contentType: contentType("b"))
        assertRefused(
            Array("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b\r\nContent-Type: text/plain\r\n\r\ny\r\n--b--".utf8),
            .missingContentDisposition, containing: "Part 2", contentType: contentType("b"))
    }

    func testEmptyAndPartlessBodies() {
        assertRefused([], .emptyBody, containing: "empty")
        assertRefused(Array("--b--\r\n".utf8), .noParts, contentType: contentType("b"))
        assertRefused(Array("no boundary here".utf8), .boundaryNotFound, containing: "'no boundary here'")
        assertRefused(Self.curlForm(), .boundaryNotFound, contentType: contentType("other"))
        assertRefused(Self.curlForm(), .bodyTooLarge, limits: UploadForm.Limits(maximumBodyBytes: 100))
    }

    /// multipart-kit 4.7.1 indexes a 128-entry table with each header-name byte: 0x80 or more would
    /// trap. The layout scan refuses it first.
    func testNonASCIIHeaderNameIsRefusedNotATrap() {
        for byte: UInt8 in [0x80, 0xC3, 0xFF] {
            assertRefused(
                Array("--b\r\n".utf8) + [byte] + Array(": x\r\n\r\nx\r\n--b--".utf8), .malformedHeader,
                containing: "at byte 5 in its name", contentType: contentType("b"))
            assertRefused(
                Array("--b\r\nContent-Disposition: form-data; name=a\r\nX-".utf8) + [byte] + Array(": y\r\n\r\nx\r\n--b--".utf8),
                .malformedHeader, contentType: contentType("b"))
            // In a second part, after a preamble.
            assertRefused(
                Array("pre\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b\r\n".utf8) + [byte]
                    + Array("\r\n\r\n--b--".utf8),
                .malformedHeader, containing: "Part 2", contentType: contentType("b"))
        }
    }

    func testOtherMalformedHeaders() {
        assertRefused(
            Array("--b\r\n: x\r\n\r\nx\r\n--b--".utf8), .malformedHeader, containing: "starts with a colon", contentType: contentType("b"))
        assertRefused(
            Array("--b\r\nBad Name: x\r\n\r\nx\r\n--b--".utf8), .malformedHeader, containing: "' ' (0x20)", contentType: contentType("b"))
        assertRefused(Array("--b\r\n folded: x\r\n\r\nx\r\n--b--".utf8), .malformedHeader, contentType: contentType("b"))
        assertRefused(
            Array("--b\r\nNoColon\r\n\r\nx\r\n--b--".utf8), .malformedHeader, containing: "no colon", contentType: contentType("b"))
    }

    /// Delimiters falling on and around the 64 KiB chunks the parser is fed.
    func testContentAcrossChunkEdges() throws {
        let chunk = 64 * 1024
        let boundary = "chunk-edge"
        var generator = SplitMix64(seed: 7)
        for size in [chunk - 200, chunk - 130, chunk - 125, chunk - 118, chunk - 100, chunk, chunk + 1, 2 * chunk - 120, 3 * chunk + 5] {
            let zip = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let parts = try UploadForm.parse(body: Self.curlForm(boundary: boundary, zip: zip), contentType: contentType(boundary))
            XCTAssertEqual(parts.count, 4, "\(size)")
            XCTAssertEqual(parts[0].body, zip, "\(size)")
            XCTAssertEqual(parts[3].text, "bearer=abc", "\(size)")
        }
    }

    func testRandomBytes() {
        var generator = SplitMix64(seed: 20_240_601)
        for round in 0..<3_000 {
            let length = Int(generator.next() % 300)
            let alphabet: [UInt8] = round % 2 == 0 ? Array("-\r\nb:; =\"a".utf8) + [0x80, 0xFF] : Array(0...255)
            let body = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            parseOrRefuse(body, contentType: contentType("b"))
        }
    }

    /// Mutations of a good form: every outcome is a form or a refusal with a message, and
    /// multipart-kit always agrees with the layout scan.
    func testMutatedForms() {
        let form = Self.curlForm(boundary: "b")
        let interesting: [UInt8] = [13, 10, 45, 58, 59, 32, 34, 0x80, 0xFF, 0, UInt8(ascii: "b")]
        var generator = SplitMix64(seed: 42)
        var parsed = 0
        for _ in 0..<5_000 {
            var body = form
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let at = Int(generator.next() % UInt64(body.count))
                let byte = interesting[Int(generator.next() % UInt64(interesting.count))]
                switch generator.next() % 4 {
                case 0: body[at] = byte
                case 1: body.insert(byte, at: at)
                case 2: body.remove(at: at)
                default: body.insert(contentsOf: Array("\r\n--b".utf8), at: at)
                }
            }
            if parseOrRefuse(body, contentType: contentType("b")) != nil { parsed += 1 }
        }
        XCTAssertGreaterThan(parsed, 100, "some mutations still parse")
    }

    // MARK: - Through the server

    func testFormsThroughTheServer() async throws {
        let f = try await makeServerFixture()
        let zip = try [UInt8](TestPaths.zippedPackage("clean"))
        try await f.app.test(.router) { client in
            func post(_ body: [UInt8], boundary: String = "b0undary") async throws -> (HTTPResponse.Status, String) {
                try await client.execute(
                    uri: "/v1/submissions", method: .post,
                    headers: apiHeaders(f.contoso, contentType: "multipart/form-data; boundary=\(boundary)"), body: ByteBuffer(bytes: body)
                ) { response in (response.status, String(buffer: response.body)) }
            }
            func field(_ name: String, _ value: String) -> [UInt8] {
                Array("--b0undary\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            }
            let file =
                Array(
                    "--b0undary\r\nContent-Disposition: form-data; name=\"package\"; filename=\"C:\\Users\\me\\weather.zip\"\r\nContent-Type: application/zip\r\n\r\n"
                        .utf8)
                + zip + Array("\r\n".utf8)
            let close = Array("--b0undary--\r\n".utf8)

            // The byte that traps multipart-kit, in a header name: 400 with the reason.
            var (status, text) = try await post(Array("--b0undary\r\n".utf8) + [0xFF] + Array(": x\r\n\r\n".utf8) + file + close)
            XCTAssertEqual(status, .badRequest, text)
            XCTAssertTrue(text.contains("in its name"), text)
            (status, text) = try await post(
                file + Array("--b0undary\r\nContent-Disposition: form-data; name=\"x\"; filename=\"k.txt\"\r\n\r\nk\r\n".utf8) + close)
            XCTAssertEqual(status, .badRequest, text)
            XCTAssertTrue(text.contains("2 file fields"), text)
            (status, text) = try await post(field("note", "hi") + close)
            XCTAssertEqual(status, .badRequest, text)
            XCTAssertTrue(text.contains("The form has no file"), text)
            (status, text) = try await post(file + close, boundary: "other")
            XCTAssertEqual(status, .badRequest, text)
            XCTAssertTrue(text.contains("boundary"), text)

            // The most credentials an upload takes, with the file and stages: 18 parts, under maximumParts.
            var body = file + field("stages", "schema,policy")
            for index in 0..<16 { body += field("credential", "key\(index)=secret\(index)") }
            (status, text) = try await post(body + close)
            XCTAssertEqual(status, .created, text)
            let created = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let revisions = try XCTUnwrap(created["revisions"] as? [[String: Any]])
            XCTAssertEqual(revisions.first?["fileName"] as? String, "weather.zip", "the last part of the sender's path")
        }
    }
}
