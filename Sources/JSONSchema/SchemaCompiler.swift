import JSONDocument

/// Where a schema object is.
struct SchemaLocation: Hashable {
    var document: Int
    var pointer: JSONPointer
}

/// Turns schema documents into `Program` nodes: resolves every `$ref` once (by `id` scope and
/// JSON Pointer fragment, fetching other documents through the resolver), compiles regular
/// expressions once, and refuses `$ref` cycles that would never descend into the instance.
struct SchemaCompiler {
    let dialect: SchemaDialect
    let resolver: (any SchemaResolver)?
    let formatAssertion: Bool

    private var documents: [(uri: String, root: JSONValue)] = []
    private var documentByURI: [String: Int] = [:]
    /// Absolute URIs declared by `id` (draft-04), to where they are.
    private var identifiers: [String: SchemaLocation] = [:]
    private var nodeByLocation: [SchemaLocation: Int] = [:]
    private var parts: [NodeParts?] = []
    /// Nodes reserved by a `$ref` and not built yet.
    private var pending: [(node: Int, location: SchemaLocation)] = []
    private var discriminatorTargets: Set<Int> = []
    private var resolved: [ResolvedKey: Result<SchemaLocation, Unresolvable>] = [:]
    /// See `definitionsByAllOfParent`.
    private var allOfChildren: [Int: [SchemaLocation: [String]]] = [:]
    private(set) var warnings: [SchemaCompileError] = []

    private struct NodeParts {
        var location: SchemaLocation
        var checks: [Check]
        var nullable: Bool
    }

    init(dialect: SchemaDialect, resolver: (any SchemaResolver)?, formatAssertion: Bool) {
        self.dialect = dialect
        self.resolver = resolver
        self.formatAssertion = formatAssertion
    }

    /// Compiles the schema at `pointer` in `root`; returns the program and the entry node.
    mutating func compile(root: JSONValue, pointer: JSONPointer, baseURI: String?) throws(SchemaCompileError) -> (Program, Int) {
        let rootDocument = register(root, uri: URIs.normalized(baseURI ?? ""))
        guard root.value(at: pointer) != nil else {
            throw SchemaCompileError(message: "there is no schema at \(pointer.uriFragment)", schemaPointer: pointer)
        }
        let entry = reserve(SchemaLocation(document: rootDocument, pointer: pointer))
        while let (node, location) = pending.popLast() {
            let value = documents[location.document].root.value(at: location.pointer)!
            try build(node, at: location, value: value, inheritedBase: inheritedBase(for: location))
        }
        try rejectCycles()
        let nodes = parts.enumerated().map { index, part in
            let part = part!
            return Node(
                document: part.location.document, pointer: part.location.pointer, checks: part.checks,
                nullable: part.nullable, isDiscriminatorTarget: discriminatorTargets.contains(index))
        }
        return (Program(nodes: nodes, documentURIs: documents.map(\.uri), dialect: dialect), entry)
    }

    // MARK: - Documents and identifiers

    private mutating func register(_ root: JSONValue, uri: String) -> Int {
        let index = documents.count
        documents.append((uri, root))
        documentByURI[uri] = index
        if dialect == .draft4 {
            indexIdentifiers(root, SchemaLocation(document: index, pointer: .root), base: uri)
        }
        return index
    }

    /// What a keyword's value holds in draft-04: where subschemas (and so `id`s) can be.
    private enum Role {
        case schema, schemaMap, schemaArray, schemaOrArray, other
    }

    private static func role(of keyword: String) -> Role {
        switch keyword {
        case "not", "additionalItems", "additionalProperties": return .schema
        case "properties", "patternProperties", "definitions", "dependencies": return .schemaMap
        case "allOf", "anyOf", "oneOf": return .schemaArray
        case "items": return .schemaOrArray
        default: return .other
        }
    }

