import Certification
import ConnectorPackage
import StageCatalog
import SubmissionStore

/// The certified catalogue seeded from connector folders (`certify import`): each becomes a
/// certified submission of its publisher, with a baseline run for re-certification to compare
/// with. Admins only.
public struct Catalog: Sendable {
    public let store: Store
    /// The rules the baseline runs are made with.
    public let ruleset: Ruleset

    public init(store: Store, ruleset: Ruleset) {
        self.store = store
        self.ruleset = ruleset
    }

    /// What an import files a package under when apiProperties.json names no publisher.
    public static let unknownPublisher = "unknown publisher"

    /// The publisher the package names (`ConnectorPackage.publisher`: publisher, else
    /// stackOwner), else `unknownPublisher`: an import keeps every certified connector, where an
    /// upload would ask for `?publisher=`.
    public static func publisher(of package: ConnectorPackage) -> String {
        package.publisher ?? unknownPublisher
    }

    /// The connector's name (`ConnectorPackage.connectorName`), else the folder's name.
    public static func connector(of package: ConnectorPackage, folder: String) -> String {
        package.connectorName(fallback: folder)
    }

    /// Imports the package read from `folder` as certified and queues its baseline run. The
    /// same content imported before is left alone; other content becomes a new certified
    /// revision.
    public func importCertified(_ package: ConnectorPackage, folder: String, by principal: Principal) async throws
        -> (id: String, outcome: Store.ImportOutcome)
    {
        guard principal.role == .admin else {
            throw UseCaseError.forbidden("Only an admin can import certified connectors.")
        }
        let upload = Store.Upload(
            zip: try package.zipData(), contentSha256: package.contentHash,
            connector: Self.connector(of: package, folder: folder), fileName: folder,
            stages: StageRegistry.staticNames, rulesetVersion: ruleset.version, toolVersion: CertifyVersion.tool)
        let (id, outcome) = try await store.importCertified(
            publisher: Self.publisher(of: package), actor: principal.actor, upload: upload)
        return (id, outcome)
    }
}
