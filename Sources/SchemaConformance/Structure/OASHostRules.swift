import Certification
import JSONDocument

extension SchemaRules {
    static let openAPIHost = Rule(
        RuleDescription(
            id: "openapi-host", severity: .error, stage: SchemaStage.stageName,
            summary:
                "\"host\" is a host name or IP address with an optional port, without scheme, path or template (^[^{}/ :\\\\]+(?::\\d+)?$).",
            source:
                "OpenAPI 2.0 specification (Swagger Object host: \"MUST be the host only and does not include the scheme nor sub-paths. It MAY include a port.\"; the official schema's pattern); reference: host-valid (SVR HostNameNotValid).",
            fix:
                "Write only the host, for example \"api.contoso.com\" or \"api.contoso.com:8443\": move the scheme to \"schemes\" and any path to \"basePath\". A host that depends on the connection belongs in a policy template (dynamichosturl), not in a {template}.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "host": "https://api.contoso.example/v1", "paths": {}}"##
                ).at("apiDefinition.swagger.json#/host"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "host": "{{tenant}}.contoso.example", "paths": {}}"##
                ).at("apiDefinition.swagger.json#/host"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "host": "api.contoso.example:8443", "paths": {}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger, let host = swagger.document.root["host"]?.string else { return [] }
        guard let problem = OASHost.problem(host) else { return [] }
        return [context.swaggerFinding("\"host\" \"\(host)\" is not a host name: \(problem)", at: "/host", signature: host)].compactMap {
            $0
        }
    }

    static let openAPIBasePath = Rule(
        RuleDescription(
            id: "openapi-base-path", severity: .error, stage: SchemaStage.stageName,
            summary: "\"basePath\", when present, starts with \"/\".",
            source:
                "OpenAPI 2.0 specification (Swagger Object basePath: \"The value MUST start with a leading slash\"); reference: basepath (SVR BasePathNotValid).",
            fix: "Start basePath with a slash, for example \"/v1\"; use \"/\" when the API has no base path.",
            triggering: [
                .swagger(##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "basePath": "v1", "paths": {}}"##)
                    .at("apiDefinition.swagger.json#/basePath")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger, let basePath = swagger.document.root["basePath"]?.string,
            basePath.utf8.first != UInt8(ascii: "/")
        else { return [] }
        let hint = basePath.contains("://") ? " It must not contain a scheme or host: put those in \"schemes\" and \"host\"." : ""
        return [
            context.swaggerFinding(
                "\"basePath\" \"\(basePath)\" must start with \"/\" (write \"/\(basePath)\").\(hint)",
                at: "/basePath", signature: basePath)
        ].compactMap { $0 }
    }
}

/// The host check, byte by byte: the official schema's pattern ^[^{}/ :\\]+(?::\d+)?$, with a
/// message that says which part is wrong.
enum OASHost {
    static func problem(_ host: String) -> String? {
        if host.isEmpty { return "it is empty. Write the API's host name, or remove \"host\" to use the host the document is served from." }
        if host.contains("://") { return "it contains a scheme. Write only the host name and list the scheme in \"schemes\"." }
        let bytes = Array(host.utf8)
        var name = bytes[...]
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            name = bytes[..<colon]
            let port = bytes[(colon + 1)...]
            if port.isEmpty || !port.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return "after \":\" only a port number may follow."
            }
        }
        if name.isEmpty { return "the host name before the port is empty." }
        for byte in name {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "}"):
                return
                    "it contains a template ({…}). The host must be fixed; a host that depends on the connection is set with the dynamichosturl policy template."
            case UInt8(ascii: "/"):
                return "it contains a path. Write only the host name and put the path in \"basePath\"."
            case UInt8(ascii: " "):
                return "it contains a space."
            case UInt8(ascii: "\\"):
                return "it contains a backslash."
            default:
                continue
            }
        }
        return nil
    }
}