    /// Records every `id` in subschema positions (not inside `enum` or unknown keywords). An
    /// `id` beside `$ref` is ignored, as `$ref` replaces its whole object in draft-04.
    private mutating func indexIdentifiers(_ value: JSONValue, _ location: SchemaLocation, base: String) {
        guard let object = value.object else { return }
        var base = base
        if object["$ref"] == nil, let id = object["id"]?.string {
            base = URIs.resolve(id, against: base)
            let key = URIs.normalized(base)
            if identifiers[key] == nil { identifiers[key] = location }
        }
        for member in object.members {
            let here = location.pointer.appending(member.key)
            switch Self.role(of: member.key) {
            case .schema:
                indexIdentifiers(member.value, SchemaLocation(document: location.document, pointer: here), base: base)
            case .schemaMap:
                for entry in member.value.object?.members ?? [] {
                    indexIdentifiers(
                        entry.value, SchemaLocation(document: location.document, pointer: here.appending(entry.key)), base: base)
                }
            case .schemaArray, .schemaOrArray:
                if let elements = member.value.array {
                    for (offset, element) in elements.enumerated() {
                        indexIdentifiers(element, SchemaLocation(document: location.document, pointer: here.appending(offset)), base: base)
                    }
                } else if Self.role(of: member.key) == .schemaOrArray {
                    indexIdentifiers(member.value, SchemaLocation(document: location.document, pointer: here), base: base)
                }
            case .other:
                break
            }
        }
    }

    /// The base URI in force for the schema at `location`, before its own `id`: the document's
    /// URI changed by the `id` of each enclosing subschema.
    private func inheritedBase(for location: SchemaLocation) -> String {
        var base = documents[location.document].uri
        guard dialect == .draft4 else { return base }
        var value = documents[location.document].root
        var role = Role.schema  // what `value` is
        for token in location.pointer.tokens {
            switch role {
            case .schema:
                if let object = value.object, object["$ref"] == nil, let id = object["id"]?.string {
                    base = URIs.resolve(id, against: base)
                }
                role = Self.role(of: token)
                if role == .schemaOrArray { role = value[token]?.array != nil ? .schemaArray : .schema }
            case .schemaMap, .schemaArray:
                role = .schema
            case .schemaOrArray, .other:
                role = .other
            }
            guard let next = value.value(at: JSONPointer(tokens: [token])) else { return base }
            value = next
        }
        return base
    }

    private static let draft4MetaSchemaURI = "http://json-schema.org/draft-04/schema"

    /// The document for an absolute URI without fragment, fetched and registered on first use.
    private mutating func document(for uri: String) -> Int? {
        if let known = documentByURI[uri] { return known }
        if let root = resolver?.document(for: uri) { return register(root, uri: uri) }
        if uri == Self.draft4MetaSchemaURI { return register(MetaSchema.draft4, uri: uri) }
        return nil
    }

    struct Unresolvable: Error {
        var why: String
    }

    /// Where a `$ref` leads, or a message saying why it leads nowhere. Cached: a swagger
    /// refers to the same definitions from many places.
    private mutating func resolve(_ reference: String, base: String) -> Result<SchemaLocation, Unresolvable> {
        let key = ResolvedKey(reference: reference, base: base)
        if let known = resolved[key] { return known }
        let result = resolveUncached(reference, base: base)
        resolved[key] = result
        return result
    }

    private struct ResolvedKey: Hashable {
        var reference: String
        var base: String
    }

    private mutating func resolveUncached(_ reference: String, base: String) -> Result<SchemaLocation, Unresolvable> {
        let absolute = URIs.resolve(reference, against: base)
        let (documentURI, fragment) = URIs.split(absolute)
        if identifiers[documentURI] == nil && document(for: documentURI) == nil {
            return .failure(
                Unresolvable(why: documentURI.isEmpty ? "no base URI to resolve it against" : "no document is known at \(documentURI)"))
        }
        if let fragment, !fragment.isEmpty, !fragment.hasPrefix("/") {
            // A location-independent identifier ("#foo"), declared by an `id`.
            guard let found = identifiers[absolute] else { return .failure(Unresolvable(why: "no schema declares the id \(absolute)")) }
            return .success(found)
        }
        let start = identifiers[documentURI] ?? SchemaLocation(document: documentByURI[documentURI]!, pointer: .root)
        var pointer = start.pointer
        if let fragment, !fragment.isEmpty {
            guard let relative = try? JSONPointer(uriFragment: "#" + fragment) else {
                return .failure(Unresolvable(why: "its fragment is not a JSON Pointer"))
            }
            pointer = JSONPointer(tokens: pointer.tokens + relative.tokens)
        }
        let location = SchemaLocation(document: start.document, pointer: pointer)
        guard documents[start.document].root.value(at: pointer) != nil else {
            return .failure(
                Unresolvable(
                    why:
                        "there is nothing at \(pointer.uriFragment) in \(documents[start.document].uri.isEmpty ? "this document" : documents[start.document].uri)"
                ))
        }
        return .success(location)
    }

