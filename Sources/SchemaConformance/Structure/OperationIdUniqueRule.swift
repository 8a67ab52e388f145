import Certification
import JSONDocument

extension SchemaRules {
    static let operationIdUnique = Rule(
        RuleDescription(
            id: "operation-id-unique", severity: .error, stage: SchemaStage.stageName,
            summary: "No two operations have the same operationId.",
            source:
                "OpenAPI 2.0 specification (Operation Object operationId: \"The id MUST be unique among all operations described in the API\"); reference: opid (SVR OperationIdNotUnique). Compared exactly, as the specification says (case-sensitive).",
            fix: "Give each operation its own operationId; flows refer to operations by it.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"operationId": "Get", "responses": {"200": {"description": "OK"}}}}, "/b": {"get": {"operationId": "Get", "responses": {"200": {"description": "OK"}}}}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1b/get/operationId")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger else { return [] }
        var first: [String: OASOperation] = [:]
        var findings: [Finding?] = []
        for operation in OASOperation.all(context) {
            guard let id = operation.operation["operationId"]?.string else { continue }
            if let earlier = first[id] {
                findings.append(
                    context.swaggerFinding(
                        "The operationId \"\(id)\" of \(operation.label) is already the operationId of \(earlier.label). Each operation needs its own: rename one of them.",
                        at: operation.pointer.appending("operationId"), signature: id))
            } else {
                first[id] = operation
            }
        }
        return findings.compactMap { $0 }
    }
}
