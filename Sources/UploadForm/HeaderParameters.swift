/// A header value with parameters, as Content-Type and Content-Disposition are:
/// `value *( OWS ";" OWS name "=" ( token / quoted-string ) )` (RFC 9110 5.6.6, RFC 7578 4.2).
///
/// Names are compared without case. A quoted string ends at the first `"` not escaped; only `\"`
/// (unless that quote is the last thing before `;` or the end) and `\\` are escapes, any other
/// backslash is itself: browsers send a file name's backslashes as
/// they are (WHATWG HTML, form-data encoding) and percent-encode its quotes and line breaks, which
/// are left encoded here. `filename*` (RFC 5987) is not decoded: RFC 7578 4.2 says not to send it.
struct HeaderParameters {
    struct SyntaxError: Error {
        var reason: String
    }

    var value: String
    var parameters: [String: String]

    static func parse(_ text: String) throws -> HeaderParameters {
        let bytes = Array(text.utf8)
        var index = 0
        func skipWhitespace() {
            while index < bytes.count && (bytes[index] == 32 || bytes[index] == 9) { index += 1 }
        }
        func string(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
        /// Whether the quote at `quote` ends the value: only white space, then `;` or the end, follow
        /// it. Then a backslash before it is the value's own last character, as browsers send a
        /// name or file name that ends in a backslash (`name="dir\"`), not an escape.
        func closesTheValue(_ quote: Int) -> Bool {
            var next = quote + 1
            while next < bytes.count && (bytes[next] == 32 || bytes[next] == 9) { next += 1 }
            return next == bytes.count || bytes[next] == UInt8(ascii: ";")
        }

        skipWhitespace()
        let valueStart = index
        while index < bytes.count && bytes[index] != UInt8(ascii: ";") { index += 1 }
        var valueEnd = index
        while valueEnd > valueStart && (bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9) { valueEnd -= 1 }
        var parameters: [String: String] = [:]
        while index < bytes.count {
            // At a ";".
            index += 1
            skipWhitespace()
            if index == bytes.count || bytes[index] == UInt8(ascii: ";") { continue }
            let nameStart = index
            while index < bytes.count && bytes[index] != UInt8(ascii: "=") && bytes[index] != UInt8(ascii: ";") { index += 1 }
            var nameEnd = index
            while nameEnd > nameStart && (bytes[nameEnd - 1] == 32 || bytes[nameEnd - 1] == 9) { nameEnd -= 1 }
            let name = string(nameStart, nameEnd).lowercased()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw SyntaxError(reason: "the parameter '\(UploadForm.excerpt(name))' has no '=' and value")
            }
            guard !name.isEmpty else { throw SyntaxError(reason: "a parameter has no name before its '='") }
            index += 1
            skipWhitespace()
            var parameterValue: [UInt8] = []
            if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        index += 1
                        break
                    }
                    if byte == UInt8(ascii: "\\"), index + 1 < bytes.count,
                        bytes[index + 1] == UInt8(ascii: "\\")
                            || (bytes[index + 1] == UInt8(ascii: "\"") && !closesTheValue(index + 1))
                    {
                        index += 1
                    }
                    parameterValue.append(bytes[index])
                    index += 1
                }
                guard closed else { throw SyntaxError(reason: "the quoted value of '\(UploadForm.excerpt(name))' has no closing quote") }
                skipWhitespace()
                guard index == bytes.count || bytes[index] == UInt8(ascii: ";") else {
                    throw SyntaxError(reason: "the quoted value of '\(UploadForm.excerpt(name))' is followed by more than a ';'")
                }
            } else {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: ";") { index += 1 }
                var end = index
                while end > start && (bytes[end - 1] == 32 || bytes[end - 1] == 9) { end -= 1 }
                parameterValue = Array(bytes[start..<end])
            }
            guard parameters[name] == nil else {
                throw SyntaxError(reason: "the parameter '\(UploadForm.excerpt(name))' is given twice")
            }
            parameters[name] = String(decoding: parameterValue, as: UTF8.self)
        }
        return HeaderParameters(value: string(valueStart, valueEnd), parameters: parameters)
    }
}