    // MARK: - Nodes

    /// The node for a location: existing, or reserved and queued to be built.
    private mutating func reserve(_ location: SchemaLocation) -> Int {
        if let known = nodeByLocation[location] { return known }
        let index = parts.count
        parts.append(nil)
        nodeByLocation[location] = index
        pending.append((index, location))
        return index
    }

    /// A subschema in place: built now, with the enclosing base URI.
    private mutating func subschema(_ location: SchemaLocation, _ value: JSONValue, base: String) throws(SchemaCompileError) -> Int {
        if let known = nodeByLocation[location] { return known }
        let index = parts.count
        parts.append(nil)
        nodeByLocation[location] = index
        try build(index, at: location, value: value, inheritedBase: base)
        return index
    }

    private func error(_ message: String, at location: SchemaLocation, _ keyword: String? = nil) -> SchemaCompileError {
        let pointer = keyword.map { location.pointer.appending($0) } ?? location.pointer
        let uri = documents[location.document].uri
        return SchemaCompileError(message: message, schemaPointer: pointer, schemaDocument: location.document == 0 ? nil : uri)
    }

    /// A keyword whose value has the wrong shape: an error in draft-04; in swagger2 a warning
    /// (the keyword is skipped), because stage 1 reports the swagger's shape already.
    private mutating func malformed(_ message: String, at location: SchemaLocation, _ keyword: String) throws(SchemaCompileError) {
        let problem = error("'\(keyword)' \(message)", at: location, keyword)
        if dialect == .draft4 { throw problem }
        warnings.append(problem)
    }

