import JSONDocument

/// Validates one instance against a `Program`. Two modes share the code: collecting (every
/// error, with pointers) and quiet (stop at the first failure, no pointers or messages built).
/// Combinators whose branches are only counted (`anyOf`, `oneOf`, `not`) evaluate them quietly.
struct Evaluator {
    private let program: Program
    private let nodes: [Node]
    private(set) var collecting: Bool
    private(set) var errors: [SchemaError] = []
    /// The instance path, kept only while collecting.
    private var path: [PathToken] = []
    /// How deep in the instance we are, always kept (discriminator re-entry guard).
    private var depth = 0
    /// Discriminator subtypes being evaluated, with the depth of their instance.
    private var activeSubtypes: [(depth: Int, node: Int)] = []
    /// Patterns that exceeded their match budget during this evaluation (`ECMARegex.match`).
    private var exhaustedPatterns = Set<ObjectIdentifier>()

    private enum PathToken {
        case key(String)
        case index(Int)
    }

    /// Instance nesting beyond this is reported (keyword "depth") rather than followed, to bound
    /// the stack: validation recurses, about 2 to 4 KB of stack per level in a release build
    /// (several times that in debug), so 128 levels fit a 512 KB thread.
    static let maximumDepth = 128

    init(program: Program, collecting: Bool) {
        self.program = program
        self.nodes = program.nodes
        self.collecting = collecting
    }

    // MARK: - Nodes

    mutating func validate(_ value: JSONValue, _ index: Int) -> Bool {
        // A value meets one schema node at one place once: `allOf: [{$ref: D1}, {$ref: D1}]`
        // nested forty deep would otherwise take 2^40 steps. The answer is remembered by node,
        // the value's place in its text (parsed values have distinct positions; built ones,
        // with line 0, are not remembered) and the mode; not inside a discriminator's subtype,
        // whose answer depends on the path taken.
        let remember = value.position.line > 0 && activeSubtypes.isEmpty
        let key = Visit(node: index, offset: value.position.offset, line: value.position.line, collecting: collecting)
        if remember, let known = visited[key] { return known }
        steps += 1
        if steps > Self.maximumSteps {
            if !exhausted {
                exhausted = true
                if collecting {
                    errors.append(
                        SchemaError(
                            instancePointer: currentPointer, schemaPointer: nodes[index].pointer, schemaDocument: nil,
                            keyword: "complexity",
                            message:
                                "the value is too complex to validate within \(Self.maximumSteps) steps (maximumEvaluationSteps); it is not validated further"
                        ))
                }
            }
            return false
        }
        // `$ref`, allOf, anyOf, oneOf and not recurse without descending into the value, so
        // `maximumDepth` does not bound them: a chain of 100,000 `$ref`s overflowed the stack.
        if nesting >= Self.maximumNesting {
            if collecting && !tooDeep {
                tooDeep = true
                errors.append(
                    SchemaError(
                        instancePointer: currentPointer, schemaPointer: nodes[index].pointer, schemaDocument: nil, keyword: "depth",
                        message:
                            "the schema nests $ref, allOf, anyOf, oneOf, not and subschemas more than \(Self.maximumNesting) levels deep here (maximumSchemaNesting); it is not validated further"
                    ))
            }
            return false
        }
        nesting += 1
        let valid = evaluateNode(value, index)
        nesting -= 1
        if remember { visited[key] = valid }
        return valid
    }

    /// Schema nodes being evaluated inside one another, at most (`maximumSchemaNesting`): each
    /// takes a few stack frames (about 5 KB in a debug build), so 512 stay well within the 8 MB
    /// of a stage thread, and leave four a level for values `maximumDepth` deep.
    static let maximumNesting = 512
    private var nesting = 0
    private var tooDeep = false

    private struct Visit: Hashable {
        var node: Int
        var offset: Int
        var line: Int
        var collecting: Bool
    }

    /// Schema nodes evaluated for one instance, at most (`maximumEvaluationSteps`); a backstop
    /// beyond the memo, for schemas that are large and values that are larger.
    static let maximumSteps = 2_000_000
    private var visited: [Visit: Bool] = [:]
    private var steps = 0
    private var exhausted = false

