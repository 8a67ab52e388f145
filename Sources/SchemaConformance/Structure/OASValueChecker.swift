import Certification
import Foundation
import JSONDocument
import JSONSchema

/// One way a value (a default, an example, an x-ms-test-value) fails the schema that declares it.
struct OASValueProblem {
    /// Where inside the value (tokens relative to the value itself; empty for the value).
    var path: [String]
    var message: String
    /// Stable words for the fingerprint ("type", "enum", "required:id").
    var signature: String
}

/// Checks values against the schema-like object that declares them: a Schema Object (with
/// `$ref`, `allOf`, nested `properties` and `items`), or a non-body Parameter, Items or Header
/// Object (type, format, enum, ranges, lengths, pattern, items).
///
/// This is the seam for the project's JSON Schema engine (module `JSONSchema`, which this
/// module depends on): a second conformer can compile Schema Objects with
/// `CompiledSchema(root: swagger, pointer: schemaPointer, dialect: .swagger2, formatAssertion: false)`
/// (cached by pointer) and map each `SchemaError` (instancePointer, message) to an
/// `OASValueProblem`, for full draft-04 validation of schema values; parameter-like objects keep
/// `OASValueChecker`. The rules only see this protocol.
protocol OASValueValidating {
    /// Problems of `value` against `schema`, which sits at `schemaPath` in the document.
    mutating func problems(of value: JSONValue, against schema: JSONObject, at schemaPath: [String]) -> [OASValueProblem]
}

/// The built-in checker: the keywords a connector's values go wrong on, without a schema engine.
/// What it checks: type (integer accepts 1.0; x-nullable allows null), enum, minimum/maximum
/// (exclusive too), the int32/int64 ranges, minLength/maxLength, pattern, minItems/maxItems,
/// items, properties, required and additionalProperties: false (optional), allOf, `$ref` (with
/// a visited set), and the string formats openapi-spec-validator checks (`ValueFormat`:
/// date-time, date, time, uuid, byte, ipv4, ipv6, email) except on designer expressions (text
/// that starts with "@", such as "@{utcNow()}", which the platform evaluates before sending).
/// What it does not: multipleOf, uniqueItems, tuple items.
struct OASValueChecker: OASValueValidating {
    let root: JSONValue
    /// Report missing required properties and properties that additionalProperties: false forbids
    /// (right for defaults and test values; examples are often partial).
    var checkObjectCompleteness: Bool
    /// At most this many problems per value.
    var limit = 5
    /// At most this many schema visits per value (`maximumValueCheckSteps`): a value meets each
    /// schema at each of its places once (repeats are remembered), so this bounds only
    /// documents with very many schemas and very large values; past it the value is reported
    /// as too complex to check rather than checked for minutes.
    var maximumSteps = OASValueChecker.maximumValueCheckSteps
    static let maximumValueCheckSteps = 100_000
    /// The (schema, place in the value) pairs already checked for the current value: a schema
    /// reached twice at one place (`allOf: [{$ref: D1}, {$ref: D1}]`, nested forty deep) is
    /// checked once, so the walk is linear in the document, not exponential.
    private var visited = Set<Visit>()
    private var steps = 0

    private struct Visit: Hashable {
        var schema: String
        var path: [String]
    }
    /// Compiled `pattern`s by text; nil for one that does not compile (pattern-valid says so).
    private var patterns: [String: ECMARegex?] = [:]
    /// Patterns that exceeded their match budget (`ECMARegex.maximumMatchSteps`) on some value.
    private var exhaustedPatterns = Set<String>()

    init(root: JSONValue, checkObjectCompleteness: Bool) {
        self.root = root
        self.checkObjectCompleteness = checkObjectCompleteness
    }

    mutating func problems(of value: JSONValue, against schema: JSONObject, at schemaPath: [String]) -> [OASValueProblem] {
        var problems: [OASValueProblem] = []
        var path: [String] = []
        var references: [String] = []
        visited.removeAll(keepingCapacity: true)
        steps = 0
        check(value, schema, "#/" + schemaPath.joined(separator: "/"), &path, &references, &problems)
        return problems
    }

