import Certification
import JSONDocument

/// Policy templates the platform offers, by lower-cased id, with their required parameters
/// (x-ms-apimTemplateParameter.<name>).
enum XMSPolicyTemplates {
    static let required: [String: [String]] = [
        "convertarraytoobject": ["propertyParentPath", "keyWithinCollectionPath", "newPropertyPath"],
        "convertobjecttoarray": ["propertyParentPath", "newPropertyPath"],
        "dynamichosturl": ["urlTemplate"],
        "encodepropertyvalue": ["propertyParentPath", "newPropertyPath"],
        "pollingtrigger": ["triggerConfig", "triggerDataPath"],
        "routerequesttoendpoint": ["newPath"],
        "setheader": ["name", "value"],
        "setproperty": ["newPropertyParentPathTemplate", "newPropertySubPathTemplate", "propertyValuePathTemplate"],
        "setqueryparameter": ["name", "value"],
        "setvaluefromurl": ["parameterTemplate", "parameterValueUrl", "parameterValuePathTemplate"],
        "stringreplace": ["propertyParentPath", "sourceString", "replacementString", "newPropertyPath"],
        "stringtoarray": ["propertyParentPath", "delimiterList", "childPropertyName", "newPropertyPath"],
        "updatenextlink": ["nextLinkPropertyName"],
        // In certified connectors, not in the old schema: their parameters are not checked.
        "dynamicsubdomain": [],
        "moveproperties": [],
        "setconnectionstatustounauthenticated": [],
    ]
}

