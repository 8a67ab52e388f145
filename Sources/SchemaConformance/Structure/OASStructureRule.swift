import Certification
import JSONDocument

extension SchemaRules {
    static let openAPIStructure = Rule(
        RuleDescription(
            id: "openapi-structure", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every object of the swagger has the fields OpenAPI 2.0 defines for it: no unknown field (vendor extensions start with \"x-\"), every required field present, every field of the right JSON type and, where the specification enumerates values, one of them.",
            source:
                "OpenAPI 2.0 specification (spec.openapis.org/oas/v2.0), every object's fixed fields; reference: swagger-wellformed (PR#3847, policy 5000.2.6.2) and extension-names (SVR ExtensionNameNotValid). Written from the specification and checked against the official Swagger 2.0 JSON Schema over the corpus. Where the specification is stricter than that schema it is followed (an Items Object needs a type; an array needs items). Fields with their own rule are left to it: swagger (openapi-version), host, basePath, schemes, consumes/produces, the parameter fields that depend on `in` (openapi-parameter), security schemes (openapi-security-definition), response codes (response-status-code).",
            fix:
                "Fix the field at the reported pointer as the message says: remove or rename an unknown field (prefix it with \"x-\" if it is your own extension), add a missing required field, or give the value the type the specification wants.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "basePath": "/v1", "paths": {}, "hosts": "contoso.example"}"##
                ).at("apiDefinition.swagger.json#/hosts"),
                .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso"}, "paths": {}}"##).at("apiDefinition.swagger.json#/info"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"deprecated": "yes", "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/deprecated"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"responses": {"200": {"schema": {"type": "object"}}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/responses/200"),
                .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"a": {}}}"##).at(
                    "apiDefinition.swagger.json#/paths/a"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"post": {"responses": {}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/post/responses"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "properties": {"b": {"type": "strng"}}}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/properties/b/type"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "nullable": true}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/nullable"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "required": true}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/required"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "parameters": {"p": {"$ref": "#/parameters/q", "description": "Q"}, "q": {"name": "q", "in": "query", "type": "string"}}}"##
                ).at("apiDefinition.swagger.json#/parameters/p/$ref"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "OK", "headers": {"X-Rate": {"type": "array"}}}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/responses/200/headers/X-Rate"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/hook": {"post": {"x-ms-trigger": "single", "x-ms-notification-content": {"schema": {"type": "object"}}, "responses": {}}}}}"##
                ),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/hook": {"x-ms-notification-content": {"schema": {"type": "object"}}, "post": {"x-ms-trigger": "single", "responses": {}}}}}"##
                ),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0", "x-ms-api-annotation": {"status": "Preview"}}, "paths": {"/files": {"get": {"responses": {"200": {"description": "The file.", "schema": {"type": "file"}}}}}}, "x-ms-connector-metadata": []}"##
                ),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Node": {"type": ["object", "null"], "required": ["id"], "properties": {"id": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}, "additionalProperties": false, "x-ms-summary": "Node"}}}"##
                ),
            ])
    ) { context in
        guard context.swagger != nil else { return [] }
        var checker = OASStructureChecker(context: context)
        OASWalkRecord.of(context)?.replay(&checker, extensionSchemas: false)
        return checker.findings
    }
}

/// Where a problem is: the walker's path plus up to two more tokens, made into a pointer only
/// when a problem is reported (most members have none, and copying the path for each would
/// cost an allocation per object).
struct OASPlace {
    var base: [String]
    var first: String?
    var second: String?

    init(_ base: [String], _ first: String? = nil, _ second: String? = nil) {
        self.base = base
        self.first = first
        self.second = second
    }

    func appending(_ token: String) -> OASPlace {
        if first == nil { return OASPlace(base, token) }
        if second == nil { return OASPlace(base, first, token) }
        return OASPlace(tokens, token)
    }

    var tokens: [String] {
        var tokens = base
        if let first { tokens.append(first) }
        if let second { tokens.append(second) }
        return tokens
    }

    /// The last token: the field's name or the element's index.
    var last: String { second ?? first ?? base.last ?? "" }
}

/// The visitor of `openapi-structure`: each object against its fixed fields.
struct OASStructureChecker: OASVisitor {
    let context: RuleContext
    var findings: [Finding] = []

    init(context: RuleContext) {
        self.context = context
    }

