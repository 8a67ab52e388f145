/// A fast, non-cryptographic hash of a byte string, shared by the parser and `JSONObject`
/// lookups (which hash the queried key's UTF-8), so both agree. Keys are compared byte for byte
/// after a hash match, never trusted.
///
/// Defined on 8-byte little-endian words: `step` for each whole word, then `finish` with the
/// remaining 0-7 bytes zero-padded. The parser computes it on the words its string scan loads
/// anyway (see `Parser.parseString`), so hashing an ASCII string costs almost nothing more.
enum ByteHash {
    @inline(__always)
    static func step(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let x = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        return x << 31 | x >> 33
    }

    @inline(__always)
    static func finish(_ h: UInt64, tail: UInt64, count: Int) -> UInt32 {
        // The final avalanche (MurmurHash3's fmix64) makes the low bits used as table indexes
        // depend on every byte.
        var x = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        return UInt32(truncatingIfNeeded: x)
    }

    @inline(__always)
    static func word(_ bytes: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    static func word32(_ bytes: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt32.self)))
    }

    /// The last `count % 8` bytes as a zero-padded word, read without going past the end.
    @inline(__always)
    static func tail(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        let rest = count & 7
        if rest == 0 { return 0 }
        if count >= 8 { return word(bytes, count &- 8) >> ((8 &- rest) << 3) }
        if rest >= 4 { return word32(bytes, 0) | (word32(bytes, rest &- 4) >> ((8 &- rest) << 3)) << 32 }
        var value: UInt64 = 0
        for k in 0..<rest { value |= UInt64(bytes[k]) << (k << 3) }
        return value
    }

    static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        var h: UInt64 = 0
        var k = 0
        while k &+ 8 <= count {
            h = step(h, word(bytes, k))
            k &+= 8
        }
        return finish(h, tail: tail(bytes, count), count: count)
    }

    /// The hash of a string's UTF-8.
    static func hash(_ string: String) -> UInt32 {
        if let hash = string.utf8.withContiguousStorageIfAvailable({ hash($0) }) {
            return hash
        }
        return Array(string.utf8).withUnsafeBufferPointer { hash($0) }
    }

    static func hash(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return finish(0, tail: 0, count: 0) }
        return hash(base, buffer.count)
    }
}

/// Byte-wise equality of two strings' UTF-8 (not Swift's canonical equivalence).
@inline(__always)
func sameUTF8(_ a: String, _ b: String) -> Bool {
    let x = a.utf8
    let y = b.utf8
    // O(1) for native strings, and most different keys differ in length.
    guard x.count == y.count else { return false }
    let equal = x.withContiguousStorageIfAvailable { p in
        y.withContiguousStorageIfAvailable { q in
            p.isEmpty || memoryEqual(p.baseAddress!, q.baseAddress!, p.count)
        }
    }
    if let equal, let equal { return equal }
    return x.elementsEqual(y)
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    // Short keys dominate: whole words, the last one overlapping, instead of calling memcmp.
    if count >= 8 {
        var k = 0
        while k &+ 8 < count {
            if ByteHash.word(a, k) != ByteHash.word(b, k) { return false }
            k &+= 8
        }
        return ByteHash.word(a, count &- 8) == ByteHash.word(b, count &- 8)
    }
    if count >= 4 {
        return ByteHash.word32(a, 0) == ByteHash.word32(b, 0) && ByteHash.word32(a, count &- 4) == ByteHash.word32(b, count &- 4)
    }
    for k in 0..<count where a[k] != b[k] { return false }
    return true
}

/// Recently made strings of one parse, by their bytes in the input: swaggers repeat the same
/// keys ("type", "description", ...) and many values thousands of times, and a hit costs less
/// than validating, allocating (and later freeing) a new `String`; the repeats share storage.
/// Direct-mapped and lossy: a miss replaces the slot's string, so a lookup is one probe and the
/// cache never grows. Nothing depends on hits (keys are compared by hash, then bytes).
/// The input buffer outlives the cache, so slots point into it.
struct StringCache: ~Copyable {
    struct Slot {
        var bytes: UnsafePointer<UInt8>
        /// -1 when empty.
        var count: Int32
        var hash: UInt32
        var string: String
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int

    /// `capacity`: a power of two.
    init(capacity: Int) {
        mask = capacity &- 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(bytes: UnsafePointer(bitPattern: 0x1)!, count: -1, hash: 0, string: ""), count: capacity)
    }

    deinit {
        slots.deinitialize(count: mask &+ 1)
        slots.deallocate()
    }

    /// The string of `count` bytes of valid UTF-8 at `bytes`, which stay in place for the
    /// cache's lifetime; `count` must fit in an Int32.
    @inline(__always)
    mutating func string(_ bytes: UnsafePointer<UInt8>, _ count: Int, hash: UInt32) -> String {
        let slot = slots + (Int(hash) & mask)
        if slot.pointee.hash == hash && Int(slot.pointee.count) == count && memoryEqual(slot.pointee.bytes, bytes, count) {
            return slot.pointee.string
        }
        return replace(slot, bytes, count, hash: hash)
    }

    private func replace(_ slot: UnsafeMutablePointer<Slot>, _ bytes: UnsafePointer<UInt8>, _ count: Int, hash: UInt32) -> String {
        let string = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        slot.pointee = Slot(bytes: bytes, count: Int32(truncatingIfNeeded: count), hash: hash, string: string)
        return string
    }
}
