import Certification
import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import JSONDocument
import SubmissionStore

/// Reads an uploaded package: a zip body (`application/zip`) or a `multipart/form-data` form
/// with the zip in a file field. Refusals are 400 with the reason, or 413 for sizes.
struct Intake: Sendable {
    let limits: PackageLimits

    /// Longest probe base URL, in UTF-8 bytes (a longer URL trips AsyncHTTPClient).
    static let maximumProbeBaseURLBytes = 2048
    /// Longest credential (NAME=VALUE), in UTF-8 bytes.
    static let maximumCredentialBytes = 4096
    /// Most credentials one upload may carry.
    static let maximumCredentials = 16
    /// Longest file name of an upload (`filename` parameter or the form's file name), in UTF-8 bytes.
    static let maximumFileNameBytes = 255

    struct Upload: Sendable {
        var zip: Data
        var fileName: String?
        var package: ConnectorPackage
        /// Probe settings given with the upload: `credential` form fields or `X-Certify-Credential`
        /// headers (NAME=VALUE), and a base URL (`X-Certify-Probe-Base-Url` or a `probeBaseUrl`
        /// form field). Never taken from the query string, which is logged: `QueryParameters`
        /// refuses them there.
        var credentials: [String: String] = [:]
        var probeBaseURL: String?
        /// `stages` given as a form field.
        var stages: String?

        func storeUpload(stages: [String], ruleset: Ruleset, runSecret: Data? = nil) -> Store.Upload {
            Store.Upload(
                zip: zip, contentSHA256: package.contentHash, connector: connectorName, fileName: fileName,
                stages: stages, rulesetVersion: ruleset.version, toolVersion: CertifyVersion.tool, runSecret: runSecret)
        }

        /// The connector's title from the swagger, or the upload's name.
        var connectorName: String {
            if let file = package.file(.swagger), let document = try? JSONDocument.parse(file.bytes),
                let title = document.root["info"]?["title"]?.string,
                !title.trimmingCharacters(in: .whitespaces).isEmpty
            {
                return String(title.prefix(200))
            }
            return fileName.map { ($0 as NSString).deletingPathExtension } ?? "unnamed connector"
        }
    }

    func read(_ request: Request, context: CertifyRequestContext, query: QueryParameters) async throws -> Upload {
        let contentType = request.headers[.contentType] ?? ""
        var fileName = try query.string("filename")
        if let name = fileName { try Self.checkFileName(name, from: "filename") }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = Data(buffer.readableBytesView)
        var zip = body
        var fields: [(String, String)] = []
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/zip", "application/x-zip-compressed", "application/octet-stream":
            break
        case "multipart/form-data":
            let parts = try MultipartForm.parse(body, contentType: contentType)
            let part = try MultipartForm.filePart(parts)
            zip = part.data
            // A form's file name may carry the sender's path (RFC 7578 4.2): its last part is the name.
            if let sent = part.fileName,
                let name = sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init), !name.isEmpty
            {
                try Self.checkFileName(name, from: "the form's file name")
                fileName = name
            }
            fields = parts.filter { $0.fileName == nil && $0 .name != nil }.map { ($0.name!, String(decoding: $0.data, as: UTF8.self)) }
        case "":
            throw HTTPError(
                .unsupportedMediaType,
                message: "Send the package as 'Content-Type: application/zip' or as multipart/form-data with a file field.")
        default:
            throw HTTPError(
                .unsupportedMediaType,
                message: "Content-Type '\(mediaType)' is not accepted: send application/zip or multipart/form-data.")
        }
        if zip.isEmpty {
            throw HTTPError(.badRequest, message: "The upload is empty: send the connector package as a zip.")
        }
        var credentials: [String: String] = [:]
        let given = fields.filter { $0.0 == "credential" }.map(\.1)
            + request.headers[values: HTTPField.Name("X-Certify-Credential")!]
        guard given.count <= Self.maximumCredentials else {
            throw HTTPError(
                .badRequest, message: "\(given.count) credentials were given, over maximumCredentials (\(Self.maximumCredentials)).")
        }
        for text in given {
            guard text.utf8.count <= Self.maximumCredentialBytes else {
                throw HTTPError(
                    .badRequest,
                    message: "A credential is \(text.utf8.count) bytes, over maximumCredentialBytes (\(Self.maximumCredentialBytes)).")
            }
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw HTTPError(.badRequest, message: "A credential is NAME=VALUE (a security definition name, or bearer, basic, apiKey).")
            }
            credentials[parts[0]] = parts[1]
        }
        let probeBaseURL = fields.first { $0.0 == "probeBaseUrl" }?.1
            ?? request.headers[HTTPField.Name("X-Certify-Probe-Base-Url")!]
        if let url = probeBaseURL {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HTTPError(.badRequest, message: "The probe base URL is empty; give a URL or leave it out.")
            }
            guard url.utf8.count <= Self.maximumProbeBaseURLBytes else {
                throw HTTPError(
                    .badRequest,
                    message: "The probe base URL is \(url.utf8.count) bytes, over maximumProbeBaseURLBytes (\(Self.maximumProbeBaseURLBytes)).")
            }
        }
        do {
            let package = try PackageLoader(limits: limits).loadZip(zip, name: fileName ?? "upload")
            return Upload(
                zip: zip, fileName: fileName, package: package, credentials: credentials, probeBaseURL: probeBaseURL,
                stages: fields.first { $0.0 == "stages" }?.1)
        } catch {
            let sizeKinds: Set<PackageError.Kind> = [.archiveTooLarge, .totalTooLarge, .fileTooLarge]
            throw HTTPError(
                sizeKinds.contains(error.kind) ? .contentTooLarge : .badRequest,
                message: "The package was refused (\(error.kind.rawValue)): \(error.message)")
        }
    }
}