    private mutating func evaluateNode(_ value: JSONValue, _ index: Int) -> Bool {
        let node = nodes[index]
        if node.nullable, case .null = value.kind { return true }
        if node.isDiscriminatorTarget { activeSubtypes.append((depth, index)) }
        defer { if node.isDiscriminatorTarget { activeSubtypes.removeLast() } }
        if let discriminator = node.discriminator, let subtype = dispatch(discriminator, value) {
            // The subtype includes this schema through allOf: validating it covers both.
            return validate(value, subtype)
        }
        var valid = true
        for check in node.general where !evaluate(check, value, node) {
            guard collecting else { return false }
            valid = false
        }
        switch value.kind {
        case .string(let text):
            for check in node.forStrings where !evaluateString(check, text, node) {
                guard collecting else { return false }
                valid = false
            }
        case .number(let text):
            for check in node.forNumbers where !evaluateNumber(check, text, node) {
                guard collecting else { return false }
                valid = false
            }
        case .array(let elements):
            for check in node.forArrays where !evaluateArray(check, elements, node) {
                guard collecting else { return false }
                valid = false
            }
        case .object(let object):
            for check in node.forObjects where !evaluateObject(check, object, node) {
                guard collecting else { return false }
                valid = false
            }
        case .null, .bool:
            break
        }
        return valid
    }

    /// Validates a member or element: one level deeper in the instance.
    private mutating func descend(_ value: JSONValue, _ node: Int, _ token: PathToken) -> Bool {
        if depth >= Self.maximumDepth {
            // Not a keyword's failure: reported with the keyword "depth" at the subschema.
            if collecting {
                let target = nodes[node]
                errors.append(
                    SchemaError(
                        instancePointer: instancePointer(token), schemaPointer: target.pointer,
                        schemaDocument: target.document == 0 ? nil : program.documentURIs[target.document],
                        keyword: "depth",
                        message: "the value is nested more than \(Self.maximumDepth) levels deep; it is not validated further"))
            }
            return false
        }
        depth += 1
        if collecting { path.append(token) }
        let valid = validate(value, node)
        if collecting { path.removeLast() }
        depth -= 1
        return valid
    }

    // MARK: - Errors

    private var currentPointer: JSONPointer { instancePointer(nil) }

    /// The current instance location, or one member or element below it.
    private func instancePointer(_ below: PathToken?) -> JSONPointer {
        var tokens: [String] = []
        tokens.reserveCapacity(path.count + 1)
        for token in path + (below.map { [$0] } ?? []) {
            switch token {
            case .key(let key): tokens.append(key)
            case .index(let index): tokens.append(String(index))
            }
        }
        return JSONPointer(tokens: tokens)
    }

    /// Records an error at the current instance location (or one member below it) and returns
    /// false. Messages are built only while collecting.
    private mutating func fail(
        _ node: Node, _ keyword: String, _ message: @autoclosure () -> String,
        schema extra: [String] = [], at token: PathToken? = nil
    ) -> Bool {
        guard collecting else { return false }
        errors.append(
            SchemaError(
                instancePointer: instancePointer(token),
                schemaPointer: JSONPointer(tokens: node.pointer.tokens + [keyword] + extra),
                schemaDocument: node.document == 0 ? nil : program.documentURIs[node.document],
                keyword: keyword, message: message()))
        return false
    }

    // MARK: - Any type

    private mutating func evaluate(_ check: Check, _ value: JSONValue, _ node: Node) -> Bool {
        switch check {
        case .ref(let target):
            return validate(value, target)
        case .type(let types):
            if Self.matches(types, value, dialect: program.dialect) { return true }
            return fail(
                node, "type",
                "expected type \(Messages.list(types.names, "or")), found \(Messages.typeOf(value, expectingInteger: types.contains(.integer)))"
            )
        case .enumeration(let options):
            for option in options where JSONEquality.equal(option, value) { return true }
            return fail(
                node, "enum",
                "value must be one of: \(Messages.list(options.map(Messages.quote), ",", limit: 10)); found \(Messages.quote(value))")
        case .allOf(let branches):
            var valid = true
            for branch in branches where !validate(value, branch) {
                guard collecting else { return false }
                valid = false
            }
            return valid
        case .anyOf(let branches):
            // Branches are only tried: quietly (nothing recorded), stopping at the first match.
            let saved = collecting
            collecting = false
            var matched = false
            for branch in branches where validate(value, branch) {
                matched = true
                break
            }
            collecting = saved
            if matched { return true }
            guard collecting else { return false }
            let hint = closest(branches, value)
            return fail(node, "anyOf", "does not match any of the anyOf schemas" + hint)
        case .oneOf(let branches):
            let saved = collecting
            collecting = false
            var matching: [Int] = []
            for (offset, branch) in branches.enumerated() where validate(value, branch) {
                matching.append(offset)
                // Quiet mode only needs to know "more than one"; messages list them all.
                if matching.count > 1 && !saved { break }
            }
            collecting = saved
            if matching.count == 1 { return true }
            guard collecting else { return false }
            if matching.isEmpty {
                let hint = closest(branches, value)
                return fail(node, "oneOf", "does not match any of the oneOf schemas; it must match exactly one" + hint)
            }
            return fail(
                node, "oneOf",
                "matches \(matching.count) of the oneOf schemas (\(Messages.list(matching.map { "#\($0)" }, "and"))); it must match exactly one"
            )
        case .not(let branch):
            let saved = collecting
            collecting = false
            let matched = validate(value, branch)
            collecting = saved
            if !matched { return true }
            // Name the schema when 'not' refers elsewhere ("not": {"$ref": ...}).
            let described = collecting ? describe(branch) : ""
            let inPlace = JSONPointer(tokens: node.pointer.tokens + ["not"]).uriFragment
            return fail(node, "not", "must not match the schema in 'not'" + (described.hasSuffix(inPlace) ? "" : " (\(described))"))
        case .discriminator(let discriminator):
            return evaluateDiscriminator(discriminator, value, node)
        default:
            return true
        }
    }

