import ConnectorPackage
import Foundation
import Hummingbird
import HummingbirdTesting
import JSONDocument
import NIOCore
import XCTest

@testable import CertifyServer
@testable import certify

/// A package's connector name and publisher (`ConnectorPackage.connectorName(fallback:)` and
/// `.publisher`), and the import (`CatalogNames`) and upload (`Intake`, `SubmissionsAPI`) paths
/// agreeing on them.
final class PackageFactsTests: XCTestCase {
    // MARK: The corpus

    /// Every certified connector gets a name, the same on both paths, and the publisher an import
    /// and an upload both use (or none, which the import files under "unknown publisher" and an
    /// upload refuses).
    func testCorpusConnectorsGetOneNameAndOnePublisherOnEveryPath() throws {
        let corpus = try TestPaths.requireCorpus()
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: corpus.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        XCTAssertFalse(folders.isEmpty, "no connector folders in \(corpus.path)")
        var titled = 0
        var untitled = 0
        var withPublisher = 0
        var fromStackOwner = 0
        var withoutPublisher = 0
        var propertiesCompared = 0
        var titlesCompared = 0
        for folder in folders {
            let package = try PackageLoader().load(path: corpus.appendingPathComponent(folder).path)

            // The name: the swagger's title, else the folder (import) or the upload's file name.
            let imported = CatalogNames.connector(package, folder: folder)
            let uploaded = Intake.Upload(zip: Data(), fileName: "\(folder).zip", package: package).connectorName
            XCTAssertFalse(imported.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, folder)
            XCTAssertEqual(imported, uploaded, "\(folder): import and upload name the connector differently")
            XCTAssertLessThanOrEqual(imported.count, ConnectorPackage.maximumConnectorNameLength, folder)
            if let title = package.connectorTitle {
                titled += 1
                XCTAssertEqual(imported, title, folder)
            } else {
                untitled += 1
                XCTAssertEqual(imported, folder, folder)
            }

            // The publisher: the same on both paths whenever the package names one.
            let publisher = package.publisher
            let importPublisher = CatalogNames.publisher(package)
            let uploadPublisher = try? SubmissionsAPI.packagePublisher(package)
            if let publisher {
                withPublisher += 1
                XCTAssertFalse(publisher.isEmpty, folder)
                XCTAssertEqual(importPublisher, publisher, folder)
                XCTAssertEqual(uploadPublisher, publisher, folder)
            } else {
                withoutPublisher += 1
                XCTAssertEqual(importPublisher, CatalogNames.unknownPublisher, folder)
                XCTAssertNil(uploadPublisher, "\(folder): an upload naming no publisher must ask for ?publisher=")
            }

            // The same facts read by Foundation, where both readers read the file (strict JSON
            // only: a file with trailing commas, which both read, is compared as the stages read it).
            if Self.strictlyJSON(package.file(.properties)),
                let properties = Self.foundationObject(package.file(.properties))?["properties"] as? [String: Any]
            {
                propertiesCompared += 1
                let named = Self.nonBlank(properties["publisher"]) ?? Self.nonBlank(properties["stackOwner"])
                XCTAssertEqual(publisher, named, "\(folder): apiProperties.json read two ways")
                if Self.nonBlank(properties["publisher"]) == nil, named != nil { fromStackOwner += 1 }
            }
            if Self.strictlyJSON(package.file(.swagger)),
                let info = Self.foundationObject(package.file(.swagger))?["info"] as? [String: Any]
            {
                let title = Self.nonBlank(info["title"]).map { String($0.prefix(ConnectorPackage.maximumConnectorNameLength)) }
                titlesCompared += 1
                XCTAssertEqual(package.connectorTitle, title, "\(folder): info.title read two ways")
            }
        }
        print(
            """
            package facts over \(folders.count) connectors: \(titled) named by their title, \(untitled) by their folder; \
            \(withPublisher) name a publisher (\(fromStackOwner) only as stackOwner), \(withoutPublisher) name none \
            (imported as "\(CatalogNames.unknownPublisher)", refused on upload without ?publisher=); \
            publishers of \(propertiesCompared) and titles of \(titlesCompared) also read by JSONSerialization
            """)
        XCTAssertGreaterThan(titled, folders.count / 2)
        XCTAssertGreaterThan(withPublisher, folders.count / 2)
    }

