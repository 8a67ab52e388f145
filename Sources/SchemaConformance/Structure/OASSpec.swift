import Certification
import JSONDocument

// The OpenAPI 2.0 (Swagger 2.0) specification as data: which objects exist, which fixed fields
// each has, what each field holds and which are required. The structure rules check documents
// against these tables and `OASWalker` descends through them, so both agree on what is where.
// Source: https://spec.openapis.org/oas/v2.0 (the "Swagger 2.0" specification).

/// The kinds of objects an OpenAPI 2.0 document is made of, as the specification names them.
enum OASKind: Sendable, Hashable {
    case root, info, contact, license, paths, pathItem, operation, parameter, items, responses, response,
        header, schema, xml, externalDocs, tag, securityScheme, securityRequirement
    /// The schema of a response: a Schema Object whose root may also have type "file".
    case responseSchema

    /// The specification's name for the object, for messages.
    var specName: String {
        switch self {
        case .root: "Swagger Object (the document root)"
        case .info: "Info Object"
        case .contact: "Contact Object"
        case .license: "License Object"
        case .paths: "Paths Object"
        case .pathItem: "Path Item Object"
        case .operation: "Operation Object"
        case .parameter: "Parameter Object"
        case .items: "Items Object"
        case .responses: "Responses Object"
        case .response: "Response Object"
        case .header: "Header Object"
        case .schema, .responseSchema: "Schema Object"
        case .xml: "XML Object"
        case .externalDocs: "External Documentation Object"
        case .tag: "Tag Object"
        case .securityScheme: "Security Scheme Object"
        case .securityRequirement: "Security Requirement Object"
        }
    }
}

/// What a field holds.
enum OASShape: Sendable {
    case string, boolean, number, any
    /// An integer >= 0 (maxLength, minItems, ...).
    case count
    /// A number > 0 (multipleOf).
    case positiveNumber
    /// One of these strings.
    case oneOf([String])
    /// An object of this kind.
    case object(OASKind)
    /// An array whose elements have this shape.
    indirect case list(OASShape)
    /// A JSON object whose member values have this shape (definitions, properties, scopes).
    indirect case map(OASShape)
    /// An array of distinct strings (tags of an operation, required, scopes of a requirement).
    case stringSet
    /// A Schema Object's `type`: a JSON Schema type name or a non-empty list of distinct ones.
    case schemaType
    /// `additionalProperties`: a Schema Object or a boolean.
    case schemaOrBoolean
    /// A Schema Object's `items`: a Schema Object or a non-empty array of them.
    case schemaOrSchemaList
    /// `enum`: an array of values (that it is non-empty is the `enum-not-empty` rule).
    case enumList
    /// Checked by a dedicated rule (the `swagger` version, `host`, `basePath`, `schemes`, MIME
    /// lists); the structure rule checks only the container type given here.
    indirect case delegated(OASShape?)
}

/// The shapes whose correct values can be told by the value's JSON type alone (or, for a
/// schema's `type`, one look at the string); `OASStructureChecker.check` does the rest.
enum OASQuickShape: UInt8, Sendable {
    case string, boolean, number, object, any, schemaType, schemaOrBoolean, schemaOrSchemaList
    /// Always the full check.
    case none

    init(_ shape: OASShape) {
        switch shape {
        case .string: self = .string
        case .boolean: self = .boolean
        case .number: self = .number
        case .object: self = .object
        case .any: self = .any
        case .schemaType: self = .schemaType
        case .schemaOrBoolean: self = .schemaOrBoolean
        case .schemaOrSchemaList: self = .schemaOrSchemaList
        default: self = .none
        }
    }

    /// True when `value` certainly conforms; false means "do the full check".
    @inline(__always)
    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value.kind) {
        case (.any, _), (.string, .string), (.boolean, .bool), (.number, .number), (.object, .object),
            (.schemaOrBoolean, .object), (.schemaOrBoolean, .bool), (.schemaOrSchemaList, .object):
            return true
        case (.schemaType, .string(let text)):
            return OASSpec.isSchemaType(text)
        default:
            return false
        }
    }
}

/// A fixed field of an object.
struct OASField: Sendable {
    var name: String
    var shape: OASShape
    var required: Bool