    mutating func report(_ message: String, _ place: OASPlace, atKey: Bool = false, _ signature: String) {
        if let finding = context.swaggerFinding(message, tokens: place.tokens, atKey: atKey, signature: signature) {
            findings.append(finding)
        }
    }

    mutating func visit(_ kind: OASKind, _ value: JSONValue, at path: [String]) {
        guard case .object(let object) = value.kind else {
            if kind == .root {
                report(
                    "The swagger must be a JSON object (an OpenAPI 2.0 Swagger Object), not \(OASText.describe(value)).", OASPlace(path),
                    "root-type")
            }
            return  // any other wrong type was reported by the parent's field check
        }
        switch kind {
        case .paths: checkPaths(object, path)
        case .responses: checkResponses(object, path)
        case .securityScheme: return  // openapi-security-definition
        case .securityRequirement: checkSecurityRequirement(object, path)
        default:
            guard let spec = OASSpec.spec(kind, object) else { return }
            if spec.variant == "reference", path.count == 2, path[0] == "parameters" || path[0] == "responses" {
                // The document's parameters and responses are where references point, not references.
                let what = path[0] == "parameters" ? "Parameter" : "Response"
                report(
                    "\"\(path[1])\" under \"\(path[0])\" must be a \(what) Object, not a reference: the definitions here are what references point to. Write the \(what.lowercased()) itself here.",
                    OASPlace(path, "$ref"), atKey: true, "definition-ref")
                return
            }
            checkFields(spec, object, path)
            if kind == .root { checkTagNames(object, path) }
            if kind == .root || kind == .operation, case .array(let requirements)? = object["security"]?.kind {
                checkDistinctRequirements(requirements, OASPlace(path, "security"))
            }
            if kind == .items || kind == .header, object["type"]?.string == "array", object["items"] == nil {
                report(
                    "\(OASSpec.article(spec.name).capitalized) \(spec.name) of type \"array\" needs \"items\", which describes the elements (OpenAPI 2.0: required if type is \"array\"). Add for example \"items\": {\"type\": \"string\"}.",
                    OASPlace(path), "missing:items")
            }
        }
    }

    // MARK: fixed fields

    mutating func checkFields(_ spec: OASObjectSpec, _ object: JSONObject, _ path: [String]) {
        var present: UInt64 = 0
        for member in object.members {
            if let ordinal = spec.table.ordinal(member.key) {
                present |= 1 << UInt64(ordinal)
                if spec.quick[ordinal].accepts(member.value) { continue }
                check(spec.fields[ordinal].shape, member.value, name: member.key, OASPlace(path, member.key))
            } else if OASSpec.isExtension(member.key) {
                if !spec.allowsExtensions { referenceSibling(spec, member.key, OASPlace(path, member.key)) }
            } else if spec.variant == "reference" {
                referenceSibling(spec, member.key, OASPlace(path, member.key))
            } else if spec.kind == .parameter, OASSpec.anyParameter.field(member.key) != nil {
                continue  // a field of another `in`: openapi-parameter says which
            } else if spec.kind == .root, member.key == "openapi" {
                continue  // openapi-version
            } else {
                unknownField(spec, member.key, OASPlace(path, member.key))
            }
        }
        for (ordinal, field) in spec.fields.enumerated() where field.required && present & (1 << UInt64(ordinal)) == 0 {
            if case .delegated = field.shape { continue }
            let hint = OASStructureChecker.requiredHints[field.name].map { " \($0)" } ?? ""
            report(
                "\(OASSpec.article(spec.name).capitalized) \(spec.name) needs \"\(field.name)\", which OpenAPI 2.0 requires; it is missing here.\(hint)",
                OASPlace(path), "missing:\(field.name)")
        }
    }

    static let requiredHints: [String: String] = [
        "title": "Add the connector's name as \"title\".",
        "version": "Add the version of the API, for example \"version\": \"1.0\".",
        "info": "Add \"info\" with at least \"title\" and \"version\".",
        "paths": "Add \"paths\" with the connector's operations.",
        "responses": "Add \"responses\" with at least one response, for example \"200\": {\"description\": \"OK\"}.",
        "description": "Add a \"description\" that says what the response is (an empty string is allowed).",
        "name": "Add its \"name\".",
        "url": "Add the \"url\" of the documentation.",
        "type": "Add its \"type\": one of \"string\", \"number\", \"integer\", \"boolean\" or \"array\".",
        "$ref": "Add the \"$ref\".",
    ]