    static func matches(_ types: TypeSet, _ value: JSONValue, dialect: SchemaDialect) -> Bool {
        if types.contains(.file) { return true }
        switch value.kind {
        case .null: return types.contains(.null)
        case .bool: return types.contains(.boolean)
        case .string: return types.contains(.string)
        case .array: return types.contains(.array)
        case .object: return types.contains(.object)
        case .number(let text):
            if types.contains(.number) { return true }
            guard types.contains(.integer) else { return false }
            // Draft-04: an integer is written without fraction or exponent. Swagger: by value.
            let plain = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            return plain || (dialect == .swagger2 && DecimalNumber(text).isIntegral)
        }
    }

    /// For a failed anyOf/oneOf: the branch that came closest, and its first error. The
    /// branches are re-run collecting (only on failure, only while collecting). A branch that
    /// fails only on the value's type is the least close; then fewer errors is closer.
    private mutating func closest(_ branches: [Int], _ value: JSONValue) -> String {
        let saved = errors
        let here = currentPointer
        var best: (score: (Int, Int), offset: Int, errors: [SchemaError])?
        for (offset, branch) in branches.enumerated() {
            errors = []
            _ = validate(value, branch)
            let typeOnly = errors.allSatisfy { $0.keyword == "type" && $0.instancePointer == here }
            let score = (typeOnly ? 1 : 0, errors.count)
            if best == nil || score < best!.score { best = (score, offset, errors) }
        }
        errors = saved
        guard let best, let first = best.errors.first else { return "" }
        var hint = "; closest is #\(best.offset) (\(describe(branches[best.offset]))), which fails with: "
        if first.instancePointer != here { hint += "at \(first.instancePointer): " }
        hint += first.message
        if best.errors.count > 1 { hint += " (and \(best.errors.count - 1) more)" }
        return hint
    }

    /// "#/definitions/pet" for a branch, looking through a plain `$ref`.
    private func describe(_ index: Int) -> String {
        var node = nodes[index]
        for _ in 0..<8 {
            guard node.general.count == 1, node.forStrings.isEmpty, node.forNumbers.isEmpty, node.forArrays.isEmpty,
                node.forObjects.isEmpty, case .ref(let target) = node.general[0]
            else { break }
            node = nodes[target]
        }
        let document = node.document == 0 ? "" : program.documentURIs[node.document]
        return document + node.pointer.uriFragment
    }

    /// Reports a discriminator value that names nothing it can dispatch to.
    private mutating func evaluateDiscriminator(_ discriminator: Discriminator, _ value: JSONValue, _ node: Node) -> Bool {
        // A missing discriminator property is `required`'s to report.
        guard case .object(let object) = value.kind, let named = object[discriminator.property] else { return true }
        guard let name = named.string else {
            return fail(
                node, "discriminator",
                "the discriminator property '\(discriminator.property)' must be a string naming a definition, found \(named.typeName)",
                at: .key(discriminator.property))
        }
        if name == discriminator.baseName { return true }
        guard discriminator.subtypes[name] != nil else {
            var known = discriminator.subtypes.keys.sorted()
            if let base = discriminator.baseName { known.insert(base, at: 0) }
            return fail(
                node, "discriminator",
                "the discriminator property '\(discriminator.property)' is '\(name)', which names no definition that extends this schema; expected \(Messages.list(known.map { "'\($0)'" }, "or", limit: 10))",
                at: .key(discriminator.property))
        }
        // A subtype's name dispatches before the checks run (see `dispatch`).
        return true
    }

