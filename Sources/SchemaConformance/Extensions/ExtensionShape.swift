import Certification
import JSONDocument

extension SchemaRules {
    static let xmsExtensionShape = Rule(
        RuleDescription(
            id: "x-ms-extension-shape", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Each known x-ms-* extension has the JSON shape the platform reads: x-ms-summary a string, x-ms-connector-metadata an array of {propertyName, propertyValue}, the dynamic extensions an object with operationId and parameters of the right form, x-ms-pageable {nextLinkName}, and so on.",
            source:
                "custom-connector docs (openapi-extensions); PowerPlatformConnectors swagger schema (x-ms-dynamic-values needs one of operationId / builtInOperation / capability; parameters are literals or {parameter} for x-ms-dynamic-values and -schema, {value} or {parameterReference} for -list and -properties); corpus: the platform converts scalars (a number x-ms-summary, a \"true\" string) and reads member names without regard to case (\"PropertyName\"), and certified connectors rely on both, so those are warnings; x-ms-dynamic-values without parameters is accepted (166 certified connectors), and so are array and null literals among its parameters. Extensions in a place where they have no effect are left to x-ms-extension-placement.",
            fix: "Give the extension the documented shape: see the message for the member and the expected type.",
            triggering: [
                .swagger(XMSExamples.swagger(parameter: #""x-ms-dynamic-values": {"operationId": "ListPlaces", "value-path": ["id"]}"#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-dynamic-values/value-path"),
                .swagger(XMSExamples.swagger(root: #""x-ms-capabilities": {"testConnection": "ListPlaces"}"#))
                    .at("apiDefinition.swagger.json#/x-ms-capabilities/testConnection"),
                .swagger(
                    XMSExamples.swagger(parameter: #""x-ms-dynamic-list": {"operationId": "ListPlaces", "parameters": {"country": "no"}}"#)
                )
                .at("apiDefinition.swagger.json#/paths/~1forecast/get/parameters/0/x-ms-dynamic-list/parameters/country"),
                .swagger(XMSExamples.swagger(operation: #""x-ms-pageable": {"nextLink": "nextLink"}"#))
                    .at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-pageable"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        root: #""x-ms-capabilities": {"testConnection": {"operationId": "ListPlaces", "parameters": {}}}"#,
                        parameter:
                            #""x-ms-dynamic-values": {"operationId": "ListPlaces", "parameters": {"country": {"parameter": "region"}}, "value-collection": "value", "value-path": "id", "value-title": "name"}, "x-ms-dynamic-list": {"operationId": "ListPlaces", "parameters": {"country": {"parameterReference": "region"}}, "itemsPath": "value", "itemValuePath": "id", "itemTitlePath": "name"}"#
                    )),
                .swagger(
                    XMSExamples.swagger(
                        operation:
                            #""x-ms-pageable": {"nextLinkName": "@odata.nextLink"}, "x-ms-api-annotation": {"family": "GetForecast", "revision": 1}, "x-ms-no-generic-test": true"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var shape = XMSShape()
        for visit in XMSWalk.allVisits(swagger.document.root, memo: context.input.memo) where visit.needsShapeCheck {
            for member in visit.object.members where XMSWalk.isExtensionKey(member.key) {
                guard let ordinal = XMSCatalog.ordinal(member.key), XMSCatalog.applies(ordinal: ordinal, at: visit.site) else { continue }
                if member.value.string != nil, xmsStringMask & (1 << UInt64(ordinal)) != 0 { continue }  // the common case
                xmsCheckShape(member.key, member.value, at: visit.pointer.appending(member.key), site: visit.site, into: &shape)
            }
        }
        return context.swaggerFindings(shape.issues)
    }

    /// `xmsStringExtensions` as bits of `XMSVisit.known`.
    static let xmsStringMask = XMSCatalog.mask(Array(xmsStringExtensions))!

    /// Extensions whose value is a plain string.
    static let xmsStringExtensions: Set<String> = [
        "x-ms-summary", "x-ms-trigger-hint", "x-ms-editor", "x-ms-deployment-version",
        "x-ms-visibility", "x-ms-trigger", "x-ms-url-encoding", "x-ms-media-kind",
    ]

    static func xmsCheckShape(_ key: String, _ value: JSONValue, at pointer: JSONPointer, site: XMSSite, into shape: inout XMSShape) {
        switch key {
        case _ where xmsStringExtensions.contains(key):
            shape.string(value, key, at: pointer)
        case "x-ms-notification-url", "x-ms-no-generic-test", "x-ms-safe-operation":
            shape.boolean(value, key, at: pointer)
        case "x-ms-keywords":
            _ = shape.strings(value, key, at: pointer)
        case "x-ms-editor-options":
            _ = shape.object(value, key, at: pointer)
        case "x-ms-connector-metadata":
            xmsCheckConnectorMetadata(value, at: pointer, into: &shape)
        case "x-ms-capabilities":
            xmsCheckCapabilities(value, at: pointer, site: site, into: &shape)
        case "x-ms-api-annotation":
            guard let object = shape.object(value, key, at: pointer) else { return }
            let known = site == .info ? ["status"] : ["family", "revision", "status", "replacement"]
            shape.unknownMembers(object, known: known, owner: key, at: pointer)
            if let family = shape.member(object, "family", owner: key, at: pointer) {
                shape.string(family.value, "\(key).family", at: family.pointer)
            }
            if let revision = shape.member(object, "revision", owner: key, at: pointer) {
                shape.integer(revision.value, "\(key).revision", at: revision.pointer)
            }
            if let status = shape.member(object, "status", owner: key, at: pointer) {
                shape.string(status.value, "\(key).status", at: status.pointer)
            }
            if let replacement = shape.member(object, "replacement", owner: key, at: pointer),
                let fields = shape.object(replacement.value, "\(key).replacement", at: replacement.pointer)
            {
                shape.unknownMembers(fields, known: ["api", "operationId"], owner: "\(key).replacement", at: replacement.pointer)
                for name in ["api", "operationId"] {
                    if let field = shape.member(fields, name, owner: "\(key).replacement", at: replacement.pointer) {
                        shape.string(field.value, "\(key).replacement.\(name)", at: field.pointer)
                    }
                }
            }
        case "x-ms-pageable":
            guard let object = shape.object(value, key, at: pointer, hint: "Write {\"nextLinkName\": \"nextLink\"}.") else { return }
            if let name = shape.required(
                object, "nextLinkName", owner: key, at: pointer,
                hint: "Name the response property that holds the next page's URL: {\"nextLinkName\": \"nextLink\"}.")
            {
                shape.string(name.value, "\(key).nextLinkName", at: name.pointer)
            }
        case "x-ms-notification-content":
            guard let object = shape.object(value, key, at: pointer) else { return }
            if let description = shape.member(object, "description", owner: key, at: pointer) {
                shape.string(description.value, "\(key).description", at: description.pointer)
            }
            if let schema = shape.member(object, "schema", owner: key, at: pointer) {
                _ = shape.object(schema.value, "\(key).schema", at: schema.pointer)
            } else {
                shape.warning(
                    "x-ms-notification-content has no schema, so the trigger's outputs are unknown to the designer. Add \"schema\" describing the webhook payload.",
                    at: pointer, signature: "missing:schema")
            }
            if let headers = shape.member(object, "headers", owner: key, at: pointer) {
                _ = shape.object(headers.value, "\(key).headers", at: headers.pointer)
            }
        case "x-ms-trigger-metadata":
            guard let object = shape.object(value, key, at: pointer) else { return }
            for name in ["kind", "mode"] {
                if let field = shape.member(object, name, owner: key, at: pointer) {
                    shape.string(field.value, "\(key).\(name)", at: field.pointer)
                }
            }
        case "x-ms-operation-context":
            guard let object = shape.object(value, key, at: pointer),
                let simulate = shape.member(object, "simulate", owner: key, at: pointer)
            else { return }
            xmsCheckOperationCall(simulate.value, "\(key).simulate", at: simulate.pointer, into: &shape)
        case "x-ms-dynamic-values", "x-ms-dynamic-schema", "x-ms-dynamic-list", "x-ms-dynamic-properties":
            xmsCheckDynamic(key, value, at: pointer, into: &shape)
        case "x-ms-dynamic-tree":
            guard let object = shape.object(value, key, at: pointer) else { return }
            shape.unknownMembers(object, known: ["settings", "open", "browse"], owner: key, at: pointer)
            if let settings = shape.member(object, "settings", owner: key, at: pointer) {
                _ = shape.object(settings.value, "\(key).settings", at: settings.pointer)
            }
            for name in ["open", "browse"] {
                if let call = shape.member(object, name, owner: key, at: pointer) {
                    xmsCheckOperationCall(call.value, "\(key).\(name)", at: call.pointer, into: &shape)
                }
            }
        case "x-ms-enum-values":
            guard let list = shape.array(value, key, at: pointer) else { return }
            for (index, item) in list.enumerated() {
                let itemPointer = pointer.appending(index)
                guard let entry = shape.object(item, "\(key)[\(index)]", at: itemPointer) else { continue }
                if let name = shape.required(entry, "displayName", owner: "\(key)[\(index)]", at: itemPointer) {
                    shape.string(name.value, "\(key)[\(index)].displayName", at: name.pointer)
                }
                _ = shape.required(entry, "value", owner: "\(key)[\(index)]", at: itemPointer)
            }
        default:
            break  // x-ms-test-value, x-ms-docs, x-ms-openai-*, …: free-form values.
        }
    }

    static func xmsCheckConnectorMetadata(_ value: JSONValue, at pointer: JSONPointer, into shape: inout XMSShape) {
        let key = "x-ms-connector-metadata"
        let example = "Write [{\"propertyName\": \"Website\", \"propertyValue\": \"https://…\"}, …]."
        guard let list = shape.array(value, key, at: pointer, hint: example) else { return }
        for (index, item) in list.enumerated() {
            let itemPointer = pointer.appending(index)
            let owner = "\(key)[\(index)]"
            guard let entry = shape.object(item, owner, at: itemPointer, hint: example) else { continue }
            for name in ["propertyName", "propertyValue"] {
                if let field = shape.required(entry, name, owner: owner, at: itemPointer, hint: example) {
                    shape.string(field.value, "\(owner).\(name)", at: field.pointer)
                }
            }
        }
    }

    static func xmsCheckCapabilities(_ value: JSONValue, at pointer: JSONPointer, site: XMSSite, into shape: inout XMSShape) {
        let key = "x-ms-capabilities"
        guard let object = shape.object(value, key, at: pointer) else { return }
        if site == .operation {
            shape.unknownMembers(object, known: ["chunkTransfer"], owner: key, at: pointer)
            if let chunk = shape.member(object, "chunkTransfer", owner: key, at: pointer) {
                shape.boolean(chunk.value, "\(key).chunkTransfer", at: chunk.pointer)
            }
            return
        }
        shape.unknownMembers(object, known: ["testConnection", "file-picker"], owner: key, at: pointer)
        if let test = shape.member(object, "testConnection", owner: key, at: pointer) {
            xmsCheckOperationCall(test.value, "\(key).testConnection", at: test.pointer, into: &shape)
        }
        if let picker = shape.member(object, "file-picker", owner: key, at: pointer),
            let calls = shape.object(picker.value, "\(key).file-picker", at: picker.pointer)
        {
            for name in ["open", "browse"] {
                if let call = shape.member(calls, name, owner: "\(key).file-picker", at: picker.pointer) {
                    xmsCheckOperationCall(call.value, "\(key).file-picker.\(name)", at: call.pointer, into: &shape)
                }
            }
        }
    }

    /// {operationId: string, parameters: object, …} (testConnection, file-picker and
    /// x-ms-dynamic-tree calls, x-ms-operation-context simulate).
    static func xmsCheckOperationCall(_ value: JSONValue, _ name: String, at pointer: JSONPointer, into shape: inout XMSShape) {
        guard let call = shape.object(value, name, at: pointer, hint: "Write {\"operationId\": \"…\", \"parameters\": {…}}.") else {
            return
        }
        if let id = shape.required(call, "operationId", owner: name, at: pointer, hint: "Name the operation to call.") {
            shape.string(id.value, "\(name).operationId", at: id.pointer)
        }
        if let parameters = shape.member(call, "parameters", owner: name, at: pointer) {
            _ = shape.object(parameters.value, "\(name).parameters", at: parameters.pointer)
        }
    }

    static func xmsCheckDynamic(_ key: String, _ value: JSONValue, at pointer: JSONPointer, into shape: inout XMSShape) {
        let newForm = key == "x-ms-dynamic-list" || key == "x-ms-dynamic-properties"
        guard let object = shape.object(value, key, at: pointer) else { return }
        let paths: [String] =
            switch key {
            case "x-ms-dynamic-values": ["value-collection", "value-path", "value-title"]
            case "x-ms-dynamic-schema": ["value-path"]
            case "x-ms-dynamic-list": ["itemsPath", "itemValuePath", "itemTitlePath"]
            default: ["itemValuePath"]
            }
        let sources: [String] =
            switch key {
            case "x-ms-dynamic-values": ["operationId", "builtInOperation", "capability"]
            case "x-ms-dynamic-schema": ["operationId"]
            default: ["operationId", "dynamicState"]
            }
        shape.unknownMembers(object, known: sources + ["parameters"] + paths, owner: key, at: pointer)
        let present = sources.filter { shape.member(object, $0, owner: key, at: pointer) != nil }
        if present.isEmpty {
            shape.error(
                "\(key) has no operationId: name the operation that returns the \(key.hasSuffix("schema") || key.hasSuffix("properties") ? "schema" : "values").",
                at: pointer, signature: "missing:operationId")
        } else if present.count > 1 {
            shape.error(
                "\(key) has both \(present.joined(separator: " and ")); it takes exactly one of them. Keep the one that provides the values.",
                at: pointer, signature: "sources:\(present.joined(separator: ","))")
        }
        // Re-read without repeating case warnings: member() already reported variants once.
        func field(_ name: String) -> (value: JSONValue, pointer: JSONPointer)? {
            if let value = object[name] { return (value, pointer.appending(name)) }
            return object.members.first { $0.key.lowercased() == name.lowercased() }.map { ($0.value, pointer.appending($0.key)) }
        }
        for name in ["operationId", "builtInOperation", "capability"] where sources.contains(name) {
            if let found = field(name) { shape.string(found.value, "\(key).\(name)", at: found.pointer) }
        }
        if let state = field("dynamicState") { _ = shape.object(state.value, "\(key).dynamicState", at: state.pointer) }
        for name in paths {
            if let found = shape.member(object, name, owner: key, at: pointer) {
                shape.string(
                    found.value, "\(key).\(name)", at: found.pointer, hint: "It is a path string such as \"value\" or \"properties/name\".")
            }
        }
        guard let parameters = shape.member(object, "parameters", owner: key, at: pointer),
            let map = shape.object(parameters.value, "\(key).parameters", at: parameters.pointer)
        else { return }
        for member in map.members {
            let at = parameters.pointer.appending(member.key)
            let name = "\(key).parameters[\"\(member.key)\"]"
            if newForm {
                guard let entry = member.value.object else {
                    shape.error(
                        "\(name) must be {\"value\": …} or {\"parameterReference\": \"…\"}, but it is \(XMSText.kind(member.value)) (\(XMSText.quote(member.value))). Write {\"value\": \(XMSText.quote(member.value))}.",
                        at: at, signature: "param-form:\(member.key)")
                    continue
                }
                let keys = entry.members.map(\.key)
                if keys == ["value"] { continue }
                if keys == ["parameterReference"] {
                    shape.string(entry["parameterReference"]!, "\(name).parameterReference", at: at.appending("parameterReference"))
                    continue
                }
                shape.error(
                    "\(name) must have exactly one member, \"value\" (a literal) or \"parameterReference\" (a parameter path such as \"body/id\"), but it has \(keys.isEmpty ? "none" : keys.map { "\"\($0)\"" }.joined(separator: ", ")).",
                    at: at, signature: "param-form:\(member.key)")
            } else {
                guard let entry = member.value.object else { continue }  // a literal value
                if entry.members.map(\.key) == ["parameter"] {
                    shape.string(entry["parameter"]!, "\(name).parameter", at: at.appending("parameter"))
                    continue
                }
                let hint =
                    entry["value"] != nil || entry["parameterReference"] != nil
                    ? " {\"value\"} and {\"parameterReference\"} are the forms of x-ms-dynamic-list and x-ms-dynamic-properties." : ""
                shape.error(
                    "\(name) must be a literal value or {\"parameter\": \"<name of a parameter of this operation>\"}, but it is \(XMSText.quote(member.value)).\(hint)",
                    at: at, signature: "param-form:\(member.key)")
            }
        }
    }
}
