import Foundation
import ZIPFoundation

extension ConnectorPackage {
    /// The package as a zip, for uploading a folder: every file at the zip's root, deflated.
    public func zipData() throws -> Data {
        let archive = try Archive(accessMode: .create)
        for file in files {
            let data = Data(file.bytes)
            try archive.addEntry(
                with: file.path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                })
        }
        guard let data = archive.data else {
            throw PackageError(.unreadable, "the package could not be packed into a zip")
        }
        return data
    }
}
