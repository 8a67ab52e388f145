/// The `format` values this validator checks. Unknown formats are annotations and pass.
enum Format: String, Sendable {
    case dateTime = "date-time"
    case email
    case hostname
    case ipv4
    case ipv6
    case uri
    case regex
    // Swagger 2.0 (dialect swagger2 only).
    case date
    case int32
    case int64

    init?(name: String, dialect: SchemaDialect) {
        guard let format = Format(rawValue: name) else { return nil }
        switch format {
        case .date, .int32, .int64: if dialect != .swagger2 { return nil }
        default: break
        }
        self = format
    }

    /// int32 and int64 constrain numbers; the others strings.
    var appliesToNumbers: Bool { self == .int32 || self == .int64 }

    /// What the message calls a valid value.
    var expectation: String {
        switch self {
        case .dateTime: return "an RFC 3339 date-time such as 2024-05-01T13:45:00Z"
        case .email: return "an email address"
        case .hostname: return "a host name (RFC 1123)"
        case .ipv4: return "an IPv4 address such as 192.168.0.1"
        case .ipv6: return "an IPv6 address"
        case .uri: return "an absolute URI (RFC 3986) with a scheme"
        case .regex: return "an ECMA-262 regular expression"
        case .date: return "an RFC 3339 full-date such as 2024-05-01"
        case .int32: return "a 32-bit integer (-2147483648 to 2147483647)"
        case .int64: return "a 64-bit integer"
        }
    }

    func check(string: String) -> Bool {
        let bytes = Array(string.utf8)
        switch self {
        case .dateTime: return Formats.isDateTime(bytes)
        case .date: return bytes.count == 10 && Formats.fullDate(bytes, 0)
        case .email: return Formats.isEmail(bytes)
        case .hostname: return Formats.isHostname(bytes[...])
        case .ipv4: return Formats.isIPv4(bytes[...])
        case .ipv6: return Formats.isIPv6(bytes[...])
        case .uri: return Formats.isURI(bytes)
        case .regex: return (try? ECMARegex.compile(string)) != nil
        case .int32, .int64: return true
        }
    }

    private static let int32Range = (SchemaNumber("-2147483648"), SchemaNumber("2147483647"))
    private static let int64Range = (SchemaNumber("-9223372036854775808"), SchemaNumber("9223372036854775807"))

    /// Range checks for integral numbers (a fraction is `type`'s business).
    func check(number text: String) -> Bool {
        let range: (SchemaNumber, SchemaNumber)
        switch self {
        case .int32: range = Self.int32Range
        case .int64: range = Self.int64Range
        default: return true
        }
        return range.0.compare(instance: text) >= 0 && range.1.compare(instance: text) <= 0
    }
}

