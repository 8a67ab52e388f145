import Certification
import JSONDocument

/// Sees the objects of an OpenAPI 2.0 document, each with its kind and where it is.
protocol OASVisitor {
    /// Called once for every place the specification puts an object of `kind`, whatever JSON
    /// value is actually there (a wrong type is the parent's problem, reported there).
    /// `path` holds the pointer's tokens: build a `JSONPointer` only when reporting.
    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String])

    /// The same call, also told how many tokens the step from the object it was reached from
    /// added to the path (1 for "info", 2 for "parameters", "0"; 0 for the root). The walker
    /// calls this one; by default it calls the one above.
    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String], step: Int)
}

extension OASVisitor {
    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String], step: Int) {
        visit(kind, value, at: path)
    }
}

/// Walks an OpenAPI 2.0 document once, through the specification's tables (`OASSpec`), and
/// calls a visitor for every typed object: the root, info, every path item, operation,
/// parameter, response, header, items, schema (nested ones too), tag, security scheme and
/// requirement. It never follows `$ref` (each definition is visited where it is written), so
/// it always ends, however the references loop. It does not descend into vendor extensions,
/// except, with `extensionSchemas`, the schema of the `x-ms-notification-content` of an
/// operation or a path item (a real Schema Object whose references must resolve like any other).
struct OASWalker {
    var extensionSchemas = false

    func walk<V: OASVisitor>(_ root: JSONValue, _ visitor: inout V) {
        var path: [String] = []
        path.reserveCapacity(32)
        walk(.root, root, &path, &visitor, from: 0)
    }

    /// `from`: the path length of the object `value` was reached from.
    private func walk<V: OASVisitor>(_ kind: OASKind, _ value: JSONValue, _ path: inout [String], _ visitor: inout V, from: Int) {
        visitor.visit(kind, value, at: path, step: path.count - from)
        let here = path.count
        guard let object = value.object else { return }
        switch kind {
        case .paths, .responses:
            let child: OASKind = kind == .paths ? .pathItem : .response
            for member in object.members where !OASSpec.isExtension(member.key) {
                path.append(member.key)
                walk(child, member.value, &path, &visitor, from: here)
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
                descend(spec.descents[ordinal], member.value, &path, &visitor, from: here)
                path.removeLast()
            }
            if extensionSchemas, kind == .operation || kind == .pathItem, let schema = object["x-ms-notification-content"]?["schema"] {
                path.append("x-ms-notification-content")
                path.append("schema")
                walk(.schema, schema, &path, &visitor, from: here)
                path.removeLast(2)
            }
        }
    }

    private func descend<V: OASVisitor>(_ descent: OASDescent, _ value: JSONValue, _ path: inout [String], _ visitor: inout V, from: Int) {
        switch descent {
        case .object(let kind):
            walk(kind, value, &path, &visitor, from: from)
        case .listOfObjects(let kind):
            guard case .array(let elements) = value.kind else { return }
            for index in elements.indices {
                path.append(String(index))
                walk(kind, elements[index], &path, &visitor, from: from)
                path.removeLast()
            }
        case .mapOfObjects(let kind):
            guard case .object(let object) = value.kind else { return }
            for member in object.members {
                path.append(member.key)
                walk(kind, member.value, &path, &visitor, from: from)
                path.removeLast()
            }
        case .schemaOrBoolean:
            if case .object = value.kind { walk(.schema, value, &path, &visitor, from: from) }
        case .schemaOrSchemaList:
            if case .object = value.kind {
                walk(.schema, value, &path, &visitor, from: from)
            } else if case .array = value.kind {
                descend(.listOfObjects(.schema), value, &path, &visitor, from: from)
            }
        }
    }
}

/// Keys of an object that some rule looks for, noted once per object when the walk is
/// recorded: a rule about `pattern` visits only the objects that have one.
struct OASKeySet: OptionSet, Sendable {
    let rawValue: UInt32

