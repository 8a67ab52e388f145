import MultipartKit
import NIOCore

/// A `multipart/form-data` upload (RFC 7578 over RFC 2046) read with multipart-kit's streaming
/// `MultipartParser`, within named limits. Every refusal is an `UploadForm.Failure` whose message
/// says what is wrong and where (the byte offset in the body); no input traps or hangs.
///
/// multipart-kit 4.7.1's parser traps (an array index out of range) on a byte of 0x80 or more in a
/// header name, and refuses every other malformed body with one opaque `syntax` error. So before
/// it runs, `Layout.scan` walks the body exactly as that parser will (the same delimiter matching,
/// the same header grammar), refusing with the reason what the parser would trap on or refuse, and
/// enforcing the part and header limits before anything is collected. The parser then reads the
/// headers and contents; the two must agree on the parts, or the body is refused.
public enum UploadForm {
    /// Limits on one form. The upload's size is capped before the body is read (the server's
    /// maximum upload); `maximumBodyBytes` repeats it here for callers that read bodies themselves.
    public struct Limits: Sendable, Equatable {
        /// Most parts in one form. The upload takes one file, up to `Intake.maximumCredentials` (16)
        /// `credential` fields, `probeBaseUrl` and `stages`: 32 leaves room for a few fields more.
        public var maximumParts: Int
        /// Most bytes of one part's header section: every header line with its CRLF.
        public var maximumHeaderBytesPerPart: Int
        /// Most bytes of the whole body.
        public var maximumBodyBytes: Int

        public static let standard = Limits()

        public init(maximumParts: Int = 32, maximumHeaderBytesPerPart: Int = 8 * 1024, maximumBodyBytes: Int = 64 * 1024 * 1024) {
            self.maximumParts = maximumParts
            self.maximumHeaderBytesPerPart = maximumHeaderBytesPerPart
            self.maximumBodyBytes = maximumBodyBytes
        }
    }

    /// Longest boundary RFC 2046 allows (`boundary := 0*69<bchars> bcharsnospace`).
    public static let maximumBoundaryLength = 70

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// One field of the form.
    public struct Part: Sendable, Equatable {
        /// The field name: the `name` parameter of the part's `Content-Disposition: form-data`.
        public var name: String
        /// The `filename` parameter, as sent (it may carry the sender's path); nil without one.
        public var fileName: String?
        /// The part's `Content-Type` header, if any.
        public var contentType: String?
        /// Every header of the part, in order, names as sent.
        public var headers: [Header]
        public var body: [UInt8]

        /// The content as text (invalid UTF-8 replaced by U+FFFD).
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case notFormData = "not-form-data"
            case noBoundary = "no-boundary"
            case invalidBoundary = "invalid-boundary"
            case bodyTooLarge = "body-too-large"
            case emptyBody = "empty-body"
            case boundaryNotFound = "boundary-not-found"
            case noParts = "no-parts"
            case malformedDelimiter = "malformed-delimiter"
            case malformedHeader = "malformed-header"
            case headerTooLarge = "header-too-large"
            case tooManyParts = "too-many-parts"
            case truncated = "truncated"
            case missingContentDisposition = "missing-content-disposition"
            case invalidContentDisposition = "invalid-content-disposition"
            case duplicateHeader = "duplicate-header"
            case noFile = "no-file"
            case multipleFiles = "multiple-files"
            /// multipart-kit refused or read differently a body the layout scan accepted. Never
            /// expected: the scan mirrors the parser; the tests and the fuzzer look for it.
            case parserDisagreement = "parser-disagreement"
        }

        public var kind: Kind
        public var message: String

