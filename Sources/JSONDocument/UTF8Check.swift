enum UTF8Check {
    /// The length of the valid UTF-8 sequence starting at `offset` (whose byte is >= 0x80),
    /// or nil when it is not valid (overlong, surrogate, beyond U+10FFFF, truncated, stray
    /// continuation byte).
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafePointer<UInt8>, _ count: Int, at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return nil
        }
        guard offset + length <= count else { return nil }
        let second = bytes[offset + 1]
        guard second >= low && second <= high else { return nil }
        if length > 2 {
            guard bytes[offset + 2] & 0xC0 == 0x80 else { return nil }
            if length > 3 {
                guard bytes[offset + 3] & 0xC0 == 0x80 else { return nil }
            }
        }
        return length
    }

    /// The offset of the first invalid UTF-8 sequence at or after `start`, or nil.
    static func firstInvalid(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let bytes = buffer.baseAddress else { return nil }
        let count = buffer.count
        var i = start
        while i < count {
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(bytes, count, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// The scalar whose valid sequence starts at `offset`.
    static func scalar(_ bytes: UnsafePointer<UInt8>, _ count: Int, at offset: Int) -> Unicode.Scalar? {
        let lead = bytes[offset]
        if lead < 0x80 { return Unicode.Scalar(lead) }
        guard let length = sequenceLength(bytes, count, at: offset) else { return nil }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            value = value << 6 | UInt32(bytes[offset + k] & 0x3F)
        }
        return Unicode.Scalar(value)
    }
}
