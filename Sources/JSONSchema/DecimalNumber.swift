/// An exact decimal read from a JSON number's text: digits × 10^exponent. Used where a Double
/// would round: comparing big or long numbers (`maximum` 18446744073709551615), `multipleOf`
/// with decimals (0.01), integers written with an exponent.
struct DecimalNumber: Sendable, Hashable {
    var negative: Bool
    /// Significant digits (0...9), without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The power of ten of the last digit.
    var exponent: Int

    var isZero: Bool { digits.isEmpty }

    /// Reads text that matches the JSON number grammar. Exponents are clamped to ±10^15 (a
    /// number with a bigger exponent is out of any range a schema can express anyway).
    init(_ text: String) {
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var inFraction = false
        var bytes = text.utf8.makeIterator()
        parse: while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte &- UInt8(ascii: "0")) }
                if inFraction { fractionDigits += 1 }
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                var sign = 1
                var value = 0
                while let next = bytes.next() {
                    switch next {
                    case UInt8(ascii: "-"): sign = -1
                    case UInt8(ascii: "+"): break
                    default: value = min(value * 10 + Int(next &- UInt8(ascii: "0")), 1_000_000_000_000_000)
                    }
                }
                exponent = sign * value
                break parse
            default: break
            }
        }
        var last = exponent - fractionDigits
        while digits.last == 0 {
            digits.removeLast()
            last += 1
        }
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : last
    }

    /// True when the value is an integer (also "1.0", "1e3", "-0").
    var isIntegral: Bool { exponent >= 0 }

    /// -1, 0 or 1.
    static func compare(_ a: DecimalNumber, _ b: DecimalNumber) -> Int {
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        let magnitude = compareMagnitude(a, b)
        return a.negative ? -magnitude : magnitude
    }

    private static func compareMagnitude(_ a: DecimalNumber, _ b: DecimalNumber) -> Int {
        if a.isZero || b.isZero { return a.isZero ? (b.isZero ? 0 : -1) : 1 }
        // The power of ten of the most significant digit decides first.
        let aTop = a.exponent + a.digits.count
        let bTop = b.exponent + b.digits.count
        if aTop != bTop { return aTop < bTop ? -1 : 1 }
        for k in 0..<max(a.digits.count, b.digits.count) {
            let x = k < a.digits.count ? a.digits[k] : 0
            let y = k < b.digits.count ? b.digits[k] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// True when `self` is an integer multiple of `divisor` (which is not zero), exactly:
    /// with x = X·10^a and m = M·10^b, scale both to 10^min(a,b) and take the remainder of
    /// the integers, digit by digit, modulo M (which must fit in 64 bits; else a Double decides).
    func isMultiple(of divisor: DecimalNumber) -> Bool {
        if isZero { return true }
        let low = min(exponent, divisor.exponent)
        guard divisor.digits.count <= 19 else { return Self.approximateMultiple(self, divisor) }
        var modulus: UInt64 = 0
        for digit in divisor.digits { modulus = modulus * 10 + UInt64(digit) }
        // Scale the divisor; if it no longer fits it is larger than any 64-bit remainder.
        for _ in 0..<(divisor.exponent - low) {
            let (scaled, overflow) = modulus.multipliedReportingOverflow(by: 10)
            if overflow {
                // self is X (low == exponent) and the divisor is bigger than 2^64: a multiple
                // only if X has at least as many digits; leave those rare cases to a Double.
                return digits.count >= 19 ? Self.approximateMultiple(self, divisor) : false
            }
            modulus = scaled
        }
        if modulus == 1 { return true }
        var remainder: UInt64 = 0
        for digit in digits { remainder = Self.mulmod(remainder, 10, modulus, adding: UInt64(digit)) }
        let scale = Self.powmod(10, exponent - low, modulus)
        return Self.mulmod(remainder, scale, modulus, adding: 0) == 0
    }

    /// (a·b + c) mod m, for a, b, c < m.
    private static func mulmod(_ a: UInt64, _ b: UInt64, _ m: UInt64, adding c: UInt64) -> UInt64 {
        var (high, low) = a.multipliedFullWidth(by: b)
        let (sum, carry) = low.addingReportingOverflow(c)
        low = sum
        if carry { high += 1 }
        return m.dividingFullWidth((high, low)).remainder
    }

    private static func powmod(_ base: UInt64, _ exponent: Int, _ m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var factor = base % m
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = mulmod(result, factor, m, adding: 0) }
            factor = mulmod(factor, factor, m, adding: 0)
            e >>= 1
        }
        return result
    }

    private static func approximateMultiple(_ x: DecimalNumber, _ m: DecimalNumber) -> Bool {
        let quotient = x.doubleValue / m.doubleValue
        return quotient.isFinite && quotient == quotient.rounded()
    }

    var doubleValue: Double {
        var text = negative ? "-" : ""
        text += digits.isEmpty ? "0" : String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
        text += "e\(exponent)"
        return Double(text) ?? 0
    }
}

/// A number from a schema (a bound or a divisor), kept as text, Double and exact decimal.
struct SchemaNumber: Sendable {
    let text: String
    let double: Double
    let decimal: DecimalNumber
    /// Set when the text is a plain integer that fits an Int: the fast path for `multipleOf`.
    let int: Int?

    init(_ text: String) {
        self.text = text
        self.double = Double(text) ?? .nan
        self.decimal = DecimalNumber(text)
        self.int = Int(text)
    }

    /// Compares an instance number's text with this number: -1, 0 or 1. Rounding to Double is
    /// monotonic, so different Doubles already give the order; equal ones are compared exactly.
    func compare(instance text: String) -> Int {
        if let value = Double(text), value != double, value.isFinite || double.isFinite {
            return value < double ? -1 : 1
        }
        return DecimalNumber.compare(DecimalNumber(text), decimal)
    }

    func divides(instance text: String) -> Bool {
        if let divisor = int, divisor != 0, let value = Int(text) { return value % divisor == 0 }
        return DecimalNumber(text).isMultiple(of: decimal)
    }
}
