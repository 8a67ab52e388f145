import JSONDocument

/// One way an instance fails its schema.
public struct SchemaError: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance (RFC 6901). For `required` and `dependencies` it is the object that
    /// lacks the property; for `additionalProperties` it is the property that is not allowed.
    public var instancePointer: JSONPointer
    /// Where the failing keyword is, in the document that holds it: the compiled schema's own
    /// document (so `JSONDocument.position(of:)` gives its line), or `schemaDocument`.
    public var schemaPointer: JSONPointer
    /// The URI of the document that holds the keyword when it is not the compiled schema's own
    /// document (a remote `$ref`, the draft-04 meta-schema); nil otherwise.
    public var schemaDocument: String?
    /// The keyword that failed: "type", "required", "oneOf", "discriminator", ...
    public var keyword: String
    /// A sentence a person understands, without the pointers.
    public var message: String

    public init(instancePointer: JSONPointer, schemaPointer: JSONPointer, schemaDocument: String? = nil, keyword: String, message: String) {
        self.instancePointer = instancePointer
        self.schemaPointer = schemaPointer
        self.schemaDocument = schemaDocument
        self.keyword = keyword
        self.message = message
    }

    /// "/paths/~1pets/get: missing required property 'responses' (schema #/definitions/operation/required)"
    public var description: String {
        let at = instancePointer.isRoot ? "(root)" : instancePointer.description
        return "\(at): \(message) (schema \(schemaDocument ?? "")\(schemaPointer.uriFragment))"
    }
}

/// Why a schema cannot be compiled: an unresolvable `$ref`, an invalid regular expression, a
/// keyword with a value of the wrong shape, a `$ref` cycle that never descends into the instance.
public struct SchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Where the problem is, in `schemaDocument` (nil: the compiled schema's own document).
    public var schemaPointer: JSONPointer
    public var schemaDocument: String?

    public init(message: String, schemaPointer: JSONPointer, schemaDocument: String? = nil) {
        self.message = message
        self.schemaPointer = schemaPointer
        self.schemaDocument = schemaDocument
    }

    public var description: String { "\(schemaDocument ?? "")\(schemaPointer.uriFragment): \(message)" }
}

/// Which keywords a schema speaks.
public enum SchemaDialect: Sendable, Hashable {
    /// JSON Schema draft-04, validation and core (with `id` scoping). Malformed keywords are
    /// compile errors. `integer` is a number written without fraction or exponent (draft-04's
    /// definition: `1.0` is not an integer).
    case draft4
    /// The Swagger 2.0 Schema Object, for schemas that live in a swagger (validating live
    /// responses). Draft-04 keywords keep their meaning, and:
    /// - `discriminator`: the instance's value of that property names the definition (in the
    ///   same document's `definitions`) that it must also match; that definition must include
    ///   this schema through `allOf` (directly or through another). A definition's
    ///   `x-ms-discriminator-value` (AutoRest) replaces its name as the value. A missing
    ///   property is `required`'s to report; a value that names nothing is an error.
    /// - `x-nullable: true`: null is valid, whatever the other keywords say (also beside `$ref`).
    /// - `readOnly`: an annotation; it does not affect validation (responses may carry read-only
    ///   properties, and a `required` read-only property is still required).
    /// - type `file`: a binary body; any value is accepted.
    /// - `integer` is any number whose value is integral (`1.0` is accepted: serializers write it).
    /// - formats `int32`, `int64` (ranges) and `date` (RFC 3339 full-date) are checked too.
    /// - `id` does not change the base URI (a swagger is not a JSON Schema document).
    /// - Keywords whose value has the wrong shape (a `required: true` on a property, as
    ///   Swagger 1.2 wrote it) are ignored and listed in `CompiledSchema.warnings`, so that one
    ///   careless definition does not stop a whole response from being checked.
    case swagger2
}

/// Supplies schema documents that `$ref`s name by absolute URI (without the fragment), for
/// example by mapping `http://localhost:1234/` to a folder. Returning nil makes the `$ref` a
/// compile error. The draft-04 meta-schema (`http://json-schema.org/draft-04/schema`) is built in.
public protocol SchemaResolver: Sendable {
    func document(for uri: String) -> JSONValue?
}