    init(_ name: String, _ shape: OASShape, required: Bool = false) {
        self.name = name
        self.shape = shape
        self.required = required
    }
}

/// The fixed fields of one kind of object (or of one variant of it: a parameter by its `in`).
/// A class, so that handing it around costs one reference count, not a copy of its tables.
final class OASObjectSpec: Sendable {
    let kind: OASKind
    /// The variant's name for messages ("a query parameter"); nil for plain kinds.
    let variant: String?
    let fields: [OASField]
    /// Whether `x-` keys are allowed (every object except the Reference Object).
    let allowsExtensions: Bool
    /// Every field, for look-up by key: `table.ordinal(key)` indexes `fields`.
    let table: OASFieldTable
    /// The fields that lead to further objects, for the walker: `descentTable.ordinal(key)`
    /// indexes `descents`.
    let descentTable: OASFieldTable
    let descents: [OASDescent]
    /// For each field, a test that accepts most correct values without the full check (no
    /// copy of the shape, no place for a message): what nearly every member of a real document
    /// takes.
    let quick: [OASQuickShape]

    init(_ kind: OASKind, variant: String? = nil, allowsExtensions: Bool = true, _ fields: [OASField]) {
        self.kind = kind
        self.variant = variant
        self.fields = fields
        self.allowsExtensions = allowsExtensions
        self.table = OASFieldTable(fields.map(\.name))
        let leading = fields.compactMap { field in field.shape.descent.map { (field.name, $0) } }
        self.descentTable = OASFieldTable(leading.map(\.0))
        self.descents = leading.map(\.1)
        self.quick = fields.map { OASQuickShape($0.shape) }
    }

    /// The field named `key`.
    func field(_ key: String) -> OASField? { table.ordinal(key).map { fields[$0] } }

    /// "tags, summary, description" in specification order.
    var fieldList: String { fields.map(\.name).joined(separator: ", ") }

    /// "a query Parameter Object" or "an Info Object".
    var name: String {
        if let variant { return "\(variant) \(kind.specName)" }
        return kind.specName
    }
}

/// How the walker goes on from a field: plain values without payload boxes, so that reading one
/// costs no reference counting (this is looked at for every member of every object).
enum OASDescent: Sendable {
    case object(OASKind)
    case listOfObjects(OASKind)
    case mapOfObjects(OASKind)
    case schemaOrBoolean
    case schemaOrSchemaList
}

/// Names found without hashing: grouped by UTF-8 length, then compared. Every member of every
/// object of a document is looked up here, so this is the hot path of the walks (a Dictionary
/// hashes the whole key; most keys miss on length alone).
struct OASFieldTable: Sendable {
    private let names: [String]
    /// Ordinals sorted by name length; `starts[n] ..< starts[n + 1]` are those of length n
    /// (32 stands for 32 and longer).
    private let byLength: [Int]
    private let starts: [Int]

    init(_ names: [String]) {
        self.names = names
        let lengths = names.map { min($0.utf8.count, 32) }
        byLength = names.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        var starts = [Int](repeating: 0, count: 34)
        for length in lengths { starts[length + 1] += 1 }
        for index in 1..<starts.count { starts[index] += starts[index - 1] }
        self.starts = starts
    }

    var isEmpty: Bool { names.isEmpty }

    /// The ordinal of `key` in the names the table was made from (below 64 for a bit set).
    @inline(__always)
    func ordinal(_ key: String) -> Int? {
        let length = min(key.utf8.count, 32)
        var index = starts[length]
        let end = starts[length + 1]
        while index < end {
            let ordinal = byLength[index]
            if names[ordinal] == key { return ordinal }
            index += 1
        }
        return nil
    }
}

extension OASShape {
    /// How the walker descends into values of this shape, if they hold objects.
    var descent: OASDescent? {
        switch self {
        case .object(let kind): .object(kind)
        case .list(.object(let kind)): .listOfObjects(kind)
        case .map(.object(let kind)): .mapOfObjects(kind)
        case .delegated(.map(.object(let kind))?): .mapOfObjects(kind)
        case .schemaOrBoolean: .schemaOrBoolean
        case .schemaOrSchemaList: .schemaOrSchemaList
        default: nil
        }
    }

