#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where multipart-kit 4.7.1's `MultipartParser` will find the delimiters and the header lines of
/// a body, worked out before it runs, by the same rules:
///
/// - the preamble is matched against `CRLF--boundary` with the parser's own matcher (a `-` may
///   start a match without the CRLF); the matched line must end with CRLF (no transport padding);
/// - a header line is a name of RFC 7230 token characters, a colon, a value up to the next CR, and
///   an LF; a line starting with CR (then LF) ends the headers;
/// - a part's content runs to the next `CRLF--boundary`, which must be followed by CRLF (another
///   part) or `--` (the end; the parser ignores everything after it). The parser looks at the
///   first `-` only; this scan wants both, its one rule stricter than the parser's.
///
/// A body the parser would refuse with its opaque `syntax` error is refused here with the reason
/// and the byte offset; one it would trap on (a byte of 0x80 or more in a header name indexes
/// past its 128-entry table) is refused likewise. The part count and header sizes are checked
/// against the limits before any part is collected.
struct Layout {
    var partCount: Int

    typealias Failure = UploadForm.Failure

    static func scan(_ body: UnsafeRawBufferPointer, boundary: String, limits: UploadForm.Limits) throws -> Layout {
        let count = body.count
        let name = "--\(boundary)"
        guard count > 0 else {
            throw Failure(.emptyBody, "The multipart body is empty: send the form with the zip in a file field.")
        }
        // The delimiter as the parser matches it: CRLF "--" boundary.
        let delimiter = Array("\r\n--\(boundary)".utf8)
        guard var position = preambleMatchEnd(body, delimiter: delimiter) else {
            throw Failure(
                .boundaryNotFound,
                "The multipart body (\(count) bytes) never contains the boundary line '\(UploadForm.excerpt(name))' that starts the first part: the Content-Type's boundary does not match the body's. The body starts with '\(UploadForm.excerpt(body))'."
            )
        }
        var parts = 0
        while true {
            // `position` is just after a delimiter ("--boundary"); the delimiter line ends with CRLF.
            let delimiterStart = position - name.utf8.count
            guard position < count else {
                throw truncated(
                    "The body ends right after the boundary line at byte \(delimiterStart), without the final '--' (the closing line is '\(UploadForm.excerpt(name))--')."
                )
            }
            if parts == 0 && body[position] == UInt8(ascii: "-") && position + 1 < count && body[position + 1] == UInt8(ascii: "-") {
                throw Failure(
                    .noParts, "The form has no parts: it closes ('\(UploadForm.excerpt(name))--') where its first part should start.")
            }
            guard body[position] == 13 else {
                throw delimiterFollowed(by: body, at: position, delimiterStart: delimiterStart, name: name)
            }
            guard position + 1 < count else {
                throw truncated("The body ends in the middle of the boundary line at byte \(delimiterStart).")
            }
            guard body[position + 1] == 10 else {
                throw delimiterFollowed(by: body, at: position, delimiterStart: delimiterStart, name: name)
            }
            parts += 1
            guard parts <= limits.maximumParts else {
                throw Failure(.tooManyParts, "The form has more than maximumParts (\(limits.maximumParts)) parts.")
            }
            let contentStart = try scanHeaders(body, from: position + 2, part: parts, limits: limits)
            guard let next = find(delimiter, in: body, from: contentStart) else {
                throw truncated(
                    "Part \(parts)'s content (from byte \(contentStart)) runs to the end of the body: the closing boundary '\(UploadForm.excerpt(name))--' is missing."
                )
            }
            position = next + delimiter.count
            guard position < count else {
                throw truncated(
                    "The body ends right after the boundary at byte \(next + 2), without the final '--' (the closing line is '\(UploadForm.excerpt(name))--')."
                )
            }
            if body[position] == UInt8(ascii: "-") {
                // The close delimiter, "--" after the boundary (the parser looks at the first "-"
                // only); it ignores the epilogue after it.
                guard position + 1 < count else {
                    throw truncated(
                        "The body ends in the middle of the closing boundary line at byte \(next + 2) ('\(UploadForm.excerpt(name))--').")
                }
                guard body[position + 1] == UInt8(ascii: "-") else {
                    throw delimiterFollowed(by: body, at: position, delimiterStart: next + 2, name: name)
                }
                return Layout(partCount: parts)
            }
        }
    }

    static func truncated(_ message: String) -> Failure {
        Failure(.truncated, message + " The upload is cut off or malformed.")
    }

    static func delimiterFollowed(by body: UnsafeRawBufferPointer, at position: Int, delimiterStart: Int, name: String) -> Failure {
        let next = UnsafeRawBufferPointer(rebasing: body[position..<min(body.count, position + 8)])
        return Failure(
            .malformedDelimiter,
            "The boundary '\(UploadForm.excerpt(name))' at byte \(delimiterStart) is followed by '\(UploadForm.excerpt(next))', not a CRLF (another part) or '--' (the end): either the boundary occurs inside a part's content (the sender must choose one that does not), or the delimiter line is malformed (no spaces or bare LF after it)."
        )
    }

