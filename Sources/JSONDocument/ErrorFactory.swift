/// Builds parse errors. Errors are rare, so positions are computed here by scanning the text
/// from its start, independently of the parser's running line tracking.
enum ErrorFactory {
    static func bomLength(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
    }

    /// Line (LF-separated) and column (Unicode scalars, BOM not counted) of a byte offset.
    static func position(_ buffer: UnsafeBufferPointer<UInt8>, _ offset: Int) -> SourcePosition {
        let start = bomLength(buffer)
        let end = min(max(offset, start), buffer.count)
        var line = 1
        var lineStart = start
        var k = start
        while k < end {
            if buffer[k] == 0x0A {
                line += 1
                lineStart = k + 1
            }
            k += 1
        }
        var column = 1
        k = lineStart
        while k < end {
            if buffer[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return SourcePosition(line: line, column: column, offset: offset)
    }

    static func make(_ kind: JSONParseError.Kind, _ buffer: UnsafeBufferPointer<UInt8>, at offset: Int, _ message: String) -> JSONParseError
    {
        JSONParseError(kind: kind, message: message, position: position(buffer, offset))
    }

    static func invalidUTF8(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> JSONParseError {
        let byte = buffer[offset]
        let hex = String(byte, radix: 16, uppercase: true)
        return make(
            .invalidUTF8, buffer, at: offset,
            "Invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" : "")\(hex)): JSON text must be UTF-8; save the file as UTF-8.")
    }

    /// "'x'", "U+2003 EM SPACE", "the end of the text".
    static func describe(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        guard offset < buffer.count else { return "the end of the text" }
        let byte = buffer[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        guard let base = buffer.baseAddress, let scalar = UTF8Check.scalar(base, buffer.count, at: offset) else {
            return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
        return describe(scalar)
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        if let name = scalar.properties.name ?? scalar.properties.nameAlias {
            return "U+\(hex) \(name)"
        }
        return "U+\(hex)"
    }

    /// An error for a byte that is not ASCII where ASCII syntax was expected.
    static func nonASCII(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int, expected: String) -> JSONParseError {
        guard let base = buffer.baseAddress, let scalar = UTF8Check.scalar(base, buffer.count, at: offset) else {
            return invalidUTF8(buffer, at: offset)
        }
        let what = describe(scalar)
        if scalar.properties.isWhitespace || scalar.value == 0xFEFF || scalar.value == 0x200B {
            return make(
                .unexpectedCharacter, buffer, at: offset,
                "Unexpected \(what): JSON whitespace is only space, tab, line feed and carriage return; replace it with spaces.")
        }
        if scalar.value == 0x201C || scalar.value == 0x201D {
            return make(
                .unexpectedCharacter, buffer, at: offset,
                "Unexpected \(what): JSON strings use the straight double quote '\"'.")
        }
        return make(.unexpectedCharacter, buffer, at: offset, "Unexpected \(what): expected \(expected).")
    }

    static func bracketText(_ isObject: Bool) -> (open: String, close: String) {
        isObject ? ("'{'", "'}'") : ("'['", "']'")
    }

    /// The identifier-like word at `offset`, for messages about bad literals.
    static func word(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        var end = offset
        while end < buffer.count, end - offset < 24 {
            let byte = buffer[end]
            let isWordByte =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
                || byte == 0x2D
            if !isWordByte { break }
            end += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<max(end, offset + 1)]), as: UTF8.self)
    }
}