    private mutating func build(_ index: Int, at location: SchemaLocation, value: JSONValue, inheritedBase: String)
        throws(SchemaCompileError)
    {
        guard let object = value.object else {
            let problem = error("a schema must be an object, found \(value.typeName)", at: location)
            if dialect == .draft4 { throw problem }
            // swagger2: a warning, and a schema that accepts anything.
            warnings.append(problem)
            parts[index] = NodeParts(location: location, checks: [], nullable: false)
            return
        }
        var base = inheritedBase
        var checks: [Check] = []
        let keywords = Keywords(object)
        let nullable = dialect == .swagger2 && keywords[.xNullable]?.bool == true
        defer { parts[index] = NodeParts(location: location, checks: checks, nullable: nullable) }

        // In draft-04 `$ref` replaces its whole object: sibling keywords (and `id`) are ignored.
        // (swagger2 keeps `x-nullable` beside it, read above: real swaggers write it there.)
        if let reference = keywords[.ref] {
            guard let text = reference.string else {
                try malformed("must be a string (a URI reference)", at: location, "$ref")
                return
            }
            switch resolve(text, base: base) {
            case .success(let target): checks.append(.ref(reserve(target)))
            case .failure(let problem): throw error("cannot resolve $ref \"\(text)\": \(problem.why)", at: location, "$ref")
            }
            return
        }
        if dialect == .draft4, let id = keywords[.id]?.string {
            base = URIs.resolve(id, against: base)
        }

        func schema(_ value: JSONValue, _ tokens: String...) throws(SchemaCompileError) -> Int {
            try subschema(
                SchemaLocation(document: location.document, pointer: JSONPointer(tokens: location.pointer.tokens + tokens)), value,
                base: base)
        }
        func count(_ keyword: Keyword) throws(SchemaCompileError) -> Int? {
            guard let value = keywords[keyword] else { return nil }
            guard let number = value.int, number >= 0, value.isIntegral else {
                try malformed("must be a non-negative integer", at: location, keyword.name)
                return nil
            }
            return number
        }
        func number(_ keyword: Keyword) throws(SchemaCompileError) -> SchemaNumber? {
            guard let value = keywords[keyword] else { return nil }
            guard let text = value.numberText else {
                try malformed("must be a number", at: location, keyword.name)
                return nil
            }
            return SchemaNumber(text)
        }
        func flag(_ keyword: Keyword) throws(SchemaCompileError) -> Bool {
            guard let value = keywords[keyword] else { return false }
            guard let flag = value.bool else {
                try malformed("must be true or false", at: location, keyword.name)
                return false
            }
            return flag
        }
        func strings(_ keyword: Keyword, _ value: JSONValue) throws(SchemaCompileError) -> [String]? {
            let names = value.array?.compactMap(\.string)
            guard let names, names.count == value.array?.count else {
                try malformed("must be an array of strings", at: location, keyword.name)
                return nil
            }
            return names
        }
        func schemas(_ keyword: Keyword) throws(SchemaCompileError) -> [Int]? {
            guard let value = keywords[keyword] else { return nil }
            guard let elements = value.array, !elements.isEmpty else {
                try malformed("must be a non-empty array of schemas", at: location, keyword.name)
                return nil
            }
            var nodes: [Int] = []
            for (offset, element) in elements.enumerated() { nodes.append(try schema(element, keyword.name, String(offset))) }
            return nodes
        }
        func regex(_ pattern: String, at keyword: String, _ name: String? = nil) throws(SchemaCompileError) -> ECMARegex {
            do {
                return try ECMARegex.compile(pattern)
            } catch {
                let at = SchemaLocation(
                    document: location.document,
                    pointer: JSONPointer(tokens: location.pointer.tokens + [keyword] + (name.map { [$0] } ?? [])))
                throw self.error("invalid regular expression \"\(pattern)\": \(error.message)", at: at)
            }
        }
        func additional(_ keyword: Keyword) throws(SchemaCompileError) -> Additional {
            guard let value = keywords[keyword] else { return .allowed }
            if let flag = value.bool { return flag ? .allowed : .forbidden }
            if value.object != nil { return .schema(try schema(value, keyword.name)) }
            try malformed("must be a boolean or a schema", at: location, keyword.name)
            return .allowed
        }

        // Any type.
        if let value = keywords[.type] {
            var set = TypeSet()
            let names: [JSONValue] = value.array ?? [value]
            for name in names {
                guard let text = name.string, let type = TypeSet(name: text, dialect: dialect) else {
                    try malformed(
                        "must be a type name (array, boolean, integer, null, number, object, string\(dialect == .swagger2 ? ", file" : "")) or an array of them; found \(name.jsonText)",
                        at: location, "type")
                    set = []
                    break
                }
                set.formUnion(type)
            }
            if !set.isEmpty { checks.append(.type(set)) }
        }
        if let value = keywords[.enumeration] {
            if let options = value.array, !options.isEmpty {
                checks.append(.enumeration(options))
            } else {
                try malformed("must be a non-empty array", at: location, "enum")
            }
        }
        if let nodes = try schemas(.allOf) { checks.append(.allOf(nodes)) }
        if let nodes = try schemas(.anyOf) { checks.append(.anyOf(nodes)) }
        if let nodes = try schemas(.oneOf) { checks.append(.oneOf(nodes)) }
        if let value = keywords[.not] { checks.append(.not(try schema(value, "not"))) }
        if dialect == .swagger2, let value = keywords[.discriminator] {
            // First: when it dispatches to a subtype, the subtype (which includes this schema)
            // replaces the rest of this node's checks.
            if let property = value.string {
                checks.insert(.discriminator(discriminator(property, base: location)), at: 0)
            } else {
                try malformed("must be a property name", at: location, "discriminator")
            }
        }

        // Numbers.
        if let bound = try number(.minimum) { checks.append(.minimum(bound, exclusive: try flag(.exclusiveMinimum))) }
        if let bound = try number(.maximum) { checks.append(.maximum(bound, exclusive: try flag(.exclusiveMaximum))) }
        if let divisor = try number(.multipleOf) {
            if divisor.decimal.isZero || divisor.decimal.negative {
                try malformed("must be greater than 0", at: location, "multipleOf")
            } else {
                checks.append(.multipleOf(divisor))
            }
        }

        // Strings (and swagger's number formats).
        if let limit = try count(.minLength) { checks.append(.minLength(limit)) }
        if let limit = try count(.maxLength) { checks.append(.maxLength(limit)) }
        if let value = keywords[.pattern] {
            if let pattern = value.string {
                checks.append(.pattern(try regex(pattern, at: "pattern")))
            } else {
                try malformed("must be a string", at: location, "pattern")
            }
        }
        if formatAssertion, let name = keywords[.format]?.string, let format = Format(name: name, dialect: dialect) {
            checks.append(format.appliesToNumbers ? .numberFormat(format, name: name) : .stringFormat(format, name: name))
        }

        // Arrays.
        if let value = keywords[.items] {
            if let elements = value.array {
                var nodes: [Int] = []
                for (offset, element) in elements.enumerated() { nodes.append(try schema(element, "items", String(offset))) }
                checks.append(.tupleItems(nodes, additional: try additional(.additionalItems)))
            } else if value.object != nil {
                checks.append(.items(try schema(value, "items")))
            } else {
                try malformed("must be a schema or an array of schemas", at: location, "items")
            }
        }
        if let limit = try count(.minItems) { checks.append(.minItems(limit)) }
        if let limit = try count(.maxItems) { checks.append(.maxItems(limit)) }
        if try flag(.uniqueItems) { checks.append(.uniqueItems) }

        // Objects.
        var properties: [String: (name: String, node: Int)] = [:]
        var ordered: [(name: String, node: Int)] = []
        if let value = keywords[.properties] {
            if let members = value.object?.members {
                for member in members where properties[member.key] == nil {
                    let entry = (member.key, try schema(member.value, "properties", member.key))
                    properties[member.key] = entry
                    ordered.append(entry)
                }
            } else {
                try malformed("must be an object of schemas", at: location, "properties")
            }
        }
        var patterns: [(regex: ECMARegex, node: Int)] = []
        if let value = keywords[.patternProperties] {
            if let members = value.object?.members {
                for member in members {
                    patterns.append(
                        (
                            try regex(member.key, at: "patternProperties", member.key),
                            try schema(member.value, "patternProperties", member.key)
                        ))
                }
            } else {
                try malformed("must be an object of schemas", at: location, "patternProperties")
            }
        }
        if let value = keywords[.required], let names = try strings(.required, value) {
            if !names.isEmpty { checks.append(.required(names)) }
        }
        if let limit = try count(.minProperties) { checks.append(.minProperties(limit)) }
        if let limit = try count(.maxProperties) { checks.append(.maxProperties(limit)) }
        let additionalProperties = try additional(.additionalProperties)
        if case .allowed = additionalProperties, properties.isEmpty, patterns.isEmpty {
            // Nothing to check.
        } else {
            checks.append(
                .properties(
                    ObjectShape(
                        properties: properties, ordered: ordered, patterns: patterns,
                        additional: additionalProperties)))
        }
        if let value = keywords[.dependencies] {
            if let members = value.object?.members {
                var dependencies: [(name: String, dependency: Dependency)] = []
                for member in members {
                    if member.value.object != nil {
                        dependencies.append((member.key, .schema(try schema(member.value, "dependencies", member.key))))
                    } else if let names = try strings(.dependencies, member.value) {
                        dependencies.append((member.key, .properties(names)))
                    }
                }
                if !dependencies.isEmpty { checks.append(.dependencies(dependencies)) }
            } else {
                try malformed("must be an object", at: location, "dependencies")
            }
        }
    }

