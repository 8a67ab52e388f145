import Foundation
import JSONDocument
import JSONSchema
import XCTest

/// Runs files of the official JSON Schema test suite (draft 4), which lives beside the package
/// in `../shared/conformance/json-schema-test-suite` (not copied into this repository).
enum OfficialSuite {
    /// The package root: three levels up from this file (Tests/JSONSchemaTests/x.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root = packageRoot.appendingPathComponent("../shared/conformance/json-schema-test-suite").standardized
    static let draft4 = root.appendingPathComponent("tests/draft4")
    static let remotes = root.appendingPathComponent("remotes")

    /// Suite tests this validator does not pass, by "file: case: test", with the reason.
    /// Every entry must still fail (so a fix removes it from here).
    static let expectedFailures: [String: String] = [:]

    /// Every suite file of draft 4 (relative paths such as "optional/format/uri.json").
    static func allFiles() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: draft4.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".json") { files.append(path) }
        }
        return files.sorted()
    }

    static func loadJSON(_ url: URL) throws -> JSONValue {
        try JSONDocument.parse(Array(try Data(contentsOf: url))).root
    }

    /// Runs one suite file: each test of each case is checked with both `isValid` and
    /// `validate` (which must agree), and a failure names file, case and test.
    static func run(_ file: String, file sourceFile: StaticString = #filePath, line: UInt = #line) throws {
        guard FileManager.default.fileExists(atPath: draft4.path) else {
            throw XCTSkip(
                "The JSON Schema test suite is not at \(draft4.path): it lives in ../shared next to the package, in the development setup only."
            )
        }
        let cases = try loadJSON(draft4.appendingPathComponent(file))
        let resolver = RemotesResolver(folder: remotes)
        var passed = 0
        var expectedFailuresSeen: Set<String> = []
        for testCase in cases.array ?? [] {
            let caseDescription = testCase["description"]?.string ?? "?"
            let compiled: CompiledSchema
            do {
                compiled = try CompiledSchema(testCase["schema"]!, resolver: resolver)
            } catch {
                XCTFail("\(file): \(caseDescription): the schema does not compile: \(error)", file: sourceFile, line: line)
                continue
            }
            for test in testCase["tests"]?.array ?? [] {
                let testDescription = test["description"]?.string ?? "?"
                let expected = test["valid"]?.bool ?? false
                let name = "\(file): \(caseDescription): \(testDescription)"
                let quick = compiled.isValid(test["data"]!)
                let errors = compiled.validate(test["data"]!)
                if let reason = expectedFailures[name] {
                    expectedFailuresSeen.insert(name)
                    if quick == expected {
                        XCTFail(
                            "\(name): now passes; remove it from OfficialSuite.expectedFailures (\(reason))", file: sourceFile, line: line)
                    }
                    continue
                }
                if quick != expected {
                    XCTFail(
                        "\(name): expected valid=\(expected)\(errors.isEmpty ? "" : " (errors: \(errors.map(\.description).joined(separator: "; ")))")",
                        file: sourceFile, line: line)
                } else if errors.isEmpty != quick {
                    XCTFail(
                        "\(name): isValid says \(quick) but validate reports \(errors.count) error(s): \(errors)", file: sourceFile,
                        line: line)
                } else {
                    passed += 1
                }
            }
        }
        let stale = expectedFailures.keys.filter { $0.hasPrefix(file + ": ") && !expectedFailuresSeen.contains($0) }
        for name in stale {
            XCTFail("\(name): listed in OfficialSuite.expectedFailures but not in the suite", file: sourceFile, line: line)
        }
        print("OfficialSuite \(file): \(passed) tests passed")
    }
}

/// The suite's remote documents: http://localhost:1234/ is the `remotes` folder.
struct RemotesResolver: SchemaResolver {
    let folder: URL
    static let base = "http://localhost:1234/"

    func document(for uri: String) -> JSONValue? {
        guard uri.hasPrefix(Self.base) else { return nil }
        let file = folder.appendingPathComponent(String(uri.dropFirst(Self.base.count)))
        return try? OfficialSuite.loadJSON(file)
    }
}
