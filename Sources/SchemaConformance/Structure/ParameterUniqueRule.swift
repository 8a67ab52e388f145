import Certification
import JSONDocument

extension SchemaRules {
    static let parameterUnique = Rule(
        RuleDescription(
            id: "parameter-unique", severity: .error, stage: SchemaStage.stageName,
            summary:
                "No parameter list (of an operation or of a path item) has two parameters with the same name and location (\"in\"), after resolving $ref.",
            source:
                "OpenAPI 2.0 specification (Operation Object and Path Item Object parameters: \"The list MUST NOT include duplicated parameters. A unique parameter is defined by a combination of a name and location\"); reference: body-rules (SVR: parameters are unique by (name, in)). An operation's parameter may override the path item's of the same name and location: that is allowed.",
            fix: "Remove the duplicate, or rename one of the two parameters.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query", "type": "string"}, {"$ref": "#/parameters/q"}], "responses": {"200": {"description": "OK"}}}}}, "parameters": {"q": {"name": "q", "in": "query", "type": "integer"}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/1")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"parameters": [{"name": "q", "in": "query", "type": "string"}], "get": {"parameters": [{"name": "q", "in": "query", "type": "integer"}, {"name": "q", "in": "header", "type": "string"}], "responses": {"200": {"description": "OK"}}}}}}"##
                ),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let root = swagger.document.root
        var findings: [Finding?] = []
        func check(_ list: [JSONValue]?, path: String, method: String?) {
            guard let list, list.count > 1 else { return }
            var seen: [OASParameter] = []
            for (index, value) in list.enumerated() {
                guard let parameter = OASParameter(value, path: path, method: method, index: index, root: root) else { continue }
                if let earlier = seen.firstIndex(where: { $0.name == parameter.name && $0.location == parameter.location }) {
                    findings.append(
                        context.swaggerFinding(
                            "The \(parameter.location) parameter \"\(parameter.name)\" is declared twice in this list (first at \(seen[earlier].pointer)). A parameter is identified by its name and location: remove one, or rename it.",
                            at: parameter.pointer, signature: "\(parameter.location):\(parameter.name)"))
                } else {
                    seen.append(parameter)
                }
            }
        }
        guard let paths = root["paths"]?.object else { return [] }
        for member in paths.members where !OASSpec.isExtension(member.key) {
            guard let item = member.value.object else { continue }
            check(item["parameters"]?.array, path: member.key, method: nil)
            for method in item.members where OASSpec.isMethod(method.key) {
                check(method.value["parameters"]?.array, path: member.key, method: method.key)
            }
        }
        return findings.compactMap { $0 }
    }
}
