/// The byte-level parser. Iterative: open containers live on explicit stacks, so deep nesting
/// costs heap, never call stack. Finished containers are moved into exactly-sized arrays.
/// Strings are hashed (`ByteHash`) as they are scanned: the hash finds repeated strings in a
/// per-parse `StringCache`, finds duplicate keys without comparing strings, and builds the
/// lookup index of large objects.
struct Parser: ~Copyable {
    // Not private: a private type held in a `RawStack` (a generic ~Copyable struct with a
    // deinit) crashes Swift 6.3 in debug builds ("Global is external, but doesn't have external
    // or weak linkage").
    struct Frame {
        var isObject: Bool
        var start: SourcePosition
        /// `values.count` when the container opened.
        var valueBase: Int
        /// `members.count` when the container opened.
        var memberBase: Int
    }

    /// A key whose value is being parsed. The member is pushed once the value is complete, so
    /// that it is built once instead of with a placeholder value that is then replaced. A tuple,
    /// not a struct, so that taking it apart moves the key instead of copying it.
    typealias PendingKey = (key: String, position: SourcePosition, hash: UInt32)

    /// Why a value is expected, for error messages.
    private enum Context {
        case root, afterOpenArray, afterComma, afterColon
    }

    private let buffer: UnsafeBufferPointer<UInt8>
    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private let maximumDepth: Int

    private var i = 0
    private var line = 1
    /// Offset of the first byte of the current line (after the BOM on line 1).
    private var lineStart = 0
    /// UTF-8 continuation bytes between `lineStart` and `i` (they are not columns).
    private var continuationBytes = 0

    private(set) var hasByteOrderMark = false
    private(set) var duplicates: [DuplicateKey] = []

    private var values = RawStack<JSONValue>(initialCapacity: 64)
    private var members = RawStack<JSONObject.Member>(initialCapacity: 64)
    /// The `ByteHash` of each key in `members`: keys are compared by hash first, so that
    /// duplicate detection rarely compares strings.
    private var memberHashes = RawStack<UInt32>(initialCapacity: 64)
    private var pendingKeys = RawStack<PendingKey>(initialCapacity: 16)
    private var frames = RawStack<Frame>(initialCapacity: 16)
    private var strings: StringCache
    private var scratch: [UInt8] = []

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    /// Longer strings (long descriptions) rarely repeat: not caching them keeps the cache for the
    /// strings that do, and `StringCache`'s 32-bit lengths exact.
    private static let cacheLimit = 256

    init(buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.buffer = buffer
        // An empty buffer may have no address; it is never read (count is 0).
        self.bytes = buffer.baseAddress ?? UnsafePointer(bitPattern: 0x1)!
        self.count = buffer.count
        self.maximumDepth = limits.maximumDepth
        // Swaggers have a new distinct string every few hundred bytes; small texts get a small cache.
        var capacity = 64
        while capacity < buffer.count / 256 && capacity < 4096 { capacity <<= 1 }
        self.strings = StringCache(capacity: capacity)
    }

