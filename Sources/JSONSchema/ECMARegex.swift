import Foundation

/// A JSON Schema `pattern`: an ECMA-262 regular expression, searched (not anchored) in a string.
///
/// Compiled once per pattern text (a process-wide cache), to ICU's syntax for
/// NSRegularExpression, with the ECMA-262 meanings kept where ICU differs:
/// `\d` `\w` `\s` (and their negations) are ECMA-262's sets, not Unicode's (`\d` is [0-9]);
/// `$` matches only at the very end (ICU's also matches before a final newline); `\v`, `\0`,
/// `\cX`, `\b` in a class; a `[` inside a class is literal (ICU would nest a set); a `{` that
/// is not a quantifier is literal (Annex B). Patterns match code points, so a non-BMP
/// character is one character (as with the `u` flag; the suite expects this).
/// Literal patterns such as `^x-` (most of the Swagger 2.0 schema's) skip the regex engine.
public final class ECMARegex: Sendable {
    let pattern: String
    private let matcher: Matcher

    private enum Matcher: @unchecked Sendable {
        // NSRegularExpression is immutable and documented as safe to use from several threads.
        case prefix(String)
        case contains(String)
        case exactly(String)
        case icu(NSRegularExpression)
    }

    /// Throws a message when the pattern is not a valid regular expression.
    public static func compile(_ pattern: String) throws(RegexSyntaxError) -> ECMARegex {
        try cache.regex(for: pattern)
    }

    private init(pattern: String, matcher: Matcher) {
        self.pattern = pattern
        self.matcher = matcher
    }

    /// Whether the pattern matches somewhere in `text` (JSON Schema's `pattern` is not anchored).
    /// A match that exceeds its budget (`maximumMatchSteps`) counts as no match; callers that
    /// report on patterns use `match(_:)`, which tells the two apart.
    public func matches(_ text: String) -> Bool {
        match(text) == .matched
    }

    public enum MatchOutcome: Sendable, Hashable {
        case matched
        case notMatched
        /// The regex engine gave up: the pattern backtracks catastrophically on this text
        /// (nested quantifiers such as `(a+)+` against "aaaa…!").
        case tooComplex
    }

    /// Work allowed for one match, in steps of ICU's backtracking engine: at least
    /// `maximumMatchSteps` (about 30 ms here), more for long texts (`matchStepsPerCharacter`
    /// each), so that a linear pattern over a long text completes while `(a+)+` over forty
    /// characters stops. Counted in engine steps rather than time, so a verdict does not depend
    /// on how busy the machine is.
    public static let maximumMatchSteps = 1_000_000
    public static let matchStepsPerCharacter = 64
    /// ICU reports progress every this many steps (its TIMER_INITIAL_VALUE).
    static let stepsPerProgressReport = 10_000