    /// The header lines of part `part` from `start`; returns where its content starts.
    static func scanHeaders(_ body: UnsafeRawBufferPointer, from start: Int, part: Int, limits: UploadForm.Limits) throws -> Int {
        let count = body.count
        let limitEnd = start + limits.maximumHeaderBytesPerPart
        let end = min(count, limitEnd)
        /// Byte `index` is within the body and within the part's header limit, or the reason.
        func require(_ index: Int) throws {
            guard index >= end else { return }
            if limitEnd <= count {
                throw Failure(
                    .headerTooLarge,
                    "Part \(part)'s headers (from byte \(start)) are over maximumHeaderBytesPerPart (\(limits.maximumHeaderBytesPerPart)) bytes, or never end with a blank line."
                )
            }
            throw truncated("Part \(part)'s headers (from byte \(start)) are cut off: the body ends before the blank line that ends them.")
        }
        func lineExcerpt(_ from: Int) -> String {
            var to = from
            while to < count && to - from < 60 && body[to] != 13 && body[to] != 10 { to += 1 }
            return UploadForm.excerpt(UnsafeRawBufferPointer(rebasing: body[from..<to]))
        }
        func crWithoutLF(at index: Int) -> Failure {
            Failure(
                .malformedHeader,
                "Part \(part)'s headers: the CR at byte \(index) is followed by \(UploadForm.describe(body[index + 1])), not LF (lines end with CRLF)."
            )
        }
        var index = start
        while true {
            // The start of a header line, or the blank line that ends the headers.
            try require(index)
            if body[index] == 13 {
                try require(index + 1)
                guard body[index + 1] == 10 else { throw crWithoutLF(at: index) }
                return index + 2
            }
            let lineStart = index
            // The name: token characters up to a colon.
            while true {
                try require(index)
                let byte = body[index]
                if byte == UInt8(ascii: ":") && index > lineStart { break }
                guard byte < 0x80, isTokenCharacter(byte) else {
                    let what: String
                    if byte == UInt8(ascii: ":") {
                        what = "starts with a colon, without a header name"
                    } else if byte == 10 {
                        what = "ends with a bare LF at byte \(index) (lines end with CRLF)"
                    } else if byte == 13 {
                        what = "has no colon (a header line is 'Name: value')"
                    } else {
                        what =
                            "has \(UploadForm.describe(byte)) at byte \(index) in its name, where only letters, digits and !#$%&'*+-.^_`|~ are allowed (a header line is 'Name: value')"
                    }
                    throw Failure(
                        .malformedHeader, "Part \(part)'s header line at byte \(lineStart) ('\(lineExcerpt(lineStart))') \(what).")
                }
                index += 1
            }
            let nameEnd = index
            index += 1
            // The value: anything up to CR, then LF.
            while index < end && body[index] != 13 { index += 1 }
            try require(index)
            let valueEnd = index
            try require(index + 1)
            guard body[index + 1] == 10 else { throw crWithoutLF(at: index) }
            // multipart-kit turns a value that is not UTF-8 into an empty string without a word.
            let value = UnsafeRawBufferPointer(rebasing: body[(nameEnd + 1)..<valueEnd])
            if !isValidUTF8(value) {
                let headerName = UploadForm.excerpt(UnsafeRawBufferPointer(rebasing: body[lineStart..<nameEnd]))
                throw Failure(.malformedHeader, "Part \(part)'s header '\(headerName)' (at byte \(lineStart)) is not UTF-8 text.")
            }
            index += 2
        }
    }

    /// multipart-kit's preamble matcher, step for step: where its first match of the delimiter
    /// ends, or nil when it never matches. (A `-` where a match would start skips the CRLF, so a
    /// body may start with "--boundary"; a mismatch restarts at the CR or from scratch, so it can
    /// miss a match that a search would find, as in "---boundary".)
    static func preambleMatchEnd(_ body: UnsafeRawBufferPointer, delimiter: [UInt8]) -> Int? {
        var matched = 0
        var index = 0
        while matched < delimiter.count && index < body.count {
            let byte = body[index]
            index += 1
            if matched == 0 && byte == delimiter[2] {
                matched = 3
            } else if byte == delimiter[matched] {
                matched += 1
            } else if matched > 0 && byte == delimiter[0] {
                matched = 1
            } else {
                matched = 0
            }
        }
        return matched >= delimiter.count ? index : nil
    }

    /// The first `needle` (which starts with CR and has no other CR) at or after `start`. The
    /// parser's matcher in a part's content restarts at every CR, which finds exactly this.
    static func find(_ needle: [UInt8], in body: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = body.baseAddress else { return nil }
        var index = start
        while index + needle.count <= body.count {
            guard let found = memchr(base + index, Int32(needle[0]), body.count - needle.count + 1 - index) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + at, needle, needle.count) == 0 { return at }
            index = at + 1
        }
        return nil
    }

    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// RFC 7230 `tchar`, the characters multipart-kit allows in a header name.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