    /// The subtype a discriminator sends the value to, unless that subtype is already being
    /// evaluated for this value (its allOf led back to the base).
    private func dispatch(_ discriminator: Discriminator, _ value: JSONValue) -> Int? {
        guard case .object(let object) = value.kind, let name = object[discriminator.property]?.string,
            let subtype = discriminator.subtypes[name],
            !activeSubtypes.contains(where: { $0.depth == depth && $0.node == subtype })
        else { return nil }
        return subtype
    }

    // MARK: - Strings and numbers

    private mutating func evaluateString(_ check: Check, _ text: String, _ node: Node) -> Bool {
        switch check {
        case .minLength(let limit):
            // Length in code points; the UTF-8 length bounds it (1 to 4 bytes each).
            let bytes = text.utf8.count
            // bytes / 4 >= limit is bytes >= limit * 4 without overflow (limit is the swagger's).
            if bytes / 4 >= limit { return true }
            let length = bytes < limit ? bytes : text.unicodeScalars.count
            if length >= limit { return true }
            return fail(
                node, "minLength", "must be at least \(Messages.count(limit, "character")) long, found \(text.unicodeScalars.count)")
        case .maxLength(let limit):
            if text.utf8.count <= limit { return true }
            let length = text.unicodeScalars.count
            if length <= limit { return true }
            return fail(node, "maxLength", "must be at most \(Messages.count(limit, "character")) long, found \(length)")
        case .pattern(let regex):
            // A pattern that exhausted its budget once is reported once and not run again in this
            // evaluation: ten thousand strings in a response must not cost ten thousand budgets.
            if exhaustedPatterns.contains(ObjectIdentifier(regex)) { return true }
            switch regex.match(text) {
            case .matched: return true
            case .notMatched: return fail(node, "pattern", "\(Messages.quote(text)) does not match the pattern '\(regex.pattern)'")
            case .tooComplex:
                exhaustedPatterns.insert(ObjectIdentifier(regex))
                return fail(
                    node, "pattern",
                    "the pattern '\(regex.pattern)' is too complex to match against \(Messages.quote(text)) within \(ECMARegex.maximumMatchSteps) steps (maximumMatchSteps): it backtracks catastrophically (nested quantifiers such as (a+)+); simplify it"
                )
            }
        case .stringFormat(let format, let name):
            if format.check(string: text) { return true }
            return fail(node, "format", "\(Messages.quote(text)) is not a valid \(name): expected \(format.expectation)")
        default:
            return true
        }
    }

    private mutating func evaluateNumber(_ check: Check, _ text: String, _ node: Node) -> Bool {
        switch check {
        case .minimum(let bound, let exclusive):
            let order = bound.compare(instance: text)
            if exclusive ? order > 0 : order >= 0 { return true }
            return fail(
                node, "minimum",
                exclusive ? "must be greater than \(bound.text), found \(text)" : "must be at least \(bound.text), found \(text)")
        case .maximum(let bound, let exclusive):
            let order = bound.compare(instance: text)
            if exclusive ? order < 0 : order <= 0 { return true }
            return fail(
                node, "maximum",
                exclusive ? "must be less than \(bound.text), found \(text)" : "must be at most \(bound.text), found \(text)")
        case .multipleOf(let divisor):
            if divisor.divides(instance: text) { return true }
            return fail(node, "multipleOf", "must be a multiple of \(divisor.text), found \(text)")
        case .numberFormat(let format, let name):
            if format.check(number: text) { return true }
            return fail(node, "format", "\(text) is out of range for \(name): expected \(format.expectation)")
        default:
            return true
        }
    }

    // MARK: - Arrays

    private mutating func evaluateArray(_ check: Check, _ elements: [JSONValue], _ node: Node) -> Bool {
        switch check {
        case .items(let schema):
            var valid = true
            for (offset, element) in elements.enumerated() where !descend(element, schema, .index(offset)) {
                guard collecting else { return false }
                valid = false
            }
            return valid
        case .tupleItems(let schemas, let additional):
            var valid = true
            for (offset, element) in elements.enumerated() {
                if offset < schemas.count {
                    if descend(element, schemas[offset], .index(offset)) { continue }
                } else {
                    switch additional {
                    case .allowed: return valid
                    case .forbidden:
                        return fail(
                            node, "additionalItems",
                            "has \(Messages.count(elements.count, "item")), but only \(schemas.count) \(schemas.count == 1 ? "is" : "are") allowed (additionalItems is false)"
                        )
                    case .schema(let schema):
                        if descend(element, schema, .index(offset)) { continue }
                    }
                }
                guard collecting else { return false }
                valid = false
            }
            return valid
        case .minItems(let limit):
            if elements.count >= limit { return true }
            return fail(node, "minItems", "must have at least \(Messages.count(limit, "item")), found \(elements.count)")
        case .maxItems(let limit):
            if elements.count <= limit { return true }
            return fail(node, "maxItems", "must have at most \(Messages.count(limit, "item")), found \(elements.count)")
        case .uniqueItems:
            guard let (first, second) = JSONEquality.firstDuplicate(elements) else { return true }
            return fail(
                node, "uniqueItems", "items #\(first) and #\(second) are equal (\(Messages.quote(elements[first]))); items must be unique")
        default:
            return true
        }
    }

