import JSONDocument

/// Sees the objects of an OpenAPI 2.0 document, each with its kind and where it is.
protocol OASVisitor {
    /// Called once for every place the specification puts an object of `kind`, whatever JSON
    /// value is actually there (a wrong type is the parent's problem, reported there).
    /// `path` holds the pointer's tokens: build a `JSONPointer` only when reporting.
    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String])
}

/// Walks an OpenAPI 2.0 document once, through the specification's tables (`OASSpec`), and
/// calls a visitor for every typed object: the root, info, every path item, operation,
/// parameter, response, header, items, schema (nested ones too), tag, security scheme and
/// requirement. It never follows `$ref` (each definition is visited where it is written), so
/// it always ends, however the references loop. It does not descend into vendor extensions,
/// except, with `extensionSchemas`, the schema of an operation's `x-ms-notification-content`
/// (a real Schema Object whose references must resolve like any other).
struct OASWalker {
    var extensionSchemas = false

    func walk<V: OASVisitor>(_ root: JSONValue, _ visitor: inout V) {
        var path: [String] = []
        path.reserveCapacity(32)
        walk(.root, root, &path, &visitor)
    }

    private func walk<V: OASVisitor>(_ kind: OASKind, _ value: JSONValue, _ path: inout [String], _ visitor: inout V) {
        visitor.visit(kind, value, at: path)
        guard let object = value.object else { return }
        switch kind {
        case .paths, .responses:
            let child: OASKind = kind == .paths ? .pathItem : .response
            for member in object.members where !OASSpec.isExtension(member.key) {
                path.append(member.key)
                walk(child, member.value, &path, &visitor)
                path.removeLast()
            }
        case .securityScheme, .securityRequirement:
            return
        default:
            guard let spec = OASSpec.spec(kind, object), spec.variant != "reference", !spec.descents.isEmpty else { return }
            // One pass over the members (not one look-up per possible child): the first member
            // of a duplicated key only, as look-ups would.
            var seen: UInt64 = 0
            for member in object.members {
                guard let ordinal = spec.descentTable.ordinal(member.key) else { continue }
                let bit: UInt64 = 1 << UInt64(ordinal)
                if seen & bit != 0 { continue }
                seen |= bit
                path.append(member.key)
                descend(spec.descents[ordinal], member.value, &path, &visitor)
                path.removeLast()
            }
            if extensionSchemas, kind == .operation, let schema = object["x-ms-notification-content"]?["schema"] {
                path.append("x-ms-notification-content")
                path.append("schema")
                walk(.schema, schema, &path, &visitor)
                path.removeLast(2)
            }
        }
    }

    private func descend<V: OASVisitor>(_ descent: OASDescent, _ value: JSONValue, _ path: inout [String], _ visitor: inout V) {
        switch descent {
        case .object(let kind):
            walk(kind, value, &path, &visitor)
        case .listOfObjects(let kind):
            guard case .array(let elements) = value.kind else { return }
            for index in elements.indices {
                path.append(String(index))
                walk(kind, elements[index], &path, &visitor)
                path.removeLast()
            }
        case .mapOfObjects(let kind):
            guard case .object(let object) = value.kind else { return }
            for member in object.members {
                path.append(member.key)
                walk(kind, member.value, &path, &visitor)
                path.removeLast()
            }
        case .schemaOrBoolean:
            if case .object = value.kind { walk(.schema, value, &path, &visitor) }
        case .schemaOrSchemaList:
            if case .object = value.kind {
                walk(.schema, value, &path, &visitor)
            } else if case .array = value.kind {
                descend(.listOfObjects(.schema), value, &path, &visitor)
            }
        }
    }
}

/// The operations of a document: every method of every path item, with what applies to it.
/// Pointers are made only when asked for (most operations have nothing to report).
struct OASOperation {
    var path: String
    var method: String
    var operation: JSONObject
    var pathItem: JSONObject

    /// /paths/{path}/{method}
    var pointer: JSONPointer { JSONPointer(tokens: ["paths", path, method]) }
    var pathItemPointer: JSONPointer { JSONPointer(tokens: ["paths", path]) }

    /// "GET /pets/{id}"
    var label: String { "\(method.uppercased()) \(path)" }

    /// Every operation of `root`, in document order.
    static func all(in root: JSONValue) -> [OASOperation] {
        guard case .object(let paths)? = root["paths"]?.kind else { return [] }
        var operations: [OASOperation] = []
        operations.reserveCapacity(paths.count * 2)
        for member in paths.members where !OASSpec.isExtension(member.key) {
            guard case .object(let item) = member.value.kind else { continue }
            for method in item.members where OASSpec.isMethod(method.key) {
                guard case .object(let operation) = method.value.kind else { continue }
                operations.append(OASOperation(path: member.key, method: method.key, operation: operation, pathItem: item))
            }
        }
        return operations
    }