    /// `schemaID` names the schema's place in the document (a `$ref` target by its reference,
    /// a nested schema by its parent's place and the keyword), for remembering visits.
    private mutating func check(
        _ value: JSONValue, _ schema: JSONObject, _ schemaID: String, _ path: inout [String], _ references: inout [String],
        _ problems: inout [OASValueProblem]
    ) {
        guard problems.count < limit, steps <= maximumSteps else { return }
        guard visited.insert(Visit(schema: schemaID, path: path)).inserted else { return }
        steps += 1
        if steps > maximumSteps {
            problems.append(
                OASValueProblem(
                    path: path,
                    message:
                        "the value is too complex to check against its schema within \(maximumSteps) steps (maximumValueCheckSteps); simplify the schema or the value",
                    signature: "too-complex"))
            return
        }
        if let ref = schema["$ref"]?.string {
            // JSON Reference: the siblings of $ref are ignored. A reference already being
            // followed for this same instance location is a cycle that consumes nothing: stop.
            guard !references.contains(ref), references.count < 64,
                let target = OASReference.resolve(ref, in: root)?.value.object
            else { return }
            references.append(ref)
            check(value, target, ref, &path, &references, &problems)
            references.removeLast()
            return
        }
        if let allOf = schema["allOf"]?.array {
            for (index, part) in allOf.enumerated() {
                if let part = part.object { check(value, part, schemaID + "/allOf/\(index)", &path, &references, &problems) }
            }
        }
        if value.isNull {
            if schema["x-nullable"]?.bool == true { return }
            if let types = typeNames(schema), !types.contains("null") {
                problems.append(
                    OASValueProblem(
                        path: path, message: "null is not allowed by type \(quoteTypes(types)) (add \"x-nullable\": true to allow it)",
                        signature: "null"))
            }
            return
        }
        if let types = typeNames(schema), !types.contains(where: { matches(value, type: $0) }) {
            var message = "it is \(OASText.describe(value)), but the type is \(quoteTypes(types))"
            if let text = value.string, let hint = unquotedHint(text, types) { message += " (write \(hint) without quotes)" }
            problems.append(OASValueProblem(path: path, message: message, signature: "type"))
            return
        }
        if let options = schema["enum"]?.array, !options.isEmpty, !options.contains(where: { $0.jsonEquals(value) }) {
            var message =
                "\(OASText.quote(value)) is not one of the allowed values \(options.prefix(8).map { OASText.quote($0, limit: 30) }.joined(separator: ", "))\(options.count > 8 ? ", …" : "")"
            if let text = value.string, let match = options.first(where: { $0.string?.lowercased() == text.lowercased() }) {
                message += " (values are case-sensitive: \(OASText.quote(match)))"
            }
            problems.append(OASValueProblem(path: path, message: message, signature: "enum"))
        }
        switch value.kind {
        case .number: checkNumber(value, schema, path, &problems)
        case .string(let text): checkString(text, schema, path, &problems)
        case .array(let elements):
            checkCount(elements.count, schema, "minItems", "maxItems", "items", path, &problems)
            if let items = schema["items"]?.object {
                for (index, element) in elements.enumerated() {
                    path.append(String(index))
                    check(element, items, schemaID + "/items", &path, &references, &problems)
                    path.removeLast()
                }
            }
        case .object(let object):
            checkCount(object.count, schema, "minProperties", "maxProperties", "properties", path, &problems)
            let properties = schema["properties"]?.object
            if let properties {
                for member in object.members {
                    guard let propertySchema = properties[member.key]?.object else { continue }
                    path.append(member.key)
                    check(member.value, propertySchema, schemaID + "/properties/" + member.key, &path, &references, &problems)
                    path.removeLast()
                }
            }
            if checkObjectCompleteness {
                if let required = schema["required"]?.array {
                    for name in required.compactMap(\.string) where object[name] == nil {
                        problems.append(
                            OASValueProblem(
                                path: path, message: "the required property \"\(name)\" is missing", signature: "required:\(name)"))
                    }
                }
                if schema["additionalProperties"]?.bool == false {
                    for member in object.members where properties?[member.key] == nil {
                        problems.append(
                            OASValueProblem(
                                path: path + [member.key],
                                message: "\"\(member.key)\" is not a property of the schema, which allows no others",
                                signature: "additional:\(member.key)"))
                    }
                }
            }
        default:
            break
        }
    }

    // MARK: keywords

    func typeNames(_ schema: JSONObject) -> [String]? {
        guard let type = schema["type"] else { return nil }
        if let name = type.string { return [name] }
        if let names = type.array?.compactMap(\.string), !names.isEmpty { return names }
        return nil
    }

    func quoteTypes(_ types: [String]) -> String {
        types.map { "\"\($0)\"" }.joined(separator: " or ")
    }

    func matches(_ value: JSONValue, type: String) -> Bool {
        switch type {
        case "string": value.string != nil
        case "number": value.numberText != nil
        case "integer": value.isIntegral
        case "boolean": value.bool != nil
        case "array": value.array != nil
        case "object": value.object != nil
        case "null": value.isNull
        default: true  // "file", or an invalid type (openapi-structure reports it)
        }
    }

