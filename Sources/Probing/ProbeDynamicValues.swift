import Certification
import Foundation
import JSONDocument
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
    }

    /// Calls each feeding operation once and checks its answer against every dropdown it feeds.
    func resolveDynamicValues(
        _ sources: [ProbeStage.DynamicSource], operations: [String: ProbeStage.Operation], plan: ProbePlan, baseURL: String,
        client: OutboundClient, limiter: HostLimiter
    ) async -> DynamicOutcome {
        var result = DynamicOutcome()
        for source in sources {
            guard let feeding = operations[source.feeding] else { continue }  // x-ms-operation-reference reports it
            if result.calls[source.feeding] == nil {
                var entry = plan.operations[source.feeding] ?? ProbePlan.Operation()
                for (name, value) in source.feedingParameters where entry.parameters[name] == nil { entry.parameters[name] = value }
                guard case .success(let prepared) = prepare(feeding, baseURL: baseURL, plan: entry) else { continue }
                result.calls[source.feeding] = (prepared, await probe(feeding, prepared, client: client, limiter: limiter))
            }
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