    /// "a string", "a list of Tag Objects", for messages.
    var phrase: String {
        switch self {
        case .string: "a string"
        case .boolean: "a boolean (true or false)"
        case .number: "a number"
        case .any: "any JSON value"
        case .count: "an integer of 0 or more"
        case .positiveNumber: "a number greater than 0"
        case .oneOf(let values): "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case .object(let kind): "an object (\(OASSpec.article(kind.specName)) \(kind.specName))"
        case .list(let element): "an array of \(element.pluralPhrase)"
        case .map(let element): "an object whose values are \(element.pluralPhrase)"
        case .stringSet: "an array of distinct strings"
        case .schemaType: "a type name (\(OASSpec.schemaTypes.joined(separator: ", "))) or an array of distinct type names"
        case .schemaOrBoolean: "a Schema Object or a boolean"
        case .schemaOrSchemaList: "a Schema Object or a non-empty array of Schema Objects"
        case .enumList: "an array of the allowed values"
        case .delegated(let inner): inner?.phrase ?? "any JSON value"
        }
    }

    var pluralPhrase: String {
        switch self {
        case .string: "strings"
        case .object(let kind): "\(kind.specName)s"
        case .stringSet: "arrays of distinct strings"
        case .oneOf(let values): "strings among " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        default: "values that are \(phrase)"
        }
    }
}