    // MARK: Fallbacks, on small packages

    func testPublisherIsPublisherElseStackOwnerElseNil() {
        XCTAssertEqual(
            Self.package(properties: #"{"properties": {"publisher": "Contoso", "stackOwner": "Fabrikam"}}"#).publisher, "Contoso")
        XCTAssertEqual(
            Self.package(properties: #"{"properties": {"publisher": "  Contoso Ltd \n", "stackOwner": "Fabrikam"}}"#).publisher,
            "Contoso Ltd")
        // A publisher that is missing, blank or not a string gives way to stackOwner.
        XCTAssertEqual(Self.package(properties: #"{"properties": {"stackOwner": "Fabrikam"}}"#).publisher, "Fabrikam")
        XCTAssertEqual(Self.package(properties: #"{"properties": {"publisher": " ", "stackOwner": " Fabrikam"}}"#).publisher, "Fabrikam")
        XCTAssertEqual(Self.package(properties: #"{"properties": {"publisher": 42, "stackOwner": "Fabrikam"}}"#).publisher, "Fabrikam")
        // Neither, or no readable apiProperties.json: nil.
        XCTAssertNil(Self.package(properties: #"{"properties": {"publisher": "", "stackOwner": null}}"#).publisher)
        XCTAssertNil(Self.package(properties: #"{"properties": {}}"#).publisher)
        XCTAssertNil(Self.package(properties: #"{"publisher": "Contoso"}"#).publisher, "only properties.publisher counts")
        XCTAssertNil(Self.package(properties: #"{"properties": {"publisher": "Contoso",]}"#).publisher)
        XCTAssertNil(Self.package(properties: nil).publisher)
        // Found by role, whatever the file name's case.
        let upper = ConnectorPackage(
            name: "upper", files: [PackageFile(path: "APIPROPERTIES.JSON", bytes: Array(#"{"properties": {"publisher": "Contoso"}}"#.utf8))]
        )
        XCTAssertEqual(upper.publisher, "Contoso")
    }

    func testWhatEachPathDoesWithoutAPublisher() throws {
        let named = Self.package(properties: #"{"properties": {"stackOwner": "Fabrikam"}}"#)
        XCTAssertEqual(CatalogNames.publisher(named), "Fabrikam")
        XCTAssertEqual(try SubmissionsAPI.packagePublisher(named), "Fabrikam")

        let unnamed = Self.package(properties: #"{"properties": {"connectionParameters": {}}}"#)
        XCTAssertEqual(CatalogNames.publisher(unnamed), "unknown publisher")
        XCTAssertThrowsError(try SubmissionsAPI.packagePublisher(unnamed)) { error in
            XCTAssertEqual((error as? HTTPError)?.status, .badRequest)
            XCTAssertTrue((error as? HTTPError)?.body?.contains("?publisher=") == true, "\(error)")
        }
    }

    func testConnectorNameIsTheTitleElseTheCallersFallback() {
        XCTAssertEqual(Self.package(swagger: #"{"info": {"title": "Contoso Weather"}}"#).connectorTitle, "Contoso Weather")
        XCTAssertEqual(
            Self.package(swagger: #"{"info": {"title": "  Contoso Weather\t"}}"#).connectorName(fallback: "folder"), "Contoso Weather")
        let long = String(repeating: "x", count: 300)
        XCTAssertEqual(
            Self.package(swagger: #"{"info": {"title": "\#(long)"}}"#).connectorTitle,
            String(repeating: "x", count: ConnectorPackage.maximumConnectorNameLength))
        for swagger in [
            #"{"info": {"title": "   "}}"#, #"{"info": {"title": 7}}"#, #"{"info": {}}"#, #"{"title": "Top"}"#,
            #"{"info": {"title": "Broken",}"#, nil,
        ] {
            let package = Self.package(swagger: swagger)
            XCTAssertNil(package.connectorTitle, swagger ?? "no swagger")
            XCTAssertEqual(package.connectorName(fallback: "the-folder"), "the-folder")
            // The import falls back to the folder, an upload to its file name, then to "unnamed connector".
            XCTAssertEqual(CatalogNames.connector(package, folder: "the-folder"), "the-folder")
            XCTAssertEqual(Intake.Upload(zip: Data(), fileName: "weather.v2.zip", package: package).connectorName, "weather.v2")
            XCTAssertEqual(Intake.Upload(zip: Data(), fileName: nil, package: package).connectorName, "unnamed connector")
        }
        let titled = Self.package(swagger: #"{"info": {"title": "Contoso Weather"}}"#)
        XCTAssertEqual(CatalogNames.connector(titled, folder: "the-folder"), "Contoso Weather")
        XCTAssertEqual(Intake.Upload(zip: Data(), fileName: "weather.zip", package: titled).connectorName, "Contoso Weather")
    }

    /// Through the API: an admin's upload naming its publisher only as stackOwner is filed under
    /// it, as `certify import` files it; one naming none is refused and asks for `?publisher=`.
    func testAnUploadTakesThePublisherAnImportWouldTake() async throws {
        let clean = try PackageLoader().load(path: TestPaths.package("clean"))
        func replacingProperties(_ json: String) -> ConnectorPackage {
            ConnectorPackage(
                name: clean.name,
                files: clean.files.filter { $0.name != "apiProperties.json" } + [
                    PackageFile(path: "apiProperties.json", bytes: Array(json.utf8))
                ])
        }
        let stackOwnerOnly = replacingProperties(
            #"{"properties": {"connectionParameters": {}, "capabilities": [], "stackOwner": "Fabrikam"}}"#)
        let noPublisher = replacingProperties(#"{"properties": {"connectionParameters": {}, "capabilities": []}}"#)
        XCTAssertEqual(CatalogNames.publisher(stackOwnerOnly), "Fabrikam")

        let f = try await makeServerFixture()
        try await f.app.test(.router) { client in
            try await client.execute(
                uri: "/v1/submissions?filename=weather.zip", method: .post, headers: apiHeaders(f.admin, contentType: "application/zip"),
                body: ByteBuffer(bytes: try stackOwnerOnly.zipData())
            ) { response in
                XCTAssertEqual(response.status, .created, String(buffer: response.body))
                let created = try apiJSON(response)
                XCTAssertEqual(created["publisher"] as? String, "Fabrikam")
                XCTAssertEqual(created["connector"] as? String, CatalogNames.connector(stackOwnerOnly, folder: "weather"))
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: apiHeaders(f.admin, contentType: "application/zip"),
                body: ByteBuffer(bytes: try noPublisher.zipData())
            ) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertTrue(try apiError(response).contains("?publisher="), String(buffer: response.body))
            }
        }
    }

    // MARK: Helpers

    /// A package with just these files (nil: left out).
    static func package(swagger: String? = nil, properties: String? = nil) -> ConnectorPackage {
        var files: [PackageFile] = []
        if let swagger { files.append(PackageFile(path: "apiDefinition.swagger.json", bytes: Array(swagger.utf8))) }
        if let properties { files.append(PackageFile(path: "apiProperties.json", bytes: Array(properties.utf8))) }
        return ConnectorPackage(name: "fixture", files: files)
    }

    /// A JSON object read by Foundation (an independent reader), or nil when it does not read it.
    static func foundationObject(_ file: PackageFile?) -> [String: Any]? {
        guard var bytes = file?.bytes else { return nil }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    static func strictlyJSON(_ file: PackageFile?) -> Bool {
        guard let file else { return false }
        return (try? JSONDocument.parse(file.bytes)) != nil
    }

    static func nonBlank(_ value: Any?) -> String? {
        guard let trimmed = (value as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
