import Foundation

/// JSON Schema patterns are ECMA-262 regular expressions; NSRegularExpression speaks ICU. The
/// two differ in what they accept: ECMA-262 (without the u flag) reads a "[" inside a class as
/// a literal, and a "{" or "}" that is not part of a quantifier as a literal (Annex B), where
/// ICU nests a set or fails. Certified connectors rely on both. This translates those so that
/// a valid ECMA-262 pattern compiles.
///
/// The JSON Schema module has a complete translation (`ECMARegex`, which also gives \d \w \s
/// and $ their ECMA-262 meanings); once the Certification module depends on it, use that one.
enum OASPattern {
    static func compile(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: icu(pattern))
    }

    static func icu(_ pattern: String) -> String {
        let scalars = Array(pattern.unicodeScalars)
        var out = String.UnicodeScalarView()
        var inClass = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                out.append(scalar)
                if index + 1 < scalars.count { out.append(scalars[index + 1]) }
                index += 2
                continue
            case "[":
                if inClass {
                    out.append("\\")
                } else {
                    inClass = true
                    out.append(scalar)
                    // "[]" and "[^]" : a "]" right after the opening is a literal in ICU but
                    // closes an empty class in ECMA-262; leave it to ICU's error.
                    index += 1
                    if index < scalars.count, scalars[index] == "^" {
                        out.append("^")
                        index += 1
                    }
                    continue
                }
            case "]":
                if inClass { inClass = false }
            case "{" where !inClass:
                if !isQuantifier(scalars, from: index) { out.append("\\") }
            case "}" where !inClass:
                if !closesQuantifier(scalars, at: index) { out.append("\\") }
            default:
                break
            }
            out.append(scalar)
            index += 1
        }
        return String(out)
    }

    /// "{n}", "{n,}" or "{n,m}" starts at `start`.
    static func isQuantifier(_ scalars: [Unicode.Scalar], from start: Int) -> Bool {
        var index = start + 1
        var digits = 0
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1; digits += 1 }
        guard digits > 0, index < scalars.count else { return false }
        if scalars[index] == "}" { return true }
        guard scalars[index] == "," else { return false }
        index += 1
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
        return index < scalars.count && scalars[index] == "}"
    }

    /// The "}" at `end` closes a quantifier.
    static func closesQuantifier(_ scalars: [Unicode.Scalar], at end: Int) -> Bool {
        var index = end - 1
        while index >= 0, ("0"..."9").contains(scalars[index]) || scalars[index] == "," { index -= 1 }
        guard index >= 0, scalars[index] == "{", index + 1 < end else { return false }
        // An escaped "{" is a literal, not the start of a quantifier.
        var backslashes = 0
        var before = index - 1
        while before >= 0, scalars[before] == "\\" { backslashes += 1; before -= 1 }
        return backslashes % 2 == 0 && isQuantifier(scalars, from: index)
    }
}
