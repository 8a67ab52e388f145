import Certification
import Foundation
import JSONDocument

/// One operation of the swagger: where it is and what it says.
struct PolicySwaggerOperation: Sendable {
    var path: String
    var method: String
    var pointer: JSONPointer
    var object: JSONObject

    var operationId: String? { object["operationId"]?.string }
    /// The operationId, or `METHOD /path` when it has none: how messages name the operation.
    var label: String { operationId.map { "operation \"\($0)\"" } ?? "operation \(method.uppercased()) \(path)" }
    var isWebhookTrigger: Bool { object["x-ms-notification-content"] != nil }
    var isInternal: Bool { object["x-ms-visibility"]?.string?.lowercased() == "internal" }
}

/// One parameter object as written: inline in a path item or an operation, or under the root
/// `parameters`. A `$ref` parameter is not listed where it is referenced: its target is.
struct PolicySwaggerParameter: Sendable {
    var pointer: JSONPointer
    var object: JSONObject
    /// The operations where the parameter is written (its own, or every operation of its path
    /// item); empty for the shared root `parameters`.
    var owners: [PolicySwaggerOperation] = []

    var name: String { object["name"]?.string ?? "" }
    var location: String { object["in"]?.string ?? "" }
    var label: String { "parameter \"\(name)\"" + (location.isEmpty ? "" : " (in \(location))") }
}

/// One schema object: a definition, a body schema, a response schema, or one nested inside them.
struct PolicySwaggerSchema: Sendable {
    var pointer: JSONPointer
    var object: JSONObject
}

/// Walks the parts of a swagger that the policy rules read. Names are prefixed because other
/// rule folders of this module have walkers of their own.
enum PolicySwaggerWalk {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

    /// Every operation under `/paths`, in document order.
    static func operations(_ root: JSONValue) -> [PolicySwaggerOperation] {
        guard let paths = root["paths"]?.object else { return [] }
        var result: [PolicySwaggerOperation] = []
        let pathsPointer = JSONPointer.root.appending("paths")
        for pathMember in paths.members {
            guard let item = pathMember.value.object else { continue }
            for member in item.members where methods.contains(member.key) {
                guard let operation = member.value.object else { continue }
                result.append(
                    PolicySwaggerOperation(
                        path: pathMember.key, method: member.key,
                        pointer: pathsPointer.appending(pathMember.key).appending(member.key), object: operation))
            }
        }
        return result
    }

    /// Every parameter object written in the document, once each: root `parameters`, path-item
    /// `parameters` and operation `parameters`, without the `$ref` entries.
    static func parameters(_ root: JSONValue) -> [PolicySwaggerParameter] {
        var result: [PolicySwaggerParameter] = []
        if let shared = root["parameters"]?.object {
            for member in shared.members {
                if let object = member.value.object, object["$ref"] == nil {
                    result.append(PolicySwaggerParameter(pointer: JSONPointer(tokens: ["parameters", member.key]), object: object))
                }
            }
        }
        func inline(_ list: JSONValue?, at pointer: JSONPointer, owners: [PolicySwaggerOperation]) {
            guard let list = list?.array else { return }
            for (index, element) in list.enumerated() {
                if let object = element.object, object["$ref"] == nil {
                    result.append(PolicySwaggerParameter(pointer: pointer.appending(index), object: object, owners: owners))
                }
            }
        }
        let allOperations = Self.operations(root)
        if let paths = root["paths"]?.object {
            for pathMember in paths.members {
                guard let item = pathMember.value.object else { continue }
                let itemPointer = JSONPointer(tokens: ["paths", pathMember.key])
                let itemOperations = allOperations.filter { $0.path == pathMember.key }
                inline(item["parameters"], at: itemPointer.appending("parameters"), owners: itemOperations)
                for operation in itemOperations {
                    inline(operation.object["parameters"], at: operation.pointer.appending("parameters"), owners: [operation])
                }
            }
        }
        return result
    }

    /// The parameters an operation takes (path-item ones included, overridden by the
    /// operation's own of the same name and location), each resolved through a local `$ref`,
    /// with the pointer where the parameter object is written.
    static func effectiveParameters(of operation: PolicySwaggerOperation, in root: JSONValue) -> [PolicySwaggerParameter] {
        var result: [PolicySwaggerParameter] = []
        func add(_ list: JSONValue?, at pointer: JSONPointer) {
            guard let list = list?.array else { return }
            for (index, element) in list.enumerated() {
                guard let (object, written) = resolve(element, at: pointer.appending(index), in: root) else { continue }
                let parameter = PolicySwaggerParameter(pointer: written, object: object)
                result.removeAll { $0.name == parameter.name && $0.location == parameter.location }
                result.append(parameter)
            }
        }
        let itemPointer = JSONPointer(tokens: ["paths", operation.path])
        add(root["paths"]?[operation.path]?["parameters"], at: itemPointer.appending("parameters"))
        add(operation.object["parameters"], at: operation.pointer.appending("parameters"))
        return result
    }

    /// The object a value stands for: itself, or the target of its local `$ref` (followed a
    /// few times), with the target's pointer.
    static func resolve(_ value: JSONValue, at pointer: JSONPointer, in root: JSONValue) -> (JSONObject, JSONPointer)? {
        var current = value
        var currentPointer = pointer
        for _ in 0..<8 {
            guard let object = current.object else { return nil }
            guard let reference = object["$ref"]?.string else { return (object, currentPointer) }
            guard reference.hasPrefix("#"), let target = try? JSONPointer(uriFragment: reference),
                let next = root.value(at: target)
            else { return nil }
            current = next
            currentPointer = target
        }
        return nil
    }

