/// The named limits a package must stay within. Every refusal names the limit it hit.
public struct PackageLimits: Sendable, Hashable {
    /// Sum of the uncompressed sizes of all files.
    public var maximumTotalBytes: Int
    /// Uncompressed size of any one file. The certification rule for swaggers is 1 MB; this
    /// limit is the intake's and is higher, so that an oversized swagger gets a finding rather
    /// than a refusal.
    public var maximumFileBytes: Int
    /// Number of entries (files and folders) in a zip, or files in a folder.
    public var maximumEntries: Int
    /// Uncompressed size divided by compressed size, for any one zip entry (zip bombs).
    public var maximumCompressionRatio: Int
    /// Size of the zip itself.
    public var maximumArchiveBytes: Int

    public init(
        maximumTotalBytes: Int, maximumFileBytes: Int, maximumEntries: Int,
        maximumCompressionRatio: Int, maximumArchiveBytes: Int
    ) {
        self.maximumTotalBytes = maximumTotalBytes
        self.maximumFileBytes = maximumFileBytes
        self.maximumEntries = maximumEntries
        self.maximumCompressionRatio = maximumCompressionRatio
        self.maximumArchiveBytes = maximumArchiveBytes
    }

    public static let `default` = PackageLimits(
        maximumTotalBytes: 32 * 1024 * 1024,
        maximumFileBytes: 8 * 1024 * 1024,
        maximumEntries: 256,
        maximumCompressionRatio: 200,
        maximumArchiveBytes: 16 * 1024 * 1024)
}

/// Why a package was refused at intake. Each case says what and where.
public struct PackageError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case notFound = "not-found"
        case unreadable
        case notAPackage = "not-a-package"
        case archiveTooLarge = "archive-too-large"
        case totalTooLarge = "total-too-large"
        case fileTooLarge = "file-too-large"
        case tooManyEntries = "too-many-entries"
        case compressionRatio = "compression-ratio"
        case unsafePath = "unsafe-path"
        case link
        case duplicateEntry = "duplicate-entry"
        case corruptArchive = "corrupt-archive"
        case empty
    }

    public var kind: Kind
    public var message: String
    /// The file or zip entry concerned, when there is one.
    public var path: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String { message }
}
