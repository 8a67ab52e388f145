import Crypto
import Foundation

/// One file of a connector package: its path inside the package (forward slashes) and its bytes.
public struct PackageFile: Sendable, Hashable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// The last path component.
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
}

/// What a file is for in a connector package.
public enum PackageRole: String, Sendable, CaseIterable, Codable {
    case swagger, properties, readme, icon, intro, script

    /// The name the certification process expects, for messages.
    public var expectedName: String {
        switch self {
        case .swagger: "apiDefinition.swagger.json"
        case .properties: "apiProperties.json"
        case .readme: "readme.md"
        case .icon: "icon.png"
        case .intro: "intro.md"
        case .script: "script.csx"
        }
    }

    /// Whether a root-level file name plays this role. Names are matched case-insensitively:
    /// the published catalogue spells its READMEs six ways and one swagger in lower case.
    func matches(_ name: String) -> Bool {
        let lower = name.lowercased()
        switch self {
        case .swagger: return lower == "apidefinition.swagger.json"
        case .properties: return lower == "apiproperties.json"
        case .readme: return lower == "readme.md"
        case .icon: return lower == "icon.png"
        case .intro: return lower == "intro.md"
        case .script: return lower.hasSuffix(".csx") || lower == "script.cs"
        }
    }
}

/// A connector package as submitted: a set of files, with the well-known ones found by role.
public struct ConnectorPackage: Sendable {
    /// A display name: the folder or zip name.
    public var name: String
    /// Every file, sorted by path.
    public var files: [PackageFile]

    public init(name: String, files: [PackageFile]) {
        self.name = name
        self.files = files.sorted { $0.path < $1.path }
    }

    /// The root-level file playing `role`, if any.
    public func file(_ role: PackageRole) -> PackageFile? {
        files.first { !$0.path.contains("/") && role.matches($0.path) }
    }

    public func file(atPath path: String) -> PackageFile? {
        files.first { $0.path == path }
    }

    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes.count } }

    /// SHA-256 over the paths and contents, independent of how the files were packed.
    public var contentHash: String {
        var hasher = SHA256()
        for file in files {
            hasher.update(data: Array(file.path.utf8))
            hasher.update(data: [0])
            withUnsafeBytes(of: UInt64(file.bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: file.bytes)
        }
        return hexString(hasher.finalize())
    }
}

/// Lowercase hexadecimal of some bytes ("0a1b…"), without Foundation's formatting.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Hex SHA-256 of some bytes.
public func sha256Hex(_ bytes: some DataProtocol) -> String {
    hexString(SHA256.hash(data: bytes))
}

/// Hex HMAC-SHA256 of `message` with `key`.
public func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
    let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
    return hexString(Data(code))
}
