import Certification
import JSONDocument

extension SchemaRules {
    static let xmsAPIAnnotationFamily = Rule(
        RuleDescription(
            id: "x-ms-api-annotation-family", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Operation versions are consistent: within an x-ms-api-annotation family the revisions are unique and at most two operations are not deprecated, and only a deprecated operation names a replacement.",
            source:
                "certification-rules.md `pageable-versioning` (SVR, E: \"x-ms-api-annotation.replacement only on deprecated ops. A family has <= 2 active ops and unique revisions.\"); custom-connector docs (openapi-extensions, x-ms-api-annotation). No certified connector breaks these.",
            fix:
                "Give each revision of a family its own number, mark older revisions \"deprecated\": true, and put replacement only on deprecated operations.",
            triggering: [
                .swagger(
                    XMSExamples.swagger(
                        operation: #""x-ms-api-annotation": {"family": "GetForecast", "revision": 1}"#,
                        paths:
                            #""/forecast/v2": {"get": {"operationId": "GetForecastV2", "summary": "Get the forecast (V2)", "description": "Returns the forecast.", "x-ms-visibility": "important", "x-ms-api-annotation": {"family": "GetForecast", "revision": 1}, "responses": {"200": {"description": "The forecast."}}}}"#
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast~1v2/get/x-ms-api-annotation/revision"),
                .swagger(
                    XMSExamples.swagger(
                        operation:
                            #""x-ms-api-annotation": {"family": "GetForecast", "revision": 1, "replacement": {"operationId": "ListPlaces"}}"#
                    )
                ).at("apiDefinition.swagger.json#/paths/~1forecast/get/x-ms-api-annotation/replacement"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    XMSExamples.swagger(
                        operation:
                            #""deprecated": true, "x-ms-api-annotation": {"family": "GetForecast", "revision": 1, "replacement": {"operationId": "GetForecastV2"}}"#,
                        paths:
                            #""/forecast/v2": {"get": {"operationId": "GetForecastV2", "summary": "Get the forecast (V2)", "description": "Returns the forecast.", "x-ms-visibility": "important", "x-ms-api-annotation": {"family": "GetForecast", "revision": 2}, "responses": {"200": {"description": "The forecast."}}}}"#
                    )),
            ])
    ) { context in
        guard let swagger = context.swagger,
            !XMSWalk.visits(swagger, keys: ["x-ms-api-annotation"], memo: context.input.memo).isEmpty
        else { return [] }
        var issues: [XMSIssue] = []
        var families: [String: [(operation: XMSOperations.Operation, revision: Int?)]] = [:]
        var order: [String] = []
        for operation in XMSOperations.of(context).all {
            guard let annotation = operation.object["x-ms-api-annotation"]?.object else { continue }
            let at = operation.pointer.appending("x-ms-api-annotation")
            let deprecated = operation.object["deprecated"]?.bool == true
            let label = operation.id.isEmpty ? "\(operation.method.uppercased()) \(operation.path)" : operation.id
            if annotation["replacement"] != nil && !deprecated {
                issues.append(
                    XMSIssue(
                        pointer: at.appending("replacement"),
                        message:
                            "\(label) names a replacement but is not deprecated. Mark it \"deprecated\": true, or remove the replacement.",
                        severity: nil, signature: "replacement-active:\(label)", atKey: true))
            }
            guard let family = annotation["family"]?.string else { continue }
            if families[family] == nil { order.append(family) }
            families[family, default: []].append((operation, annotation["revision"]?.int))
        }
        for family in order {
            let members = families[family]!
            var seen: [Int: String] = [:]
            for member in members {
                guard let revision = member.revision else { continue }
                if let first = seen[revision] {
                    issues.append(
                        XMSIssue(
                            pointer: member.operation.pointer.appending("x-ms-api-annotation").appending("revision"),
                            message:
                                "\(member.operation.id) and \(first) are both revision \(revision) of family \"\(family)\". Give each revision its own number.",
                            severity: nil, signature: "duplicate-revision:\(family):\(revision)"))
                } else {
                    seen[revision] = member.operation.id
                }
            }
            let active = members.filter { $0.operation.object["deprecated"]?.bool != true }
            if active.count > 2 {
                for member in active.dropFirst(2) {
                    issues.append(
                        XMSIssue(
                            pointer: member.operation.pointer.appending("x-ms-api-annotation").appending("family"),
                            message:
                                "Family \"\(family)\" has \(active.count) operations that are not deprecated (\(active.map(\.operation.id).joined(separator: ", "))); at most two may be active. Mark the older revisions \"deprecated\": true.",
                            severity: nil, signature: "active:\(family):\(member.operation.id)"))
                }
            }
        }
        return context.swaggerFindings(issues)
    }
}