    mutating func unknownField(_ spec: OASObjectSpec, _ key: String, _ place: OASPlace) {
        var message = "\"\(key)\" is not a field of \(OASSpec.article(spec.name)) \(spec.name)."
        if let match = spec.fields.first(where: { $0.name.lowercased() == key.lowercased() }) {
            message += " Field names are case-sensitive: did you mean \"\(match.name)\"?"
        } else if spec.kind == .responseSchema, OASSpec.schema.field(key) != nil {
            message += " A response schema of type \"file\" takes only \(spec.fieldList)."
        } else {
            message +=
                " The fields it may have are \(spec.fieldList); any other key must be a vendor extension whose name starts with \"x-\". Remove it, correct its name, or rename it \"x-\(key)\"."
        }
        report(message, place, atKey: true, "unknown:\(key)")
    }

    mutating func referenceSibling(_ spec: OASObjectSpec, _ key: String, _ place: OASPlace) {
        report(
            "A reference (\"$ref\") in place of a parameter or response stands alone: \"\(key)\" beside it is not allowed and would be ignored. Move \"\(key)\" into the definition that \"$ref\" points to, or remove it.",
            place, atKey: true, "ref-sibling:\(key)")
    }

    // MARK: values

    /// Checks a field's value against its shape: the type, enumerated values, and the element
    /// types of arrays and maps. Objects of a kind are only type-checked here; the walker
    /// visits them.
    mutating func check(_ shape: OASShape, _ value: JSONValue, name: String, _ place: OASPlace) {
        switch shape {
        case .any:
            return
        case .string:
            if value.string == nil { wrongType(shape, value, name, place) }
        case .boolean:
            if value.bool == nil { wrongType(shape, value, name, place) }
        case .number:
            if value.numberText == nil { wrongType(shape, value, name, place) }
        case .count:
            // JSON Schema draft 4's integer: digits only, no fraction or exponent (1.0 is not one).
            guard let text = value.numberText, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                return wrongType(shape, value, name, place)
            }
        case .positiveNumber:
            guard let number = value.double, number > 0 else { return wrongType(shape, value, name, place) }
        case .oneOf(let values):
            guard let text = value.string else { return wrongType(shape, value, name, place) }
            if !values.contains(text) { notOneOf(values, text, name, place) }
        case .object:
            if value.object == nil { wrongType(shape, value, name, place) }
        case .list(let element):
            guard case .array(let elements) = value.kind else { return wrongType(shape, value, name, place) }
            if case .object = element {
                // Only the elements' type here; the walker visits each.
                for (index, item) in elements.enumerated() where item.object == nil {
                    wrongType(element, item, "\(name)[\(index)]", place.appending(String(index)))
                }
                return
            }
            for (index, item) in elements.enumerated() {
                check(element, item, name: "\(name)[\(index)]", place.appending(String(index)))
            }
        case .map(let element):
            guard case .object(let object) = value.kind else { return wrongType(shape, value, name, place) }
            if case .object = element {
                for member in object.members where member.value.object == nil {
                    wrongType(element, member.value, member.key, place.appending(member.key))
                }
                return
            }
            if case .any = element { return }
            for member in object.members {
                check(element, member.value, name: member.key, place.appending(member.key))
            }
        case .stringSet:
            checkStringSet(value, name: name, nonEmpty: name == "required", place)
        case .schemaType:
            checkSchemaType(value, place)
        case .schemaOrBoolean:
            if value.object == nil && value.bool == nil { wrongType(shape, value, name, place) }
        case .schemaOrSchemaList:
            if value.object != nil { return }
            guard case .array(let elements) = value.kind, !elements.isEmpty else { return wrongType(shape, value, name, place) }
            for (index, item) in elements.enumerated() where item.object == nil {
                wrongType(.object(.schema), item, "\(name)[\(index)]", place.appending(String(index)))
            }
        case .enumList:
            guard case .array(let elements) = value.kind else { return wrongType(shape, value, name, place) }
            checkDistinct(elements, name: name, place)
        case .delegated(let inner):
            // Only the container type: the dedicated rule checks what is inside.
            switch inner {
            case .list?: if value.array == nil { wrongType(inner!, value, name, place) }
            case .map?: if value.object == nil { wrongType(inner!, value, name, place) }
            case .string?: if value.string == nil { wrongType(.string, value, name, place) }
            default: return
            }
        }
    }

    mutating func wrongType(_ shape: OASShape, _ value: JSONValue, _ name: String, _ place: OASPlace) {
        report("\"\(name)\" must be \(shape.phrase), not \(OASText.describe(value)).", place, "type:\(place.last)")
    }

    mutating func notOneOf(_ values: [String], _ text: String, _ name: String, _ place: OASPlace) {
        var message = "\"\(name)\" must be one of \(OASText.list(values)); \"\(text)\" is not."
        if let match = values.first(where: { $0.lowercased() == text.lowercased() }) {
            message += " Values are case-sensitive: write \"\(match)\"."
        }
        report(message, place, "value:\(text)")
    }

    mutating func checkStringSet(_ value: JSONValue, name: String, nonEmpty: Bool, _ place: OASPlace) {
        guard case .array(let elements) = value.kind else {
            if name == "required", value.bool != nil {
                report(
                    "\"required\" of a Schema Object is the array of the names of its required properties, not a boolean (a Swagger 1.2 habit). List the property in the \"required\" array of the object schema that holds it, and remove this one.",
                    place, "type:required")
                return
            }
            return wrongType(.stringSet, value, name, place)
        }
        if nonEmpty && elements.isEmpty {
            report(
                "\"required\" must list at least one property name (JSON Schema draft 4, which OpenAPI 2.0 uses). Remove the empty \"required\".",
                place, "empty:required")
        }
        // Distinct names: pairwise for short lists (no allocation), a set for long ones.
        var seen = Set<String>()
        for (index, element) in elements.enumerated() {
            guard let text = element.string else {
                wrongType(.string, element, "\(name)[\(index)]", place.appending(String(index)))
                continue
            }
            let duplicate: Bool
            if elements.count <= 16 {
                duplicate = elements[..<index].contains { $0.string == text }
            } else {
                duplicate = !seen.insert(text).inserted
            }
            if duplicate {
                report("\"\(name)\" lists \"\(text)\" twice; list each name once.", place.appending(String(index)), "duplicate:\(text)")
            }
        }
    }

    mutating func checkSchemaType(_ value: JSONValue, _ place: OASPlace) {
        func bad(_ text: String, _ at: OASPlace) {
            var message = "\"type\" must be a JSON Schema type: \(OASText.list(OASSpec.schemaTypes)); \"\(text)\" is not."
            if text == "file" {
                message =
                    "\"type\": \"file\" is only allowed for a formData parameter and for the root schema of a response. For a binary body use \"type\": \"string\" with \"format\": \"binary\"."
            } else if let match = OASSpec.schemaTypes.first(where: { $0 == text.lowercased() }) {
                message += " Values are case-sensitive: write \"\(match)\"."
            } else if ["int", "int32", "int64", "long"].contains(text.lowercased()) {
                message += " Write \"type\": \"integer\" (with \"format\": \"int32\" or \"int64\")."
            } else if ["float", "double", "decimal"].contains(text.lowercased()) {
                message += " Write \"type\": \"number\" (with \"format\": \"float\" or \"double\")."
            } else if ["bool"].contains(text.lowercased()) {
                message += " Write \"type\": \"boolean\"."
            } else if ["date", "datetime", "date-time", "uuid", "guid"].contains(text.lowercased()) {
                message += " Write \"type\": \"string\" with a \"format\"."
            }
            report(message, at, "type-value:\(text)")
        }
        if let text = value.string {
            if !OASSpec.isSchemaType(text) { bad(text, place) }
            return
        }
        guard case .array(let elements) = value.kind, !elements.isEmpty else { return wrongType(.schemaType, value, "type", place) }
        for (index, element) in elements.enumerated() {
            let at = place.appending(String(index))
            if let text = element.string {
                if !OASSpec.isSchemaType(text) {
                    bad(text, at)
                } else if elements[..<index].contains(where: { $0.string == text }) {
                    report("\"type\" lists \"\(text)\" twice; list each type once.", at, "duplicate-type:\(text)")
                }
            } else {
                wrongType(.string, element, "type[\(index)]", at)
            }
        }
    }

    /// Values of `enum` are distinct (JSON Schema's uniqueItems). Short lists are compared
    /// pairwise, long ones through a set of their JSON texts (numbers by value, pairwise).
    mutating func checkDistinct(_ elements: [JSONValue], name: String, _ place: OASPlace) {
        guard elements.count > 1 else { return }
        if elements.count <= 16 {
            for index in 1..<elements.count where elements[..<index].contains(where: { $0.jsonEquals(elements[index]) }) {
                duplicateValue(elements[index], name, place.appending(String(index)))
            }
            return
        }
        var strings = Set<String>()
        var others: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            let duplicate: Bool
            if let text = element.string {
                duplicate = !strings.insert(text).inserted
            } else {
                duplicate = others.contains { $0.jsonEquals(element) }
                if !duplicate { others.append(element) }
            }
            if duplicate { duplicateValue(element, name, place.appending(String(index))) }
        }
    }

    mutating func duplicateValue(_ element: JSONValue, _ name: String, _ place: OASPlace) {
        report(
            "\"\(name)\" lists \(OASText.quote(element)) twice; the values of an enumeration are distinct.", place,
            "duplicate:\(element.jsonText)")
    }

    // MARK: patterned objects

    mutating func checkPaths(_ object: JSONObject, _ path: [String]) {
        for member in object.members where !OASSpec.isExtension(member.key) {
            let place = OASPlace(path, member.key)
            if member.key.utf8.first != UInt8(ascii: "/") {
                report(
                    "The path \"\(member.key)\" must start with \"/\": paths are relative to basePath and begin with a slash (write \"/\(member.key)\"). Other keys of \"paths\" must be vendor extensions starting with \"x-\".",
                    place, atKey: true, "path-slash:\(member.key)")
            }
            if member.value.object == nil {
                wrongType(.object(.pathItem), member.value, member.key, place)
            }
        }
    }

    mutating func checkResponses(_ object: JSONObject, _ path: [String]) {
        var responses = 0
        for member in object.members where !OASSpec.isExtension(member.key) {
            responses += 1
            if member.value.object == nil {
                wrongType(.object(.response), member.value, member.key, OASPlace(path, member.key))
            }
        }
        // A webhook trigger with `"responses": {}` describes its output in
        // x-ms-notification-content (on its path item, as Microsoft's docs place it, or on the
        // operation); Microsoft certifies such triggers (11 connectors of the corpus, 9 changed
        // in 2023-24), so the policy stage's responses rule reports it as a warning instead.
        let root = context.swagger?.document.root
        let operation = root?.value(at: JSONPointer(tokens: Array(path.dropLast())))
        let pathItem = root?.value(at: JSONPointer(tokens: Array(path.dropLast(2))))
        let isWebhookTrigger =
            operation?["x-ms-trigger"] != nil
            && (operation?["x-ms-notification-content"] != nil || pathItem?["x-ms-notification-content"] != nil)
        if responses == 0, !isWebhookTrigger {
            report(
                "The operation declares no response. OpenAPI 2.0 requires at least one: add the response of a successful call, for example \"200\": {\"description\": \"OK\"}.",
                OASPlace(path), "no-response")
        }
    }

    mutating func checkSecurityRequirement(_ object: JSONObject, _ path: [String]) {
        for member in object.members {
            checkStringSet(member.value, name: member.key, nonEmpty: false, OASPlace(path, member.key))
        }
    }

    /// The official schema makes `security` lists uniqueItems: the same requirement twice says
    /// nothing more and is usually a copy-paste slip.
    mutating func checkDistinctRequirements(_ requirements: [JSONValue], _ place: OASPlace) {
        guard requirements.count > 1 else { return }
        for index in 1..<requirements.count where requirements[..<index].contains(where: { $0.jsonEquals(requirements[index]) }) {
            report(
                "The security requirement \(OASText.quote(requirements[index])) is listed twice in \"security\"; list it once.",
                place.appending(String(index)), "duplicate-requirement:\(requirements[index].jsonText)")
        }
    }

    /// Tag names are unique in the document's `tags` (the specification: "Each tag name in the
    /// list MUST be unique").
    mutating func checkTagNames(_ root: JSONObject, _ path: [String]) {
        guard let tags = root["tags"]?.array else { return }
        var seen = Set<String>()
        for (index, tag) in tags.enumerated() {
            guard let name = tag["name"]?.string, !seen.insert(name).inserted else { continue }
            report(
                "The tag \"\(name)\" is declared twice in \"tags\"; declare each tag once.",
                OASPlace(path + ["tags", String(index)], "name"), "duplicate-tag:\(name)")
        }
    }
}
