import Certification
import JSONDocument

/// Compares one schema of the last certified revision with its counterpart in the new one,
/// recursively through properties, `allOf` members, array items and `$ref`s. Inputs (bodies,
/// parameters) break when something becomes required; outputs (2xx responses) break when a
/// property disappears; both break when a type changes or enum values go.
struct BreakingSchemaDiff {
    enum Direction { case input, output }

    /// How messages name the root: "the 200 response of 'GetTask'".
    let subject: String
    /// How signatures name the root: "GetTask|response|200".
    let signature: String
    let operation: String
    let direction: Direction
    /// Pairs of referenced schemas already compared (old pointer, new pointer): definitions
    /// can be recursive, and one definition can be reached many ways.
    private(set) var visited: Set<String> = []

    /// Deep enough for any real schema; deeper is a pathological document, not a connector.
    static let maximumDepth = 64

    init(subject: String, signature: String, operation: String, direction: Direction) {
        self.subject = subject
        self.signature = signature
        self.operation = operation
        self.direction = direction
    }

    /// "property 'task.dueDate' of the 200 response of 'GetTask'", or the subject itself at the root.
    func describe(_ path: String) -> String {
        if path.isEmpty { return subject }
        if path.hasPrefix("[]") { return "the array items ('\(path)') of \(subject)" }
        return "property '\(path)' of \(subject)"
    }

    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// Compares a root schema (a body, a parameter, a response) and, when nothing in it broke,
    /// remembers every referenced pair it went through as unchanged, so that the next operation
    /// that uses the same definitions skips them: a large swagger repeats them in every response.
    mutating func compareRoot(
        _ oldValue: JSONValue, at oldPointer: JSONPointer, _ newValue: JSONValue, at newPointer: JSONPointer,
        diff: inout BreakingDiff
    ) {
        let before = diff.findings.count
        compare(oldValue, at: oldPointer, newValue, at: newPointer, path: "", diff: &diff)
        if diff.findings.count == before { diff.unchangedPairs.formUnion(visited) }
    }

    mutating func compare(
        _ oldValue: JSONValue, at oldPointer: JSONPointer, _ newValue: JSONValue, at newPointer: JSONPointer,
        path: String, depth: Int = 0, diff: inout BreakingDiff
    ) {
        guard depth < Self.maximumDepth,
            let (before, beforePointer) = BreakingDiff.resolve(oldValue, at: oldPointer, in: diff.old),
            let (after, afterPointer) = BreakingDiff.resolve(newValue, at: newPointer, in: diff.new)
        else { return }
        if oldValue["$ref"] != nil || newValue["$ref"] != nil {
            let pair = "\(direction)\u{1F}\(beforePointer)\u{1F}\(afterPointer)"
            guard !diff.unchangedPairs.contains(pair), visited.insert(pair).inserted else { return }
        }
        // Outputs and inputs that the API describes at run time are not comparable here.
        for dynamic in ["x-ms-dynamic-schema", "x-ms-dynamic-properties"] where before[dynamic] != nil || after[dynamic] != nil {
            return
        }
        let element = describe(path)

        if let oldType = Self.type(of: before), let newType = Self.type(of: after),
            oldType != newType
        {
            diff.report(
                BreakingChanges.typeChanged,
                "The type of \(element) changed from \(oldType) to \(newType).",
                at: afterPointer.appending("type"), operation: operation, signature: "\(signature)|\(path)|type|\(oldType)|\(newType)")
            return  // A different type has a different shape: comparing further only adds noise.
        }

        if let oldEnum = before["enum"]?.array, let newEnum = after["enum"]?.array {
            // Strings by a set (enums of hundreds of values exist), anything else by JSON equality.
            let newStrings = Set(newEnum.compactMap(\.string))
            let removed = oldEnum.filter { value in
                if let string = value.string { return !newStrings.contains(string) }
                return !newEnum.contains { $0.jsonEquals(value) }
            }
            if !removed.isEmpty {
                let shown = removed.prefix(5).map(\.jsonText).joined(separator: ", ") + (removed.count > 5 ? ", …" : "")
                diff.report(
                    BreakingChanges.enumValuesRemoved,
                    "The enum of \(element) lost \(removed.count == 1 ? "the value" : "\(removed.count) values") \(shown) (in the last certified revision).",
                    at: afterPointer.appending("enum"), operation: operation,
                    signature: "\(signature)|\(path)|enum|\(removed.map(\.jsonText).sorted().joined(separator: ","))")
            }
        }

        if let oldItems = before["items"], let newItems = after["items"] {
            compare(
                oldItems, at: beforePointer.appending("items"), newItems, at: afterPointer.appending("items"),
                path: path + "[]", depth: depth + 1, diff: &diff)
        }

        let oldProperties = Self.properties(of: before, at: beforePointer, in: diff.old)
        let newProperties = Self.properties(of: after, at: afterPointer, in: diff.new)
        var newByName: [String: (value: JSONValue, pointer: JSONPointer)] = [:]
        for property in newProperties where newByName[property.name] == nil {
            newByName[property.name] = (property.value, property.pointer)
        }
        let oldNames = Set(oldProperties.map(\.name))

        for property in oldProperties {
            let propertyPath = path.isEmpty ? property.name : "\(path).\(property.name)"
            if let counterpart = newByName[property.name] {
                compare(
                    property.value, at: property.pointer, counterpart.value, at: counterpart.pointer,
                    path: propertyPath, depth: depth + 1, diff: &diff)
            } else if direction == .output, !Self.isInternal(property.value, in: diff.old) {
                diff.report(
                    BreakingChanges.outputPropertyRemoved,
                    "Property '\(propertyPath)' of \(subject) was removed (it was in the last certified revision): flows that use this output break.",
                    at: afterPointer.appending("properties"), operation: operation,
                    signature: "\(signature)|\(propertyPath)|removed")
            }
        }

        guard direction == .input else { return }
        let oldRequired = Set(Self.required(of: before, in: diff.old))
        for name in Self.required(of: after, in: diff.new) where !oldRequired.contains(name) {
            let propertyPath = path.isEmpty ? name : "\(path).\(name)"
            let counterpart = newByName[name]
            if let counterpart, Self.isFilledByPlatform(counterpart.value, in: diff.new) { continue }
            let message =
                oldNames.contains(name)
                ? "Property '\(propertyPath)' of \(subject) is now required; it was optional in the last certified revision."
                : "\(Self.sentence(element)) has a new required property '\(name)': flows built on the last certified revision do not set it."
            diff.report(
                BreakingChanges.requiredInputAdded, message, at: counterpart?.pointer ?? afterPointer.appending("required"),
                operation: operation, signature: "\(signature)|\(propertyPath)|required")
        }
    }

