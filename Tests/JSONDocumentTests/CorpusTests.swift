import Foundation
import JSONDocument
import XCTest

/// Parses every swagger and apiProperties.json of the real certified connectors in
/// `../shared/corpus/certified` (next to the package root), when that folder exists.
///
/// The expected failures, their line and column, are what Python 3.11's `json.loads` reports
/// for the same files (BOM stripped); the kinds are ours.
final class CorpusTests: XCTestCase {
    struct Expected {
        var kind: JSONParseError.Kind
        var line: Int
        var column: Int
    }

    static let expectedFailures: [String: Expected] = [
        "Cireson Service Manager Portal/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 54, column: 19),
        "CognitiveServicesTextAnalytics/apiDefinition.swagger.json": Expected(kind: .unbalancedBracket, line: 276, column: 6),
        "DocuMotor/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 48, column: 11),
        "DocuSignDemo/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 1636, column: 9),
        "Easyvista_Service._Manager/apiDefinition.swagger.json": Expected(kind: .controlCharacterInString, line: 3819, column: 47),
        "IN-D Invoice Data Capture/apiDefinition.swagger.json": Expected(kind: .missingComma, line: 51, column: 13),
        "PUG Gamified Engagement/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 734, column: 3),
        "Plumsail Documents/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 1300, column: 11),
        "Revizto (Ireland)/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 981, column: 5),
        "ZohoSign/apiDefinition.swagger.json": Expected(kind: .unexpectedCharacter, line: 14, column: 1),
        "envoy/apiDefinition.swagger.json": Expected(kind: .trailingComma, line: 2198, column: 35),
        "Shopranos/apiProperties.json": Expected(kind: .unbalancedBracket, line: 22, column: 4),
        "SigningHub/apiProperties.json": Expected(kind: .missingComma, line: 24, column: 13),
        "gofileroom/apiProperties.json": Expected(kind: .unbalancedBracket, line: 91, column: 1),
    ]

    /// Swaggers that are strict JSON except for a UTF-8 byte order mark.
    static let byteOrderMarkFiles: Set<String> = [
        "AvePoint Cloud Governance/apiDefinition.swagger.json",
        "InEight/apiDefinition.swagger.json",
        "Microsoft Bookings/apiDefinition.swagger.json",
        "SignNow/apiDefinition.swagger.json",
    ]

    /// (key, pointer of the object, first key line:column, duplicate key line:column)
    static let expectedDuplicates: [String: [String]] = [
        "EleadProductReference/apiDefinition.swagger.json": [
            "description @/paths/~1companyOpportunityStatuses/get/parameters/10 124:13 126:13"
        ],
        "Rainbird/apiDefinition.swagger.json": [
            "description @/paths/~1{sessionID}~1response/post/responses/200 414:13 415:13",
            "description @/paths/~1{sessionID}~1undo/post/responses/200 487:13 488:13",
            "description @/paths/~1analysis~1evidence~1{factID}~1{sessionID}/get/responses/200 554:13 555:13",
        ],
        "RecordedFutureV2/apiDefinition.swagger.json": [
            "operationId @/paths/~1threat~1indicators~1actors/post 2017:9 2092:9",
            "x-ms-visibility @/paths/~1threat~1indicators~1actors/post 2018:9 2094:9",
            "operationId @/paths/~1threat~1indicators~1malware/post 2104:9 2179:9",
            "x-ms-visibility @/paths/~1threat~1indicators~1malware/post 2105:9 2181:9",
        ],
    ]

    func testCertifiedCorpus() throws {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = packageRoot.appendingPathComponent("../shared/corpus/certified").standardized
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpus.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            print("CorpusTests: skipped, no corpus at \(corpus.path)")
            throw XCTSkip("The connector corpus is not at \(corpus.path) (it lives next to the package in the development setup only).")
        }

        var failures: [String: Expected] = [:]
        var byteOrderMarks: Set<String> = []
        var duplicates: [String: [String]] = [:]
        var swaggers = 0
        var properties = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted() {
            let folderURL = corpus.appendingPathComponent(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folderURL.path) else { continue }
            for name in names.sorted() {
                let lower = name.lowercased()
                guard lower == "apidefinition.swagger.json" || lower == "apiproperties.json" else { continue }
                if lower == "apiproperties.json" { properties += 1 } else { swaggers += 1 }
                let relative = "\(folder)/\(name)"
                let bytes = try [UInt8](Data(contentsOf: folderURL.appendingPathComponent(name)))
                switch Self.parse(bytes) {
                case .success(let document):
                    if document.hasByteOrderMark { byteOrderMarks.insert(relative) }
                    if !document.duplicateKeys.isEmpty {
                        duplicates[relative] = document.duplicateKeys.map {
                            "\($0.key) @\($0.pointer) \($0.first.line):\($0.first.column) \($0.duplicate.line):\($0.duplicate.column)"
                        }
                        for duplicate in document.duplicateKeys {
                            // The pointer leads to the object, which keeps the repeating member only.
                            let holder = try XCTUnwrap(document.root.value(at: duplicate.pointer)?.object, relative)
                            XCTAssertEqual(holder.members.filter { $0.key == duplicate.key }.count, 1, relative)
                            XCTAssertEqual(holder.member(duplicate.key)?.keyPosition, duplicate.duplicate, relative)
                        }
                    }
                case .failure(let error):
                    failures[relative] = Expected(kind: error.kind, line: error.position.line, column: error.position.column)
                }
            }
        }

        XCTAssertEqual(swaggers, 619)
        XCTAssertEqual(properties, 619)
        XCTAssertEqual(Set(failures.keys), Set(Self.expectedFailures.keys), "exactly the known broken files fail")
        for (file, expected) in Self.expectedFailures {
            guard let actual = failures[file] else { continue }
            XCTAssertEqual(actual.kind, expected.kind, file)
            XCTAssertEqual(actual.line, expected.line, file)
            XCTAssertEqual(actual.column, expected.column, file)
        }
        XCTAssertEqual(
            failures.keys.filter { $0.hasSuffix("apiDefinition.swagger.json") }.count + byteOrderMarks.count, 15,
            "15 swaggers are not strict JSON, 4 of them only for their BOM")
        XCTAssertEqual(byteOrderMarks, Self.byteOrderMarkFiles)
        XCTAssertEqual(duplicates, Self.expectedDuplicates)
    }

    static func parse(_ bytes: [UInt8]) -> Result<JSONDocument, JSONParseError> {
        do {
            return .success(try JSONDocument.parse(bytes))
        } catch {
            return .failure(error)
        }
    }
}
