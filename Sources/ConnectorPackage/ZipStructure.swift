import ZlibCodec

/// The structure of a zip archive, read from its bytes with every offset, size and count checked
/// against the archive before it is used: a hostile or damaged zip is refused with a reason,
/// never trusted into a crash or a loop (the reader ZIPFoundation ships trusts the central
/// directory's offsets and traps on ones past the end, and its Linux inflater tells zlib a
/// full buffer is there when it is not). Inflating is zlib's, through `ZlibCodec`.
///
/// What is read: the end-of-central-directory record (and its ZIP64 form), the central
/// directory, and each entry's local header. What is refused: archives split over several
/// disks, encrypted entries, compression other than stored and deflate, entries whose data
/// lies outside the archive, overlaps another entry or the central directory, and local
/// headers whose name differs from the central directory's (two readers could then see two
/// different packages in one zip).
struct ZipStructure {
    struct Entry {
        var path: String
        var isDirectory: Bool
        var isSymbolicLink: Bool
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        /// Where the entry's data starts and ends in the archive.
        var dataRange: Range<Int>
        /// Where the entry's local header starts.
        var headerOffset: Int
    }

    static let stored: UInt16 = 0
    static let deflated: UInt16 = 8

    let bytes: [UInt8]
    private(set) var entries: [Entry] = []

