import ConnectorPackage
import Foundation

/// A package a person hands in as a new submission or a revision, read by a front end (the
/// API's `Intake`, a console form): the zip and the package loaded from it, with what came
/// along.
public struct PackageUpload: Sendable {
    public var zip: Data
    /// The upload's file name, without any path.
    public var fileName: String?
    public var package: ConnectorPackage
    /// Probe credentials given with the upload (NAME=VALUE split), sealed until the run ends.
    public var credentials: [String: String]
    /// The probe base URL given with the upload, already checked to be absolute http(s).
    public var probeBaseURL: String?
    /// The stages asked for, as a comma list (`schema,policy,probe`); nil for the default.
    public var stages: String?
    /// The publisher a reviewer or admin names for a new submission; a submitter's own is used
    /// whatever this says.
    public var publisher: String?

    public init(
        zip: Data, fileName: String?, package: ConnectorPackage, credentials: [String: String] = [:],
        probeBaseURL: String? = nil, stages: String? = nil, publisher: String? = nil
    ) {
        self.zip = zip
        self.fileName = fileName
        self.package = package
        self.credentials = credentials
        self.probeBaseURL = probeBaseURL
        self.stages = stages
        self.publisher = publisher
    }

    /// The connector's name (`ConnectorPackage.connectorName`), else the upload's file name
    /// without its extension, else "unnamed connector".
    public var connectorName: String {
        package.connectorName(fallback: fileName.map { ($0 as NSString).deletingPathExtension } ?? "unnamed connector")
    }

    /// Whether probing was asked for by giving credentials or a base URL.
    var bringsProbeSettings: Bool { !credentials.isEmpty || probeBaseURL != nil }
}
