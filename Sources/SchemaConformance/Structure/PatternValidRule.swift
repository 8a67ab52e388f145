import Certification
import Foundation
import JSONDocument
import JSONSchema

extension SchemaRules {
    static let patternValid = Rule(
        RuleDescription(
            id: "pattern-valid", severity: .error, stage: SchemaStage.stageName,
            summary: "Every \"pattern\" is a regular expression that compiles.",
            source:
                "JSON Schema draft 4 (pattern: \"SHOULD be a valid regular expression, according to the ECMA 262 regular expression dialect\"); reference: refs-and-schema-sanity (SVR: pattern is a valid regex). Read as ECMA-262 without flags, with Annex B (the dialect of the JSON Schema engine, which passes the official suite's ECMA-262 tests): a literal \"[\" in a class and a literal \"{\" pass (Contacts Pro has one), and so do [^], \\0 and \\p{L}; what other dialects add is refused: inline flags such as (?i), comments, atomic groups, possessive quantifiers such as a++.",
            fix:
                "Correct the regular expression (escape special characters such as ( [ { + * ? with a backslash, which is written \\\\ in JSON), or remove \"pattern\".",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "^[A-Z+$"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Code/pattern"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "(?i)^abc$"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Code/pattern"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "^a++$"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Code/pattern"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "^x{1}{2}$"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/Code/pattern"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Code": {"type": "string", "pattern": "^[A-Z]{2}-\\d+$"}, "Url": {"type": "string", "pattern": "^[\\w:/?#[\\]@]+$"}, "Brace": {"type": "string", "pattern": "^{[a-z]+}$"}, "Any": {"type": "string", "pattern": "^[^]*$"}, "Letters": {"type": "string", "pattern": "^\\p{L}+$"}, "Nul": {"type": "string", "pattern": "^a\\0b$"}, "Lazy": {"type": "string", "pattern": "^(?:a|b)*?(?<tail>c{2,}?)$"}}}"##
                ),
            ])
    ) { context in
        // The reason a pattern fails, by pattern ("" when it compiles).
        var reasons: [String: String] = [:]
        return OASSchemaLikeVisitor.findings(context, where: { $0.contains(.pattern) }) { _, object, path in
            guard let pattern = object["pattern"]?.string else { return [] }
            let reason: String
            if let known = reasons[pattern] {
                reason = known
            } else {
                do {
                    _ = try ECMARegex.compile(pattern)
                    reason = ""
                } catch let failure as ECMARegex.RegexSyntaxError {
                    reason = failure.message
                } catch {
                    reason = "not a valid regular expression"
                }
                reasons[pattern] = reason
            }
            guard !reason.isEmpty else { return [] }
            return [
                OASLocalProblem(
                    message:
                        "\"pattern\" \(OASText.quote(.init(.string(pattern)))) is not a valid ECMA-262 regular expression (\(reason)), so values cannot be checked against it. Correct it (check brackets, parentheses and escapes) or remove it.",
                    tokens: path + ["pattern"], signature: pattern)
            ]
        }
    }
}
