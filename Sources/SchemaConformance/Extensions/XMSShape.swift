import Certification
import JSONDocument

/// Collects shape problems of extension values (and of apiProperties.json members): wrong JSON
/// types, missing or misspelt members.
///
/// The platform is a .NET service: it converts scalars to the declared type ("true" to a
/// boolean, 1 to "1") and matches member names without regard to case, and the certified corpus
/// relies on both. So those are warnings; a container where a scalar belongs (or the reverse)
/// and a missing required member are errors.
struct XMSShape {
    var issues: [XMSIssue] = []

    mutating func error(_ message: String, at pointer: JSONPointer, signature: String, atKey: Bool = false) {
        issues.append(XMSIssue(pointer: pointer, message: message, severity: .error, signature: signature, atKey: atKey))
    }

    mutating func warning(_ message: String, at pointer: JSONPointer, signature: String, atKey: Bool = false) {
        issues.append(XMSIssue(pointer: pointer, message: message, severity: .warning, signature: signature, atKey: atKey))
    }

    /// Expects a string. Returns it when it is one.
    @discardableResult
    mutating func string(_ value: JSONValue, _ name: String, at pointer: JSONPointer, hint: String = "") -> String? {
        switch value.kind {
        case .string(let text): return text
        case .number, .bool:
            warning(
                "\(name) should be a string, but it is \(XMSText.kind(value)) (\(XMSText.quote(value))). The platform converts it, but write it as a string.\(hint.isEmpty ? "" : " " + hint)",
                at: pointer, signature: "\(name):\(value.typeName)")
        default:
            error(
                "\(name) must be a string, but it is \(XMSText.kind(value)) (\(XMSText.quote(value))).\(hint.isEmpty ? "" : " " + hint)",
                at: pointer, signature: "\(name):\(value.typeName)")
        }
        return nil
    }

    /// Expects a string or null.
    mutating func optionalString(_ value: JSONValue, _ name: String, at pointer: JSONPointer, hint: String = "") {
        if !value.isNull { string(value, name, at: pointer, hint: hint) }
    }

    /// Expects true or false.
    mutating func boolean(_ value: JSONValue, _ name: String, at pointer: JSONPointer) {
        switch value.kind {
        case .bool: return
        case .string(let text) where ["true", "false"].contains(text.lowercased()):
            warning(
                "\(name) should be the boolean \(text.lowercased()), not the string \"\(text)\". The platform converts it, but write \(text.lowercased()) without quotes.",
                at: pointer, signature: "\(name):string")
        default:
            error(
                "\(name) must be true or false, but it is \(XMSText.kind(value)) (\(XMSText.quote(value))).",
                at: pointer, signature: "\(name):\(value.typeName)")
        }
    }

    /// Expects an integer. Returns it when it is one (an integral string gives a warning).
    @discardableResult
    mutating func integer(_ value: JSONValue, _ name: String, at pointer: JSONPointer) -> Int? {
        if let number = value.int, value.isIntegral { return number }
        if let text = value.string, let number = Int(text) {
            warning(
                "\(name) should be the integer \(number), not the string \"\(text)\". The platform converts it, but write \(number) without quotes.",
                at: pointer, signature: "\(name):string")
            return number
        }
        error(
            "\(name) must be an integer, but it is \(XMSText.kind(value)) (\(XMSText.quote(value))).",
            at: pointer, signature: "\(name):\(value.typeName)")
        return nil
    }

    /// Expects an object.
    mutating func object(_ value: JSONValue, _ name: String, at pointer: JSONPointer, hint: String = "") -> JSONObject? {
        if let object = value.object { return object }
        error(
            "\(name) must be an object, but it is \(XMSText.kind(value)) (\(XMSText.quote(value))).\(hint.isEmpty ? "" : " " + hint)",
            at: pointer, signature: "\(name):\(value.typeName)")
        return nil
    }

    /// Expects an array.
    mutating func array(_ value: JSONValue, _ name: String, at pointer: JSONPointer, hint: String = "") -> [JSONValue]? {
        if let array = value.array { return array }
        error(
            "\(name) must be an array, but it is \(XMSText.kind(value)) (\(XMSText.quote(value))).\(hint.isEmpty ? "" : " " + hint)",
            at: pointer, signature: "\(name):\(value.typeName)")
        return nil
    }

    /// Expects an array of strings.
    mutating func strings(_ value: JSONValue, _ name: String, at pointer: JSONPointer) -> [String]? {
        guard let list = array(value, name, at: pointer) else { return nil }
        var result: [String] = []
        for (index, item) in list.enumerated() {
            if let text = string(item, "\(name)[\(index)]", at: pointer.appending(index)) { result.append(text) }
        }
        return result
    }

    /// The member `name` of `object`, or a member spelt with other case (with a warning: the
    /// platform reads it, but the documented name is `name`).
    mutating func member(_ object: JSONObject, _ name: String, owner: String, at pointer: JSONPointer)
        -> (value: JSONValue, pointer: JSONPointer)?
    {
        if let value = object[name] { return (value, pointer.appending(name)) }
        let lowered = name.lowercased()
        guard let variant = object.members.first(where: { $0.key.lowercased() == lowered }) else { return nil }
        let at = pointer.appending(variant.key)
        warning(
            "\(owner) has \"\(variant.key)\" where the documented name is \"\(name)\". The platform matches member names without regard to case, so it is read, but write \"\(name)\".",
            at: at, signature: "case:\(variant.key)", atKey: true)
        return (variant.value, at)
    }

    /// The member `name`, with an error when it is missing.
    mutating func required(_ object: JSONObject, _ name: String, owner: String, at pointer: JSONPointer, hint: String = "")
        -> (value: JSONValue, pointer: JSONPointer)?
    {
        if let found = member(object, name, owner: owner, at: pointer) { return found }
        error("\(owner) has no \"\(name)\".\(hint.isEmpty ? "" : " " + hint)", at: pointer, signature: "missing:\(name)")
        return nil
    }

    /// Warns about members of `object` that are none of `known` (compared without case).
    mutating func unknownMembers(_ object: JSONObject, known: [String], owner: String, at pointer: JSONPointer) {
        let lowered = Set(known.map { $0.lowercased() })
        for member in object.members where !lowered.contains(member.key.lowercased()) {
            let near = XMSText.nearest(member.key, in: known, maxDistance: 2).map { " Did you mean \"\($0)\"?" } ?? ""
            warning(
                "\(owner) has an unknown member \"\(member.key)\", which the platform ignores.\(near) It expects: \(known.joined(separator: ", ")).",
                at: pointer.appending(member.key), signature: "unknown:\(member.key)", atKey: true)
        }
    }
}
