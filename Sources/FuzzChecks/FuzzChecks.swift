import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import JSONSchema
import PNGImage
import SchemaConformance
import UploadForm

/// What each fuzz target does with one input: the readers of publisher input, called as the
/// service calls them. Shared by the libFuzzer executables under `Fuzz/` (built by
/// `Scripts/fuzz.sh`) and by the regression test that replays every input under
/// `Fixtures/fuzz/TARGET/`. Any outcome but a trap, a hang or a sanitizer report is a pass.
public enum FuzzChecks {
    /// The targets by name, as `Scripts/fuzz.sh TARGET` and `Fixtures/fuzz/TARGET` name them.
    public static let targets: [String: @Sendable (UnsafeBufferPointer<UInt8>) -> Void] = [
        "json": json,
        "package": package,
        "pattern": pattern,
        "schema-stage": schemaStage,
        "png": png,
        "multipart": multipart,
    ]

    /// The JSON parser; a parsed document is walked down its first members by JSON Pointer.
    public static func json(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let document = try? JSONDocument.parse(Array(bytes)) else { return }
        var tokens: [String] = []
        var value: JSONValue? = document.root
        while let current = value {
            switch current.kind {
            case .object(let object):
                guard let first = object.members.first else {
                    value = nil
                    continue
                }
                tokens.append(first.key)
                value = first.value
            case .array(let elements):
                tokens.append("0")
                value = elements.first
            default:
                value = nil
            }
        }
        let pointer = JSONPointer(tokens: tokens)
        _ = document.root.value(at: pointer)
        _ = try? JSONPointer(parsing: pointer.description)
    }

    /// The package loader: the bytes as a zip; and, when they start with "D", the rest as a
    /// folder of files (`name NUL content NUL name NUL content ...`).
    public static func package(_ bytes: UnsafeBufferPointer<UInt8>) {
        let loader = PackageLoader()
        _ = try? loader.loadZip(Data(bytes), name: "fuzz")
        guard bytes.first == UInt8(ascii: "D") else { return }
        let fields = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certify-fuzz-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        var index = 0
        while index + 1 < fields.count && index < 64 {
            let name = String(decoding: fields[index], as: UTF8.self)
            index += 2
            // Names the file system would take as a path are not files of a flat folder.
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.utf8.count < 200 else { continue }
            _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data(fields[index - 1]))
        }
        _ = try? loader.load(path: folder.path)
    }

    /// The ECMA-262 pattern translator and matcher: the first line is the pattern, the rest the
    /// text matched against it.
    public static func pattern(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let pattern = parts.first, let regex = try? ECMARegex.compile(String(pattern)) else { return }
        _ = regex.match(parts.count > 1 ? String(parts[1]) : "")
    }

    /// The PNG decoder: chunks, header, and the inflated, unfiltered pixels.
    public static func png(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = try? PNGImage(Array(bytes)).pixels()
        _ = try? PNGImage(Array(bytes), headerOnly: true)
    }

    /// The upload form reader (multipart-kit behind UploadForm's checks): the first line is the
    /// Content-Type, the rest the body.
    public static func multipart(_ bytes: UnsafeBufferPointer<UInt8>) {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []
        if let parts = try? UploadForm.parse(body: body, contentType: contentType) {
            _ = try? UploadForm.filePart(in: parts)
        }
    }

    /// The schema stage's rules on arbitrary bytes as the swagger of an otherwise minimal package.
    public static func schemaStage(_ bytes: UnsafeBufferPointer<UInt8>) {
        var files = ExamplePackage.minimalFiles.map { PackageFile(path: $0.key, bytes: Array($0.value.utf8)) }
        files.removeAll { $0.path == "apiDefinition.swagger.json" }
        files.append(PackageFile(path: "apiDefinition.swagger.json", bytes: Array(bytes)))
        let input = StageInput(
            package: ConnectorPackage(name: "fuzz", files: files), options: CheckOptions(stages: [SchemaStage.stageName]))
        for rule in SchemaStage.rules {
            _ = rule.check(RuleContext(input: input, rule: rule.description))
        }
    }
}