    // MARK: Reading schemas

    /// The declared type, or the one implied by properties (object) or items (array).
    static func type(of schema: JSONValue) -> String? {
        if let type = schema["type"]?.string { return type }
        if schema["properties"] != nil || schema["allOf"] != nil { return "object" }
        if schema["items"] != nil { return "array" }
        return nil
    }

    static func isInternal(_ schema: JSONValue, in document: JSONDocument) -> Bool {
        let resolved = BreakingDiff.resolve(schema, at: .root, in: document)?.0 ?? schema
        return (schema["x-ms-visibility"] ?? resolved["x-ms-visibility"])?.string?.lowercased() == "internal"
    }

    static func isFilledByPlatform(_ schema: JSONValue, in document: JSONDocument) -> Bool {
        let resolved = BreakingDiff.resolve(schema, at: .root, in: document)?.0 ?? schema
        return isInternal(schema, in: document) && (schema["default"] ?? resolved["default"]) != nil
    }

    /// The schema's own properties, then those of its `allOf` members (resolved), first name wins.
    /// Each schema is expanded once: in an `allOf` graph where members share definitions
    /// (eight levels of ten references to the next), a second visit adds no name, and not
    /// remembering them made the walk exponential (10^8 visits).
    static func properties(of schema: JSONValue, at pointer: JSONPointer, in document: JSONDocument)
        -> [(name: String, value: JSONValue, pointer: JSONPointer)]
    {
        var result: [(name: String, value: JSONValue, pointer: JSONPointer)] = []
        var names: Set<String> = []
        var expanded: Set<String> = []
        collectProperties(of: schema, at: pointer, in: document, depth: 0, into: &result, names: &names, expanded: &expanded)
        return result
    }

    private static func collectProperties(
        of schema: JSONValue, at pointer: JSONPointer, in document: JSONDocument, depth: Int,
        into result: inout [(name: String, value: JSONValue, pointer: JSONPointer)], names: inout Set<String>,
        expanded: inout Set<String>
    ) {
        guard expanded.insert(pointer.description).inserted else { return }
        if let properties = schema["properties"]?.object {
            let base = pointer.appending("properties")
            for member in properties.members where names.insert(member.key).inserted {
                result.append((member.key, member.value, base.appending(member.key)))
            }
        }
        if depth < 8, let members = schema["allOf"]?.array {
            for (index, member) in members.enumerated() {
                guard
                    let (resolved, resolvedPointer) = BreakingDiff.resolve(
                        member, at: pointer.appending("allOf").appending(index), in: document)
                else { continue }
                collectProperties(
                    of: resolved, at: resolvedPointer, in: document, depth: depth + 1, into: &result, names: &names,
                    expanded: &expanded)
            }
        }
    }

    /// The names the schema requires, its `allOf` members' included; each member expanded once.
    static func required(of schema: JSONValue, in document: JSONDocument) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        var expanded: Set<String> = []
        collectRequired(of: schema, at: .root, in: document, depth: 0, into: &result, seen: &seen, expanded: &expanded)
        return result
    }

    private static func collectRequired(
        of schema: JSONValue, at pointer: JSONPointer, in document: JSONDocument, depth: Int,
        into result: inout [String], seen: inout Set<String>, expanded: inout Set<String>
    ) {
        for name in schema["required"]?.array?.compactMap(\.string) ?? [] where seen.insert(name).inserted {
            result.append(name)
        }
        if depth < 8, let members = schema["allOf"]?.array {
            for member in members {
                guard let (resolved, resolvedPointer) = BreakingDiff.resolve(member, at: .root, in: document) else { continue }
                // Members written inline resolve to the root pointer: only references are remembered.
                if member["$ref"] != nil, !expanded.insert(resolvedPointer.description).inserted { continue }
                collectRequired(
                    of: resolved, at: resolvedPointer, in: document, depth: depth + 1, into: &result, seen: &seen, expanded: &expanded)
            }
        }
    }
}
