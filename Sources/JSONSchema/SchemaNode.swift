import JSONDocument

/// The compiled form: each schema object becomes one `Node` (one per location, shared by every
/// `$ref` to it), holding its keywords as `Check`s split by the instance type they apply to, so
/// validating a value runs only the checks that can concern it. Subschemas and `$ref` targets
/// are indexes into `Program.nodes`, resolved once at compile time.
final class Node: Sendable {
    /// Where the schema object is: a document index in `Program.documents` and a pointer.
    let document: Int
    let pointer: JSONPointer
    /// Checks for every instance type (type, enum, combinators, $ref, discriminator).
    let general: [Check]
    let forStrings: [Check]
    let forNumbers: [Check]
    let forArrays: [Check]
    let forObjects: [Check]
    /// Swagger `x-nullable: true`: null passes the whole schema.
    let nullable: Bool
    /// A discriminator may dispatch to this node (it is a subtype): guard against re-entering.
    let isDiscriminatorTarget: Bool
    /// Swagger `discriminator` (also in `general`, which reports values that name nothing).
    let discriminator: Discriminator?

    init(document: Int, pointer: JSONPointer, checks: [Check], nullable: Bool, isDiscriminatorTarget: Bool) {
        self.document = document
        self.pointer = pointer
        var general: [Check] = []
        var strings: [Check] = []
        var numbers: [Check] = []
        var arrays: [Check] = []
        var objects: [Check] = []
        var discriminator: Discriminator?
        for check in checks {
            if case .discriminator(let found) = check { discriminator = found }
            switch check {
            case .minLength, .maxLength, .pattern, .stringFormat: strings.append(check)
            case .minimum, .maximum, .multipleOf, .numberFormat: numbers.append(check)
            case .items, .tupleItems, .minItems, .maxItems, .uniqueItems: arrays.append(check)
            case .properties, .required, .minProperties, .maxProperties, .dependencies: objects.append(check)
            case .ref, .type, .enumeration, .allOf, .anyOf, .oneOf, .not, .discriminator: general.append(check)
            }
        }
        self.general = general
        self.forStrings = strings
        self.forNumbers = numbers
        self.forArrays = arrays
        self.forObjects = objects
        self.nullable = nullable
        self.isDiscriminatorTarget = isDiscriminatorTarget
        self.discriminator = discriminator
    }
}

/// One keyword (or a group that must be evaluated together), with its compiled operands.
enum Check: Sendable {
    case ref(Int)
    case type(TypeSet)
    case enumeration([JSONValue])
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case discriminator(Discriminator)

    case minimum(SchemaNumber, exclusive: Bool)
    case maximum(SchemaNumber, exclusive: Bool)
    case multipleOf(SchemaNumber)
    case numberFormat(Format, name: String)

    case minLength(Int)
    case maxLength(Int)
    case pattern(ECMARegex)
    case stringFormat(Format, name: String)

    case items(Int)
    /// `items` as an array, with `additionalItems`.
    case tupleItems([Int], additional: Additional)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems

    /// `properties`, `patternProperties` and `additionalProperties`, which decide together.
    case properties(ObjectShape)
    case required([String])
    case minProperties(Int)
    case maxProperties(Int)
    case dependencies([(name: String, dependency: Dependency)])

    /// The keyword as written in the schema, for `SchemaError.keyword` and the schema pointer.
    var keyword: String {
        switch self {
        case .ref: return "$ref"
        case .type: return "type"
        case .enumeration: return "enum"
        case .allOf: return "allOf"
        case .anyOf: return "anyOf"
        case .oneOf: return "oneOf"
        case .not: return "not"
        case .discriminator: return "discriminator"
        case .minimum: return "minimum"
        case .maximum: return "maximum"
        case .multipleOf: return "multipleOf"
        case .numberFormat, .stringFormat: return "format"
        case .minLength: return "minLength"
        case .maxLength: return "maxLength"
        case .pattern: return "pattern"
        case .items, .tupleItems: return "items"
        case .minItems: return "minItems"
        case .maxItems: return "maxItems"
        case .uniqueItems: return "uniqueItems"
        case .properties: return "properties"
        case .required: return "required"
        case .minProperties: return "minProperties"
        case .maxProperties: return "maxProperties"
        case .dependencies: return "dependencies"
        }
    }
}

/// `additionalItems` / `additionalProperties`.
enum Additional: Sendable {
    case allowed
    case forbidden
    case schema(Int)
}

enum Dependency: Sendable {
    case properties([String])
    case schema(Int)
}

final class ObjectShape: Sendable {
    /// Property name to (the name as written, node). The name is kept to compare code points
    /// exactly: Swift's `==` on strings is canonical equivalence.
    let properties: [String: (name: String, node: Int)]
    /// The same, in schema order, for deterministic error order.
    let ordered: [(name: String, node: Int)]
    let patterns: [(regex: ECMARegex, node: Int)]
    let additional: Additional

    init(
        properties: [String: (name: String, node: Int)], ordered: [(name: String, node: Int)],
        patterns: [(regex: ECMARegex, node: Int)], additional: Additional
    ) {
        self.properties = properties
        self.ordered = ordered
        self.patterns = patterns
        self.additional = additional
    }

    /// The node for a property name. Up to a few dozen names (the usual case) are compared in
    /// place, length first, which is cheaper than hashing the key; more go through the dictionary.
    func property(_ key: String) -> Int? {
        if ordered.count <= 32 {
            let length = key.utf8.count
            for entry in ordered where entry.name.utf8.count == length && sameBytes(entry.name, key) { return entry.node }
            return nil
        }
        guard let entry = properties[key], sameBytes(entry.name, key) else { return nil }
        return entry.node
    }
}

/// Swagger `discriminator`: the property whose value names the subtype to validate against.
final class Discriminator: Sendable {
    let property: String
    /// The value that names the base itself (its definition name or `x-ms-discriminator-value`):
    /// an instance with it is validated as the base alone.
    let baseName: String?
    /// Discriminator value to node, for the definitions that include the base through `allOf`.
    let subtypes: [String: Int]

    init(property: String, baseName: String?, subtypes: [String: Int]) {
        self.property = property
        self.baseName = baseName
        self.subtypes = subtypes
    }
}

/// The JSON types a `type` keyword allows, as bits.
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let object = TypeSet(rawValue: 4)
    static let array = TypeSet(rawValue: 8)
    static let number = TypeSet(rawValue: 16)
    static let integer = TypeSet(rawValue: 32)
    static let string = TypeSet(rawValue: 64)
    /// Swagger's `file`: any value.
    static let file = TypeSet(rawValue: 128)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String, dialect: SchemaDialect) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "integer": self = .integer
        case "string": self = .string
        case "file" where dialect == .swagger2: self = .file
        default: return nil
        }
    }

    /// "string", "string or null", "integer, string or null", in the schema's order.
    var names: [String] {
        let all: [(TypeSet, String)] = [
            (.object, "object"), (.array, "array"), (.string, "string"), (.number, "number"),
            (.integer, "integer"), (.boolean, "boolean"), (.null, "null"), (.file, "file"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// Everything a `CompiledSchema` evaluates: the nodes and the documents they came from.
struct Program: Sendable {
    var nodes: [Node]
    /// URIs of the documents; index 0 is the compiled schema's own document.
    var documentURIs: [String]
    var dialect: SchemaDialect
}
