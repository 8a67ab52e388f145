import Certification
import JSONDocument

extension SchemaRules {
    static let openAPIMimeType = Rule(
        RuleDescription(
            id: "openapi-mime-type", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every entry of \"consumes\" and \"produces\" (of the document or of an operation) is a MIME type, type/subtype with optional parameters (RFC 6838), listed once.",
            source:
                "OpenAPI 2.0 specification (Mime Types: \"the value MUST be as described under Mime Types\", RFC 6838; the official schema's mediaTypeList is an array of distinct strings); reference: mime-types (SVR). Which MIME types the platform supports is a policy question, not one of OpenAPI conformance.",
            fix: "Write each media type as type/subtype, for example \"application/json\" or \"text/plain; charset=utf-8\", each once.",
            triggering: [
                .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "produces": ["json"], "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/produces/0"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"post": {"consumes": ["application/json", "application/json"], "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/post/consumes/1"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "consumes": ["multipart/form-data", "application/x-www-form-urlencoded", "*/*", "application/*+json"], "produces": ["application/json; charset=utf-8", "application/vnd.contoso+json;version=2", "text/*"], "paths": {}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        func check(_ value: JSONValue?, _ pointer: JSONPointer, _ field: String) {
            guard let elements = value?.array else { return }  // not an array: openapi-structure
            var seen = Set<String>()
            for (index, element) in elements.enumerated() {
                let at = pointer.appending(index)
                guard let text = element.string else {
                    findings.append(
                        context.swaggerFinding(
                            "Each entry of \"\(field)\" must be a MIME type string, not \(OASText.describe(element)).", at: at,
                            signature: element.jsonText))
                    continue
                }
                if let problem = OASMediaType.problem(text) {
                    findings.append(
                        context.swaggerFinding(
                            "\"\(text)\" in \"\(field)\" is not a MIME type: \(problem) Write type/subtype, for example \"application/json\".",
                            at: at, signature: text))
                } else if !seen.insert(text.lowercased()).inserted {
                    findings.append(
                        context.swaggerFinding(
                            "\"\(text)\" is listed twice in \"\(field)\"; list it once.", at: at, signature: "duplicate:\(text)"))
                }
            }
        }
        for field in ["consumes", "produces"] {
            check(root[field], JSONPointer(tokens: [field]), field)
        }
        for operation in OASOperation.all(context) {
            for field in ["consumes", "produces"] {
                if let value = operation.operation[field] { check(value, operation.pointer.appending(field), field) }
            }
        }
        return findings.compactMap { $0 }
    }
}

/// RFC 6838 media types: type "/" subtype, each a restricted-name (or "*", for the wildcards
/// that produces lists use), then optional "; name=value" parameters. A "*" inside the subtype
/// ("application/*+json", which ASP.NET generates and the platform accepts) is allowed.
enum OASMediaType {
    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "-"), UInt8(ascii: "^"),
            UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "+"):
            return true
        default:
            return false
        }
    }

    static func isName(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.count == 1 && bytes.first == UInt8(ascii: "*") { return true }
        guard let first = bytes.first, bytes.count <= 127 else { return false }
        let isAlnum =
            (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z"))
            || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        return isAlnum && bytes.allSatisfy(isNameByte)
    }

    /// Why `text` is not a media type, or nil when it is one.
    static func problem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        let essence = trimmed(bytes[..<semicolon])
        guard let slash = essence.firstIndex(of: UInt8(ascii: "/")) else {
            return essence.isEmpty ? "it is empty." : "it has no \"/\" between type and subtype."
        }
        let type = essence[..<slash]
        let subtype = essence[(slash + 1)...]
        guard isName(type), isName(subtype) || isName(ArraySlice(subtype.map { $0 == UInt8(ascii: "*") ? UInt8(ascii: "x") : $0 })) else {
            return "type and subtype may only contain letters, digits and ! # $ & - ^ _ . +."
        }
        if type.count == 1 && type.first == UInt8(ascii: "*") && !(subtype.count == 1 && subtype.first == UInt8(ascii: "*")) {
            return "a wildcard type needs a wildcard subtype (*/*)."
        }
        var rest = bytes[semicolon...]
        while !rest.isEmpty {
            rest = rest.dropFirst()  // the ";"
            let end = rest.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
            let parameter = trimmed(rest[..<end])
            rest = rest[end...]
            if parameter.isEmpty { continue }
            guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")), isName(trimmed(parameter[..<equals])),
                !trimmed(parameter[(equals + 1)...]).isEmpty
            else {
                return "its parameters must be written name=value after \";\"."
            }
        }
        return nil
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { slice = slice.dropFirst() }
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { slice = slice.dropLast() }
        return slice
    }
}
