import CSystemZlib

/// Deflate streams through the system zlib. Inflating is safe on hostile input: the whole input is
/// given to zlib with its real length (never a claimed buffer size), every step must consume
/// input or produce output (so a damaged stream ends in an error, never a loop), and the
/// consumer sees each chunk as it is produced, so the caller can stop at its own limits before
/// anything large is held.
public enum ZlibCodec {
    public enum Format: Sendable {
        /// Raw deflate (RFC 1951), as in zip entries.
        case raw
        /// A zlib stream (RFC 1950): header, deflate data and the Adler-32 of the output, which
        /// zlib checks (PNG image data).
        case zlib
    }

    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// The data is not a valid stream (zlib's reason in the message).
            case corrupt
            /// The input ends before the stream does.
            case truncated
        }

        public var kind: Kind
        public var message: String
        public var description: String { message }
    }

    /// The size of the chunks handed to the consumer.
    public static let chunkBytes = 64 * 1024

    /// Inflates one complete stream from `input` and returns how many input bytes it took (the
    /// caller decides whether bytes after the stream are allowed). `consumer` receives the
    /// output chunk by chunk and may throw to stop; its error is rethrown as is.
    @discardableResult
    public static func inflate(
        _ input: UnsafeRawBufferPointer, format: Format,
        consumer: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        var stream = z_stream()
        let windowBits: Int32 = format == .raw ? -MAX_WBITS : MAX_WBITS
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(kind: .corrupt, message: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkBytes)
        defer { output.deallocate() }
        // zlib's avail_in is 32 bits; inputs here are far smaller (packages are capped at 16 MiB),
        // but feed it in slices so that a larger one cannot wrap the count.
        let total = input.count
        var offset = 0
        while true {
            let slice = min(total - offset, Int(Int32.max))
            stream.next_in =
                slice > 0
                ? UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self))
                : nil
            stream.avail_in = UInt32(slice)
            stream.next_out = output.baseAddress
            stream.avail_out = UInt32(chunkBytes)
            let result = CSystemZlib.inflate(&stream, Z_NO_FLUSH)
            let consumed = slice - Int(stream.avail_in)
            let produced = chunkBytes - Int(stream.avail_out)
            offset += consumed
            if produced > 0 {
                try consumer(UnsafeBufferPointer(rebasing: output[0..<produced]))
            }
            switch result {
            case Z_STREAM_END:
                return offset
            case Z_OK:
                if consumed == 0 && produced == 0 {
                    throw Failure(kind: .corrupt, message: "the deflate stream makes no progress")
                }
            case Z_BUF_ERROR:
                // No progress was possible: with input left this cannot happen; without, the
                // stream is cut short.
                if offset >= total {
                    throw Failure(kind: .truncated, message: "the deflate stream ends early (the data is truncated)")
                }
                if consumed == 0 && produced == 0 {
                    throw Failure(kind: .corrupt, message: "the deflate stream makes no progress")
                }
            case Z_NEED_DICT:
                throw Failure(kind: .corrupt, message: "the stream needs a preset dictionary, which is not allowed here")
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(result)"
                throw Failure(kind: .corrupt, message: "the deflate stream is damaged (\(reason))")
            }
            if offset >= total && produced == 0 && result == Z_OK {
                throw Failure(kind: .truncated, message: "the deflate stream ends early (the data is truncated)")
            }
        }
    }

    /// Inflates `input` into an array, refusing to produce more than `limit` bytes.
    public static func inflate(_ input: [UInt8], format: Format, limit: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        try input.withUnsafeBytes { buffer in
            _ = try inflate(buffer, format: format) { chunk in
                if result.count + chunk.count > limit {
                    throw Failure(kind: .corrupt, message: "the stream inflates to more than \(limit) bytes")
                }
                result.append(contentsOf: chunk)
            }
        }
        return result
    }

    /// `bytes` as a zlib stream (RFC 1950: header, deflate data, Adler-32), for writing PNGs.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(UInt(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let result = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                compress2(out.baseAddress, &length, input.baseAddress, UInt(input.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound is enough by zlib's contract; Z_MEM_ERROR is the only other outcome.
        precondition(result == Z_OK, "zlib could not compress (\(result))")
        return Array(output.prefix(Int(length)))
    }

    /// The CRC-32 (ISO 3309, as in zip and PNG) of `bytes`, continuing from `start`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer, start: UInt32 = 0) -> UInt32 {
        var crc = UInt(start)
        var offset = 0
        while offset < bytes.count {
            let slice = min(bytes.count - offset, Int(UInt32.max >> 1))
            crc = CSystemZlib.crc32(crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(slice))
            offset += slice
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
