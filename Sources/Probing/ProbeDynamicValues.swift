import Certification
import Foundation
import JSONDocument
import JSONSchema
import OutboundHTTP

/// Connector-specific probing: a parameter with `x-ms-dynamic-values` or `x-ms-dynamic-list`
/// gets its dropdown from another operation. The probe calls that operation first, checks that
/// its answer has the declared collection and, in each item, the value and title paths, and
/// fills the dependent parameter with a value the answer gave.
extension ProbeStage {
    /// One dropdown: the parameter it fills and the operation that feeds it.
    struct DynamicSource: Sendable {
        var dependent: String
        var parameter: String
        var feeding: String
        /// Path segments to the array in the feeding answer (empty: the answer is the array).
        var collection: [String]
        var valuePath: [String]
        var titlePath: [String]?
        /// Fixed values the extension gives the feeding operation's parameters.
        var feedingParameters: [String: JSONValue]
        var pointer: JSONPointer
        var kind: String

        var collectionText: String { collection.isEmpty ? "the answer itself" : "'\(collection.joined(separator: "/"))'" }
    }

    /// A response whose schema another operation gives (`x-ms-dynamic-schema` or
    /// `x-ms-dynamic-properties` on it).
    struct DynamicSchemaSource: Sendable {
        var dependent: String
        var feeding: String
        var path: [String]
        var feedingParameters: [String: JSONValue]
        var pointer: JSONPointer
        var kind: String
    }

    /// Every dynamic response schema of the swagger's operations (on a 2xx response's schema).
    static func dynamicSchemaSources(_ operations: [Operation], resolve: (JSONValue) -> JSONValue?) -> [DynamicSchemaSource] {
        var sources: [DynamicSchemaSource] = []
        for operation in operations {
            for member in operation.value["responses"]?.object?.members ?? [] where member.key.hasPrefix("2") {
                let response = resolve(member.value) ?? member.value
                guard let schema = response["schema"] else { continue }
                let resolved = resolve(schema) ?? schema
                for kind in ["x-ms-dynamic-schema", "x-ms-dynamic-properties"] {
                    guard let declaration = resolved[kind]?.object, let feeding = declaration["operationId"]?.string else { continue }
                    let path = declaration[kind == "x-ms-dynamic-schema" ? "value-path" : "itemValuePath"]?.string ?? ""
                    var fixed: [String: JSONValue] = [:]
                    for parameter in declaration["parameters"]?.object?.members ?? [] {
                        if let object = parameter.value.object {
                            if let value = object["value"] { fixed[parameter.key] = value }
                        } else {
                            fixed[parameter.key] = parameter.value
                        }
                    }
                    sources.append(
                        DynamicSchemaSource(
                            dependent: operation.id, feeding: feeding,
                            path: path.split(separator: "/").map(String.init).filter { !$0.isEmpty }, feedingParameters: fixed,
                            pointer: operation.pointer.appending("responses").appending(member.key).appending("schema").appending(kind),
                            kind: kind))
                }
            }
        }
        return sources
    }

    /// Every dropdown of the swagger's operations.
    static func dynamicSources(_ operations: [Operation], resolve: (JSONValue) -> JSONValue?) -> [DynamicSource] {
        var sources: [DynamicSource] = []
        func segments(_ text: String?) -> [String] {
            (text ?? "").split(separator: "/").map(String.init).filter { !$0.isEmpty }
        }
        for operation in operations {
            for (rawPointer, raw) in operation.parameters {
                let parameter = resolve(raw) ?? raw
                guard let name = parameter["name"]?.string else { continue }
                for kind in ["x-ms-dynamic-values", "x-ms-dynamic-list"] {
                    guard let declaration = parameter[kind]?.object, let feeding = declaration["operationId"]?.string else { continue }
                    var fixed: [String: JSONValue] = [:]
                    for member in declaration["parameters"]?.object?.members ?? [] {
                        if let object = member.value.object {
                            if let value = object["value"] { fixed[member.key] = value }  // {"parameter": ...} refers to the form: left out
                        } else {
                            fixed[member.key] = member.value
                        }
                    }
                    let isList = kind == "x-ms-dynamic-list"
                    guard let value = declaration[isList ? "itemValuePath" : "value-path"]?.string else { continue }
                    sources.append(
                        DynamicSource(
                            dependent: operation.id, parameter: name, feeding: feeding,
                            collection: segments(declaration[isList ? "itemsPath" : "value-collection"]?.string),
                            valuePath: segments(value),
                            titlePath: declaration[isList ? "itemTitlePath" : "value-title"]?.string.map(segments),
                            feedingParameters: fixed, pointer: rawPointer.appending(kind), kind: kind))
                }
            }
        }
        return sources
    }
}

extension ProbeContext {
    /// What calling the feeding operations produced.
    struct DynamicOutcome: Sendable {
        var findings: [Finding] = []
        /// Values for dependent parameters, by operationId and parameter name.
        var values: [String: [String: JSONValue]] = [:]
        /// The feeding operations' calls, by operationId, so they are not called twice.
        var calls: [String: (PreparedRequest, ProbeStage.Outcome)] = [:]
        /// The schemas operations' answers gave, by the operationId they describe.
        var schemas: [String: DynamicSchema] = [:]
    }