    /// Whether the pattern matches somewhere in `text`, within the step budget.
    public func match(_ text: String) -> MatchOutcome {
        switch matcher {
        case .prefix(let literal): return Self.hasPrefix(text, literal) ? .matched : .notMatched
        case .contains(let literal): return Self.contains(text, literal) ? .matched : .notMatched
        case .exactly(let literal): return sameBytes(text, literal) ? .matched : .notMatched
        case .icu(let regex):
            let length = text.utf16.count
            let budget = max(Self.maximumMatchSteps, length.multipliedReportingOverflow(by: Self.matchStepsPerCharacter).partialValue)
            let allowedReports = max(1, budget / Self.stepsPerProgressReport)
            var reports = 0
            var outcome = MatchOutcome.notMatched
            regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(location: 0, length: length)) { result, _, stop in
                if result != nil {
                    outcome = .matched
                    stop.pointee = true
                    return
                }
                reports += 1
                if reports > allowedReports {
                    outcome = .tooComplex
                    stop.pointee = true
                }
            }
            return outcome
        }
    }

    private static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        let fast = text.utf8.withContiguousStorageIfAvailable { x in
            prefix.utf8.withContiguousStorageIfAvailable { y in
                x.count >= y.count && (y.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, y.count) == 0)
            }
        }
        if let fast, let result = fast { return result }
        return text.utf8.starts(with: prefix.utf8)
    }

    /// Code-point (byte) substring search, as a regex would match; not Character-based.
    private static func contains(_ text: String, _ literal: String) -> Bool {
        let needle = Array(literal.utf8)
        guard let first = needle.first else { return true }
        let haystack = Array(text.utf8)
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    public struct RegexSyntaxError: Error {
        /// What is wrong, for a message ("\"+\" has nothing to repeat").
        public var message: String
    }

    // MARK: - Compiling

    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {
        // Guarded by `lock`.
        private var entries: [String: Result<ECMARegex, RegexSyntaxError>] = [:]
        private let lock = NSLock()

        func regex(for pattern: String) throws(RegexSyntaxError) -> ECMARegex {
            lock.lock()
            let cached = entries[pattern]
            lock.unlock()
            if let cached { return try cached.get() }
            let result = Result { () throws(RegexSyntaxError) -> ECMARegex in try ECMARegex.make(pattern) }
            lock.lock()
            // Bounded: a long-running server compiles the schemas of many swaggers.
            if entries.count >= 4096 { entries.removeAll(keepingCapacity: true) }
            entries[pattern] = result
            lock.unlock()
            return try result.get()
        }
    }

    private static let metacharacters = Set("\\^$.|?*+()[]{}".unicodeScalars)

    private static func make(_ pattern: String) throws(RegexSyntaxError) -> ECMARegex {
        // Literal fast paths: "^abc", "abc", "^abc$".
        var body = Substring(pattern)
        let anchoredStart = body.hasPrefix("^")
        if anchoredStart { body = body.dropFirst() }
        let anchoredEnd = body.hasSuffix("$") && !body.hasSuffix("\\$")
        if anchoredEnd { body = body.dropLast() }
        if !body.unicodeScalars.contains(where: { metacharacters.contains($0) }) {
            let literal = String(body)
            switch (anchoredStart, anchoredEnd) {
            case (true, true): return ECMARegex(pattern: pattern, matcher: .exactly(literal))
            case (true, false): return ECMARegex(pattern: pattern, matcher: .prefix(literal))
            case (false, false): return ECMARegex(pattern: pattern, matcher: .contains(literal))
            case (false, true): break
            }
        }
        let translated = try translate(pattern)
        do {
            return ECMARegex(pattern: pattern, matcher: .icu(try NSRegularExpression(pattern: translated, options: [])))
        } catch {
            throw RegexSyntaxError(message: "not a valid regular expression")
        }
    }

    private static let digit = "0-9"
    private static let word = "a-zA-Z0-9_"
    /// ECMA-262 WhiteSpace and LineTerminator.
    private static let space =
        "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

    /// ECMA-262 (without flags) to ICU.
    static func translate(_ pattern: String) throws(RegexSyntaxError) -> String {
        let chars = Array(pattern.unicodeScalars)
        var out = ""
        var i = 0
        var inClass = false
        var classStart = false  // just after "[" or "[^"
        // Whether the previous token can take a quantifier ("{2}" after "a", not after "(").
        var quantifiable = false
        // Right after a quantifier: a "?" makes it lazy ("a*?"); anything else repeats nothing.
        var lazyAllowed = false

        func emit(_ text: String, quantifiable q: Bool) {
            out += text
            quantifiable = q
            lazyAllowed = false
        }

        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                guard i + 1 < chars.count else { throw RegexSyntaxError(message: "the pattern ends with a lone backslash") }
                let e = chars[i + 1]
                i += 2
                switch e {
                case "d": emit(inClass ? digit : "[\(digit)]", quantifiable: true)
                case "D": emit("[^\(digit)]", quantifiable: true)
                case "w": emit(inClass ? word : "[\(word)]", quantifiable: true)
                case "W": emit("[^\(word)]", quantifiable: true)
                case "s": emit(inClass ? space : "[\(space)]", quantifiable: true)
                case "S": emit("[^\(space)]", quantifiable: true)
                case "v": emit("\\x{0B}", quantifiable: true)
                case "b" where inClass: emit("\\x{08}", quantifiable: true)
                case "b", "B": emit("\\\(e)", quantifiable: false)
                case "0" where !(i < chars.count && ("0"..."9").contains(chars[i])):
                    emit("\\x{00}", quantifiable: true)
                case "c":
                    if i < chars.count, ("a"..."z").contains(chars[i]) || ("A"..."Z").contains(chars[i]) {
                        let letter = chars[i].value & 0x1F
                        i += 1
                        emit("\\x{\(String(letter, radix: 16))}", quantifiable: true)
                    } else {
                        emit("\\\\c", quantifiable: true)  // Annex B: a literal "\c"
                    }
                case "p", "P":
                    // A Unicode property, "\p{Letter}": copied whole (the suite expects it).
                    var text = "\\" + String(e)
                    if i < chars.count, chars[i] == "{", let close = chars[i...].firstIndex(of: "}") {
                        text += String(String.UnicodeScalarView(chars[i...close]))
                        i = close + 1
                    }
                    emit(text, quantifiable: true)
                case "t", "n", "f", "r", "x", "u", "k", "1"..."9", "0":
                    emit("\\\(e)", quantifiable: true)
                default:
                    if ("a"..."z").contains(e) || ("A"..."Z").contains(e) {
                        // An identity escape in ECMA-262; ICU gives many letters a meaning.
                        emit(String(e), quantifiable: true)
                    } else {
                        emit("\\" + String(e), quantifiable: true)
                    }
                }
                classStart = false
                continue
            }
            if inClass {
                switch c {
                case "]" where classStart && out.hasSuffix("[^"):
                    // "[^]" matches any character, "[]" none.
                    out.removeLast(2)
                    emit("[\\x{0}-\\x{10FFFF}]", quantifiable: true)
                    inClass = false
                case "]" where classStart:
                    out.removeLast()
                    emit("(?!)", quantifiable: true)
                    inClass = false
                case "]":
                    emit("]", quantifiable: true)
                    inClass = false
                case "[", "&", "~", "=", "!", "$", "{", "}", "|", "#", ":":
                    // Literal in ECMA-262; escaped because ICU gives set syntax to some.
                    out += "\\" + String(c)
                case "^" where !classStart:
                    out += "\\^"
                case "-" where i + 1 < chars.count && chars[i + 1] == "-":
                    out += "\\-"
                default:
                    out.unicodeScalars.append(c)
                }
                classStart = classStart && c == "^" && out.hasSuffix("[^")
                i += 1
                continue
            }
            switch c {
            case "[":
                inClass = true
                classStart = true
                if i + 1 < chars.count, chars[i + 1] == "^" {
                    out += "[^"
                    i += 1
                } else {
                    out += "["
                }
            case "$": emit("\\z", quantifiable: false)
            case "{":
                // A quantifier only when it reads {n}, {n,} or {n,m} after something quantifiable.
                var j = i + 1
                var sawDigit = false
                var sawComma = false
                var valid = false
                while j < chars.count {
                    let d = chars[j]
                    if ("0"..."9").contains(d) {
                        sawDigit = true
                    } else if d == "," && sawDigit && !sawComma {
                        sawComma = true
                    } else if d == "}" {
                        valid = sawDigit
                        break
                    } else {
                        break
                    }
                    j += 1
                }
                if valid && quantifiable {
                    out += String(String.UnicodeScalarView(chars[i...j]))
                    i = j
                    quantifiable = false
                    lazyAllowed = true
                } else if valid {
                    // "x{1}{2}", "{1}": a braced quantifier with nothing to repeat is an error
                    // even in Annex B (only a "{" that cannot be a quantifier is literal).
                    throw RegexSyntaxError(
                        message: "\"\(String(String.UnicodeScalarView(chars[i...j])))\" has nothing to repeat (at character \(i + 1))")
                } else {
                    emit("\\{", quantifiable: true)
                }
            case "}": emit("\\}", quantifiable: true)
            case "]": emit("\\]", quantifiable: true)
            case "(":
                guard i + 1 < chars.count, chars[i + 1] == "?" else {
                    emit("(", quantifiable: false)
                    break
                }
                // ECMA-262's groups with "?": (?:…) (?=…) (?!…) (?<=…) (?<!…) (?<name>…).
                let kind = i + 2 < chars.count ? chars[i + 2] : nil
                if kind == ":" || kind == "=" || kind == "!" {
                    emit("(?" + String(kind!), quantifiable: false)
                    i += 3
                    continue
                }
                if kind == "<" {
                    let next = i + 3 < chars.count ? chars[i + 3] : nil
                    if next == "=" || next == "!" {
                        emit("(?<" + String(next!), quantifiable: false)
                        i += 4
                        continue
                    }
                    if let close = chars[(i + 3)...].firstIndex(of: ">"), close > i + 3,
                        chars[(i + 3)..<close].allSatisfy({
                            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                        }),
                        !("0"..."9").contains(chars[i + 3])
                    {
                        emit(String(String.UnicodeScalarView(chars[i...close])), quantifiable: false)
                        i = close + 1
                        continue
                    }
                    throw RegexSyntaxError(message: "\"(?<\" starts neither a lookbehind nor a group name such as (?<year>…)")
                }
                let written = kind.map { "(?" + String($0) } ?? "(?"
                throw RegexSyntaxError(
                    message:
                        "\"\(written)\" is not ECMA-262 syntax: only (?:…), (?=…), (?!…), (?<=…), (?<!…) and (?<name>…) are groups (inline flags such as (?i), comments and atomic groups are not)"
                )
            case "|", "^": emit(String(c), quantifiable: false)
            case "*", "+", "?":
                if quantifiable {
                    out.unicodeScalars.append(c)
                    quantifiable = false
                    lazyAllowed = true
                } else if c == "?" && lazyAllowed {
                    // "a*?" is lazy.
                    out.unicodeScalars.append(c)
                    lazyAllowed = false
                } else {
                    // "a++" (possessive in other dialects), "^*", "(*": ECMA-262 has nothing to repeat.
                    throw RegexSyntaxError(message: "\"\(Character(c))\" has nothing to repeat (at character \(i + 1))")
                }
            default:
                var text = ""
                text.unicodeScalars.append(c)
                emit(text, quantifiable: true)
            }
            i += 1
        }
        if inClass { throw RegexSyntaxError(message: "a character class '[' is not closed") }
        return out
    }
}
