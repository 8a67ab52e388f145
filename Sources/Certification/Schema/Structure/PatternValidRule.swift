import Foundation
import JSONDocument

extension SchemaRules {
    static let patternValid = Rule(RuleDescription(
        id: "pattern-valid", severity: .error, stage: SchemaStage.stageName,
        summary: "Every \"pattern\" is a regular expression that compiles.",
        source: "JSON Schema draft 4 (pattern: \"SHOULD be a valid regular expression, according to the ECMA 262 regular expression dialect\"); reference: refs-and-schema-sanity (SVR: pattern is a valid regex). Compiled with NSRegularExpression after translating the ECMA 262 forms ICU reads differently (a literal \"[\" in a class, a literal \"{\"), so valid ECMA 262 patterns pass (Contacts Pro has one).",
        fix: "Correct the regular expression (escape special characters such as ( [ { + * ? with a backslash, which is written \\\\ in JSON), or remove \"pattern\".",
        triggering: [
            .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "^[A-Z+$"}}}"##),
        ],
        nonTriggering: [
            .minimal(),
            .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "^[A-Z]{2}-\\d+$"}, "Url": {"type": "string", "pattern": "^[\\w:/?#[\\]@]+$"}, "Brace": {"type": "string", "pattern": "^{[a-z]+}$"}}}"##),
        ])) { context in
        var compiled: [String: Bool] = [:]
        return OASSchemaLikeVisitor.findings(context, where: { $0.contains(.pattern) }) { _, object, path in
            guard let pattern = object["pattern"]?.string else { return [] }
            let valid: Bool
            if let known = compiled[pattern] {
                valid = known
            } else {
                valid = OASPattern.compile(pattern) != nil
                compiled[pattern] = valid
            }
            guard !valid else { return [] }
            return [OASLocalProblem(
                message: "\"pattern\" \(OASText.quote(.init(.string(pattern)))) is not a valid regular expression, so values cannot be checked against it. Correct it (check brackets, parentheses and escapes) or remove it.",
                tokens: path + ["pattern"], signature: pattern)]
        }
    }
}