/// Format grammars, on UTF-8 bytes: anything not ASCII fails where the grammar is ASCII.
enum Formats {
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private static func isHex(_ b: UInt8) -> Bool { isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66) }

    /// The value of `count` ASCII digits at `at`, or nil.
    private static func number(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var value = 0
        for k in at..<(at + count) {
            guard isDigit(b[k]) else { return nil }
            value = value * 10 + Int(b[k] - 0x30)
        }
        return value
    }

    /// RFC 3339 full-date at `at` (10 bytes), with the real number of days in the month.
    static func fullDate(_ b: [UInt8], _ at: Int) -> Bool {
        guard let year = number(b, at, 4), b.count > at + 9, b[at + 4] == UInt8(ascii: "-"), let month = number(b, at + 5, 2),
            b[at + 7] == UInt8(ascii: "-"), let day = number(b, at + 8, 2), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// RFC 3339 date-time: full-date "T" hh:mm:ss[.frac] (Z | ±hh:mm), T and Z in either case;
    /// second 60 only where the time is 23:59 in UTC (a leap second).
    static func isDateTime(_ b: [UInt8]) -> Bool {
        guard b.count >= 20, fullDate(b, 0), b[10] | 0x20 == UInt8(ascii: "t"),
            let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2),
            b[16] == UInt8(ascii: ":"), let second = number(b, 17, 2),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > start else { return false }
        }
        guard i < b.count else { return false }
        var offsetMinutes = 0
        if b[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = number(b, i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = number(b, i + 4, 2),
                oh <= 23, om <= 59
            else { return false }
            offsetMinutes = (oh * 60 + om) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return false
        }
        guard i == b.count else { return false }
        if second == 60 {
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    /// RFC 5321 mailbox, ASCII: a dot-atom or quoted local part, "@", a host name or an
    /// address literal ("[192.0.2.1]", "[IPv6:...]").
    static func isEmail(_ b: [UInt8]) -> Bool {
        guard let at = b.lastIndex(of: UInt8(ascii: "@")), at > 0, at < b.count - 1 else { return false }
        let local = b[..<at]
        let domain = b[(at + 1)...]
        if local.first == UInt8(ascii: "\"") {
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else { return false }
            var k = local.startIndex + 1
            while k < local.endIndex - 1 {
                let c = local[k]
                if c == UInt8(ascii: "\\") {
                    k += 2
                    continue
                }
                guard c >= 0x20, c < 0x7F, c != UInt8(ascii: "\"") else { return false }
                k += 1
            }
            guard k == local.endIndex - 1 else { return false }
        } else {
            let atext = Set("!#$%&'*+-/=?^_`{|}~".utf8)
            var previousDot = true  // no leading dot
            for c in local {
                if c == UInt8(ascii: ".") {
                    if previousDot { return false }
                    previousDot = true
                } else {
                    guard isAlpha(c) || isDigit(c) || atext.contains(c) else { return false }
                    previousDot = false
                }
            }
            if previousDot { return false }  // no trailing dot
        }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]") else { return false }
            let literal = domain.dropFirst().dropLast()
            if literal.starts(with: "IPv6:".utf8) { return isIPv6(literal.dropFirst(5)) }
            return isIPv4(literal)
        }
        return isHostname(domain)
    }

    /// RFC 1123 host name: dot-separated labels of 1 to 63 letters, digits and hyphens, not
    /// starting or ending with a hyphen; at most 253 characters; no trailing dot.
    static func isHostname(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for c in b {
            if c == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") else { return false }
                if labelLength == 0 && c == UInt8(ascii: "-") { return false }
                labelLength += 1
                if labelLength > 63 { return false }
            }
            previous = c
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// Dotted quad of decimal octets 0-255 without leading zeros.
    static func isIPv4(_ b: ArraySlice<UInt8>) -> Bool {
        let parts = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return false }
            if part.count > 1 && part.first == UInt8(ascii: "0") { return false }
            if part.reduce(0, { $0 * 10 + Int($1 - 0x30) }) > 255 { return false }
        }
        return true
    }

    /// RFC 4291 text form: eight groups of 1-4 hex digits, one "::" for a run of zero groups,
    /// the last two groups possibly written as an IPv4 address. No zone, no brackets.
    static func isIPv6(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.count >= 2, b.count <= 45 else { return false }
        // Groups on each side of "::" (at most one).
        var halves: [ArraySlice<UInt8>] = []
        var start = b.startIndex
        var k = b.startIndex
        while k < b.endIndex {
            if b[k] == UInt8(ascii: ":"), k + 1 < b.endIndex, b[k + 1] == UInt8(ascii: ":") {
                halves.append(b[start..<k])
                k += 2
                start = k
                guard halves.count == 1 else { return false }
            } else {
                k += 1
            }
        }
        halves.append(b[start..<b.endIndex])
        func groups(_ part: ArraySlice<UInt8>, ipv4Allowed: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            var count = 0
            for (index, piece) in pieces.enumerated() {
                if ipv4Allowed && index == pieces.count - 1 && piece.contains(UInt8(ascii: ".")) {
                    guard isIPv4(piece) else { return nil }
                    count += 2
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(isHex) else { return nil }
                    count += 1
                }
            }
            return count
        }
        if halves.count == 2 {
            guard let head = groups(halves[0], ipv4Allowed: false), let tail = groups(halves[1], ipv4Allowed: true) else { return false }
            return head + tail <= 7
        }
        return groups(halves[0], ipv4Allowed: true) == 8
    }

    // MARK: RFC 3986 URI

    private static func isUnreserved(_ c: UInt8) -> Bool {
        isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
    }

    private static let subDelims = Set("!$&'()*+,;=".utf8)

    /// Every byte is `allowed`, unreserved, a sub-delim or part of a valid %XX.
    private static func isEncoded(_ b: ArraySlice<UInt8>, also allowed: String) -> Bool {
        let extra = Array(allowed.utf8)
        var k = b.startIndex
        while k < b.endIndex {
            let c = b[k]
            if c == UInt8(ascii: "%") {
                guard k + 2 < b.endIndex, isHex(b[k + 1]), isHex(b[k + 2]) else { return false }
                k += 3
                continue
            }
            guard isUnreserved(c) || subDelims.contains(c) || extra.contains(c) else { return false }
            k += 1
        }
        return true
    }

    /// RFC 3986 URI (absolute, fragment allowed): scheme ":" hier-part ["?" query] ["#" fragment].
    static func isURI(_ b: [UInt8]) -> Bool {
        guard let colon = b.firstIndex(of: UInt8(ascii: ":")), colon > 0, isAlpha(b[0]),
            b[1..<colon].allSatisfy({
                isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            })
        else { return false }
        var rest = b[(colon + 1)...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isEncoded(rest[(hash + 1)...], also: ":@/?") else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isEncoded(rest[(question + 1)...], also: ":@/?") else { return false }
            rest = rest[..<question]
        }
        var path = rest
        if rest.starts(with: "//".utf8) {
            let authorityStart = rest.startIndex + 2
            let authorityEnd = rest[authorityStart...].firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            guard isAuthority(rest[authorityStart..<authorityEnd]) else { return false }
            path = rest[authorityEnd...]
        }
        return isEncoded(path, also: ":@/")
    }

    /// [userinfo "@"] host [":" port]; host is an IP-literal in brackets, an IPv4 address or a reg-name.
    private static func isAuthority(_ b: ArraySlice<UInt8>) -> Bool {
        var hostPort = b
        if let at = b.lastIndex(of: UInt8(ascii: "@")) {
            guard isEncoded(b[..<at], also: ":") else { return false }
            hostPort = b[(at + 1)...]
        }
        var port: ArraySlice<UInt8> = []
        if hostPort.first == UInt8(ascii: "[") {
            guard let close = hostPort.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = hostPort[(hostPort.startIndex + 1)..<close]
            let isFuture = literal.first.map { $0 | 0x20 == UInt8(ascii: "v") } ?? false
            guard isFuture ? isEncoded(literal, also: ":") : isIPv6(literal) else { return false }
            let after = hostPort[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return false }
                port = after.dropFirst()
            }
        } else {
            var host = hostPort
            if let colon = hostPort.firstIndex(of: UInt8(ascii: ":")) {
                host = hostPort[..<colon]
                port = hostPort[(colon + 1)...]
            }
            // An IPv4-looking host that is not a valid IPv4 is still a valid reg-name.
            guard isEncoded(host, also: "") else { return false }
        }
        return port.allSatisfy(isDigit)
    }
}

