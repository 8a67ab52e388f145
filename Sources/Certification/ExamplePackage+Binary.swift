import ConnectorPackage
import Foundation

/// Binary files in rule examples. `ExamplePackage.files` holds text; a PNG cannot be UTF-8 (its
/// first byte is 0x89), so a binary file is written as `ExamplePackage.binary(bytes)`, a
/// `base64:`-prefixed string, and `packageFiles` turns the example into the bytes a rule sees.
extension ExamplePackage {
    /// Marks a file's text as base64 of its bytes.
    public static let binaryPrefix = "base64:"

    /// The text that stands for `bytes` in `files`.
    public static func binary(_ bytes: [UInt8]) -> String {
        binaryPrefix + Data(bytes).base64EncodedString()
    }

    /// The example's files as a package sees them: text as UTF-8, `binary(_:)` values decoded.
    public var packageFiles: [PackageFile] {
        files.map { path, text in
            if text.hasPrefix(Self.binaryPrefix), let data = Data(base64Encoded: String(text.dropFirst(Self.binaryPrefix.count))) {
                return PackageFile(path: path, bytes: Array(data))
            }
            return PackageFile(path: path, bytes: Array(text.utf8))
        }
    }
}
