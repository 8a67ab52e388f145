import Foundation

/// Finds credentials in text, in whatever form an API may echo them, and replaces them with `***`.
///
/// From every credential value it takes the values to look for:
/// - the value itself; for basic credentials (`user:password`) also the password alone; for a
///   value given as `Bearer TOKEN` also the token alone; for a value given percent-encoded also
///   the decoded value;
/// - the base64 of each of those (standard and URL-safe alphabets, with and without padding).
///
/// Each of these is matched character by character, and each character that is not a letter or a
/// digit may appear as itself or in any of its encodings, in any mix:
/// - percent-encoded (`%2F`, `%2f`, and encoded twice, `%252F`); a space also as `+` (form
///   encoding). So every URL encoder is covered, whichever reserved characters it keeps;
/// - JSON-escaped: `\"`, `\\`, `\/`, `\n` and the other short escapes, `\u00XX` for any ASCII
///   character (HTML-safe encoders escape `<>&='` so), `\uXXXX` (a surrogate pair past U+FFFF)
///   for any other;
/// - HTML-escaped: `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;`, `&#xHH;`.
/// Hex digits match in either case.
///
/// Short values would mangle every text they appear in, so a value (or a password or token taken
/// from one) shorter than `minimumSecretLength` characters is not looked for. Where text was cut
/// short, the start of a secret can be left at the cut: the start of any value above, of at least
/// `minimumSecretLength` characters, is redacted too when it stands right before `…` or `...`, and
/// when it ends an excerpt made by `excerpt(_:limit:bodyWasCut:)`.
struct SecretRedactor: Sendable {
    /// The fewest characters a secret, or the start of one left at a cut, must have to be redacted.
    static let minimumSecretLength = 3
    static let mask = "***"

    /// One way to write one character of a secret: the bytes, and which of them are hex digits
    /// that match in either case (stored in lower case).
    struct Spelling: Sendable, Hashable {
        var bytes: [UInt8]
        var caseless: [Bool]
    }

    /// A value to look for: for each of its characters, every way to write it.
    struct Pattern: Sendable, Hashable {
        var characters: [[Spelling]]
        /// The most bytes the pattern can take.
        var longest: Int
        /// Bytes that can start a match.
        var firstBytes: Set<UInt8>
    }

    let patterns: [Pattern]
    /// The most bytes any pattern can take.
    let longest: Int

