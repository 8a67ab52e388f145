import ConnectorPackage
import Foundation
import HTTPTypes
import Hummingbird
import UploadForm
import UseCases

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

    /// What `read` returns: the zip, the package, the file name and the probe settings given
    /// with it (`credential` form fields or `X-Certify-Credential` headers, NAME=VALUE, and a
    /// base URL in `X-Certify-Probe-Base-Url` or a `probeBaseUrl` form field; never from the
    /// query string, which is logged: `QueryParameters` refuses them there), and `stages` given
    /// as a form field.
    typealias Upload = PackageUpload

    /// With `formCheck`, the upload must be a form, and its text fields pass the check before
    /// the package is read (the console's CSRF token).
    func read(
        _ request: Request, context: CertifyRequestContext, query: QueryParameters,
        formCheck: (([(String, String)]) throws -> Void)? = nil
    ) async throws -> Upload {
        let contentType = request.headers[.contentType] ?? ""
        var fileName = try query.string("filename")
        if let name = fileName { try Self.checkFileName(name, from: "filename") }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let zip: Data
        var fields: [(String, String)] = []
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/zip", "application/x-zip-compressed", "application/octet-stream":
            if formCheck != nil {
                throw HTTPError(.unsupportedMediaType, message: "Upload the package with the page's form (multipart/form-data).")
            }
            zip = Data(buffer.readableBytesView)
        case "multipart/form-data":
            let parts: [UploadForm.Part]
            let part: UploadForm.Part
            do {
                parts = try UploadForm.parse(
                    body: buffer, contentType: contentType, limits: UploadForm.Limits(maximumBodyBytes: context.maxUploadSize))
                part = try UploadForm.filePart(in: parts)
            } catch let failure as UploadForm.Failure {
                throw HTTPError(failure.kind == .bodyTooLarge ? .contentTooLarge : .badRequest, message: failure.message)
            }
            zip = Data(part.body)
            // A form's file name may carry the sender's path (RFC 7578 4.2): its last part is the name.
            if let sent = part.fileName,
                let name = sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init), !name.isEmpty
            {
                try Self.checkFileName(name, from: "the form's file name")
                fileName = name
            }
            fields = parts.filter { $0.fileName == nil && $0 != part }.map { ($0.name, $0.text) }
            try formCheck?(fields)
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
        let given =
            fields.filter { $0.0 == "credential" }.map(\.1)
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
            // Split at the first '=' scalar: as a Character, '=' followed by a combining mark or an
            // emoji modifier is another character, and the credential would be refused.
            let scalars = text.unicodeScalars
            let parts =
                scalars.firstIndex(of: "=").map {
                    [String(scalars[..<$0]), String(scalars[scalars.index(after: $0)...])]
                } ?? [text]
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw HTTPError(.badRequest, message: "A credential is NAME=VALUE (a security definition name, or bearer, basic, apiKey).")
            }
            credentials[parts[0]] = parts[1]
        }
        let probeBaseURL =
            fields.first { $0.0 == "probeBaseUrl" }?.1
            ?? request.headers[HTTPField.Name("X-Certify-Probe-Base-Url")!]
        if let url = probeBaseURL {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HTTPError(.badRequest, message: "The probe base URL is empty; give a URL or leave it out.")
            }
            guard url.utf8.count <= Self.maximumProbeBaseURLBytes else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "The probe base URL is \(url.utf8.count) bytes, over maximumProbeBaseURLBytes (\(Self.maximumProbeBaseURLBytes)).")
            }
            // Refused now rather than failing the run later: the same rule as webhook URLs.
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = parsed.host, !host.isEmpty
            else {
                throw HTTPError(
                    .badRequest, message: "The probe base URL '\(QueryParameters.excerpt(url))' is not an absolute http or https URL.")
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
