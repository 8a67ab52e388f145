import Foundation

/// RFC 3339 date-times, read strictly: `2026-01-31T12:00:00Z`, `2026-01-31t12:00:00.250+01:00`.
/// Foundation's ISO 8601 reading takes hour 25, second 99 and offset minute 60 and rolls them
/// over, and refuses offsets beyond ±18 hours that RFC 3339 allows; a date a client sends means
/// what it says or is refused. Seconds are 00–59 (a `Date` has no leap second).
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<(start + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int, _ allowed: String) -> Bool {
            index < b.count && allowed.utf8.contains(b[index])
        }
        guard let year = number(0, 4), byte(4, "-"), let month = number(5, 2), byte(7, "-"), let day = number(8, 2),
            byte(10, "Tt"), let hour = number(11, 2), byte(13, ":"), let minute = number(14, 2), byte(16, ":"),
            let second = number(17, 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index, ".") {
            var digits = ""
            index += 1
            while index < b.count, (48...57).contains(b[index]) {
                digits.append(Character(UnicodeScalar(b[index])))
                index += 1
            }
            guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
            fraction = value
        }
        var offset = 0
        if byte(index, "Zz") {
            index += 1
        } else if byte(index, "+-") {
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1, 2), byte(index + 3, ":"), let minutes = number(index + 4, 2),
                hours <= 23, minutes <= 59
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The request decoder's strategy for `Date` members.
    /// An expiry as people write it: an RFC 3339 date-time, or a date alone (`2027-06-30`), which
    /// lasts to the end of that day, UTC (as a baseline file's `expires`).
    static func expiry(_ text: String) -> Date? {
        if let date = date(text) { return date }
        guard text.utf8.count == 10, let start = date(text + "T00:00:00Z") else { return nil }
        return start.addingTimeInterval(86_400 - 1)
    }

    static func decode(_ decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = date(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text.prefix(64))' is not an RFC 3339 date-time such as 2026-01-31T12:00:00Z")
        }
        return date
    }
}