    /// - Parameters:
    ///   - values: the credential values as given.
    ///   - basic: those of them that are `user:password`.
    init(values: [String], basic: Set<String> = []) {
        var sources: [String] = []
        for value in values {
            sources.append(value)
            if basic.contains(value), let colon = value.firstIndex(of: ":") {
                sources.append(String(value[value.index(after: colon)...]))
            }
            if value.lowercased().hasPrefix("bearer ") {
                sources.append(String(value.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
            }
        }
        for source in sources {
            if let decoded = source.removingPercentEncoding, decoded != source { sources.append(decoded) }
        }
        var all: [String] = []
        for source in sources where source.count >= Self.minimumSecretLength {
            all.append(source)
            all += Self.base64Forms(source)
        }
        var seen = Set<String>()
        let unique = all.filter { seen.insert($0).inserted }
        patterns = unique.map(Self.pattern).sorted { $0.longest > $1.longest }
        longest = patterns.map(\.longest).max() ?? 0
    }

    var isEmpty: Bool { patterns.isEmpty }

    // MARK: Redacting

    /// The text with every secret, and every start of one left before a cut mark, replaced by `***`.
    func redact(_ text: String) -> String {
        guard !patterns.isEmpty, !text.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var ranges = matches(in: bytes)
        ranges += cutPrefixes(in: bytes)
        guard !ranges.isEmpty else { return text }
        return String(decoding: Self.replacing(Self.merged(ranges), in: bytes, upTo: bytes.count).bytes, as: UTF8.self)
    }

    /// Whether the text holds a secret.
    func contains(_ text: String) -> Bool {
        !patterns.isEmpty && !matches(in: Array(text.utf8)).isEmpty
    }

    /// The first `limit` bytes of a body as text, secrets redacted. The secrets are found before
    /// the body is cut (in a window past `limit` long enough for any of them), so one that spans
    /// the cut is replaced whole; and when the text is cut, a start of a secret left at its end
    /// is dropped (as it is when `bodyWasCut` says the body itself was cut short, by a size
    /// limit). `cut` tells whether anything of the body was left out here.
    func excerpt(_ body: [UInt8], limit: Int, bodyWasCut: Bool = false) -> (text: String, cut: Bool) {
        let window = Array(body.prefix(limit + longest))
        let ranges = Self.merged(matches(in: window))
        var (bytes, stoppedAt) = Self.replacing(ranges, in: window, upTo: limit)
        let cut = stoppedAt < body.count
        if cut || bodyWasCut {
            Self.dropIncompleteCharacter(&bytes)
            if let start = secretStartAtEnd(of: bytes) { bytes.removeSubrange(start...) }
        }
        return (String(decoding: bytes, as: UTF8.self), cut)
    }

    /// The ranges of `bytes` that are secrets, longest match at each start.
    func matches(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for pattern in patterns {
            var start = 0
            while start < bytes.count {
                if pattern.firstBytes.contains(bytes[start]), let end = Self.match(pattern, in: bytes, at: start) {
                    ranges.append(start..<end)
                    start = end
                } else {
                    start += 1
                }
            }
        }
        return ranges
    }

    /// Starts of secrets standing right before a cut mark (`…` or `...`).
    func cutPrefixes(in bytes: [UInt8]) -> [Range<Int>] {
        let ellipsis: [UInt8] = [0xE2, 0x80, 0xA6]
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            let isMark = bytes[index...].starts(with: ellipsis) || bytes[index...].starts(with: [0x2E, 0x2E, 0x2E])
            if isMark, index > 0, let start = secretStartAtEnd(of: bytes[..<index]) {
                ranges.append(start..<index)
            }
            index += 1
        }
        return ranges
    }

    /// Where the longest start of a secret (at least `minimumSecretLength` characters of it, the
    /// last one possibly cut inside its encoding) that ends the text begins.
    func secretStartAtEnd(of bytes: ArraySlice<UInt8>) -> Int? {
        guard !patterns.isEmpty else { return nil }
        let end = bytes.endIndex
        for start in max(bytes.startIndex, end - longest)..<end {
            for pattern in patterns where pattern.firstBytes.contains(bytes[start]) {
                if Self.prefixLength(pattern, in: bytes, from: start) >= Self.minimumSecretLength { return start }
            }
        }
        return nil
    }

    func secretStartAtEnd(of bytes: [UInt8]) -> Int? {
        secretStartAtEnd(of: bytes[...])
    }

    // MARK: Matching

    /// Whether `spelling` is written at `index` of `bytes`; `partial` accepts it cut short by the end.
    static func writes(_ spelling: Spelling, in bytes: ArraySlice<UInt8>, at index: Int, partial: Bool = false) -> Bool {
        let available = bytes.endIndex - index
        if available < spelling.bytes.count && !(partial && available > 0) { return false }
        for offset in 0..<min(available, spelling.bytes.count) {
            var byte = bytes[index + offset]
            if spelling.caseless[offset], byte >= 0x41, byte <= 0x5A { byte += 0x20 }
            if byte != spelling.bytes[offset] { return false }
        }
        return true
    }

    /// The end of the longest match of the pattern starting at `start`, if any. Every character
    /// may be written several ways, so the possible positions are followed as a set.
    static func match(_ pattern: Pattern, in bytes: [UInt8], at start: Int) -> Int? {
        let slice = bytes[...]
        var positions: Set<Int> = [start]
        for spellings in pattern.characters {
            var next = Set<Int>()
            for position in positions {
                for spelling in spellings where writes(spelling, in: slice, at: position) {
                    next.insert(position + spelling.bytes.count)
                }
            }
            if next.isEmpty { return nil }
            positions = next
        }
        return positions.max()
    }

    /// How many characters of the pattern the bytes from `start` to their end write, the last
    /// one possibly cut inside its spelling; 0 when they are not a start of the pattern.
    static func prefixLength(_ pattern: Pattern, in bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        let end = bytes.endIndex
        var positions: Set<Int> = [start]
        for (count, spellings) in pattern.characters.enumerated() {
            var next = Set<Int>()
            for position in positions {
                for spelling in spellings {
                    if position + spelling.bytes.count >= end {
                        // Reaches the end: a start of the pattern when it agrees up to there.
                        if writes(spelling, in: bytes, at: position, partial: true) { return count + 1 }
                    } else if writes(spelling, in: bytes, at: position) {
                        next.insert(position + spelling.bytes.count)
                    }
                }
            }
            if next.isEmpty { return 0 }
            positions = next
        }
        return 0
    }

    /// Overlapping and touching ranges joined, in order.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The bytes before `limit` with each range replaced by `***`; a range that starts before
    /// `limit` is replaced whole, and the copy stops after it. Returns where the copy stopped.
    static func replacing(_ ranges: [Range<Int>], in bytes: [UInt8], upTo limit: Int) -> (bytes: [UInt8], stoppedAt: Int) {
        var result: [UInt8] = []
        var index = 0
        var pending = ranges[...]
        let limit = min(limit, bytes.count)
        while index < limit {
            if let range = pending.first, range.lowerBound <= index {
                pending = pending.dropFirst()
                if range.upperBound <= index { continue }
                result += mask.utf8
                index = range.upperBound
                if index >= limit { return (result, index) }
                continue
            }
            let stop = min(limit, pending.first?.lowerBound ?? limit)
            result += bytes[index..<stop]
            index = stop
        }
        return (result, index)
    }

    /// Drops a UTF-8 sequence the cut left incomplete at the end.
    static func dropIncompleteCharacter(_ bytes: inout [UInt8]) {
        var index = bytes.count - 1
        var continuations = 0
        while index >= 0, bytes[index] & 0xC0 == 0x80, continuations < 3 {
            index -= 1
            continuations += 1
        }
        guard index >= 0 else { return }
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        if continuations + 1 < length { bytes.removeSubrange(index...) }
    }

    // MARK: Spellings

    static func base64Forms(_ text: String) -> [String] {
        let standard = Data(text.utf8).base64EncodedString()
        let unpadded = standard.replacingOccurrences(of: "=", with: "")
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return [standard, unpadded, urlSafe, urlSafe.replacingOccurrences(of: "=", with: "")]
    }

    static func pattern(_ text: String) -> Pattern {
        let characters = text.unicodeScalars.map(spellings)
        var first = Set<UInt8>()
        for spelling in characters.first ?? [] {
            let byte = spelling.bytes[0]
            first.insert(byte)
            if spelling.caseless[0], byte >= 0x61, byte <= 0x7A { first.insert(byte - 0x20) }
        }
        return Pattern(
            characters: characters, longest: characters.reduce(0) { $0 + ($1.map(\.bytes.count).max() ?? 0) },
            firstBytes: first)
    }

    /// Every way to write one character of a secret.
    static func spellings(_ scalar: Unicode.Scalar) -> [Spelling] {
        func plain(_ text: String) -> Spelling {
            Spelling(bytes: Array(text.utf8), caseless: Array(repeating: false, count: text.utf8.count))
        }
        /// An escape whose hex digits (and the x of `&#x`) match in either case. These escapes
        /// hold no other letters but the u of `\u`, which JSON writes in lower case only.
        func escape(_ text: String) -> Spelling {
            let bytes = Array(text.lowercased().utf8)
            return Spelling(bytes: bytes, caseless: bytes.map { (0x61...0x66).contains($0) || $0 == UInt8(ascii: "x") })
        }
        func hex(_ value: UInt32, digits: Int) -> String {
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        let literal = plain(String(scalar))
        if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) { return [literal] }
        var result = [literal]
        let utf8 = Array(String(scalar).utf8)
        // Percent-encoded, once and twice; a space as + too (form encoding).
        result.append(escape(utf8.map { "%" + hex(UInt32($0), digits: 2) }.joined()))
        result.append(escape(utf8.map { "%25" + hex(UInt32($0), digits: 2) }.joined()))
        if scalar == " " { result.append(plain("+")) }
        // JSON-escaped.
        let short: [Unicode.Scalar: String] = [
            "\"": #"\""#, "\\": #"\\"#, "/": #"\/"#, "\u{08}": #"\b"#, "\u{0C}": #"\f"#, "\n": #"\n"#, "\r": #"\r"#, "\t": #"\t"#,
        ]
        if let shortEscape = short[scalar] { result.append(plain(shortEscape)) }
        result.append(escape(String(scalar).utf16.map { #"\u"# + hex(UInt32($0), digits: 4) }.joined()))
        // HTML-escaped.
        let named: [Unicode.Scalar: [String]] = ["&": ["&amp;"], "<": ["&lt;"], ">": ["&gt;"], "\"": ["&quot;"], "'": ["&apos;"]]
        for entity in named[scalar] ?? [] { result.append(plain(entity)) }
        result.append(plain("&#\(scalar.value);"))
        result.append(escape("&#x\(hex(scalar.value, digits: 1));"))
        var seen = Set<Spelling>()
        return result.filter { seen.insert($0).inserted }
    }
}
