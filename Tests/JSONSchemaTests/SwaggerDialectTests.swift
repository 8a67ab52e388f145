import JSONDocument
import JSONSchema
import XCTest

/// The Swagger 2.0 Schema Object dialect, for schemas inside a swagger.
final class SwaggerDialectTests: XCTestCase {
    /// A swagger with a discriminated hierarchy: Pet (base), Dog and Cat (allOf Pet), and
    /// Puppy (allOf Dog, so a Pet too).
    let swagger = json(
        """
        {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
         "definitions": {
            "Pet": {"type": "object", "discriminator": "petType", "required": ["name", "petType"],
                    "properties": {"name": {"type": "string"}, "petType": {"type": "string"},
                                   "id": {"type": "integer", "format": "int64", "readOnly": true}},
                    "example": {"name": "Rex", "petType": "Dog"}, "externalDocs": {"url": "http://x"}, "xml": {"name": "pet"},
                    "x-ms-summary": "A pet"},
            "Dog": {"allOf": [{"$ref": "#/definitions/Pet"}, {"properties": {"packSize": {"type": "integer", "format": "int32"}}}]},
            "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}, {"required": ["huntingSkill"],
                    "properties": {"huntingSkill": {"type": "string", "enum": ["lazy", "aggressive"]}}}]},
            "Puppy": {"allOf": [{"$ref": "#/definitions/Dog"}, {"properties": {"ageWeeks": {"type": "integer"}}}]},
            "Fish": {"type": "object"},
            "Owner": {"type": "object", "properties": {"pet": {"$ref": "#/definitions/Pet", "x-nullable": true},
                                                       "nickname": {"type": "string", "x-nullable": true},
                                                       "photo": {"type": "file"}}}}}
        """)

    func schema(_ name: String) throws -> CompiledSchema {
        try CompiledSchema(root: swagger, pointer: JSONPointer(tokens: ["definitions", name]), dialect: .swagger2)
    }