    /// The keywords `build` reads.
    enum Keyword: Int, CaseIterable {
        case ref, id, type, enumeration, allOf, anyOf, oneOf, not, discriminator, xNullable
        case minimum, exclusiveMinimum, maximum, exclusiveMaximum, multipleOf
        case minLength, maxLength, pattern, format
        case items, additionalItems, minItems, maxItems, uniqueItems
        case properties, patternProperties, additionalProperties, required, minProperties, maxProperties, dependencies

        /// As written in a schema.
        var name: String {
            switch self {
            case .ref: return "$ref"
            case .enumeration: return "enum"
            case .xNullable: return "x-nullable"
            default: return String(describing: self)
            }
        }

        static let byName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
    }

    /// A schema object's keywords, found in one pass over its members (looking each keyword up
    /// would scan the members some thirty times). A duplicated keyword's first member counts.
    struct Keywords {
        private var values = [JSONValue?](repeating: nil, count: Keyword.allCases.count)

        init(_ object: JSONObject) {
            for member in object.members {
                if let keyword = Keyword.byName[member.key], values[keyword.rawValue] == nil {
                    values[keyword.rawValue] = member.value
                }
            }
        }

        subscript(_ keyword: Keyword) -> JSONValue? { values[keyword.rawValue] }
    }