    init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    static let ref = OASKeySet(rawValue: 1 << 0)
    static let `default` = OASKeySet(rawValue: 1 << 1)
    static let example = OASKeySet(rawValue: 1 << 2)
    static let examples = OASKeySet(rawValue: 1 << 3)
    static let testValue = OASKeySet(rawValue: 1 << 4)
    static let required = OASKeySet(rawValue: 1 << 5)
    static let `enum` = OASKeySet(rawValue: 1 << 6)
    static let pattern = OASKeySet(rawValue: 1 << 7)
    static let minimum = OASKeySet(rawValue: 1 << 8)
    static let maximum = OASKeySet(rawValue: 1 << 9)
    static let minLength = OASKeySet(rawValue: 1 << 10)
    static let maxLength = OASKeySet(rawValue: 1 << 11)
    static let minItems = OASKeySet(rawValue: 1 << 12)
    static let maxItems = OASKeySet(rawValue: 1 << 13)
    static let minProperties = OASKeySet(rawValue: 1 << 14)
    static let maxProperties = OASKeySet(rawValue: 1 << 15)

    static let lowerBounds: OASKeySet = [.minimum, .minLength, .minItems, .minProperties]
    static let upperBounds: OASKeySet = [.maximum, .maxLength, .maxItems, .maxProperties]

    /// The keys, in bit order.
    static let names = [
        "$ref", "default", "example", "examples", "x-ms-test-value", "required", "enum", "pattern", "minimum", "maximum",
        "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    ]
    private static let table = OASFieldTable(names)

    /// The keys of `object` (duplicates count: this says "may have", for skipping).
    init(of object: JSONObject) {
        var raw: UInt32 = 0
        for member in object.members {
            if let ordinal = OASKeySet.table.ordinal(member.key) { raw |= 1 << UInt32(ordinal) }
        }
        self.init(rawValue: raw)
    }
}

/// Sees the nodes of a recorded walk that have some keys (`OASWalkRecord.replay(_:where:)`).
/// The path is made into tokens only when asked for: most nodes have nothing to report.
protocol OASNodeVisitor {
    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: OASNodePath)
}

/// The path of a node of a recorded walk.
struct OASNodePath {
    /// The record outlives every visit of its nodes (no reference counting for each node).
    unowned(unsafe) let record: OASWalkRecord
    let index: Int

    var tokens: [String] { record.path(of: index) }

    static func + (path: OASNodePath, more: [String]) -> [String] { path.tokens + more }
}

/// One walk of a document, recorded in visiting order and shared by the rules of a package
/// (through `StageInput.memo`): replaying it calls a visitor exactly as `OASWalker` would, with
/// the same kinds, values and paths, without looking up the specification's tables again for
/// every member of every object. A rule that needs only objects with some key (`OASKeySet`)
/// replays those alone.
final class OASWalkRecord: Sendable {
    struct Node: Sendable {
        var kind: OASKind
        /// The length of the node's path.
        var depth: Int32
        /// The index of the node it was reached from (-1 for the root).
        var parent: Int32
        /// Inside an `x-ms-notification-content` (visited only with `extensionSchemas`).
        var inExtension: Bool
        var keys: OASKeySet
        /// The path's last token, and the one before it when the step took two (nil otherwise).
        var token: String
        var previousToken: String?
        /// The whole path, for a step of more than two tokens (the walker takes none today).
        var wholePath: [String]?
        var value: JSONValue
    }

    let nodes: [Node]

    init(_ root: JSONValue) {
        var recorder = Recorder()
        OASWalker(extensionSchemas: true).walk(root, &recorder)
        nodes = recorder.nodes
    }

    /// The record of the swagger of `context`'s package, made once per package.
    static func of(_ context: RuleContext) -> OASWalkRecord? {
        guard let swagger = context.swagger else { return nil }
        return context.input.memo.value("oas.walk") { OASWalkRecord(swagger.document.root) }
    }

