import Certification
import JSONDocument

extension SchemaRules {
    static let xmsDynamicParameter = Rule(
        RuleDescription(
            id: "x-ms-dynamic-parameter", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "The parameters an extension passes to the operation it calls (x-ms-dynamic-*, testConnection, file-picker, x-ms-operation-context) are parameters of that operation, and every required parameter of it is supplied.",
            source:
                "custom-connector docs (openapi-extensions: \"Each property is the name of a parameter on the target operation\"); certification-rules.md `dynamic-refs` (the target produces the referenced values). A warning: the reference does not list it among the validator's errors. When the called operation has a body parameter, keys may name properties of the body (the docs' \"ambiguous references\"), so unknown keys are not reported for it.",
            fix:
                "Use the called operation's parameter names as keys, and give a value (a literal or a reference to a parameter of this operation) for each of its required parameters.",
            triggering: [
                .swagger(
                    XMSExamples.swagger(
                        parameter:
                            #""x-ms-dynamic-values": {"operationId": "ListPlaces", "parameters": {"countryCode": "no"}, "value-path": "id"}"#
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-dynamic-values/parameters/countryCode"),
                .swagger(XMSExamples.swagger(root: #""x-ms-capabilities": {"testConnection": {"operationId": "GetForecast"}}"#))
                    .at("apiDefinition.swagger.json#/x-ms-capabilities/testConnection/operationId"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        root: #""x-ms-capabilities": {"testConnection": {"operationId": "GetForecast", "parameters": {"place": "Oslo"}}}"#,
                        parameter:
                            #""x-ms-dynamic-list": {"operationId": "ListPlaces", "parameters": {"country": {"value": "no"}}, "itemValuePath": "id"}"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let calls = XMSWalk.operationCalls(swagger, memo: context.input.memo)
        guard !calls.isEmpty else { return [] }
        let operations = XMSOperations.of(context)
        var issues: [XMSIssue] = []
        for call in calls {
            guard let target = operations.byId[call.operationId] else { continue }
            let names = target.parameterNames
            var supplied = Set<String>()
            for member in call.parameters?.members ?? [] {
                let base = call.newForm ? String(member.key.split(separator: "/", maxSplits: 1).first ?? "") : member.key
                supplied.insert(base)
                if !names.contains(base) && !target.hasBody {
                    let near = XMSText.nearest(base, in: names, maxDistance: 2).map { " Did you mean \"\($0)\"?" } ?? ""
                    let list =
                        names.isEmpty
                        ? "it has no parameters" : "its parameters are " + names.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                    issues.append(
                        XMSIssue(
                            pointer: call.parametersPointer.appending(member.key),
                            message:
                                "\(call.name) passes \"\(member.key)\" to \(call.operationId), which has no parameter of that name (\(list)).\(near) The value is not sent.",
                            severity: nil, signature: "\(call.name)->\(call.operationId):\(member.key)", atKey: true))
                }
            }
            for parameter in target.parameters {
                guard parameter["required"]?.bool == true, parameter["in"]?.string != "body", parameter["default"] == nil,
                    let name = parameter["name"]?.string, !supplied.contains(name)
                else { continue }
                let at = call.parameters == nil ? call.idPointer : call.parametersPointer
                issues.append(
                    XMSIssue(
                        pointer: at,
                        message:
                            "\(call.name) calls \(call.operationId) without its required parameter \"\(name)\", so the call fails. Add \"\(name)\" to the parameters, with a literal or a reference to a parameter of this operation.",
                        severity: nil, signature: "\(call.name)->\(call.operationId):missing:\(name)"))
            }
        }
        return context.swaggerFindings(issues)
    }
}