    // MARK: - Document

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            hasByteOrderMark = true
            i = 3
            lineStart = 3
        }
        skipWhitespace()
        if i >= count {
            throw fail(.emptyDocument, at: i, "The document is empty: a JSON text needs a value, such as an object '{...}'.")
        }
        var context = Context.root
        var value: JSONValue
        let root: JSONValue
        parsing: while true {
            // A value is expected at `i` (whitespace already skipped).
            guard i < count else { throw valueExpected(context) }
            let start = i
            switch bytes[start] {
            case Self.quote:
                let position = self.position(start)
                value = JSONValue(.string(try parseString().string), position: position)
            case UInt8(ascii: "{"):
                try checkDepth(start)
                let position = self.position(start)
                i &+= 1
                skipWhitespace()
                if i < count && bytes[i] == UInt8(ascii: "}") {
                    i &+= 1
                    value = JSONValue(.object(JSONObject(members: [], index: nil)), position: position)
                } else {
                    frames.push(Frame(isObject: true, start: position, valueBase: values.count, memberBase: members.count))
                    try parseKey(afterComma: false)
                    context = .afterColon
                    continue parsing
                }
            case UInt8(ascii: "["):
                try checkDepth(start)
                let position = self.position(start)
                i &+= 1
                skipWhitespace()
                if i < count && bytes[i] == UInt8(ascii: "]") {
                    i &+= 1
                    value = JSONValue(.array([]), position: position)
                } else {
                    frames.push(Frame(isObject: false, start: position, valueBase: values.count, memberBase: members.count))
                    context = .afterOpenArray
                    continue parsing
                }
            case UInt8(ascii: "t"):
                guard matches(0x74, 0x72, 0x75, 0x65) else { throw invalidLiteral(at: start) }
                value = JSONValue(.bool(true), position: position(start))
                i &+= 4
            case UInt8(ascii: "f"):
                guard matches(0x61, 0x6C, 0x73, 0x65, from: start &+ 1) else { throw invalidLiteral(at: start) }
                value = JSONValue(.bool(false), position: position(start))
                i &+= 5
            case UInt8(ascii: "n"):
                guard matches(0x6E, 0x75, 0x6C, 0x6C) else { throw invalidLiteral(at: start) }
                value = JSONValue(.null, position: position(start))
                i &+= 4
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let position = self.position(start)
                value = JSONValue(.number(try parseNumber()), position: position)
            default:
                throw valueExpected(context)
            }

            // A value is complete: attach it to its container, then read ',' or closing brackets.
            while true {
                if frames.count == 0 {
                    root = consume value
                    break parsing
                }
                let top = frames.top
                if top.isObject {
                    let (key, keyPosition, hash) = pendingKeys.pop()
                    // `consume`: moved, not copied (a retain now and a release when `value` is reassigned).
                    members.push(JSONObject.Member(key: key, keyPosition: keyPosition, value: consume value))
                    memberHashes.push(hash)
                } else {
                    values.push(consume value)
                }
                skipWhitespace()
                guard i < count else { throw separatorExpected(top) }
                let byte = bytes[i]
                if byte == UInt8(ascii: ",") {
                    i &+= 1
                    skipWhitespace()
                    if top.isObject {
                        try parseKey(afterComma: true)
                        context = .afterColon
                    } else {
                        context = .afterComma
                    }
                    continue parsing
                }
                if byte == (top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i &+= 1
                    _ = frames.pop()
                    if top.isObject {
                        value = closeObject(top)
                    } else {
                        value = JSONValue(.array(values.moveToArray(from: top.valueBase)), position: top.start)
                    }
                    continue
                }
                throw separatorExpected(top)
            }
        }
        let rootEnd = i
        skipWhitespace()
        if i < count { throw trailingContent(root: root, rootEnd: rootEnd) }
        return root
    }

    // MARK: - Objects

    /// Reads `"key" :` at `i` (whitespace skipped); the key waits in `pendingKeys` for its value.
    private mutating func parseKey(afterComma: Bool) throws(JSONParseError) {
        guard i < count, bytes[i] == Self.quote else { throw keyExpected(afterComma: afterComma) }
        let keyPosition = position(i)
        let (key, hash) = try parseString()
        skipWhitespace()
        guard i < count, bytes[i] == UInt8(ascii: ":") else { throw colonExpected(key: key) }
        pendingKeys.push((key, keyPosition, hash))
        i &+= 1
        skipWhitespace()
    }

    /// Finds the duplicate keys, builds the lookup index of a large object, and moves the
    /// members into the object. Of a duplicated key only the last member stays in the object
    /// (the others are in `duplicates`).
    private mutating func closeObject(_ frame: Frame) -> JSONValue {
        let base = frame.memberBase
        let n = members.count &- base
        var index: [Int32]? = nil
        var found: [(first: Int, duplicate: Int)] = []
        if n > JSONObject.indexThreshold {
            // The index doubles as the duplicate check: a key already in it is a duplicate.
            index = MemberIndex.build(
                count: n, duplicates: &found,
                hash: { memberHashes[base &+ $0] },
                sameKey: { sameUTF8(members[base &+ $0].key, members[base &+ $1].key) })
        } else if n > 1 {
            for k in 1..<n {
                let hash = memberHashes[base &+ k]
                for j in 0..<k where memberHashes[base &+ j] == hash && sameUTF8(members[base &+ j].key, members[base &+ k].key) {
                    found.append((j, k))
                    break
                }
            }
        }
        for (first, duplicate) in found {
            recordDuplicate(frame, first: first, duplicate: duplicate)
        }
        memberHashes.removeAll(from: base)
        var list = members.moveToArray(from: base)
        if !found.isEmpty {
            // The last member of a key wins, as in most readers (Python, JavaScript, Json.NET):
            // every member that a later one repeats is left out. Rare: rebuild the index.
            var shadowed = Set<Int>()
            var latest: [Int: Int] = [:]
            for (first, duplicate) in found {
                shadowed.insert(latest[first] ?? first)
                latest[first] = duplicate
            }
            list = list.indices.filter { !shadowed.contains($0) }.map { list[$0] }
            return JSONValue(.object(JSONObject(members: list)), position: frame.start)
        }
        return JSONValue(.object(JSONObject(members: list, index: index)), position: frame.start)
    }

    /// `frame` has been popped; the frames still on the stack lead to it, and each object among
    /// them has one pending key, the one whose value holds `frame`.
    private mutating func recordDuplicate(_ frame: Frame, first: Int, duplicate: Int) {
        var tokens: [String] = []
        tokens.reserveCapacity(frames.count)
        var objects = 0
        for k in 0..<frames.count {
            let parent = frames[k]
            let child = k &+ 1 < frames.count ? frames[k &+ 1] : frame
            if parent.isObject {
                tokens.append(pendingKeys[objects].key)
                objects &+= 1
            } else {
                tokens.append(String(child.valueBase &- parent.valueBase))
            }
        }
        let firstMember = members[frame.memberBase &+ first]
        let duplicateMember = members[frame.memberBase &+ duplicate]
        duplicates.append(
            DuplicateKey(
                key: duplicateMember.key, pointer: JSONPointer(tokens: tokens),
                first: firstMember.keyPosition, duplicate: duplicateMember.keyPosition))
    }

    // MARK: - Scalars

    @inline(__always)
    private func matches(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
        matches(a, b, c, d, from: i)
    }

    @inline(__always)
    private func matches(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, from k: Int) -> Bool {
        k &+ 4 <= count && bytes[k] == a && bytes[k &+ 1] == b && bytes[k &+ 2] == c && bytes[k &+ 3] == d
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    /// RFC 8259 number grammar; the error positions are those where Python stops.
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = i
        var j = i
        if bytes[j] == UInt8(ascii: "-") { j &+= 1 }
        guard j < count, Self.isDigit(bytes[j]) else {
            throw fail(.invalidNumber, at: start, "Invalid number: '-' must be followed by digits.")
        }
        if bytes[j] == UInt8(ascii: "0") {
            j &+= 1
        } else {
            j &+= 1
            while j < count && Self.isDigit(bytes[j]) { j &+= 1 }
        }
        if j < count && bytes[j] == UInt8(ascii: ".") {
            guard j &+ 1 < count, Self.isDigit(bytes[j &+ 1]) else {
                throw fail(.invalidNumber, at: j, "Invalid number: a '.' must be followed by digits (write 1.0, not 1.).")
            }
            j &+= 2
            while j < count && Self.isDigit(bytes[j]) { j &+= 1 }
        }
        if j < count && bytes[j] | 0x20 == UInt8(ascii: "e") {
            var k = j &+ 1
            if k < count && (bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-")) { k &+= 1 }
            guard k < count, Self.isDigit(bytes[k]) else {
                throw fail(.invalidNumber, at: j, "Invalid number: an exponent must have digits (write 1e5).")
            }
            k &+= 1
            while k < count && Self.isDigit(bytes[k]) { k &+= 1 }
            j = k
        }
        if j < count {
            let next = bytes[j]
            if Self.isDigit(next) {
                throw fail(
                    .invalidNumber, at: j, "Invalid number: leading zeros are not allowed; remove them or quote the value as a string.")
            }
            if next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") {
                throw fail(.invalidNumber, at: j, "Invalid number: unexpected \(ErrorFactory.describe(buffer, at: j)) in a number.")
            }
        }
        i = j
        return String(decoding: UnsafeBufferPointer(start: bytes + start, count: j &- start), as: UTF8.self)
    }

    // MARK: - Strings

    /// Non-zero when one of the 8 bytes is '"', '\\', a control character or not ASCII; the
    /// lowest flagged byte is always a real one (borrows only propagate upwards).
    @inline(__always)
    private static func specialMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let slashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasSlash = (slashes &- ones) & ~slashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasSlash | hasControl | word) & highs
    }

    /// Reads the string whose opening quote is at `i`, with the `ByteHash` of its UTF-8.
    @inline(__always)
    private mutating func parseString() throws(JSONParseError) -> (string: String, hash: UInt32) {
        let start = i &+ 1
        // Fast path: ASCII without escapes, scanned 8 bytes at a time and hashed on the way.
        var h: UInt64 = 0
        var j = start
        while j &+ 8 <= count {
            let word = ByteHash.word(bytes, j)
            let mask = Self.specialMask(word)
            if mask != 0 {
                let t = mask.trailingZeroBitCount >> 3
                if bytes[j &+ t] == Self.quote {
                    let length = j &+ t &- start
                    i = j &+ t &+ 1
                    // The bytes before the quote, zero-padded, are `ByteHash`'s tail word.
                    let hash = ByteHash.finish(h, tail: word & ((1 &<< (t &<< 3)) &- 1), count: length)
                    return (makeString(start, length, hash: hash), hash)
                }
                break
            }
            h = ByteHash.step(h, word)
            j &+= 8
        }
        return try parseStringSlowly(quote: i, start: start)
    }

    /// The string of `length` bytes at `start`, valid UTF-8 without escapes.
    @inline(__always)
    private mutating func makeString(_ start: Int, _ length: Int, hash: UInt32) -> String {
        if length <= Self.cacheLimit {
            return strings.string(bytes + start, length, hash: hash)
        }
        return String(decoding: UnsafeBufferPointer(start: bytes + start, count: length), as: UTF8.self)
    }

    /// A string with non-ASCII characters, escapes or an error, or at the very end of the text.
    private mutating func parseStringSlowly(quote: Int, start: Int) throws(JSONParseError) -> (string: String, hash: UInt32) {
        var j = start
        while true {
            while j &+ 8 <= count {
                let word = ByteHash.word(bytes, j)
                let mask = Self.specialMask(word)
                if mask != 0 {
                    j &+= mask.trailingZeroBitCount >> 3
                    break
                }
                j &+= 8
            }
            guard j < count else { throw unterminatedString(quote) }
            let byte = bytes[j]
            if byte == Self.quote {
                i = j &+ 1
                let length = j &- start
                let hash = ByteHash.hash(bytes + start, length)
                return (makeString(start, length, hash: hash), hash)
            }
            if byte == Self.backslash {
                let string = try parseEscapedString(quote: quote, start: start, escape: j)
                return (string, scratch.withUnsafeBufferPointer { ByteHash.hash($0) })
            }
            if byte < 0x20 { throw controlCharacter(at: j) }
            if byte >= 0x80 {
                guard let length = UTF8Check.sequenceLength(bytes, count, at: j) else {
                    throw ErrorFactory.invalidUTF8(buffer, at: j)
                }
                continuationBytes &+= length &- 1
                j &+= length
                continue
            }
            j &+= 1
        }
    }

    @inline(__always)
    private func hex4(at k: Int) -> UInt32? {
        guard k &+ 4 <= count else { return nil }
        var value: UInt32 = 0
        for n in 0..<4 {
            let byte = bytes[k &+ n]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- 0x57
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- 0x37
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The slow path for a string with escapes, from the first backslash at `escape`. Runs of
    /// bytes without escapes are copied whole.
    private mutating func parseEscapedString(quote: Int, start: Int, escape: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        /// The first byte not yet copied to `scratch`.
        var run = start
        var j = escape
        while j < count {
            while j &+ 8 <= count {
                let mask = Self.specialMask(ByteHash.word(bytes, j))
                if mask != 0 {
                    j &+= mask.trailingZeroBitCount >> 3
                    break
                }
                j &+= 8
            }
            guard j < count else { break }
            let byte = bytes[j]
            if byte == Self.quote {
                scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: j &- run))
                i = j &+ 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == Self.backslash {
                scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: j &- run))
                guard j &+ 1 < count else { break }
                let escaped = bytes[j &+ 1]
                switch escaped {
                case Self.quote, Self.backslash, UInt8(ascii: "/"): scratch.append(escaped)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    // Like Python: four hex digits and at least one more character must follow.
                    guard let unit = hex4(at: j &+ 2), j &+ 6 < count else { throw invalidUnicodeEscape(at: j &+ 1) }
                    j &+= 6
                    var scalar = unit
                    if unit & 0xFC00 == 0xD800 {
                        scalar = 0xFFFD
                        if j &+ 1 < count && bytes[j] == Self.backslash && bytes[j &+ 1] == UInt8(ascii: "u") {
                            guard let low = hex4(at: j &+ 2), j &+ 6 < count else { throw invalidUnicodeEscape(at: j &+ 1) }
                            if low & 0xFC00 == 0xDC00 {
                                scalar = 0x10000 &+ ((unit &- 0xD800) << 10) &+ (low &- 0xDC00)
                                j &+= 6
                            }
                        }
                    } else if unit & 0xFC00 == 0xDC00 {
                        scalar = 0xFFFD
                    }
                    appendUTF8(scalar)
                    run = j
                    continue
                default:
                    throw invalidEscape(at: j)
                }
                j &+= 2
                run = j
                continue
            }
            if byte < 0x20 { throw controlCharacter(at: j) }
            if byte >= 0x80 {
                guard let length = UTF8Check.sequenceLength(bytes, count, at: j) else {
                    throw ErrorFactory.invalidUTF8(buffer, at: j)
                }
                continuationBytes &+= length &- 1
                j &+= length
                continue
            }
            j &+= 1
        }
        throw unterminatedString(quote)
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: - Whitespace and positions

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < count {
            let byte = bytes[i]
            if byte > 0x20 { return }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                i &+= 1
            } else if byte == 0x0A {
                i &+= 1
                line &+= 1
                lineStart = i
                continuationBytes = 0
                // Indentation: skip the run of spaces 8 bytes at a time, the first non-space byte
                // of the word found by its trailing zero bits.
                while i &+ 8 <= count {
                    let notSpaces = ByteHash.word(bytes, i) ^ 0x2020_2020_2020_2020
                    if notSpaces != 0 {
                        i &+= notSpaces.trailingZeroBitCount >> 3
                        break
                    }
                    i &+= 8
                }
            } else {
                return
            }
        }
    }

    @inline(__always)
    private func position(_ offset: Int) -> SourcePosition {
        SourcePosition(line: line, column: offset &- lineStart &- continuationBytes &+ 1, offset: offset)
    }

    @inline(__always)
    private func checkDepth(_ offset: Int) throws(JSONParseError) {
        if frames.count >= maximumDepth {
            throw fail(
                .depthLimitExceeded, at: offset,
                "Arrays and objects are nested more than \(maximumDepth) levels deep here: flatten the document.")
        }
    }

    // MARK: - Errors

    private func fail(_ kind: JSONParseError.Kind, at offset: Int, _ message: String) -> JSONParseError {
        ErrorFactory.make(kind, buffer, at: offset, message)
    }

    private func openedAt(_ frame: Frame) -> String {
        let (open, _) = ErrorFactory.bracketText(frame.isObject)
        return "the \(open) opened at line \(frame.start.line), column \(frame.start.column)"
    }

    private func valueExpected(_ context: Context) -> JSONParseError {
        guard i < count else {
            switch context {
            case .root: return fail(.emptyDocument, at: i, "The document is empty: a JSON text needs a value.")
            case .afterOpenArray:
                return fail(.unexpectedEndOfInput, at: i, "The text ends inside an array: add its elements and the closing ']'.")
            case .afterComma:
                return fail(.unexpectedEndOfInput, at: i, "The text ends after ',': add the next element and the closing ']'.")
            case .afterColon:
                return fail(.unexpectedEndOfInput, at: i, "The text ends after ':': add the member's value and the closing '}'.")
            }
        }
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            let found = byte == UInt8(ascii: "]") ? "']'" : "'}'"
            guard frames.count > 0 else {
                return fail(.unbalancedBracket, at: i, "Unexpected \(found): nothing is open to close; remove it.")
            }
            if context == .afterComma && byte == UInt8(ascii: "]") {
                return fail(.trailingComma, at: i, "Trailing comma before ']': remove the comma after the last element.")
            }
            if context == .afterColon && byte == UInt8(ascii: "}") {
                return fail(.unexpectedCharacter, at: i, "Missing value before '}': add a value after ':' or remove the member.")
            }
            let top = frames.top
            let (_, close) = ErrorFactory.bracketText(top.isObject)
            return fail(.unbalancedBracket, at: i, "Unexpected \(found): \(openedAt(top)) must be closed with \(close) first.")
        case UInt8(ascii: ","):
            return fail(
                .unexpectedCharacter, at: i, "Unexpected ',': a value is expected here; remove the extra comma or add the missing value.")
        case UInt8(ascii: "'"):
            return fail(.unexpectedCharacter, at: i, "Unexpected \"'\": JSON strings use double quotes.")
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return invalidLiteral(at: i)
        case 0x80...:
            return ErrorFactory.nonASCII(buffer, at: i, expected: "a value")
        default:
            return fail(
                .unexpectedCharacter, at: i,
                "Unexpected \(ErrorFactory.describe(buffer, at: i)): a value is expected here (an object, array, string, number, true, false or null)."
            )
        }
    }

    private func invalidLiteral(at offset: Int) -> JSONParseError {
        let word = ErrorFactory.word(buffer, at: offset)
        return fail(
            .invalidLiteral, at: offset,
            "Invalid literal '\(word)': the literals are true, false and null, in lowercase; write text as a string in double quotes.")
    }

    private func keyExpected(afterComma: Bool) -> JSONParseError {
        guard i < count else {
            return fail(
                .unexpectedEndOfInput, at: i, "The text ends where a property name is expected: add the member and the closing '}'.")
        }
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "}") where afterComma:
            return fail(.trailingComma, at: i, "Trailing comma before '}': remove the comma after the last member.")
        case UInt8(ascii: "]"):
            return fail(.unbalancedBracket, at: i, "Unexpected ']': \(openedAt(frames.top)) must be closed with '}' first.")
        case UInt8(ascii: ","):
            return fail(
                .unexpectedCharacter, at: i, "Unexpected ',': a property name in double quotes is expected; remove the extra comma.")
        case UInt8(ascii: "'"):
            return fail(.unexpectedCharacter, at: i, "Property names must be in double quotes, not single quotes.")
        case 0x80...:
            return ErrorFactory.nonASCII(buffer, at: i, expected: "a property name in double quotes")
        default:
            return fail(
                .unexpectedCharacter, at: i, "Expected a property name in double quotes, found \(ErrorFactory.describe(buffer, at: i)).")
        }
    }

    private func colonExpected(key: String) -> JSONParseError {
        guard i < count else {
            return fail(.unexpectedEndOfInput, at: i, "The text ends after the property name \"\(key)\": add ':' and its value.")
        }
        if bytes[i] >= 0x80, ErrorFactory.nonASCII(buffer, at: i, expected: "':'").kind == .invalidUTF8 {
            return ErrorFactory.invalidUTF8(buffer, at: i)
        }
        return fail(
            .missingColon, at: i,
            "Expected ':' after the property name \"\(key)\", found \(ErrorFactory.describe(buffer, at: i)): put a colon between the name and its value."
        )
    }

    /// After a value inside `top`, neither ',' nor the matching closing bracket follows.
    private func separatorExpected(_ top: Frame) -> JSONParseError {
        let (_, close) = ErrorFactory.bracketText(top.isObject)
        guard i < count else {
            return fail(.unbalancedBracket, at: i, "The text ends before \(openedAt(top)) is closed: add the missing \(close).")
        }
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            let found = byte == UInt8(ascii: "]") ? "']'" : "'}'"
            return fail(.unbalancedBracket, at: i, "Unexpected \(found): \(openedAt(top)) must be closed with \(close) first.")
        case Self.quote:
            if top.isObject {
                return fail(.missingComma, at: i, "Missing ',' before this property name: separate the members of an object with commas.")
            }
            return fail(.missingComma, at: i, "Missing ',' before this value: separate the elements of an array with commas.")
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            if top.isObject {
                return fail(
                    .unexpectedCharacter, at: i,
                    "Unexpected \(ErrorFactory.describe(buffer, at: i)): expected ',' and a property name in double quotes, or '}'.")
            }
            return fail(.missingComma, at: i, "Missing ',' before this value: separate the elements of an array with commas.")
        case 0x80...:
            return ErrorFactory.nonASCII(buffer, at: i, expected: "',' or \(close)")
        default:
            return fail(.unexpectedCharacter, at: i, "Unexpected \(ErrorFactory.describe(buffer, at: i)): expected ',' or \(close).")
        }
    }

    /// Something follows the root value, which ended just before `rootEnd`.
    private func trailingContent(root: JSONValue, rootEnd: Int) -> JSONParseError {
        let byte = bytes[i]
        let found = ErrorFactory.describe(buffer, at: i)
        let rootIsContainer = root.array != nil || root.object != nil
        if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || (rootIsContainer && byte == UInt8(ascii: ",")) {
            // The root closed too early: an extra closing bracket somewhere before.
            var message = "Unexpected \(found) after the end of the document"
            if rootIsContainer {
                let closed = ErrorFactory.position(buffer, rootEnd &- 1)
                let (open, _) = ErrorFactory.bracketText(root.object != nil)
                message +=
                    ": the root \(open) (line \(root.position.line), column \(root.position.column)) was already closed at line \(closed.line), column \(closed.column); remove the extra closing bracket before this point."
            } else {
                message += ": it closes nothing; remove it."
            }
            return fail(.unbalancedBracket, at: i, message)
        }
        if byte >= 0x80 {
            let error = ErrorFactory.nonASCII(buffer, at: i, expected: "the end of the text")
            if error.kind == .invalidUTF8 || error.message.contains("whitespace") { return error }
        }
        return fail(
            .trailingContent, at: i, "Unexpected \(found) after the end of the JSON value: remove it, or put several values in an array.")
    }

    private func unterminatedString(_ quote: Int) -> JSONParseError {
        fail(.unexpectedEndOfInput, at: quote, "Unterminated string: the string that starts here has no closing '\"'.")
    }

    private func controlCharacter(at offset: Int) -> JSONParseError {
        let byte = bytes[offset]
        let message: String
        switch byte {
        case 0x09: message = "A raw tab (U+0009) inside a string: write it as \\t, or remove it."
        case 0x0A:
            message =
                "A raw line feed (U+000A) inside a string: a string ends on the line it starts; add the closing '\"' or write the line break as \\n."
        case 0x0D: message = "A raw carriage return (U+000D) inside a string: write it as \\r, or close the string."
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            let code = (hex.count == 1 ? "000" : "00") + hex
            message = "A raw control character U+\(code) inside a string: write it as \\u\(code), or remove it."
        }
        return fail(.controlCharacterInString, at: offset, message)
    }

    private func invalidEscape(at offset: Int) -> JSONParseError {
        let what = ErrorFactory.describe(buffer, at: offset &+ 1)
        return fail(
            .invalidEscape, at: offset,
            "Invalid escape: a backslash followed by \(what); the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a literal backslash as \\\\."
        )
    }

    private func invalidUnicodeEscape(at offset: Int) -> JSONParseError {
        fail(.invalidUnicodeEscape, at: offset, "Invalid \\u escape: '\\u' must be followed by four hexadecimal digits, as in \\u00E9.")
    }
}