    // MARK: - Objects

    private mutating func evaluateObject(_ check: Check, _ object: JSONObject, _ node: Node) -> Bool {
        switch check {
        case .properties(let shape):
            // Every member is visited, so a duplicated key has each occurrence validated
            // (JSONDocument lists duplicates; lookups elsewhere see the first).
            var valid = true
            let members = object.members
            for offset in members.indices {
                let key = members[offset].key
                var matched = false
                if let schema = shape.property(key) {
                    matched = true
                    if !descend(members[offset].value, schema, .key(key)) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
                for (regex, schema) in shape.patterns where regex.matches(key) {
                    matched = true
                    if !descend(members[offset].value, schema, .key(key)) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
                if matched { continue }
                switch shape.additional {
                case .allowed:
                    continue
                case .forbidden:
                    _ = fail(
                        node, "additionalProperties",
                        "property '\(key)' is not allowed (additionalProperties is false)" + Self.suggestion(key, shape),
                        at: .key(key))
                case .schema(let schema):
                    if descend(members[offset].value, schema, .key(key)) { continue }
                }
                guard collecting else { return false }
                valid = false
            }
            return valid
        case .required(let names):
            var valid = true
            for name in names where object.firstIndex(of: name) == nil {
                _ = fail(node, "required", "missing required property '\(name)'")
                guard collecting else { return false }
                valid = false
            }
            return valid
        case .minProperties(let limit):
            let count = JSONEquality.uniqueCount(object)
            if count >= limit { return true }
            return fail(node, "minProperties", "must have at least \(Messages.count(limit, "property", "properties")), found \(count)")
        case .maxProperties(let limit):
            let count = JSONEquality.uniqueCount(object)
            if count <= limit { return true }
            return fail(node, "maxProperties", "must have at most \(Messages.count(limit, "property", "properties")), found \(count)")
        case .dependencies(let dependencies):
            var valid = true
            for (name, dependency) in dependencies where object.firstIndex(of: name) != nil {
                switch dependency {
                case .properties(let needed):
                    for other in needed where object.firstIndex(of: other) == nil {
                        _ = fail(node, "dependencies", "property '\(name)' requires property '\(other)'", schema: [name])
                        guard collecting else { return false }
                        valid = false
                    }
                case .schema(let schema):
                    if !validate(JSONValue(.object(object)), schema) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
            }
            return valid
        default:
            return true
        }
    }

    /// "; did you mean 'basePath'?" when a declared property differs only in case.
    private static func suggestion(_ key: String, _ shape: ObjectShape) -> String {
        let lower = key.lowercased()
        guard let match = shape.ordered.first(where: { $0.name.lowercased() == lower }) else { return "" }
        return "; did you mean '\(match.name)'?"
    }
}

/// Wording shared by the messages.
enum Messages {
    /// 'text' for strings (shortened), JSON text for the rest (shortened).
    static func quote(_ value: JSONValue) -> String {
        if let text = value.string { return quote(text) }
        return shorten(value.jsonText)
    }

    static func quote(_ text: String) -> String { "'\(shorten(text))'" }

    static func shorten(_ text: String, _ limit: Int = 60) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// "a", "a or b", "a, b or c" ("a, b, c" with the conjunction ","); past `limit`,
    /// "a, b, … (12 in all)".
    static func list(_ items: [String], _ conjunction: String, limit: Int = .max) -> String {
        if items.count > limit { return items.prefix(limit).joined(separator: ", ") + ", … (\(items.count) in all)" }
        if items.count <= 1 || conjunction == "," { return items.joined(separator: ", ") }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// "number", or "number 1.5" where an integer was expected.
    static func typeOf(_ value: JSONValue, expectingInteger: Bool) -> String {
        if expectingInteger, let text = value.numberText { return "number \(text)" }
        return value.typeName
    }
}