    /// Calls `visitor` for every node, as `OASWalker(extensionSchemas:)` would.
    func replay<V: OASVisitor>(_ visitor: inout V, extensionSchemas: Bool) {
        var path: [String] = []
        path.reserveCapacity(32)
        for index in nodes.indices {
            if nodes[index].inExtension && !extensionSchemas { continue }
            if let whole = nodes[index].wholePath {
                path = whole
            } else if nodes[index].depth > 0 {
                let previous = nodes[index].previousToken
                let keep = Int(nodes[index].depth) - (previous == nil ? 1 : 2)
                if path.count > keep { path.removeLast(path.count - keep) }
                if let previous { path.append(previous) }
                path.append(nodes[index].token)
            }
            visitor.visit(nodes[index].kind, nodes[index].value, at: path)
        }
    }

    /// Calls `visitor` for the nodes whose keys satisfy `wanted`, in walking order, with
    /// extension schemas: the same calls as a whole replay to a visitor that does nothing
    /// for the other nodes.
    func replay<V: OASNodeVisitor>(_ visitor: inout V, where wanted: (OASKeySet) -> Bool) {
        for index in nodes.indices where wanted(nodes[index].keys) {
            visitor.visit(nodes[index].kind, nodes[index].value, at: OASNodePath(record: self, index: index))
        }
    }

    /// The tokens of node `index`'s path.
    func path(of index: Int) -> [String] {
        var reversed: [String] = []
        reversed.reserveCapacity(Int(nodes[index].depth))
        var current = index
        while current >= 0 {
            if let whole = nodes[current].wholePath { return whole + reversed.reversed() }
            if nodes[current].depth == 0 { break }
            reversed.append(nodes[current].token)
            if let previous = nodes[current].previousToken { reversed.append(previous) }
            current = Int(nodes[current].parent)
        }
        return reversed.reversed()
    }

    private struct Recorder: OASVisitor {
        var nodes: [Node] = []
        /// The node indices of the current node's ancestors, with their depths and whether each
        /// is inside an extension.
        var ancestors: [(index: Int, depth: Int, inExtension: Bool)] = []

        mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String]) {
            preconditionFailure("the walker tells the recorder each step")
        }

        mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String], step: Int) {
            let depth = path.count
            // The parent is the ancestor `step` tokens up (the walk is depth first).
            while let last = ancestors.last, last.depth > depth - step { ancestors.removeLast() }
            let previous = step == 2 ? path[depth - 2] : nil
            let inExtension =
                (ancestors.last?.inExtension ?? false)
                || (kind == .schema && previous == "x-ms-notification-content" && path.last == "schema")
            let keys = value.object.map(OASKeySet.init(of:)) ?? []
            nodes.append(
                Node(
                    kind: kind, depth: Int32(depth), parent: Int32(ancestors.last?.index ?? -1), inExtension: inExtension,
                    keys: keys, token: path.last ?? "", previousToken: previous, wholePath: step > 2 ? path : nil, value: value))
            ancestors.append((nodes.count - 1, depth, inExtension))
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

    /// Every operation of the package's swagger, found once per package.
    static func all(_ context: RuleContext) -> [OASOperation] {
        guard let swagger = context.swagger else { return [] }
        return context.input.memo.value("oas.operations") { all(in: swagger.document.root) }
    }

    /// Every operation of the package's swagger with the parameters that apply to it, resolved
    /// once per package.
    static func withParameters(_ context: RuleContext) -> [(operation: OASOperation, parameters: [OASParameter])] {
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        return context.input.memo.value("oas.operationParameters") {
            all(context).map { OASOperationParameters(operation: $0, parameters: $0.parameters(in: root)) }
        }.map { ($0.operation, $0.parameters) }
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

/// An operation and the parameters that apply to it.
struct OASOperationParameters: Sendable {
    var operation: OASOperation
    var parameters: [OASParameter]
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
        JSONPointer(
            tokens: method.map { ["paths", path, $0, "parameters", String(index)] } ?? ["paths", path, "parameters", String(index)])
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