    /// The parameters that apply: the operation's, and the path item's that the operation does
    /// not override (same name and location), each resolved through a local `$ref` when it has
    /// one. Unresolvable references are left out (`ref-resolves` reports them).
    func parameters(in root: JSONValue) -> [OASParameter] {
        var result: [OASParameter] = []
        if case .array(let list)? = operation["parameters"]?.kind {
            result.reserveCapacity(list.count)
            for (index, value) in list.enumerated() {
                if let parameter = OASParameter(value, path: path, method: method, index: index, root: root) { result.append(parameter) }
            }
        }
        if case .array(let list)? = pathItem["parameters"]?.kind {
            let own = result.count
            for (index, value) in list.enumerated() {
                guard let parameter = OASParameter(value, path: path, method: nil, index: index, root: root) else { continue }
                // Overridden by the operation's own parameter of the same name and location.
                if result[..<own].contains(where: { $0.name == parameter.name && $0.location == parameter.location }) { continue }
                result.append(parameter)
            }
        }
        return result
    }

    /// `consumes` of the operation, or else of the document.
    func consumes(in root: JSONValue) -> [String] {
        let list = operation["consumes"]?.array ?? root["consumes"]?.array ?? []
        return list.compactMap(\.string)
    }
}

/// A parameter as it applies, resolved through its `$ref`.
struct OASParameter {
    struct Key: Hashable {
        var name: String
        var location: String
    }

    var object: JSONObject
    var name: String
    var location: String
    /// Where it is used: the parameters of /paths/{path}/{method}, or of the path item itself
    /// when `method` is nil, at `index`.
    private var path: String
    private var method: String?
    private var index: Int

    var key: Key { Key(name: name, location: location) }

    /// The list element (which may be a `$ref`).
    var pointer: JSONPointer {
        JSONPointer(tokens: method.map { ["paths", path, $0, "parameters", String(index)] } ?? ["paths", path, "parameters", String(index)])
    }

    init?(_ value: JSONValue, path: String, method: String?, index: Int, root: JSONValue) {
        var object = value.object
        if let ref = value["$ref"]?.string {
            guard let target = OASReference.resolve(ref, in: root) else { return nil }
            object = target.value.object
        }
        guard let object, let name = object["name"]?.string, let location = object["in"]?.string else { return nil }
        self.object = object
        self.name = name
        self.location = location
        self.path = path
        self.method = method
        self.index = index
    }
}

/// Local JSON References ("#/definitions/Pet").
enum OASReference {
    enum Form {
        /// "#/..." or "#".
        case local(JSONPointer)
        /// Another document ("other.json#/Pet", "https://...").
        case external
        /// Not a valid reference (a bad pointer after "#").
        case malformed(String)
    }

    static func form(of ref: String) -> Form {
        guard ref.utf8.first == UInt8(ascii: "#") else { return .external }
        do {
            return .local(try JSONPointer(uriFragment: ref))
        } catch {
            return .malformed((error as? JSONPointer.SyntaxError)?.message ?? "\(error)")
        }
    }

    /// The value a local reference names, or nil. References without "%" and "~" (nearly all)
    /// are looked up segment by segment, without building a pointer.
    static func lookup(_ ref: String, in root: JSONValue) -> JSONValue? {
        let utf8 = ref.utf8
        guard utf8.first == UInt8(ascii: "#") else { return nil }
        if utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "~") }) {
            guard case .local(let pointer) = form(of: ref) else { return nil }
            return root.value(at: pointer)
        }
        if utf8.count == 1 { return root }
        guard utf8.dropFirst().first == UInt8(ascii: "/") else { return nil }
        var current = root
        for segment in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            switch current.kind {
            case .object(let object):
                guard let next = object[String(segment)] else { return nil }
                current = next
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(String(segment)), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The value a local reference points to, after following references that consist of
    /// `$ref` alone (at most 32 of them, so a loop gives nil).
    static func resolve(_ ref: String, in root: JSONValue) -> (value: JSONValue, ref: String)? {
        var current = ref
        for _ in 0..<32 {
            guard let value = lookup(current, in: root) else { return nil }
            if case .object(let object) = value.kind, object.count == 1, let next = object["$ref"]?.string {
                current = next
                continue
            }
            return (value, current)
        }
        return nil
    }
}

extension RuleContext {
    /// A finding at the pointer made of `tokens`.
    func swaggerFinding(_ message: String, tokens: [String], atKey: Bool = false, signature: String = "") -> Finding? {
        swaggerFinding(message, at: JSONPointer(tokens: tokens), atKey: atKey, signature: signature)
    }
}

/// Short quoting of values in messages.
enum OASText {
    /// The value as JSON text, cut to `limit` characters.
    static func quote(_ value: JSONValue, limit: Int = 60) -> String {
        let text = value.jsonText
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// A string as a JSON string literal, quotes inside escaped.
    static func literal(_ text: String) -> String {
        JSONValue(.string(text)).jsonText
    }

    /// "a string (\"yes\")", "an object", for "..., not <this>".
    static func describe(_ value: JSONValue) -> String {
        switch value.kind {
        case .null: return "null"
        case .bool, .number, .string: return "\(OASSpec.article(value.typeName)) \(value.typeName) (\(quote(value, limit: 40)))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// "\"a\", \"b\" or \"c\"" (or "and", with `conjunction`).
    static func list(_ names: [String], _ conjunction: String = "or") -> String {
        let quoted = names.map { "\"\($0)\"" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + quoted.last!
    }
}
