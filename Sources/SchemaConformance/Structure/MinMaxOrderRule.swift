import Certification
import JSONDocument

extension SchemaRules {
    static let minMaxOrder = Rule(
        RuleDescription(
            id: "min-max-order", severity: .error, stage: SchemaStage.stageName,
            summary:
                "No lower bound is above its upper bound: minimum/maximum (equal only when neither is exclusive), minLength/maxLength, minItems/maxItems, minProperties/maxProperties.",
            source:
                "JSON Schema draft 4 validation keywords, which OpenAPI 2.0 uses; reference: refs-and-schema-sanity (SVR: min <= max). Bounds that cross accept no value at all.",
            fix: "Swap or correct the bounds.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "n", "in": "query", "type": "integer", "minimum": 10, "maximum": 1}], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/minimum"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "minLength": 5, "maxLength": 3}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Code/minLength"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"P": {"type": "number", "minimum": 1, "maximum": 1, "exclusiveMaximum": true}}}"##
                ).at("apiDefinition.swagger.json#/definitions/P/minimum"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"One": {"type": "integer", "minimum": 1, "maximum": 1.0}, "Code": {"type": "string", "minLength": 3, "maxLength": 3}}}"##
                ),
            ])
    ) { context in
        // Only objects with a lower and an upper bound can have them in the wrong order.
        OASSchemaLikeVisitor.findings(
            context, where: { !$0.isDisjoint(with: .lowerBounds) && !$0.isDisjoint(with: .upperBounds) }
        ) { _, object, path in
            // One pass over the members: most objects have none of these keywords.
            var bounds = OASBounds()
            for member in object.members { bounds.take(member.key, member.value) }
            guard bounds.any else { return [] }
            var problems: [OASLocalProblem] = []
            if let minimum = bounds.minimum, let maximum = bounds.maximum, let low = minimum.double, let high = maximum.double {
                let exclusive = bounds.exclusive
                if low > high || (low == high && exclusive) {
                    let how = low > high ? "above" : "equal to"
                    problems.append(
                        OASLocalProblem(
                            message:
                                "\"minimum\" \(minimum.numberText!) is \(how) \"maximum\" \(maximum.numberText!)\(low == high ? " while one of them is exclusive" : ""), so no number is valid. Correct the bounds.",
                            tokens: path + ["minimum"], signature: "minimum"))
                }
            }
            for (low, high, minimum, maximum) in [
                ("minLength", "maxLength", bounds.minLength, bounds.maxLength), ("minItems", "maxItems", bounds.minItems, bounds.maxItems),
                ("minProperties", "maxProperties", bounds.minProperties, bounds.maxProperties),
            ] {
                guard let minimum, let maximum, let lowValue = minimum.double, let highValue = maximum.double, lowValue > highValue else {
                    continue
                }
                problems.append(
                    OASLocalProblem(
                        message:
                            "\"\(low)\" \(minimum.numberText!) is above \"\(high)\" \(maximum.numberText!), so no value is valid. Correct the bounds.",
                        tokens: path + [low], signature: low))
            }
            return problems
        }
    }
}

/// The bound keywords of one object, collected in one pass (first occurrence of each).
struct OASBounds {
    var minimum: JSONValue?, maximum: JSONValue?, minLength: JSONValue?, maxLength: JSONValue?
    var minItems: JSONValue?, maxItems: JSONValue?, minProperties: JSONValue?, maxProperties: JSONValue?
    var exclusive = false
    var any = false

    /// Takes the member if it is a bound keyword.
    mutating func take(_ key: String, _ value: JSONValue) {
        guard let first = key.utf8.first, first == UInt8(ascii: "m") || first == UInt8(ascii: "e") else { return }
        switch key {
        case "minimum": if minimum == nil { minimum = value }
        case "maximum": if maximum == nil { maximum = value }
        case "minLength": if minLength == nil { minLength = value }
        case "maxLength": if maxLength == nil { maxLength = value }
        case "minItems": if minItems == nil { minItems = value }
        case "maxItems": if maxItems == nil { maxItems = value }
        case "minProperties": if minProperties == nil { minProperties = value }
        case "maxProperties": if maxProperties == nil { maxProperties = value }
        case "exclusiveMinimum", "exclusiveMaximum": if value.bool == true { exclusive = true }
        default: return
        }
        any = true
    }
}
