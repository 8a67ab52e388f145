import Certification
import ConnectorPackage
import JSONDocument

/// An operation named by an extension: a dynamic extension's source, testConnection, a file
/// picker or tree call, a trigger simulation.
struct XMSOperationCall: Sendable {
    /// The extension, e.g. "x-ms-dynamic-values" or "x-ms-capabilities.testConnection".
    var name: String
    var operationId: String
    /// Where the operationId string is.
    var idPointer: JSONPointer
    /// The call's parameters object, when it has one.
    var parameters: JSONObject?
    var parametersPointer: JSONPointer
    /// The extension kind decides the parameter forms: true for {value}/{parameterReference}.
    var newForm: Bool
}

extension XMSWalk {
    /// The extensions that call operations.
    static let callingKeys = [
        "x-ms-dynamic-values", "x-ms-dynamic-schema", "x-ms-dynamic-list", "x-ms-dynamic-properties",
        "x-ms-capabilities", "x-ms-dynamic-tree", "x-ms-operation-context",
    ]

    /// Every operation call of the swagger's extensions, where the extension has an effect.
    static func operationCalls(_ swagger: (file: PackageFile, document: JSONDocument), memo: Memo) -> [XMSOperationCall] {
        memo.value("xms.operationCalls") { operationCalls(swagger, visits: visits(swagger, keys: callingKeys, memo: memo)) }
    }

    static func operationCalls(_ swagger: (file: PackageFile, document: JSONDocument), visits: [XMSVisit]) -> [XMSOperationCall] {
        var calls: [XMSOperationCall] = []
        func add(_ name: String, _ value: JSONValue?, at pointer: JSONPointer, newForm: Bool) {
            guard let object = value?.object, let id = object["operationId"]?.string else { return }
            calls.append(
                XMSOperationCall(
                    name: name, operationId: id, idPointer: pointer.appending("operationId"),
                    parameters: object["parameters"]?.object, parametersPointer: pointer.appending("parameters"),
                    newForm: newForm))
        }
        for visit in visits {
            for member in visit.object.members where XMSWalk.isExtensionKey(member.key) {
                guard XMSCatalog.applies(member.key, at: visit.site) == true else { continue }
                let at = visit.pointer.appending(member.key)
                switch member.key {
                case "x-ms-dynamic-values", "x-ms-dynamic-schema":
                    add(member.key, member.value, at: at, newForm: false)
                case "x-ms-dynamic-list", "x-ms-dynamic-properties":
                    add(member.key, member.value, at: at, newForm: true)
                case "x-ms-capabilities":
                    add(
                        "x-ms-capabilities.testConnection", member.value["testConnection"], at: at.appending("testConnection"),
                        newForm: false)
                    for call in ["open", "browse"] {
                        add(
                            "x-ms-capabilities.file-picker.\(call)", member.value["file-picker"]?[call],
                            at: at.appending("file-picker").appending(call), newForm: false)
                    }
                case "x-ms-dynamic-tree":
                    for call in ["open", "browse"] {
                        add("x-ms-dynamic-tree.\(call)", member.value[call], at: at.appending(call), newForm: false)
                    }
                case "x-ms-operation-context":
                    add(
                        "x-ms-operation-context.simulate", member.value["simulate"], at: at.appending("simulate"),
                        newForm: false)
                default:
                    break
                }
            }
        }
        return calls
    }
}

extension SchemaRules {
    static let xmsOperationReference = Rule(
        RuleDescription(
            id: "x-ms-operation-reference", severity: .error, stage: SchemaStage.stageName,
            summary:
                "The operationId named by x-ms-dynamic-values, x-ms-dynamic-schema, x-ms-dynamic-list, x-ms-dynamic-properties, x-ms-dynamic-tree, x-ms-capabilities (testConnection, file-picker) and x-ms-operation-context is an operation of the swagger.",
            source:
                "certification-rules.md `dynamic-refs` (SVR `OperationIdNotFound`, E); custom-connector docs (openapi-extensions). No certified connector names a missing operation.",
            fix: "Name an existing operationId (they are case-sensitive), or add the operation the extension calls.",
            triggering: [
                .swagger(XMSExamples.swagger(parameter: #""x-ms-dynamic-values": {"operationId": "ListPlace", "value-path": "id"}"#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-dynamic-values/operationId"),
                .swagger(XMSExamples.swagger(root: #""x-ms-capabilities": {"testConnection": {"operationId": "Ping"}}"#))
                    .at("apiDefinition.swagger.json#/x-ms-capabilities/testConnection/operationId"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        parameter:
                            #""x-ms-dynamic-values": {"operationId": "ListPlaces", "value-collection": "value", "value-path": "id", "value-title": "name"}"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        let calls = XMSWalk.operationCalls(swagger, memo: context.input.memo)
        guard !calls.isEmpty else { return [] }
        let operations = XMSOperations.of(context)
        var issues: [XMSIssue] = []
        for call in calls where operations.byId[call.operationId] == nil {
            let near = XMSText.nearest(call.operationId, in: operations.ids).map { " Did you mean \"\($0)\"?" } ?? ""
            issues.append(
                XMSIssue(
                    pointer: call.idPointer,
                    message:
                        "\(call.name) calls operationId \"\(call.operationId)\", but no operation of the swagger has that operationId.\(near) Name an existing operation, or add it.",
                    severity: nil, signature: "\(call.name)->\(call.operationId)"))
        }
        return context.swaggerFindings(issues)
    }
}
