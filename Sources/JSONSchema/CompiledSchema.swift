import JSONDocument

/// A schema compiled once, to validate any number of instances, from any thread.
///
/// JSON Schema draft-04 complete (the official test suite passes, optional files included),
/// plus the Swagger 2.0 Schema Object dialect (`SchemaDialect.swagger2`). Compiling resolves
/// every `$ref` (with `id` scoping and JSON Pointer fragments; other documents through a
/// `SchemaResolver`, the draft-04 meta-schema built in), compiles each `pattern` once (ECMA-262
/// meaning on ICU), and turns each schema object into one node, so validating re-resolves
/// nothing. Formats checked: date-time, email, hostname, ipv4, ipv6, uri, regex (and in swagger2
/// date, int32, int64); others are annotations.
///
/// `validate` reports every error, each with the instance pointer, the schema pointer, the
/// keyword and a message. `anyOf`/`oneOf` report one error at the combinator, naming the
/// closest branch and its first error, rather than every branch's errors; `allOf` reports its
/// branches' errors where they are.
///
/// ```swift
/// let schema = try CompiledSchema(schemaValue)                     // draft-04
/// let errors = schema.validate(instance)                           // every error
/// let pet = try CompiledSchema(root: swagger, pointer: "/definitions/Pet", dialect: .swagger2)
/// ```
public final class CompiledSchema: Sendable {
    private let program: Program
    private let entry: Int
    /// Keywords skipped because their value has the wrong shape (swagger2 dialect only; in
    /// draft-04 they are compile errors).
    public let warnings: [SchemaCompileError]
    public var dialect: SchemaDialect { program.dialect }

    /// Compiles a schema document.
    /// - Parameters:
    ///   - baseURI: the document's URI, against which its `$ref`s and `id`s resolve (an `id` at
    ///     its root overrides it, as draft-04 says).
    ///   - resolver: supplies the documents that `$ref`s name by other URIs.
    ///   - formatAssertion: check `format` (true) or treat it as an annotation (false, what
    ///     Python's jsonschema does without a format checker).
    public convenience init(
        _ schema: JSONValue, baseURI: String? = nil, dialect: SchemaDialect = .draft4,
        resolver: (any SchemaResolver)? = nil, formatAssertion: Bool = true
    ) throws(SchemaCompileError) {
        try self.init(
            root: schema, pointer: .root, baseURI: baseURI, dialect: dialect, resolver: resolver, formatAssertion: formatAssertion)
    }

    /// Compiles the schema at `pointer` inside a larger document (a swagger's
    /// `/definitions/Pet`, an operation's `/paths/~1pets/get/responses/200/schema`), so that
    /// `$ref: "#/definitions/X"` resolves against that document. Only what the schema reaches
    /// is compiled. Error schema pointers are pointers into `root`.
    public init(
        root: JSONValue, pointer: JSONPointer, baseURI: String? = nil, dialect: SchemaDialect = .draft4,
        resolver: (any SchemaResolver)? = nil, formatAssertion: Bool = true
    ) throws(SchemaCompileError) {
        var compiler = SchemaCompiler(dialect: dialect, resolver: resolver, formatAssertion: formatAssertion)
        (program, entry) = try compiler.compile(root: root, pointer: pointer, baseURI: baseURI)
        warnings = compiler.warnings
    }

    /// Every error, in instance order as far as the schema allows. Empty when valid.
    public func validate(_ instance: JSONValue) -> [SchemaError] {
        var evaluator = Evaluator(program: program, collecting: true)
        _ = evaluator.validate(instance, entry)
        // A subtype reached through its base's discriminator and through allOf may report the
        // same problem twice: keep the first of identical errors.
        var seen = Set<SchemaError>()
        return evaluator.errors.filter { seen.insert($0).inserted }
    }

    /// Whether the instance is valid; stops at the first failure and builds no messages.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = Evaluator(program: program, collecting: false)
        return evaluator.validate(instance, entry)
    }

    /// The draft-04 meta-schema, compiled: validates that a value is a draft-04 schema.
    public static let draft4MetaSchema: CompiledSchema = {
        do {
            return try CompiledSchema(MetaSchema.draft4)
        } catch {
            preconditionFailure("the built-in draft-04 meta-schema does not compile: \(error)")
        }
    }()
}