    /// For "1" where an integer is wanted: "1".
    func unquotedHint(_ text: String, _ types: [String]) -> String? {
        if types.contains("boolean"), text == "true" || text == "false" { return text }
        if types.contains("integer") || types.contains("number"), Double(text) != nil,
            text.utf8.allSatisfy({
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            })
        {
            return text
        }
        return nil
    }

    func checkNumber(_ value: JSONValue, _ schema: JSONObject, _ path: [String], _ problems: inout [OASValueProblem]) {
        guard let number = value.double else { return }
        let text = value.numberText ?? ""
        if let minimum = schema["minimum"]?.double {
            let exclusive = schema["exclusiveMinimum"]?.bool == true
            if exclusive ? number <= minimum : number < minimum {
                problems.append(
                    OASValueProblem(
                        path: path,
                        message: "\(text) is below the \(exclusive ? "exclusive " : "")minimum \(schema["minimum"]!.numberText!)",
                        signature: "minimum"))
            }
        }
        if let maximum = schema["maximum"]?.double {
            let exclusive = schema["exclusiveMaximum"]?.bool == true
            if exclusive ? number >= maximum : number > maximum {
                problems.append(
                    OASValueProblem(
                        path: path,
                        message: "\(text) is above the \(exclusive ? "exclusive " : "")maximum \(schema["maximum"]!.numberText!)",
                        signature: "maximum"))
            }
        }
        if value.isIntegral, let format = schema["format"]?.string {
            let fits: Bool? =
                switch format {
                case "int32": number >= -0x1p31 && number < 0x1p31
                case "int64": number >= -0x1p63 && number < 0x1p63
                default: nil
                }
            if fits == false {
                problems.append(OASValueProblem(path: path, message: "\(text) does not fit format \"\(format)\"", signature: "format"))
            }
        }
    }

    mutating func checkString(_ text: String, _ schema: JSONObject, _ path: [String], _ problems: inout [OASValueProblem]) {
        if let format = schema["format"]?.string, text.utf8.first != UInt8(ascii: "@"),
            ValueFormat.conforms(text, to: format) == false
        {
            let expected = ValueFormat.expectation(of: format).map { ": format \"\(format)\" wants \($0)" } ?? ""
            problems.append(
                OASValueProblem(
                    path: path, message: "\(OASText.quote(.init(.string(text)))) is not a valid \"\(format)\"\(expected)",
                    signature: "format"))
        }
        if schema["minLength"] != nil || schema["maxLength"] != nil {
            let length = text.unicodeScalars.count
            if let minimum = schema["minLength"]?.int, length < minimum {
                problems.append(
                    OASValueProblem(
                        path: path, message: "it is \(length) characters long, fewer than minLength \(minimum)", signature: "minLength"))
            }
            if let maximum = schema["maxLength"]?.int, length > maximum {
                problems.append(
                    OASValueProblem(
                        path: path, message: "it is \(length) characters long, more than maxLength \(maximum)", signature: "maxLength"))
            }
        }
        if let pattern = schema["pattern"]?.string, !exhaustedPatterns.contains(pattern), let expression = compiled(pattern) {
            switch expression.match(text) {
            case .matched:
                break
            case .notMatched:
                problems.append(
                    OASValueProblem(
                        path: path, message: "\(OASText.quote(.init(.string(text)))) does not match the pattern \(pattern)",
                        signature: "pattern"))
            case .tooComplex:
                // Reported once; later values are not matched against it again.
                exhaustedPatterns.insert(pattern)
                problems.append(
                    OASValueProblem(
                        path: path,
                        message:
                            "the pattern \(pattern) is too complex to match against \(OASText.quote(.init(.string(text)))) within \(ECMARegex.maximumMatchSteps) steps (maximumMatchSteps): it backtracks catastrophically (nested quantifiers such as (a+)+); simplify the pattern",
                        signature: "pattern-too-complex"))
            }
        }
    }

    mutating func compiled(_ pattern: String) -> ECMARegex? {
        if let cached = patterns[pattern] { return cached }
        let expression = try? ECMARegex.compile(pattern)
        patterns[pattern] = expression
        return expression
    }

    func checkCount(
        _ count: Int, _ schema: JSONObject, _ minimumKey: String, _ maximumKey: String, _ noun: String, _ path: [String],
        _ problems: inout [OASValueProblem]
    ) {
        if let minimum = schema[minimumKey]?.int, count < minimum {
            problems.append(
                OASValueProblem(path: path, message: "it has \(count) \(noun), fewer than \(minimumKey) \(minimum)", signature: minimumKey))
        }
        if let maximum = schema[maximumKey]?.int, count > maximum {
            problems.append(
                OASValueProblem(path: path, message: "it has \(count) \(noun), more than \(maximumKey) \(maximum)", signature: maximumKey))
        }
    }
}