/// The `format`s of OpenAPI 2.0 values, checked outside a compiled schema (a parameter's
/// default against its declaration), the way openapi-spec-validator 0.9.0 checks them:
/// date-time and time (RFC 3339), date (full-date), uuid (8-4-4-4-12 hex digits), byte (base64,
/// padded, standard alphabet), ipv4, ipv6, and email (leniently: it has an "@", as Python's
/// jsonschema asks). Other formats (int32 and int64 are ranges of numbers, password, binary,
/// uri…) are not checked here.
public enum ValueFormat {
    /// Whether `text` is a value of `format`; nil when this format is not checked.
    public static func conforms(_ text: String, to format: String) -> Bool? {
        let bytes = Array(text.utf8)
        switch format {
        case "date-time": return Formats.isDateTime(bytes)
        case "date": return bytes.count == 10 && Formats.fullDate(bytes, 0)
        case "time": return Formats.isDateTime(Array("1970-01-01T".utf8) + bytes)
        case "ipv4": return Formats.isIPv4(bytes[...])
        case "ipv6": return Formats.isIPv6(bytes[...])
        case "email": return bytes.contains(UInt8(ascii: "@"))
        case "uuid": return isUUID(bytes)
        case "byte": return isBase64(bytes)
        default: return nil
        }
    }

    /// What a valid value looks like, for messages; nil when the format is not checked.
    public static func expectation(of format: String) -> String? {
        switch format {
        case "date-time": return Format.dateTime.expectation
        case "date": return Format.date.expectation
        case "time": return "an RFC 3339 full-time such as 13:45:00Z"
        case "ipv4": return Format.ipv4.expectation
        case "ipv6": return Format.ipv6.expectation
        case "email": return "an email address"
        case "uuid": return "a UUID such as 123e4567-e89b-12d3-a456-426614174000"
        case "byte": return "base64-encoded data (A–Z, a–z, 0–9, + and /, padded with = to a multiple of 4)"
        default: return nil
        }
    }

    /// 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ b: [UInt8]) -> Bool {
        guard b.count == 36 else { return false }
        for (index, byte) in b.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let lower = byte | 0x20
                guard (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x66) else { return false }
            }
        }
        return true
    }

    /// RFC 4648 base64 with padding, as Python's `b64decode(validate=True)` accepts it.
    static func isBase64(_ b: [UInt8]) -> Bool {
        guard b.count % 4 == 0 else { return false }
        var padding = 0
        for (index, byte) in b.enumerated() {
            if byte == UInt8(ascii: "=") {
                // Only at the end, at most two.
                padding += 1
                guard index >= b.count - 2 else { return false }
                continue
            }
            guard padding == 0 else { return false }
            let lower = byte | 0x20
            guard
                (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "/")
            else { return false }
        }
        return true
    }
}