        public init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }

        public var description: String { "\(kind.rawValue): \(message)" }
    }

    // MARK: - Reading a form

    /// The parts of a `multipart/form-data` body, `contentType` being the request's Content-Type.
    /// Throws only `UploadForm.Failure`. The entry point for a fuzzer: any bytes, any string.
    public static func parse(body: [UInt8], contentType: String, limits: Limits = .standard) throws -> [Part] {
        try parse(body: ByteBuffer(bytes: body), contentType: contentType, limits: limits)
    }

    public static func parse(body: ByteBuffer, contentType: String, limits: Limits = .standard) throws -> [Part] {
        let boundary = try boundary(fromContentType: contentType)
        return try parse(body: body, boundary: boundary, limits: limits)
    }

    /// The parts of a body delimited by `boundary` (already checked by `boundary(fromContentType:)`).
    public static func parse(body: ByteBuffer, boundary: String, limits: Limits = .standard) throws -> [Part] {
        guard body.readableBytes <= limits.maximumBodyBytes else {
            throw Failure(
                .bodyTooLarge,
                "The multipart body is \(body.readableBytes) bytes, over maximumBodyBytes (\(limits.maximumBodyBytes)).")
        }
        try checkBoundary(boundary)
        let layout = try body.withUnsafeReadableBytes { bytes in
            try Layout.scan(bytes, boundary: boundary, limits: limits)
        }
        let raw = try RawPartCollector.collect(body, boundary: boundary, expectedParts: layout.partCount)
        return try raw.enumerated().map { index, part in try formPart(part, number: index + 1) }
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type, quoted or not, checked
    /// against RFC 2046: 1 to 70 characters of `bchars`, not ending in a space.
    public static func boundary(fromContentType contentType: String) throws -> String {
        let parsed: HeaderParameters
        do {
            parsed = try HeaderParameters.parse(contentType)
        } catch let error as HeaderParameters.SyntaxError {
            throw Failure(.invalidBoundary, "The Content-Type '\(excerpt(contentType))' cannot be read: \(error.reason).")
        }
        guard parsed.value.lowercased() == "multipart/form-data" else {
            throw Failure(.notFormData, "Content-Type '\(excerpt(parsed.value))' is not multipart/form-data.")
        }
        guard let boundary = parsed.parameters["boundary"] else {
            throw Failure(
                .noBoundary, "multipart/form-data without a boundary parameter in Content-Type (e.g. multipart/form-data; boundary=XYZ).")
        }
        try checkBoundary(boundary)
        return boundary
    }

    static func checkBoundary(_ boundary: String) throws {
        let bytes = Array(boundary.utf8)
        guard !bytes.isEmpty else {
            throw Failure(.invalidBoundary, "The boundary parameter of Content-Type is empty; RFC 2046 needs 1 to 70 characters.")
        }
        guard bytes.count <= maximumBoundaryLength else {
            throw Failure(
                .invalidBoundary,
                "The boundary is \(bytes.count) bytes long, over the \(maximumBoundaryLength) RFC 2046 allows.")
        }
        if let bad = bytes.first(where: { !isBoundaryCharacter($0) }) {
            throw Failure(
                .invalidBoundary,
                "The boundary '\(excerpt(bytes))' contains \(describe(bad)), which RFC 2046 does not allow in a boundary (letters, digits, space and '()+_,-./:=? only)."
            )
        }
        guard bytes.last != UInt8(ascii: " ") else {
            throw Failure(.invalidBoundary, "The boundary '\(excerpt(bytes))' ends with a space, which RFC 2046 does not allow.")
        }
    }

    /// RFC 2046 `bchars`: DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?" / " ".
    static func isBoundaryCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("'()+_,-./:=? ".utf8).contains(byte)
        }
    }

    /// RFC 7578: every part has one `Content-Disposition: form-data; name="..."`.
    static func formPart(_ raw: RawPart, number: Int) throws -> Part {
        let dispositions = raw.headers.filter { $0.name.lowercased() == "content-disposition" }
        guard let disposition = dispositions.first else {
            throw Failure(
                .missingContentDisposition,
                "Part \(number) has no Content-Disposition header: each part of a form names its field (Content-Disposition: form-data; name=\"...\")."
            )
        }
        guard dispositions.count == 1 else {
            throw Failure(.duplicateHeader, "Part \(number) has \(dispositions.count) Content-Disposition headers; a part has one.")
        }
        let contentTypes = raw.headers.filter { $0.name.lowercased() == "content-type" }
        guard contentTypes.count <= 1 else {
            throw Failure(.duplicateHeader, "Part \(number) has \(contentTypes.count) Content-Type headers; a part has at most one.")
        }
        let parsed: HeaderParameters
        do {
            parsed = try HeaderParameters.parse(disposition.value)
        } catch let error as HeaderParameters.SyntaxError {
            throw Failure(
                .invalidContentDisposition,
                "Part \(number)'s Content-Disposition '\(excerpt(disposition.value))' cannot be read: \(error.reason).")
        }
        guard parsed.value.lowercased() == "form-data" else {
            throw Failure(
                .invalidContentDisposition,
                "Part \(number)'s Content-Disposition is '\(excerpt(parsed.value))', not form-data (RFC 7578).")
        }
        guard let name = parsed.parameters["name"] else {
            throw Failure(
                .invalidContentDisposition,
                "Part \(number)'s Content-Disposition has no name parameter: each part names its field (form-data; name=\"...\").")
        }
        return Part(
            name: name, fileName: parsed.parameters["filename"], contentType: contentTypes.first?.value,
            headers: raw.headers, body: raw.body)
    }

    // MARK: - The upload's file

    /// The one file of an upload: the part with a `filename` (an empty file input, `filename=""`
    /// with no content, is not a file), or else the part named `package` or `file`. More than one
    /// file is refused rather than one picked.
    public static func filePart(in parts: [Part]) throws -> Part {
        let files = parts.filter { part in
            guard let fileName = part.fileName else { return false }
            return !(fileName.isEmpty && part.body.isEmpty)
        }
        if files.count > 1 {
            let listed = files.prefix(4).map { "'\(excerpt($0.name))' ('\(excerpt($0.fileName ?? ""))')" }.joined(separator: ", ")
            throw Failure(
                .multipleFiles,
                "The form has \(files.count) file fields (\(listed)\(files.count > 4 ? ", …" : "")): send one zip, in a field named 'package'."
            )
        }
        if let part = files.first ?? parts.first(where: { $0.fileName == nil && ["package", "file"].contains($0.name) }) {
            return part
        }
        throw Failure(
            .noFile, "The form has no file: send the zip in a field named 'package' (e.g. curl -F package=@connector.zip).")
    }

    // MARK: - Messages

    /// Up to `limit` characters of `bytes`, printable ASCII as is, anything else escaped.
    static func excerpt(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        var text = ""
        for byte in bytes.prefix(limit) {
            switch byte {
            case 13: text += "\\r"
            case 10: text += "\\n"
            case 9: text += "\\t"
            case 32...126 where byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "'"): text.append(Character(UnicodeScalar(byte)))
            default: text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return bytes.count > limit ? text + "…" : text
    }

    static func excerpt(_ text: String, limit: Int = 40) -> String { excerpt(Array(text.utf8), limit: limit) }

    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 13: return "a CR (0x0D)"
        case 10: return "an LF (0x0A)"
        case 32...126: return "'\(excerpt([byte]))' (0x\(String(byte, radix: 16, uppercase: true)))"
        default: return "the byte 0x\(String(byte, radix: 16, uppercase: true).leftPadded(to: 2))"
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