    func testDiscriminatorSelectsTheNamedDefinition() throws {
        let pet = try schema("Pet")
        XCTAssertTrue(pet.isValid(json(#"{"name": "Rex", "petType": "Dog", "packSize": 3}"#)))
        XCTAssertTrue(pet.isValid(json(#"{"name": "Generic", "petType": "Pet"}"#)))
        XCTAssertTrue(pet.isValid(json(#"{"name": "Tom", "petType": "Cat", "huntingSkill": "lazy"}"#)))
        // Through two levels of allOf.
        XCTAssertEqual(
            summary(pet.validate(json(#"{"name": "Bit", "petType": "Puppy", "ageWeeks": "six"}"#))),
            [
                "/ageWeeks | /definitions/Puppy/allOf/1/properties/ageWeeks/type | type | expected type integer, found string"
            ])
        XCTAssertEqual(
            summary(pet.validate(json(#"{"name": "Rex", "petType": "Dog", "packSize": "big"}"#))),
            [
                "/packSize | /definitions/Dog/allOf/1/properties/packSize/type | type | expected type integer, found string"
            ])
        XCTAssertEqual(
            summary(pet.validate(json(#"{"name": "Tom", "petType": "Cat"}"#))),
            [
                " | /definitions/Cat/allOf/1/required | required | missing required property 'huntingSkill'"
            ])
        // Fish exists but does not extend Pet.
        XCTAssertEqual(
            summary(pet.validate(json(#"{"name": "Nemo", "petType": "Fish"}"#))),
            [
                "/petType | /definitions/Pet/discriminator | discriminator | the discriminator property 'petType' is 'Fish', which names no definition that extends this schema; expected 'Pet', 'Cat', 'Dog' or 'Puppy'"
            ])
        XCTAssertEqual(
            summary(pet.validate(json(#"{"name": "Rex"}"#))),
            [
                " | /definitions/Pet/required | required | missing required property 'petType'"
            ])
    }

    func testXMsDiscriminatorValueNamesTheSubtype() throws {
        let root = json(
            """
            {"definitions": {
                "Credential": {"type": "object", "discriminator": "kind", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
                "KeyCredential": {"x-ms-discriminator-value": "AccountKey",
                                  "allOf": [{"$ref": "#/definitions/Credential"}, {"required": ["key"], "properties": {"key": {"type": "string"}}}]}}}
            """)
        let credential = try CompiledSchema(root: root, pointer: "/definitions/Credential", dialect: .swagger2)
        XCTAssertTrue(credential.isValid(json(#"{"kind": "AccountKey", "key": "k"}"#)))
        XCTAssertEqual(
            summary(credential.validate(json(#"{"kind": "AccountKey"}"#))),
            [
                " | /definitions/KeyCredential/allOf/1/required | required | missing required property 'key'"
            ])
        XCTAssertEqual(credential.validate(json(#"{"kind": "KeyCredential"}"#)).map(\.keyword), ["discriminator"])
    }

    func testValidatingASubtypeDirectlyReportsEachErrorOnce() throws {
        let dog = try schema("Dog")
        XCTAssertEqual(
            summary(dog.validate(json(#"{"name": 7, "petType": "Dog", "packSize": 3000000000}"#))),
            [
                "/name | /definitions/Pet/properties/name/type | type | expected type string, found number",
                "/packSize | /definitions/Dog/allOf/1/properties/packSize/format | format | 3000000000 is out of range for int32: expected a 32-bit integer (-2147483648 to 2147483647)",
            ])
    }

    func testXNullableAllowsNullEvenBesideRef() throws {
        let owner = try schema("Owner")
        XCTAssertTrue(owner.isValid(json(#"{"pet": null, "nickname": null}"#)))
        XCTAssertEqual(
            summary(owner.validate(json(#"{"pet": {"petType": "Dog"}, "nickname": 3}"#))),
            [
                "/pet | /definitions/Pet/required | required | missing required property 'name'",
                "/nickname | /definitions/Owner/properties/nickname/type | type | expected type string, found number",
            ])
        // Without x-nullable, null is not a string.
        XCTAssertFalse(try CompiledSchema(json(#"{"type": "string"}"#), dialect: .swagger2).isValid(json("null")))
        XCTAssertFalse(try CompiledSchema(json(#"{"type": "string", "x-nullable": false}"#), dialect: .swagger2).isValid(json("null")))
        // In draft-04, x-nullable is an unknown keyword.
        XCTAssertFalse(try CompiledSchema(json(#"{"type": "string", "x-nullable": true}"#)).isValid(json("null")))
    }

    func testReadOnlyIsAnAnnotationInResponses() throws {
        // A response carries read-only properties: they validate as usual.
        let pet = try schema("Pet")
        XCTAssertTrue(pet.isValid(json(#"{"name": "Rex", "petType": "Pet", "id": 12}"#)))
        XCTAssertFalse(pet.isValid(json(#"{"name": "Rex", "petType": "Pet", "id": "twelve"}"#)))
    }

    func testFileTypeAcceptsAnyValue() throws {
        let owner = try schema("Owner")
        XCTAssertTrue(owner.isValid(json(#"{"photo": "iVBORw0KGgo="}"#)))
        XCTAssertTrue(owner.isValid(json(#"{"photo": {"anything": [1]}}"#)))
        // "file" is not a draft-04 type.
        XCTAssertThrowsError(try CompiledSchema(json(#"{"type": "file"}"#)))
    }

    func testIntegersByValueAndSwaggerFormats() throws {
        let integer = try CompiledSchema(json(#"{"type": "integer", "format": "int32"}"#), dialect: .swagger2)
        XCTAssertTrue(integer.isValid(json("1.0")), "serializers write integers as 1.0")
        XCTAssertTrue(integer.isValid(json("2e3")))
        XCTAssertFalse(integer.isValid(json("1.5")))
        XCTAssertFalse(integer.isValid(json("2147483648")))
        XCTAssertTrue(integer.isValid(json("-2147483648")))
        // Draft-04: an integer is written without a fraction or exponent.
        XCTAssertFalse(try CompiledSchema(json(#"{"type": "integer"}"#)).isValid(json("1.0")))
        let date = try CompiledSchema(json(#"{"type": "string", "format": "date"}"#), dialect: .swagger2)
        XCTAssertTrue(date.isValid(json(#""2024-02-29""#)))
        XCTAssertFalse(date.isValid(json(#""2023-02-29""#)))
    }

    func testMalformedKeywordsAreWarningsNotFailures() throws {
        // Swagger 1.2 wrote `required: true` on properties; such keywords are skipped.
        // A property that is not a schema at all accepts anything.
        let root = json(
            #"{"definitions": {"A": {"type": "object", "properties": {"b": {"type": "string", "required": true}, "c": "string"}}}}"#)
        let compiled = try CompiledSchema(root: root, pointer: "/definitions/A", dialect: .swagger2)
        XCTAssertEqual(
            compiled.warnings.map(\.description),
            [
                "#/definitions/A/properties/b/required: 'required' must be an array of strings",
                "#/definitions/A/properties/c: a schema must be an object, found string",
            ])
        XCTAssertTrue(compiled.isValid(json(#"{"b": "x", "c": 1}"#)))
        XCTAssertFalse(compiled.isValid(json(#"{"b": 1}"#)))
        // In draft-04 the same schema is an error.
        XCTAssertThrowsError(try CompiledSchema(root: root, pointer: "/definitions/A", dialect: .draft4))
    }

    func testSchemaInsideASwaggerResolvesAgainstTheSwagger() throws {
        let response = json(
            """
            {"paths": {"/pets": {"get": {"responses": {"200": {"description": "ok",
                "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}}}}},
             "definitions": {"Pet": {"type": "object", "required": ["name"]}}}
            """)
        let compiled = try CompiledSchema(root: response, pointer: "/paths/~1pets/get/responses/200/schema", dialect: .swagger2)
        XCTAssertEqual(
            summary(compiled.validate(json(#"[{"name": "a"}, {}]"#))),
            [
                "/1 | /definitions/Pet/required | required | missing required property 'name'"
            ])
        XCTAssertThrowsError(try CompiledSchema(root: response, pointer: "/definitions/Nope", dialect: .swagger2))
    }
}
