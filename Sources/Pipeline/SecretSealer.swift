import Crypto
import Foundation
import Probing
import SubmissionStore

/// Seals a run's probe settings (they hold the submitter's credentials) with the server's key,
/// AES-GCM, so that the store never holds them in the clear; they are deleted when the run ends.
/// Webhook signing secrets are sealed with the same key (`SecretSealing`).
public struct SecretSealer: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    /// The key in `path`, created (32 random bytes, mode 0600) when the file does not exist.
    public static func loadOrCreateKey(at path: String) throws -> SecretSealer {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else {
                throw CocoaError(
                    .fileReadCorruptFile,
                    userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(path): a key file holds exactly 32 bytes"])
            }
            return SecretSealer(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return SecretSealer(key: key)
    }

    public func seal(_ settings: ProbeSettings) throws -> Data {
        try seal(data: try JSONEncoder().encode(settings))
    }

    public func open(_ sealed: Data) throws -> ProbeSettings {
        try JSONDecoder().decode(ProbeSettings.self, from: open(data: sealed))
    }
}

/// The same key seals the webhook secrets the store keeps.
extension SecretSealer: SecretSealing {
    public func seal(data plain: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: key).combined else { throw CocoaError(.coderInvalidValue) }
        return combined
    }

    public func open(data sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key)
    }
}
