import JSONDocument

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// JSON equality as JSON Schema defines it (numbers by value, strings by code points, objects
/// without member order; for a duplicated key the first member counts), for `enum` and
/// `uniqueItems`. Same meaning as `JSONValue.jsonEquals`, but without allocating and with early
/// exits: `uniqueItems` on a swagger's parameter lists compares objects pairwise, and most
/// pairs differ in their first member.
enum JSONEquality {
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a.kind, b.kind) {
        case (.string(let x), .string(let y)): return sameBytes(x, y)
        case (.number(let x), .number(let y)): return x == y || DecimalNumber(x) == DecimalNumber(y)
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            for index in x.indices where !equal(x[index], y[index]) { return false }
            return true
        case (.object(let x), .object(let y)):
            // Every key of x is in y with an equal value, and y has no other key.
            var keys = 0
            let members = x.members
            for offset in members.indices where isFirst(offset, in: members, x) {
                guard let other = y[members[offset].key], equal(members[offset].value, other) else { return false }
                keys += 1
            }
            return keys == uniqueCount(y)
        default:
            return false
        }
    }

    /// True for the first member with its key. Small objects compare with the earlier keys;
    /// larger ones use the object's index.
    static func isFirst(_ offset: Int, in members: [JSONObject.Member], _ object: JSONObject) -> Bool {
        if offset == 0 { return true }
        let key = members[offset].key
        if members.count > 8 { return object.firstIndex(of: key) == offset }
        for earlier in 0..<offset where sameBytes(members[earlier].key, key) { return false }
        return true
    }

    /// The number of distinct keys.
    static func uniqueCount(_ object: JSONObject) -> Int {
        let members = object.members
        var count = 0
        for offset in members.indices where isFirst(offset, in: members, object) { count += 1 }
        return count
    }

    /// The first pair of equal elements: pairwise for short arrays, by hash buckets for long ones.
    static func firstDuplicate(_ elements: [JSONValue]) -> (Int, Int)? {
        if elements.count <= 16 {
            for second in elements.indices {
                for first in 0..<second where equal(elements[first], elements[second]) { return (first, second) }
            }
            return nil
        }
        var buckets: [Int: [Int]] = [:]
        for (offset, element) in elements.enumerated() {
            var hasher = Hasher()
            hash(element, into: &hasher)
            let key = hasher.finalize()
            for earlier in buckets[key, default: []] where equal(elements[earlier], element) { return (earlier, offset) }
            buckets[key, default: []].append(offset)
        }
        return nil
    }

    /// A hash consistent with `equal`.
    static func hash(_ value: JSONValue, into hasher: inout Hasher) {
        switch value.kind {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(flag)
        case .number(let text): hasher.combine(DecimalNumber(text))
        case .string(let text): text.utf8.forEach { hasher.combine($0) }
        case .array(let elements):
            hasher.combine(elements.count)
            elements.forEach { hash($0, into: &hasher) }
        case .object(let object):
            // Order-independent: combine the members' hashes commutatively.
            var combined = 0
            let members = object.members
            for offset in members.indices where isFirst(offset, in: members, object) {
                var member = Hasher()
                members[offset].key.utf8.forEach { member.combine($0) }
                hash(members[offset].value, into: &member)
                combined ^= member.finalize()
            }
            hasher.combine(combined)
        }
    }
}

/// Exact code-point equality of two strings (Swift's `==` is canonical equivalence), by
/// comparing their UTF-8 bytes in place.
@inline(__always)
func sameBytes(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { x in
        b.utf8.withContiguousStorageIfAvailable { y in
            x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
        }
    }
    if let fast, let result = fast { return result }
    return a.utf8.elementsEqual(b.utf8)
}