extension Intake {
    /// A file name, not a path: within `maximumFileNameBytes`, without separators or controls.
    static func checkFileName(_ name: String, from source: String) throws {
        guard name.utf8.count <= maximumFileNameBytes else {
            throw HTTPError(
                .badRequest, message: "\(source) is \(name.utf8.count) bytes, over maximumFileNameBytes (\(maximumFileNameBytes)).")
        }
        guard QueryParameters.isClean(name), !name.contains("/"), !name.contains("\\") else {
            throw HTTPError(
                .badRequest,
                message: "\(source) '\(QueryParameters.excerpt(name))' is not a file name: no path separators or control characters.")
        }
    }
}

/// Just enough of RFC 7578 to take one file out of a form: Hummingbird has no multipart parser.
enum MultipartForm {
    struct Part {
        var name: String?
        var fileName: String?
        var data: Data
    }

    static func parse(_ body: Data, contentType: String) throws -> [Part] {
        guard let boundary = boundary(in: contentType) else {
            throw HTTPError(.badRequest, message: "multipart/form-data without a boundary parameter in Content-Type.")
        }
        return try parse(body, boundary: boundary)
    }

    /// The first part with a filename, or else the part named `package` or `file`.
    static func filePart(_ parts: [Part]) throws -> Part {
        if let part = parts.first(where: { $0.fileName != nil }) ?? parts.first(where: { ["package", "file"].contains($0.name ?? "") }) {
            return part
        }
        throw HTTPError(
            .badRequest, message: "The form has no file: send the zip in a field named 'package' (e.g. curl -F package=@connector.zip).")
    }

    static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    static func parse(_ body: Data, boundary: String) throws -> [Part] {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else {
            throw HTTPError(.badRequest, message: "The multipart body does not contain the boundary '\(boundary)' twice; it is truncated or malformed.")
        }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the CRLF after the delimiter line.
            if partStart + 1 < bytes.count, bytes[partStart] == 13, bytes[partStart + 1] == 10 { partStart += 2 }
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: partStart), headerEnd < end else {
                throw HTTPError(.badRequest, message: "A multipart part has no header/body separator (blank line).")
            }
            let headerText = String(decoding: bytes[partStart..<headerEnd], as: UTF8.self)
            var contentEnd = end
            if contentEnd >= 2, bytes[contentEnd - 2] == 13, bytes[contentEnd - 1] == 10 { contentEnd -= 2 }
            let data = Data(bytes[(headerEnd + 4)..<max(headerEnd + 4, contentEnd)])
            var name: String?
            var fileName: String?
            for line in headerText.components(separatedBy: "\r\n")
            where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                fileName = parameter("filename", in: line)
            }
            parts.append(Part(name: name, fileName: fileName, data: data))
        }
        return parts
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