    // MARK: - Swagger discriminator

    /// The definitions of the base's document that include the base through `allOf` (directly or
    /// through another subtype), each compiled and marked as a dispatch target, by discriminator
    /// value: the definition's name, or its `x-ms-discriminator-value` (AutoRest's extension,
    /// which Power Platform connectors use).
    private mutating func discriminator(_ property: String, base: SchemaLocation) -> Discriminator {
        let tokens = base.pointer.tokens
        let root = documents[base.document].root
        var baseName = tokens.count == 2 && tokens[0] == "definitions" ? tokens[1] : nil
        if let value = root.value(at: base.pointer)?["x-ms-discriminator-value"]?.string { baseName = value }
        let children = definitionsByAllOfParent(base.document)
        var subtypes: [String: Int] = [:]
        var seen: Set<SchemaLocation> = [base]
        var queue = [base]
        while !queue.isEmpty {
            let parent = queue.removeFirst()
            for name in children[parent] ?? [] {
                let location = SchemaLocation(document: base.document, pointer: JSONPointer(tokens: ["definitions", name]))
                guard seen.insert(location).inserted else { continue }
                queue.append(location)
                let value = root["definitions"]?[name]?["x-ms-discriminator-value"]?.string ?? name
                guard value != baseName, subtypes[value] == nil else { continue }
                let node = reserve(location)
                discriminatorTargets.insert(node)
                subtypes[value] = node
            }
        }
        return Discriminator(property: property, baseName: baseName, subtypes: subtypes)
    }

    /// For a document: each schema that definitions' `allOf` refer to, with those definitions'
    /// names, in document order. Built once per document, for all its discriminators.
    private mutating func definitionsByAllOfParent(_ document: Int) -> [SchemaLocation: [String]] {
        if let known = allOfChildren[document] { return known }
        var index: [SchemaLocation: [String]] = [:]
        for definition in documents[document].root["definitions"]?.object?.members ?? [] {
            for element in definition.value["allOf"]?.array ?? [] {
                guard let text = element["$ref"]?.string,
                    case .success(let parent) = resolve(text, base: documents[document].uri)
                else { continue }
                index[parent, default: []].append(definition.key)
            }
        }
        allOfChildren[document] = index
        return index
    }

    // MARK: - Cycles

    /// A schema that reaches itself through `$ref`, `allOf`, `anyOf`, `oneOf` or `not` without
    /// descending into the instance would evaluate forever: refuse it here, once.
    private func rejectCycles() throws(SchemaCompileError) {
        enum Mark { case unvisited, active, done }
        var marks = [Mark](repeating: .unvisited, count: parts.count)
        func inPlace(_ node: Int) -> [Int] {
            var next: [Int] = []
            for check in parts[node]!.checks {
                switch check {
                case .ref(let target): next.append(target)
                case .allOf(let nodes), .anyOf(let nodes), .oneOf(let nodes): next += nodes
                case .not(let target): next.append(target)
                default: break
                }
            }
            return next
        }
        for start in 0..<parts.count where marks[start] == .unvisited {
            // Iterative depth-first search: (node, its successors, next successor).
            var stack: [(node: Int, next: [Int], position: Int)] = [(start, inPlace(start), 0)]
            marks[start] = .active
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].position == stack[top].next.count {
                    marks[stack[top].node] = .done
                    stack.removeLast()
                    continue
                }
                let successor = stack[top].next[stack[top].position]
                stack[top].position += 1
                switch marks[successor] {
                case .active:
                    let cycle = stack.drop(while: { $0.node != successor }).map { parts[$0.node]!.location.pointer.uriFragment }
                    throw error(
                        "circular reference: \((cycle + [cycle[0]]).joined(separator: " -> ")) evaluates the same value forever",
                        at: parts[successor]!.location)
                case .unvisited:
                    marks[successor] = .active
                    stack.append((successor, inPlace(successor), 0))
                case .done:
                    break
                }
            }
        }
    }
}
