import MultipartKit
import NIOCore

/// A part as multipart-kit's parser reports it: its headers and its content.
struct RawPart {
    var headers: [UploadForm.Header] = []
    var body: [UInt8] = []
}

/// Runs multipart-kit's streaming `MultipartParser` over a body that `Layout.scan` accepted, in
/// chunks, collecting each part from its callbacks (`onHeader`, `onBody`, `onPartComplete`).
final class RawPartCollector {
    /// Bytes handed to the parser at a time.
    static let chunkBytes = 64 * 1024

    private var parts: [RawPart] = []
    private var current = RawPart()

    static func collect(_ body: ByteBuffer, boundary: String, expectedParts: Int) throws -> [RawPart] {
        let collector = RawPartCollector()
        // The boundary is not empty (the parser's precondition): checkBoundary refused that.
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            collector.current.headers.append(UploadForm.Header(name: name, value: trimmingTrailingWhitespace(value)))
        }
        parser.onBody = { buffer in
            collector.current.body.append(contentsOf: buffer.readableBytesView)
        }
        parser.onPartComplete = {
            collector.parts.append(collector.current)
            collector.current = RawPart()
        }
        var remaining = body
        // After the last part (its completion is the close delimiter) only the epilogue is left,
        // which the parser ignores.
        while collector.parts.count < expectedParts,
            let chunk = remaining.readSlice(length: min(chunkBytes, remaining.readableBytes)), chunk.readableBytes > 0
        {
            do {
                try parser.execute(chunk)
            } catch {
                throw UploadForm.Failure(
                    .parserDisagreement,
                    "multipart-kit refused the body (\(error)) after part \(collector.parts.count + 1) began, where the layout scan found \(expectedParts) well-formed parts."
                )
            }
        }
        guard collector.parts.count == expectedParts else {
            throw UploadForm.Failure(
                .parserDisagreement,
                "multipart-kit read \(collector.parts.count) parts where the layout scan found \(expectedParts).")
        }
        return collector.parts
    }

    static func trimmingTrailingWhitespace(_ value: String) -> String {
        var scalars = Substring(value).unicodeScalars
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
