import Foundation

/// Loads connector packages from folders and zips, enforcing `PackageLimits`.
public struct PackageLoader: Sendable {
    public var limits: PackageLimits

    public init(limits: PackageLimits = .default) {
        self.limits = limits
    }

    /// Loads a folder or a `.zip` file.
    public func load(path: String) throws(PackageError) -> ConnectorPackage {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PackageError(.notFound, "\(path): no such file or folder", path: path)
        }
        let url = URL(fileURLWithPath: path)
        if isDirectory.boolValue {
            return try loadFolder(url)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        if size > limits.maximumArchiveBytes {
            throw PackageError(
                .archiveTooLarge,
                "\(path): the zip is \(size) bytes, over the limit of \(limits.maximumArchiveBytes) bytes (maximumArchiveBytes)",
                path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackageError(.unreadable, "\(path): cannot be read", path: path)
        }
        let name = url.deletingPathExtension().lastPathComponent
        return try loadZip(data, name: name)
    }

    /// Loads the files directly in a folder (not recursively: a package is flat; subfolders
    /// are listed as package hygiene problems by the stages, not loaded).
    public func loadFolder(_ url: URL) throws(PackageError) -> ConnectorPackage {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw PackageError(.unreadable, "\(url.path): cannot list the folder", path: url.path)
        }
        var files: [PackageFile] = []
        var seen: [String: String] = [:]
        var total = 0
        var count = 0
        for name in names.sorted() where !name.hasPrefix(".") {
            count += 1
            if count > limits.maximumEntries {
                throw PackageError(
                    .tooManyEntries,
                    "\(url.path): more than \(limits.maximumEntries) files (maximumEntries)", path: url.path)
            }
            let fileURL = url.appendingPathComponent(name)
            let values = try? fileURL.resourceValues(forKeys: [.isSymbolicLinkKey, .isRegularFileKey, .fileSizeKey])
            if values?.isSymbolicLink == true {
                throw PackageError(.link, "\(name): symbolic links are not allowed in a package", path: name)
            }
            guard values?.isRegularFile == true else { continue }
            if let earlier = seen.updateValue(name, forKey: name.lowercased()) {
                throw PackageError(
                    .duplicateEntry,
                    "\(name): the folder also holds \(earlier), a name that differs only in case; keep one", path: name)
            }
            let size = values?.fileSize ?? 0
            if size > limits.maximumFileBytes {
                throw PackageError(
                    .fileTooLarge,
                    "\(name): \(size) bytes, over the limit of \(limits.maximumFileBytes) bytes a file (maximumFileBytes)",
                    path: name)
            }
            total += size
            if total > limits.maximumTotalBytes {
                throw PackageError(
                    .totalTooLarge,
                    "\(url.path): the files add up to more than \(limits.maximumTotalBytes) bytes (maximumTotalBytes)",
                    path: url.path)
            }
            guard let data = FileManager.default.contents(atPath: fileURL.path) else {
                throw PackageError(.unreadable, "\(name): cannot be read", path: name)
            }
            files.append(PackageFile(path: name, bytes: [UInt8](data)))
        }
        if files.isEmpty {
            throw PackageError(.empty, "\(url.path): the folder holds no files", path: url.path)
        }
        return ConnectorPackage(name: url.lastPathComponent, files: files)
    }