extension SchemaRules {
    static let propertiesPolicyTemplate = Rule(
        RuleDescription(
            id: "properties-policy-template", severity: .error, stage: SchemaStage.stageName,
            summary:
                "policyTemplateInstances is a list of {templateId, title, parameters} where templateId is a policy template the platform offers (any case), the template's required parameters are set, x-ms-apimTemplate-operationName is a list of strings and x-ms-apimTemplate-policySection is Request, Response or Failure.",
            source:
                "PowerPlatformConnectors paconn-apiProperties schema (policy-templates, E: the 13 template ids with their case variants, and each template's required x-ms-apimTemplateParameter.* members); certification-rules.md `policy-templates`. Certified connectors also use dynamicsubdomain, moveproperties and setconnectionstatustounauthenticated, so those are accepted. Parameters that are numbers or booleans where the schema says string are warnings (the platform converts them).",
            fix: "Use a listed templateId, give the instance a title and the template's required parameters.",
            triggering: [
                .properties(
                    XMSExamples.properties(
                        properties: #""policyTemplateInstances": [{"templateId": "sethost", "title": "Host", "parameters": {}}]"#)
                )
                .at("apiProperties.json#/properties/policyTemplateInstances/0/templateId"),
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""policyTemplateInstances": [{"templateId": "setheader", "title": "Version header", "parameters": {"x-ms-apimTemplateParameter.name": "Api-Version"}}]"#
                    )
                ).at("apiProperties.json#/properties/policyTemplateInstances/0/parameters"),
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""policyTemplateInstances": [{"templateId": "SetHeader", "title": "Version header", "parameters": {"x-ms-apimTemplateParameter.name": "Api-Version", "x-ms-apimTemplateParameter.value": "2", "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-policySection": "Request", "x-ms-apimTemplate-operationName": ["GetForecast"]}}]"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document else { return [] }
        var shape = XMSShape()
        guard let (value, pointer) = XMSProperties(document.root).property("policyTemplateInstances"),
            let list = shape.array(value, "policyTemplateInstances", at: pointer)
        else {
            return context.propertiesFindings(shape.issues)
        }
        let templateList = XMSPolicyTemplates.required.keys.sorted().joined(separator: ", ")
        for (index, item) in list.enumerated() {
            let at = pointer.appending(index)
            let owner = "policyTemplateInstances[\(index)]"
            guard let instance = shape.object(item, owner, at: at) else { continue }
            shape.unknownMembers(instance, known: ["templateId", "title", "type", "parameters"], owner: owner, at: at)
            var required: [String]?
            var label = owner
            if let id = shape.required(instance, "templateId", owner: owner, at: at, hint: "Name the policy template, e.g. \"setheader\"."),
                let text = shape.string(id.value, "\(owner).templateId", at: id.pointer)
            {
                label = "Policy \"\(text)\" (\(owner))"
                required = XMSPolicyTemplates.required[text.lowercased()]
                if required == nil {
                    shape.error(
                        "\(owner).templateId \"\(text)\" is not a policy template the platform offers. Use one of: \(templateList).",
                        at: id.pointer, signature: "templateId=\(text)")
                }
            }
            for name in ["title", "type"] {
                if let field = shape.member(instance, name, owner: owner, at: at) {
                    shape.string(field.value, "\(owner).\(name)", at: field.pointer)
                }
            }
            guard
                let parametersMember = shape.required(
                    instance, "parameters", owner: label, at: at,
                    hint: "Add \"parameters\": {…} with the template's settings."),
                let parameters = shape.object(parametersMember.value, "\(owner).parameters", at: parametersMember.pointer)
            else { continue }
            let pat = parametersMember.pointer
            for member in parameters.members {
                let name = "\(owner).parameters[\"\(member.key)\"]"
                let mat = pat.appending(member.key)
                if member.key.lowercased() == "x-ms-apimtemplate-operationname" {
                    _ = shape.strings(member.value, name, at: mat)
                } else if member.key.lowercased() == "x-ms-apimtemplate-policysection" {
                    if let issue = XMSVocabulary.check(member.value, name, allowed: ["Request", "Response", "Failure"], at: mat) {
                        shape.issues.append(issue)
                    }
                } else if member.key.lowercased().hasPrefix("x-ms-apimtemplateparameter.") {
                    if member.value.array != nil || (member.value.object != nil && !member.key.hasSuffix(".triggerConfig")) {
                        shape.error(
                            "\(name) must be a string, but it is \(XMSText.kind(member.value)).", at: mat, signature: "param:\(member.key)")
                    } else if member.value.object == nil {
                        shape.string(member.value, name, at: mat)
                    }
                } else {
                    shape.warning(
                        "\(name) is not a template parameter: their names are x-ms-apimTemplateParameter.<name>, x-ms-apimTemplate-operationName or x-ms-apimTemplate-policySection. The platform ignores it.",
                        at: mat, signature: "unknown:\(member.key)", atKey: true)
                }
            }
            let present = Set(parameters.members.map { $0.key.lowercased() })
            for name in required ?? [] where !present.contains("x-ms-apimtemplateparameter.\(name)".lowercased()) {
                shape.error(
                    "\(label) has no parameter x-ms-apimTemplateParameter.\(name), which this template requires.",
                    at: pat, signature: "missing:\(name)")
            }
        }
        return context.propertiesFindings(shape.issues)
    }

    static let propertiesOperationReference = Rule(
        RuleDescription(
            id: "properties-operation-reference", severity: .warning, stage: SchemaStage.stageName,
            summary:
                "The operations a policy template instance applies to (x-ms-apimTemplate-operationName) are operationIds of the swagger.",
            source:
                "PowerPlatformConnectors paconn-apiProperties schema (x-ms-apimTemplate-operationName: the operations a policy applies to). A warning: 4 certified connectors name missing operations (a policy that applies to nothing). scriptOperations is the policy stage's csx-ops.",
            fix: "Name existing operationIds (case-sensitive), or remove the stale names.",
            triggering: [
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""policyTemplateInstances": [{"templateId": "routerequesttoendpoint", "title": "Route", "parameters": {"x-ms-apimTemplateParameter.newPath": "/v2/forecast", "x-ms-apimTemplate-operationName": ["Forecast"]}}]"#
                    )
                ).at("apiProperties.json#/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplate-operationName/0")
            ],
            nonTriggering: [
                .minimal(),
                .properties(
                    XMSExamples.properties(
                        properties:
                            #""scriptOperations": ["GetForecast"], "policyTemplateInstances": [{"templateId": "routerequesttoendpoint", "title": "Route", "parameters": {"x-ms-apimTemplateParameter.newPath": "/v2/forecast", "x-ms-apimTemplate-operationName": ["GetForecast"]}}]"#
                    )),
            ])
    ) { context in
        guard let document = context.properties?.document, let swagger = context.swagger else { return [] }
        let properties = XMSProperties(document.root)
        guard properties.property("policyTemplateInstances") != nil else { return [] }
        let operations = XMSOperations.of(context)
        var issues: [XMSIssue] = []
        func check(_ value: JSONValue, at pointer: JSONPointer, what: String) {
            for (index, item) in (value.array ?? []).enumerated() {
                guard let id = item.string, operations.byId[id] == nil else { continue }
                let near = XMSText.nearest(id, in: operations.ids).map { " Did you mean \"\($0)\"?" } ?? ""
                issues.append(
                    XMSIssue(
                        pointer: pointer.appending(index),
                        message:
                            "\(what) names \"\(id)\", but the swagger has no operation with that operationId, so it applies to nothing.\(near)",
                        severity: nil, signature: "\(what)->\(id)"))
            }
        }
        if let (value, pointer) = properties.property("policyTemplateInstances"), let list = value.array {
            for (index, instance) in list.enumerated() {
                guard let parameters = XMSProperties.member(instance.object, "parameters"),
                    let names = XMSProperties.member(parameters.value.object, "x-ms-apimTemplate-operationName")
                else { continue }
                let template = XMSProperties.member(instance.object, "templateId")?.value.string ?? "policy"
                check(
                    names.value, at: pointer.appending(index).appending(parameters.key).appending(names.key),
                    what: "The \(template) policy's x-ms-apimTemplate-operationName")
            }
        }
        return context.propertiesFindings(issues)
    }
}