    /// The schemas a request is built from: the schemas of body and formData parameters and
    /// every schema nested in them, following local `$ref`s (each target once), with the
    /// pointer where each is written.
    static func inputSchemas(_ root: JSONValue) -> [PolicySwaggerSchema] {
        var result: [PolicySwaggerSchema] = []
        var visited = Set<JSONPointer>()
        func visit(_ value: JSONValue?, at pointer: JSONPointer, depth: Int = 0) {
            guard depth < 64, let value, let (object, written) = resolve(value, at: pointer, in: root),
                visited.insert(written).inserted
            else { return }
            result.append(PolicySwaggerSchema(pointer: written, object: object))
            for member in object["properties"]?.object?.members ?? [] {
                visit(member.value, at: written.appending("properties").appending(member.key), depth: depth + 1)
            }
            if let items = object["items"], items.object != nil {
                visit(items, at: written.appending("items"), depth: depth + 1)
            }
            if let additional = object["additionalProperties"], additional.object != nil {
                visit(additional, at: written.appending("additionalProperties"), depth: depth + 1)
            }
            for (index, element) in (object["allOf"]?.array ?? []).enumerated() {
                visit(element, at: written.appending("allOf").appending(index), depth: depth + 1)
            }
        }
        for parameter in parameters(root) where parameter.location == "body" {
            visit(parameter.object["schema"], at: parameter.pointer.appending("schema"))
        }
        return result
    }

    /// Every schema object reachable without following `$ref`: definitions, shared and inline
    /// body parameters, shared and inline responses, webhook notification contents, and the
    /// schemas nested in them (properties, items, additionalProperties, allOf, anyOf, oneOf, not).
    static func schemas(_ root: JSONValue) -> [PolicySwaggerSchema] {
        var result: [PolicySwaggerSchema] = []
        func visit(_ value: JSONValue?, at pointer: JSONPointer, depth: Int = 0) {
            guard depth < 64, let object = value?.object else { return }
            result.append(PolicySwaggerSchema(pointer: pointer, object: object))
            if let properties = object["properties"]?.object {
                for member in properties.members {
                    visit(member.value, at: pointer.appending("properties").appending(member.key), depth: depth + 1)
                }
            }
            if let items = object["items"] {
                if let list = items.array {
                    for (index, element) in list.enumerated() {
                        visit(element, at: pointer.appending("items").appending(index), depth: depth + 1)
                    }
                } else {
                    visit(items, at: pointer.appending("items"), depth: depth + 1)
                }
            }
            visit(object["additionalProperties"], at: pointer.appending("additionalProperties"), depth: depth + 1)
            visit(object["not"], at: pointer.appending("not"), depth: depth + 1)
            for key in ["allOf", "anyOf", "oneOf"] {
                for (index, element) in (object[key]?.array ?? []).enumerated() {
                    visit(element, at: pointer.appending(key).appending(index), depth: depth + 1)
                }
            }
        }
        for member in root["definitions"]?.object?.members ?? [] {
            visit(member.value, at: JSONPointer(tokens: ["definitions", member.key]))
        }
        for parameter in parameters(root) {
            if parameter.location == "body" {
                visit(parameter.object["schema"], at: parameter.pointer.appending("schema"))
            } else {
                // A non-body parameter is itself schema-like (type, format, items).
                result.append(PolicySwaggerSchema(pointer: parameter.pointer, object: parameter.object))
                visit(parameter.object["items"], at: parameter.pointer.appending("items"))
            }
        }
        for member in root["responses"]?.object?.members ?? [] {
            visit(member.value["schema"], at: JSONPointer(tokens: ["responses", member.key, "schema"]))
        }
        for operation in operations(root) {
            for member in operation.object["responses"]?.object?.members ?? [] {
                visit(member.value["schema"], at: operation.pointer.appending("responses").appending(member.key).appending("schema"))
            }
            visit(
                operation.object["x-ms-notification-content"]?["schema"],
                at: operation.pointer.appending("x-ms-notification-content").appending("schema"))
        }
        return result
    }
}

/// Text helpers shared by the policy rules.
enum PolicySwaggerText {
    /// The text cut to `limit` characters with an ellipsis, for quoting in messages.
    static func quote(_ text: String, limit: Int = 80) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        return flat.count <= limit ? "\"\(flat)\"" : "\"\(flat.prefix(limit))…\""
    }

    /// Whether `phrase` occurs in `text` as whole words, case-insensitively; the words of a
    /// phrase may be separated by any run of spaces. Returns the occurrence as written.
    static func wholeWord(_ phrase: String, in text: String) -> String? {
        // A cheap test first: the regular expression is only built when the first word occurs.
        guard let first = phrase.split(separator: " ").first, text.lowercased().contains(first.lowercased()) else { return nil }
        let words = phrase.split(separator: " ").map { escapeRegex(String($0)) }
        let pattern = "(?<![\\p{L}\\p{N}])" + words.joined(separator: "\\s*") + "(?![\\p{L}\\p{N}])"
        guard let range = text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else { return nil }
        return String(text[range])
    }

    static func escapeRegex(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Whether the last character is an ASCII letter or digit.
    static func endsAlphanumeric(_ text: String) -> Bool {
        guard let last = text.unicodeScalars.last else { return false }
        return last.isASCII && (last.properties.isAlphabetic || ("0"..."9").contains(last))
    }

    /// The last character, named for a message.
    static func describeLast(_ text: String) -> String {
        guard let last = text.unicodeScalars.last else { return "nothing" }
        switch last {
        case " ": return "a space"
        case "\n": return "a line feed"
        case "\r": return "a carriage return"
        case "\t": return "a tab"
        default: return "\"\(last)\""
        }
    }
}