    /// Loads a zip held in memory. Entries are checked before and while they are inflated: the
    /// declared sizes are not trusted, the inflated byte count is.
    public func loadZip(_ data: Data, name: String) throws(PackageError) -> ConnectorPackage {
        if data.count > limits.maximumArchiveBytes {
            throw PackageError(
                .archiveTooLarge,
                "the zip is \(data.count) bytes, over the limit of \(limits.maximumArchiveBytes) bytes (maximumArchiveBytes)")
        }
        guard data.count >= 4, data.prefix(2) == Data([0x50, 0x4B]) else {
            throw PackageError(.notAPackage, "not a zip archive: it does not start with the zip signature 'PK'")
        }
        let archive = try ZipStructure([UInt8](data), maximumEntries: limits.maximumEntries)
        var files: [PackageFile] = []
        // Paths compared without case: Windows and macOS, where connectors are made, see
        // `README.md` and `readme.md` as one file, and the package's roles are found without
        // case, so two such entries would let one be checked while the other is published.
        var seen: [String: String] = [:]
        var total = 0
        for entry in archive.entries {
            let path = entry.path
            try checkSafe(path)
            if Self.isPackingNoise(path) { continue }
            if entry.isSymbolicLink {
                throw PackageError(.link, "\(path): links are not allowed in a package zip", path: path)
            }
            if entry.isDirectory { continue }
            if let earlier = seen.updateValue(path, forKey: path.lowercased()) {
                let message =
                    earlier == path
                    ? "\(path): the zip holds this path twice"
                    : "\(path): the zip also holds \(earlier), a name that differs only in case; keep one"
                throw PackageError(.duplicateEntry, message, path: path)
            }
            let declared = entry.uncompressedSize
            if declared > limits.maximumFileBytes {
                throw PackageError(
                    .fileTooLarge,
                    "\(path): \(declared) bytes uncompressed, over the limit of \(limits.maximumFileBytes) bytes a file (maximumFileBytes)",
                    path: path)
            }
            let compressed = max(entry.compressedSize, 1)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(min(declared, limits.maximumFileBytes))
            let fileLimit = limits.maximumFileBytes
            let ratioLimit = limits.maximumCompressionRatio
            let remaining = limits.maximumTotalBytes - total
            try archive.extract(entry) { (chunk) throws(PackageError) in
                bytes.append(contentsOf: chunk)
                if bytes.count > fileLimit {
                    throw PackageError(
                        .fileTooLarge,
                        "\(path): inflates to more than \(fileLimit) bytes (maximumFileBytes)", path: path)
                }
                if bytes.count > remaining {
                    throw PackageError(
                        .totalTooLarge,
                        "the zip inflates to more than \(limits.maximumTotalBytes) bytes in all (maximumTotalBytes)",
                        path: path)
                }
                if bytes.count > 1024 && bytes.count / compressed > ratioLimit {
                    throw PackageError(
                        .compressionRatio,
                        "\(path): inflates more than \(ratioLimit) times its compressed size (maximumCompressionRatio); refused as a zip bomb",
                        path: path)
                }
            }
            total += bytes.count
            files.append(PackageFile(path: path, bytes: bytes))
        }
        if files.isEmpty {
            throw PackageError(.empty, "the zip holds no files")
        }
        return ConnectorPackage(name: name, files: Self.strippingCommonFolder(files))
    }

    /// Refuses absolute paths, `..` components and backslash tricks.
    func checkSafe(_ path: String) throws(PackageError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.hasPrefix("/") || path.hasPrefix("\\") || path.contains("\\")
            || components.contains("..") || path.contains("\0")
            || (path.count >= 2 && path.dropFirst().first == ":")
        {
            throw PackageError(
                .unsafePath, "\(path): entry paths must be relative and stay inside the package (no '..', no absolute paths)",
                path: path)
        }
    }

    /// Files that archivers add on their own (macOS resource forks and Finder metadata).
    static func isPackingNoise(_ path: String) -> Bool {
        path.hasPrefix("__MACOSX/") || path == ".DS_Store" || path.hasSuffix("/.DS_Store")
    }

    /// A zip made by zipping the connector's folder has every file under one folder; the
    /// package is that folder's content.
    static func strippingCommonFolder(_ files: [PackageFile]) -> [PackageFile] {
        guard !files.contains(where: { !$0.path.contains("/") }) else { return files }
        let firsts = Set(files.map { $0.path.split(separator: "/").first.map(String.init) ?? "" })
        guard firsts.count == 1, let prefix = firsts.first, !prefix.isEmpty else { return files }
        return files.map { PackageFile(path: String($0.path.dropFirst(prefix.count + 1)), bytes: $0.bytes) }
    }
}