    /// A response schema an operation gave: where it is in that operation's answer.
    struct DynamicSchema: Sendable {
        var document: JSONValue
        var pointer: JSONPointer
        var feeding: String
    }

    /// Calls `feeding` once (with the fixed parameter values) and keeps the call.
    func callFeeding(
        _ feeding: ProbeStage.Operation, fixed: [String: JSONValue], plan: ProbePlan, baseURL: String, client: OutboundClient,
        limiter: HostLimiter, into result: inout DynamicOutcome
    ) async {
        guard result.calls[feeding.id] == nil else { return }
        var entry = plan.operations[feeding.id] ?? ProbePlan.Operation()
        for (name, value) in fixed where entry.parameters[name] == nil { entry.parameters[name] = value }
        guard case .success(let prepared) = prepare(feeding, baseURL: baseURL, plan: entry) else { return }
        result.calls[feeding.id] = (prepared, await probe(feeding, prepared, client: client, limiter: limiter))
    }

    /// Calls each schema operation and keeps the schema its answer has at the declared path;
    /// an answer without one there is a finding.
    func resolveDynamicSchemas(
        _ sources: [ProbeStage.DynamicSchemaSource], operations: [String: ProbeStage.Operation], plan: ProbePlan,
        baseURL: String, client: OutboundClient, limiter: HostLimiter, into result: inout DynamicOutcome
    ) async {
        for source in sources {
            guard let feeding = operations[source.feeding] else { continue }
            await callFeeding(
                feeding, fixed: source.feedingParameters, plan: plan, baseURL: baseURL, client: client, limiter: limiter,
                into: &result)
            guard let (_, outcome) = result.calls[source.feeding], let response = outcome.response,
                (200..<300).contains(response.status)
            else { continue }
            let place = source.path.isEmpty ? "the answer itself" : "'\(source.path.joined(separator: "/"))'"
            let pointer = JSONPointer(tokens: source.path)
            guard let body = try? JSONDocument.parse(response.body), body.root.value(at: pointer)?.object != nil,
                (try? CompiledSchema(root: body.root, pointer: pointer, dialect: .swagger2, formatAssertion: false)) != nil
            else {
                result.findings.append(
                    finding(
                        ProbeRules.dynamicValues,
                        "\(source.feeding) answered \(response.status), but \(place) is not a JSON schema, so the output of \(source.dependent) (\(source.kind)) has no fields in the designer.",
                        at: source.pointer, operation: source.dependent, evidence: outcome.exchanges.first?.evidence,
                        signature: "dynamic-schema:\(source.dependent)"))
                continue
            }
            result.schemas[source.dependent] = DynamicSchema(document: body.root, pointer: pointer, feeding: source.feeding)
        }
    }

    /// Calls each feeding operation once and checks its answer against every dropdown it feeds.
    func resolveDynamicValues(
        _ sources: [ProbeStage.DynamicSource], operations: [String: ProbeStage.Operation], plan: ProbePlan, baseURL: String,
        client: OutboundClient, limiter: HostLimiter
    ) async -> DynamicOutcome {
        var result = DynamicOutcome()
        for source in sources {
            guard let feeding = operations[source.feeding] else { continue }  // x-ms-operation-reference reports it
            await callFeeding(
                feeding, fixed: source.feedingParameters, plan: plan, baseURL: baseURL, client: client, limiter: limiter,
                into: &result)
            guard let (_, outcome) = result.calls[source.feeding], let response = outcome.response,
                (200..<300).contains(response.status)
            else { continue }
            let evidence = outcome.exchanges.first?.evidence
            let dropdown = "the dropdown of parameter '\(source.parameter)' of \(source.dependent) (\(source.kind))"
            func add(_ message: String, _ signature: String) {
                result.findings.append(
                    finding(
                        ProbeRules.dynamicValues,
                        "\(source.feeding) answered \(response.status), but \(message), so \(dropdown) stays empty.",
                        at: source.pointer, operation: source.dependent, evidence: evidence,
                        signature: "dynamic:\(source.parameter):\(signature)"))
            }
            guard let body = try? JSONDocument.parse(response.body) else {
                add("not with JSON", "json")
                continue
            }
            guard let items = body.root.value(at: JSONPointer(tokens: source.collection))?.array else {
                add("its answer has no array at \(source.collectionText) (the declared collection)", "collection")
                continue
            }
            guard !items.isEmpty else { continue }  // nothing to choose from: nothing to check or fill
            let sample = items.prefix(20)
            let valuePath = source.valuePath.joined(separator: "/")
            if let index = sample.indices.first(where: { sample[$0].value(at: JSONPointer(tokens: source.valuePath)) == nil }) {
                add("item \(index) of \(source.collectionText) has no '\(valuePath)' (the declared value path)", "value-path")
                continue
            }
            if let titlePath = source.titlePath,
                let index = sample.indices.first(where: { sample[$0].value(at: JSONPointer(tokens: titlePath)) == nil })
            {
                add("item \(index) of \(source.collectionText) has no '\(titlePath.joined(separator: "/"))' (the declared title)", "title")
                continue
            }
            if plan.operations[source.dependent]?.parameters[source.parameter] == nil,
                let value = items[0].value(at: JSONPointer(tokens: source.valuePath))
            {
                result.values[source.dependent, default: [:]][source.parameter] = value
            }
        }
        return result
    }
}