/// The tables of the specification.
enum OASSpec {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]
    static let parameterLocations = ["query", "header", "path", "formData", "body"]
    /// JSON Schema draft-04 primitive types, which the Schema Object's `type` takes.
    static let schemaTypes = ["array", "boolean", "integer", "null", "number", "object", "string"]
    /// Types of non-body parameters, Items and Header Objects.
    static let primitiveTypes = ["string", "number", "integer", "boolean", "array"]
    static let collectionFormats = ["csv", "ssv", "tsv", "pipes"]
    static let collectionFormatsWithMulti = ["csv", "ssv", "tsv", "pipes", "multi"]

    static func isMethod(_ key: String) -> Bool {
        switch key {
        case "get", "put", "post", "delete", "options", "head", "patch": true
        default: false
        }
    }

    static func isSchemaType(_ text: String) -> Bool {
        switch text {
        case "array", "boolean", "integer", "null", "number", "object", "string": true
        default: false
        }
    }

    static func article(_ word: String) -> String {
        guard let first = word.first?.lowercased() else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    // MARK: the objects

    static let root = OASObjectSpec(
        .root,
        [
            OASField("swagger", .delegated(nil), required: true),
            OASField("info", .object(.info), required: true),
            OASField("host", .delegated(.string)),
            OASField("basePath", .delegated(.string)),
            OASField("schemes", .delegated(.list(.string))),
            OASField("consumes", .delegated(.list(.string))),
            OASField("produces", .delegated(.list(.string))),
            OASField("paths", .object(.paths), required: true),
            OASField("definitions", .map(.object(.schema))),
            OASField("parameters", .map(.object(.parameter))),
            OASField("responses", .map(.object(.response))),
            OASField("securityDefinitions", .delegated(.map(.object(.securityScheme)))),
            OASField("security", .list(.object(.securityRequirement))),
            OASField("tags", .list(.object(.tag))),
            OASField("externalDocs", .object(.externalDocs)),
        ])

    static let info = OASObjectSpec(
        .info,
        [
            OASField("title", .string, required: true),
            OASField("description", .string),
            OASField("termsOfService", .string),
            OASField("contact", .object(.contact)),
            OASField("license", .object(.license)),
            OASField("version", .string, required: true),
        ])

    static let contact = OASObjectSpec(
        .contact,
        [
            OASField("name", .string), OASField("url", .string), OASField("email", .string),
        ])

    static let license = OASObjectSpec(
        .license,
        [
            OASField("name", .string, required: true), OASField("url", .string),
        ])

    static let pathItem = OASObjectSpec(
        .pathItem,
        [
            OASField("$ref", .string),
            OASField("get", .object(.operation)), OASField("put", .object(.operation)),
            OASField("post", .object(.operation)), OASField("delete", .object(.operation)),
            OASField("options", .object(.operation)), OASField("head", .object(.operation)),
            OASField("patch", .object(.operation)),
            OASField("parameters", .list(.object(.parameter))),
        ])

    static let operation = OASObjectSpec(
        .operation,
        [
            OASField("tags", .stringSet),
            OASField("summary", .string),
            OASField("description", .string),
            OASField("externalDocs", .object(.externalDocs)),
            OASField("operationId", .string),
            OASField("consumes", .delegated(.list(.string))),
            OASField("produces", .delegated(.list(.string))),
            OASField("parameters", .list(.object(.parameter))),
            OASField("responses", .object(.responses), required: true),
            OASField("schemes", .delegated(.list(.string))),
            OASField("deprecated", .boolean),
            OASField("security", .list(.object(.securityRequirement))),
        ])

    /// The validation fields shared by non-body parameters, Items and Header Objects.
    static let primitiveValidation: [OASField] = [
        OASField("default", .any),
        OASField("maximum", .number), OASField("exclusiveMaximum", .boolean),
        OASField("minimum", .number), OASField("exclusiveMinimum", .boolean),
        OASField("maxLength", .count), OASField("minLength", .count),
        OASField("pattern", .string),
        OASField("maxItems", .count), OASField("minItems", .count), OASField("uniqueItems", .boolean),
        OASField("enum", .enumList),
        OASField("multipleOf", .positiveNumber),
    ]

    static let parameterCommon: [OASField] = [
        OASField("name", .string, required: true),
        OASField("in", .delegated(nil), required: true),
        OASField("description", .string),
        OASField("required", .boolean),
    ]

    /// Per `in`. `type`, `items`, `schema` and `required` of path parameters are required
    /// according to `in`, which `openapi-parameter` checks; here they are optional.
    static let bodyParameter = OASObjectSpec(
        .parameter, variant: "body",
        parameterCommon + [
            OASField("schema", .object(.schema))
        ])

    /// `in`, `type` and `collectionFormat` are delegated: their allowed values depend on `in`.
    static func nonBodyParameter(_ location: String, allowEmptyValue: Bool) -> OASObjectSpec {
        var fields = parameterCommon
        fields.append(OASField("type", .delegated(nil)))
        fields.append(OASField("format", .string))
        if allowEmptyValue { fields.append(OASField("allowEmptyValue", .boolean)) }
        fields.append(OASField("items", .object(.items)))
        fields.append(OASField("collectionFormat", .delegated(nil)))
        fields += primitiveValidation
        return OASObjectSpec(.parameter, variant: location, fields)
    }

    static let queryParameter = nonBodyParameter("query", allowEmptyValue: true)
    static let headerParameter = nonBodyParameter("header", allowEmptyValue: false)
    static let pathParameter = nonBodyParameter("path", allowEmptyValue: false)
    static let formDataParameter = nonBodyParameter("formData", allowEmptyValue: true)

    /// Every field any parameter may have: for a parameter without a valid `in`, and to tell an
    /// unknown key from a key that belongs to another `in`.
    static let anyParameter: OASObjectSpec = {
        var fields: [OASField] = []
        var seen = Set<String>()
        for spec in [formDataParameter, bodyParameter] {
            for field in spec.fields where seen.insert(field.name).inserted {
                fields.append(field)
            }
        }
        return OASObjectSpec(.parameter, fields)
    }()

    static func parameter(in location: String?) -> OASObjectSpec? {
        switch location {
        case "query": queryParameter
        case "header": headerParameter
        case "path": pathParameter
        case "formData": formDataParameter
        case "body": bodyParameter
        default: nil
        }
    }

    /// A JSON Reference in place of a Parameter or Response Object: `$ref` and nothing else.
    static let reference = OASObjectSpec(
        .parameter, variant: "reference", allowsExtensions: false,
        [
            OASField("$ref", .string, required: true)
        ])

    static let items = OASObjectSpec(
        .items,
        [
            OASField("type", .oneOf(primitiveTypes), required: true),
            OASField("format", .string),
            OASField("items", .object(.items)),
            OASField("collectionFormat", .oneOf(collectionFormats)),
        ] + primitiveValidation)

    static let header = OASObjectSpec(
        .header,
        [
            OASField("description", .string),
            OASField("type", .oneOf(primitiveTypes), required: true),
            OASField("format", .string),
            OASField("items", .object(.items)),
            OASField("collectionFormat", .oneOf(collectionFormats)),
        ] + primitiveValidation)

    static let response = OASObjectSpec(
        .response,
        [
            OASField("description", .string, required: true),
            OASField("schema", .object(.responseSchema)),
            OASField("headers", .map(.object(.header))),
            OASField("examples", .map(.any)),
        ])

    static let schemaFields: [OASField] = [
        OASField("$ref", .string),
        OASField("format", .string),
        OASField("title", .string),
        OASField("description", .string),
        OASField("default", .any),
        OASField("multipleOf", .positiveNumber),
        OASField("maximum", .number), OASField("exclusiveMaximum", .boolean),
        OASField("minimum", .number), OASField("exclusiveMinimum", .boolean),
        OASField("maxLength", .count), OASField("minLength", .count),
        OASField("pattern", .string),
        OASField("maxItems", .count), OASField("minItems", .count), OASField("uniqueItems", .boolean),
        OASField("maxProperties", .count), OASField("minProperties", .count),
        OASField("required", .stringSet),
        OASField("enum", .enumList),
        OASField("type", .schemaType),
        OASField("items", .schemaOrSchemaList),
        OASField("allOf", .list(.object(.schema))),
        OASField("properties", .map(.object(.schema))),
        OASField("additionalProperties", .schemaOrBoolean),
        OASField("discriminator", .string),
        OASField("readOnly", .boolean),
        OASField("xml", .object(.xml)),
        OASField("externalDocs", .object(.externalDocs)),
        OASField("example", .any),
    ]

    static let schema = OASObjectSpec(.schema, schemaFields)

    /// A response schema whose type is "file": the Schema Object fields that still apply.
    static let fileSchema = OASObjectSpec(
        .responseSchema, variant: "file",
        [
            OASField("format", .string),
            OASField("title", .string),
            OASField("description", .string),
            OASField("default", .any),
            OASField("required", .stringSet),
            OASField("type", .oneOf(["file"])),
            OASField("readOnly", .boolean),
            OASField("externalDocs", .object(.externalDocs)),
            OASField("example", .any),
        ])

    static let xml = OASObjectSpec(
        .xml,
        [
            OASField("name", .string), OASField("namespace", .string), OASField("prefix", .string),
            OASField("attribute", .boolean), OASField("wrapped", .boolean),
        ])

    static let externalDocs = OASObjectSpec(
        .externalDocs,
        [
            OASField("description", .string), OASField("url", .string, required: true),
        ])

    static let tag = OASObjectSpec(
        .tag,
        [
            OASField("name", .string, required: true),
            OASField("description", .string),
            OASField("externalDocs", .object(.externalDocs)),
        ])

    /// The spec of an object of `kind` with this value (the variant a parameter's `in` or a
    /// response schema's `type` selects). Paths, Responses, Security Scheme and Security
    /// Requirement Objects have no fixed-field table here: their checks are written out.
    static func spec(_ kind: OASKind, _ object: JSONObject) -> OASObjectSpec? {
        switch kind {
        case .root: return root
        case .info: return info
        case .contact: return contact
        case .license: return license
        case .pathItem: return pathItem
        case .operation: return operation
        case .parameter:
            if object["$ref"] != nil { return reference }
            return parameter(in: object["in"]?.string) ?? anyParameter
        case .items: return items
        case .response:
            if object["$ref"] != nil { return reference }
            return response
        case .header: return header
        case .schema: return schema
        case .responseSchema: return object["type"]?.string == "file" ? fileSchema : schema
        case .xml: return xml
        case .externalDocs: return externalDocs
        case .tag: return tag
        case .paths, .responses, .securityScheme, .securityRequirement: return nil
        }
    }

    static func isExtension(_ key: String) -> Bool {
        key.utf8.count >= 2 && key.utf8.first == UInt8(ascii: "x") && key.utf8.dropFirst().first == UInt8(ascii: "-")
    }
}