    /// Reads the structure; `maximumEntries` is checked against the declared count before any
    /// entry is read.
    init(_ bytes: [UInt8], maximumEntries: Int) throws(PackageError) {
        self.bytes = bytes
        let end = try Self.findEnd(bytes)
        var directoryOffset = Int(Self.u32(bytes, end + 16))
        var directorySize = Int(Self.u32(bytes, end + 12))
        var count = Int(Self.u16(bytes, end + 10))
        let disk = Self.u16(bytes, end + 4)
        let directoryDisk = Self.u16(bytes, end + 6)
        let countOnDisk = Self.u16(bytes, end + 8)
        var directoryLimit = end
        if directoryOffset == 0xFFFF_FFFF || directorySize == 0xFFFF_FFFF || count == 0xFFFF {
            let zip64 = try Self.readZip64End(bytes, before: end)
            directoryOffset = zip64.offset
            directorySize = zip64.size
            count = zip64.count
            directoryLimit = zip64.recordStart
        } else if disk != 0 || directoryDisk != 0 || Int(countOnDisk) != count {
            throw Self.corrupt("the zip spans several disks (a split archive); make a single-file zip")
        }
        if count > maximumEntries {
            throw PackageError(.tooManyEntries, "the zip has \(count) entries, more than \(maximumEntries) (maximumEntries)")
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= directoryLimit,
            directorySize <= directoryLimit - directoryOffset
        else {
            throw Self.corrupt(
                "its central directory lies outside the file (offset \(directoryOffset), \(directorySize) bytes, in a file of \(bytes.count) bytes)"
            )
        }
        // Entries with 46-byte headers cannot outnumber what the directory can hold.
        if count > directorySize / 46 {
            throw Self.corrupt("its central directory declares \(count) entries but has room for \(directorySize / 46)")
        }
        var position = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            guard position + 46 <= directoryEnd, Self.u32(bytes, position) == 0x0201_4B50 else {
                throw Self.corrupt("central directory entry \(index + 1) of \(count) is missing or damaged (at byte \(position))")
            }
            let madeBy = Self.u16(bytes, position + 4)
            let flags = Self.u16(bytes, position + 8)
            let method = Self.u16(bytes, position + 10)
            let crc = Self.u32(bytes, position + 16)
            var compressed = Int(Self.u32(bytes, position + 20))
            var uncompressed = Int(Self.u32(bytes, position + 24))
            let nameLength = Int(Self.u16(bytes, position + 28))
            let extraLength = Int(Self.u16(bytes, position + 30))
            let commentLength = Int(Self.u16(bytes, position + 32))
            let entryDisk = Self.u16(bytes, position + 34)
            let external = Self.u32(bytes, position + 38)
            var headerOffset = Int(Self.u32(bytes, position + 42))
            let nameStart = position + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= directoryEnd else {
                throw Self.corrupt("central directory entry \(index + 1) runs past the end of the directory")
            }
            let nameBytes = Array(bytes[nameStart..<extraStart])
            let path = Self.decodeName(nameBytes, utf8Flag: flags & 0x0800 != 0)
            // ZIP64 extended information: the fields that overflowed, in this order.
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || headerOffset == 0xFFFF_FFFF {
                guard let extra = Self.extraField(0x0001, in: bytes, extraStart..<(extraStart + extraLength)) else {
                    throw Self.corrupt("\(path): its sizes are in a ZIP64 field that is missing", path: path)
                }
                var cursor = extra.lowerBound
                func next64() throws(PackageError) -> Int {
                    guard cursor + 8 <= extra.upperBound else {
                        throw Self.corrupt("\(path): its ZIP64 field is too short", path: path)
                    }
                    let value = Self.u64(bytes, cursor)
                    cursor += 8
                    guard value <= UInt64(Int32.max) else {
                        throw Self.corrupt("\(path): its ZIP64 field declares \(value) bytes", path: path)
                    }
                    return Int(value)
                }
                if uncompressed == 0xFFFF_FFFF { uncompressed = try next64() }
                if compressed == 0xFFFF_FFFF { compressed = try next64() }
                if headerOffset == 0xFFFF_FFFF { headerOffset = try next64() }
            }
            if entryDisk != 0 && entryDisk != 0xFFFF {
                throw Self.corrupt("\(path): the entry is on another disk of a split archive", path: path)
            }
            if flags & 0x0001 != 0 {
                throw PackageError(.notAPackage, "\(path): the entry is encrypted; a package zip must not be encrypted", path: path)
            }
            // Unix file type in the upper half of the external attributes (made on Unix: 3; macOS: 19).
            let host = madeBy >> 8
            let mode = (external >> 16) & 0o170000
            let isLink = (host == 3 || host == 19) && mode == 0o120000
            let isDirectory =
                path.hasSuffix("/") || ((host == 3 || host == 19) && mode == 0o040000)
                || (host == 0 && external & 0x10 != 0)
            if method != Self.stored && method != Self.deflated && !isDirectory {
                throw PackageError(
                    .notAPackage,
                    "\(path): compressed with method \(method); a package zip may use only stored (0) or deflate (8)", path: path)
            }
            // The local header: inside the archive, before the central directory, and naming the
            // same path.
            guard headerOffset <= directoryOffset - 30, Self.u32(bytes, headerOffset) == 0x0403_4B50 else {
                throw Self.corrupt("\(path): its local header is missing or outside the archive (offset \(headerOffset))", path: path)
            }
            let localNameLength = Int(Self.u16(bytes, headerOffset + 26))
            let localExtraLength = Int(Self.u16(bytes, headerOffset + 28))
            let dataStart = headerOffset + 30 + localNameLength + localExtraLength
            guard dataStart <= directoryOffset, compressed <= directoryOffset - dataStart else {
                throw Self.corrupt(
                    "\(path): its data runs past the start of the central directory (a truncated or damaged zip)", path: path)
            }
            guard localNameLength == nameLength, bytes[(headerOffset + 30)..<(headerOffset + 30 + nameLength)].elementsEqual(nameBytes)
            else {
                throw Self.corrupt("\(path): the local header names a different path than the central directory", path: path)
            }
            entries.append(
                Entry(
                    path: path, isDirectory: isDirectory, isSymbolicLink: isLink, method: method, crc32: crc,
                    compressedSize: compressed, uncompressedSize: uncompressed,
                    dataRange: dataStart..<(dataStart + compressed), headerOffset: headerOffset))
            position = next
        }
        // No two entries may share bytes: overlapping entries are how one small zip claims to hold
        // many large files, and how two readers are made to disagree.
        let ordered = entries.sorted { $0.headerOffset < $1.headerOffset }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) where earlier.dataRange.upperBound > later.headerOffset {
            throw Self.corrupt("\(later.path): its bytes overlap those of \(earlier.path)", path: later.path)
        }
        self.entries = entries
    }

    /// Inflates (or copies) one entry, handing the output to `consumer` as it comes, and checks
    /// the declared size and CRC-32 at the end.
    func extract(_ entry: Entry, consumer: (UnsafeBufferPointer<UInt8>) throws(PackageError) -> Void) throws(PackageError) {
        var produced = 0
        var crc: UInt32 = 0
        do {
            try bytes.withUnsafeBytes { archive in
                let data = UnsafeRawBufferPointer(rebasing: archive[entry.dataRange])
                if entry.method == Self.stored {
                    let chunk = data.bindMemory(to: UInt8.self)
                    produced = chunk.count
                    crc = ZlibCodec.crc32(data)
                    try consumer(chunk)
                } else {
                    let used = try ZlibCodec.inflate(data, format: .raw) { chunk in
                        produced += chunk.count
                        crc = ZlibCodec.crc32(UnsafeRawBufferPointer(chunk), start: crc)
                        try consumer(chunk)
                    }
                    if used != data.count {
                        throw Self.corrupt(
                            "\(entry.path): \(data.count - used) bytes follow the end of its compressed data", path: entry.path)
                    }
                }
            }
        } catch let error as PackageError {
            throw error
        } catch let error as ZlibCodec.Failure {
            throw Self.corrupt("\(entry.path): cannot be inflated: \(error.message)", path: entry.path)
        } catch {
            throw Self.corrupt("\(entry.path): cannot be inflated (\(error))", path: entry.path)
        }
        if produced != entry.uncompressedSize {
            throw Self.corrupt(
                "\(entry.path): inflated to \(produced) bytes but the zip declares \(entry.uncompressedSize)", path: entry.path)
        }
        if crc != entry.crc32 {
            throw Self.corrupt("\(entry.path): its CRC-32 does not match its content (the zip is damaged)", path: entry.path)
        }
    }

    // MARK: - Records

    /// The end-of-central-directory record: the last one in the file whose comment fits.
    private static func findEnd(_ bytes: [UInt8]) throws(PackageError) -> Int {
        guard bytes.count >= 22 else { throw corrupt("it is too short to be a zip (\(bytes.count) bytes)") }
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while position >= lowest {
            if bytes[position] == 0x50, u32(bytes, position) == 0x0605_4B50,
                position + 22 + Int(u16(bytes, position + 20)) <= bytes.count
            {
                return position
            }
            position -= 1
        }
        throw corrupt("its central directory is missing (no end-of-central-directory record; the zip is truncated or not a zip)")
    }

    private static func readZip64End(_ bytes: [UInt8], before end: Int) throws(PackageError) -> (
        offset: Int, size: Int, count: Int, recordStart: Int
    ) {
        let locator = end - 20
        guard locator >= 56, u32(bytes, locator) == 0x0706_4B50 else {
            throw corrupt("its end record points to a ZIP64 record that is missing")
        }
        let recordOffset = u64(bytes, locator + 8)
        guard recordOffset <= UInt64(locator - 56), u32(bytes, Int(recordOffset)) == 0x0606_4B50 else {
            throw corrupt("its ZIP64 end record is missing or outside the file")
        }
        let record = Int(recordOffset)
        let disk = u32(bytes, record + 16)
        let directoryDisk = u32(bytes, record + 20)
        let countOnDisk = u64(bytes, record + 24)
        let count = u64(bytes, record + 32)
        let size = u64(bytes, record + 40)
        let offset = u64(bytes, record + 48)
        guard disk == 0, directoryDisk == 0, countOnDisk == count else {
            throw corrupt("the zip spans several disks (a split archive); make a single-file zip")
        }
        let limit = UInt64(Int32.max)
        guard count <= limit, size <= limit, offset <= limit else {
            throw corrupt("its ZIP64 end record declares sizes no package has")
        }
        return (Int(offset), Int(size), Int(count), record)
    }

    /// The range of the data of extra field `id` within `range`, if present and whole.
    private static func extraField(_ id: UInt16, in bytes: [UInt8], _ range: Range<Int>) -> Range<Int>? {
        var position = range.lowerBound
        while position + 4 <= range.upperBound {
            let fieldID = u16(bytes, position)
            let length = Int(u16(bytes, position + 2))
            let start = position + 4
            guard start + length <= range.upperBound else { return nil }
            if fieldID == id { return start..<(start + length) }
            position = start + length
        }
        return nil
    }

    /// UTF-8 when flagged or valid; otherwise code page 437 as the zip format says, of which the
    /// ASCII half is what package names use (the rest is mapped to Latin-1 for a readable name).
    private static func decodeName(_ name: [UInt8], utf8Flag: Bool) -> String {
        if let text = String(validating: name, as: UTF8.self) { return text }
        return String(decoding: name.map { UInt16($0) }, as: UTF16.self)
    }

    private static func corrupt(_ message: String, path: String? = nil) -> PackageError {
        PackageError(.corruptArchive, "the zip cannot be read: \(message)", path: path)
    }

    // Little-endian reads; callers have checked the bounds, and these check them again.
    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return 0 }
        return UInt64(u32(bytes, at)) | UInt64(u32(bytes, at + 4)) << 32
    }
}
