import Certification
import Foundation
import JSONDocument
import JSONSchema
import OutboundHTTP

extension ProbeContext {
    /// Calls one operation and checks its answer against the definition.
    func probe(
        _ operation: ProbeStage.Operation, _ prepared: PreparedRequest, client: OutboundClient, limiter: HostLimiter,
        dynamicSchema: DynamicSchema? = nil
    ) async -> ProbeStage.Outcome {
        var outcome = ProbeStage.Outcome()
        outcome.called = true
        let request = OutboundRequest(
            method: prepared.method, url: prepared.url, headers: prepared.headers, body: prepared.body,
            credentialHeaders: credentialHeaderNames)
        let (result, latency, retries) = await send(request, client: client, limiter: limiter)
        let exchange = exchange(operation, request, result, latency: latency)
        outcome.exchanges.append(exchange)
        let evidence = exchange.evidence
        let label = "\(prepared.method) \(operation.path)"
        func add(_ rule: RuleDescription, _ message: String, at pointer: JSONPointer? = nil, signature: String) {
            outcome.findings.append(
                finding(
                    rule, message, at: pointer ?? operation.pointer, operation: operation.id, evidence: evidence, signature: signature))
            if rule.severity == .error { outcome.failed = true }
        }

        /// The parsed body against the schema at `pointer` in `document`: its problems, one finding.
        func check(
            _ body: JSONValue, against document: JSONValue, at pointer: JSONPointer, named: String, reportedAt: JSONPointer,
            signature: String
        ) {
            guard let compiled = try? CompiledSchema(root: document, pointer: pointer, dialect: .swagger2, formatAssertion: false)
            else { return }
            let errors = compiled.validate(body)
            guard !errors.isEmpty else { return }
            let shown = errors.prefix(5).map {
                "\($0.instancePointer.description.isEmpty ? "(body)" : $0.instancePointer.description): \($0.message)"
            }
            add(
                ProbeRules.schemaMismatch,
                "\(label) answered a body that does not match \(named) (\(errors.count) problem\(errors.count == 1 ? "" : "s")): \(shown.joined(separator: "; "))\(errors.count > 5 ? "; …" : "")",
                at: reportedAt,
                signature: "\(signature):"
                    + errors.prefix(3).map { $0.instancePointer.description + "#" + $0.keyword }.joined(separator: ","))
        }

        let response: OutboundResponse
        switch result {
        case .failure(let error):
            if error.kind == .connection || error.kind == .unresolvable {
                // "URL: connection refused (...)": the reason without the URL, which names the host anyway.
                var reason = error.message
                if let colon = reason.range(of: ": "), reason[..<colon.lowerBound].contains("://") {
                    reason = String(reason[colon.upperBound...])
                }
                outcome.unreachable = reason
            }
            switch error.kind {
            case .privateNetwork: add(ProbeRules.refusedTarget, "\(label) was not called: \(error.message).", signature: "private")
            case .tooManyRedirects: add(ProbeRules.redirects, "\(label): \(error.message).", signature: "redirects")
            default: add(ProbeRules.callFailed, "\(label) did not complete: \(error.message).", signature: error.kind.rawValue)
            }
            return outcome
        case .success(let answer):
            response = answer
            outcome.response = answer
        }
        if !response.redirects.isEmpty, response.redirects.count > settings.maximumRedirects {
            add(ProbeRules.redirects, "\(label) was redirected \(response.redirects.count) times.", signature: "redirects")
        }
        let status = response.status
        if [429, 503].contains(status) {
            outcome.findings.append(
                finding(
                    ProbeRules.rateLimited,
                    "\(label) answered \(status) \(retries > 0 ? "after \(retries) polite retr\(retries == 1 ? "y" : "ies")" : "without a usable Retry-After"); it could not be checked this time.",
                    at: operation.pointer, operation: operation.id, evidence: evidence, signature: "rate-limited"))
            outcome.called = true
            return outcome
        }
        if (500...599).contains(status) {
            add(ProbeRules.serverError, "\(label) answered \(status), a server error.", signature: "\(status)")
            return outcome
        }

        // Which response of the definition applies.
        let responses = operation.value["responses"]?.object
        let key = responses?["\(status)"] != nil ? "\(status)" : (responses?["default"] != nil ? "default" : nil)
        let expected = prepared.expectStatus
        if let expected, !expected.contains(status) {
            add(
                ProbeRules.undeclaredStatus,
                "\(label) answered \(status); the probe plan expects \(expected.map(String.init).joined(separator: " or ")).",
                signature: "plan:\(status)")
        } else if key == nil {
            let declared = responses?.keys.filter { $0 != "default" && !$0.hasPrefix("x-") }.joined(separator: ", ") ?? ""
            add(
                ProbeRules.undeclaredStatus,
                "\(label) answered \(status), which its responses do not declare (declared: \(declared.isEmpty ? "none" : declared)) and no default covers.",
                at: operation.pointer.appending("responses"), signature: "\(status)")
        }
        if latency > settings.latencyBudgetMilliseconds {
            outcome.findings.append(
                finding(
                    ProbeRules.slow, "\(label) took \(Int(latency)) ms, over the budget of \(Int(settings.latencyBudgetMilliseconds)) ms.",
                    at: operation.pointer, operation: operation.id, evidence: evidence, signature: "slow"))
        }
        guard let key, let declaredResponse = responses?[key] else { return outcome }
        let responsePointer = operation.pointer.appending("responses").appending(key)
        let resolvedResponse = resolve(declaredResponse) ?? declaredResponse

        // Declared headers are present.
        for header in resolvedResponse["headers"]?.object?.keys ?? []
        where !response.headers.contains(where: { $0.0.lowercased() == header.lowercased() }) {
            outcome.findings.append(
                finding(
                    ProbeRules.missingHeader, "\(label) answered \(status) without the declared header '\(header)'.",
                    at: responsePointer.appending("headers").appending(header), operation: operation.id, evidence: evidence,
                    signature: "header:\(header)"))
        }

        // Media type and body.
        let contentType = response.headers.first { $0.0.lowercased() == "content-type" }?.1 ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let produces = ((operation.value["produces"] ?? root["produces"])?.array?.compactMap(\.string) ?? []).map { $0.lowercased() }
        let hasBody = !response.body.isEmpty && prepared.method != "HEAD" && status != 204
        if hasBody, !produces.isEmpty, !mediaType.isEmpty, !produces.contains(where: { Self.mediaType(mediaType, matches: $0) }) {
            // The body is not of a declared type: checking it against the schema of another type
            // would only add noise.
            defer { outcome.skipBodyChecks = true }
            add(
                ProbeRules.contentType,
                "\(label) answered Content-Type '\(mediaType)', which the operation does not produce (\(produces.joined(separator: ", "))).",
                at: operation.value["produces"] != nil ? operation.pointer.appending("produces") : JSONPointer.root.appending("produces"),
                signature: "media:\(mediaType)")
        }
        let schema = resolvedResponse["schema"]
        let isJSON = mediaType.isEmpty ? produces.contains { Self.isJSON($0) } : Self.isJSON(mediaType)
        guard hasBody, isJSON, !response.truncated, !outcome.skipBodyChecks else { return outcome }
        let body: JSONDocument
        do {
            body = try JSONDocument.parse(response.body)
        } catch {
            add(
                ProbeRules.invalidJSON,
                "\(label) answered a body that is not JSON (line \(error.position.line), column \(error.position.column) of the body): \(error.message)",
                signature: "json")
            return outcome
        }
        if schema != nil, schema?["type"]?.string != "file" {
            // A response given by reference (#/responses/X) has its schema there.
            var base = responsePointer
            if let ref = declaredResponse["$ref"]?.string, let target = try? JSONPointer(uriFragment: ref) { base = target }
            let schemaPointer = base.appending("schema")
            check(body.root, against: root, at: schemaPointer, named: "the declared schema", reportedAt: schemaPointer, signature: "schema")
        }
        // A schema another operation gave (x-ms-dynamic-schema): the answer must match it too.
        if let dynamicSchema, (200..<300).contains(status) {
            check(
                body.root, against: dynamicSchema.document, at: dynamicSchema.pointer,
                named: "the schema \(dynamicSchema.feeding) gave for it",
                reportedAt: responsePointer.appending("schema"), signature: "dynamic-schema")
        }
        // A secured call the API answered with 2xx is checked for authentication, whatever else
        // its answer got wrong.
        if prepared.secured, (200..<300).contains(status) { outcome.securedSuccess = prepared }
        return outcome
    }

    /// A secured operation that answered 2xx with credentials, called again without them, and
    /// with a wrong API key when it takes one: a 2xx to either is a finding, whose evidence
    /// shows the call with credentials and the one without, both redacted.
    func checkAuthEnforced(
        _ operation: ProbeStage.Operation, _ prepared: PreparedRequest, authorised: Exchange?, client: OutboundClient,
        limiter: HostLimiter
    ) async -> (findings: [Finding], exchanges: [Exchange]) {
        var attempts = [
            (
                OutboundRequest(
                    method: prepared.method, url: prepared.urlWithoutCredentials, headers: prepared.headersWithoutCredentials,
                    body: prepared.body),
                "without credentials", "auth"
            )
        ]
        if let wrong = prepared.wrongKey {
            attempts.append(
                (
                    OutboundRequest(
                        method: prepared.method, url: wrong.url, headers: wrong.headers, body: prepared.body,
                        credentialHeaders: credentialHeaderNames),
                    "with a wrong API key", "wrong-key"
                ))
        }
        var findings: [Finding] = []
        var exchanges: [Exchange] = []
        for (request, how, signature) in attempts {
            let (result, latency, _) = await send(request, client: client, limiter: limiter)
            let exchange = exchange(operation, request, result, latency: latency)
            exchanges.append(exchange)
            guard case .success(let response) = result, (200..<300).contains(response.status) else { continue }
            let evidence = [
                authorised.map { "With credentials:\n\($0.evidence)" },
                "\(how.prefix(1).uppercased())\(how.dropFirst()):\n\(exchange.evidence)",
            ].compactMap { $0 }.joined(separator: "\n\n")
            findings.append(
                finding(
                    ProbeRules.authNotEnforced,
                    "\(prepared.method) \(operation.path) answered \(response.status) to a call \(how); it requires authentication (security), so it must answer 401 or 403.",
                    at: operation.pointer, operation: operation.id, evidence: evidence, signature: signature))
        }
        return (findings, exchanges)
    }

    static func isJSON(_ mediaType: String) -> Bool {
        mediaType == "application/json" || mediaType.hasSuffix("+json") || mediaType == "text/json"
    }

    /// `application/json` matches `application/json`, `application/*`, `*/*`; `+json` types match
    /// application/json.
    static func mediaType(_ actual: String, matches declared: String) -> Bool {
        let declared = declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? declared
        if declared == actual || declared == "*/*" { return true }
        if declared.hasSuffix("/*"), actual.hasPrefix(declared.dropLast()) { return true }
        return isJSON(actual) && isJSON(declared)
    }
}

// MARK: Negative inputs

extension ProbeContext {
    /// One piece of invalid input for an operation.
    struct InvalidInput: Sendable {
        var description: String
        var plan: ProbePlan.Operation
        var signature: String
    }

    /// Most invalid inputs sent to one operation.
    static let maximumInvalidInputs = 3

    /// The invalid inputs for `operation`, from its parameters: the first required query or
    /// header parameter left out, the first typed parameter given a value of the wrong type,
    /// the first enum given a value outside its list.
    func invalidInputs(for operation: ProbeStage.Operation, plan: ProbePlan.Operation?) -> [InvalidInput] {
        let base = plan ?? ProbePlan.Operation()
        var inputs: [InvalidInput] = []
        var omitted = false
        var mistyped = false
        var outsideEnum = false
        for (_, raw) in operation.parameters {
            let parameter = resolve(raw) ?? raw
            guard let name = parameter["name"]?.string, let location = parameter["in"]?.string,
                ["query", "header", "path"].contains(location)
            else { continue }
            let type = parameter["type"]?.string ?? ""
            if !omitted, location != "path", parameter["required"]?.bool == true {
                var variant = base
                variant.omitted.insert(name)
                inputs.append(
                    InvalidInput(
                        description: "the required \(location) parameter '\(name)' left out", plan: variant, signature: "omit:\(name)"))
                omitted = true
            }
            if !mistyped, ["integer", "number", "boolean"].contains(type) {
                var variant = base
                let wrong = type == "integer" ? "certify-not-an-integer" : "certify-not-a-\(type)"
                variant.parameters[name] = JSONValue(.string(wrong))
                inputs.append(
                    InvalidInput(
                        description: "the \(type) \(location) parameter '\(name)' given \"\(wrong)\"", plan: variant,
                        signature: "type:\(name)"))
                mistyped = true
            }
            if !outsideEnum, let values = parameter["enum"]?.array, !values.isEmpty, type == "string" {
                var variant = base
                variant.parameters[name] = JSONValue(.string("certify-not-in-enum"))
                inputs.append(
                    InvalidInput(
                        description: "the \(location) parameter '\(name)' given \"certify-not-in-enum\", outside its enum",
                        plan: variant, signature: "enum:\(name)"))
                outsideEnum = true
            }
        }
        return Array(inputs.prefix(Self.maximumInvalidInputs))
    }

    /// Sends each invalid input: the API must answer 4xx. A 2xx is a warning (it accepts
    /// invalid input), a 5xx an error.
    func checkNegativeInputs(
        _ operation: ProbeStage.Operation, plan: ProbePlan.Operation?, baseURL: String, client: OutboundClient,
        limiter: HostLimiter, deadline: ContinuousClock.Instant
    ) async -> (findings: [Finding], exchanges: [Exchange]) {
        var findings: [Finding] = []
        var exchanges: [Exchange] = []
        for input in invalidInputs(for: operation, plan: plan) {
            guard ContinuousClock.now < deadline else { break }
            guard case .success(let prepared) = prepare(operation, baseURL: baseURL, plan: input.plan) else { continue }
            let request = OutboundRequest(
                method: prepared.method, url: prepared.url, headers: prepared.headers, body: prepared.body,
                credentialHeaders: credentialHeaderNames)
            let (result, latency, _) = await send(request, client: client, limiter: limiter)
            let exchange = exchange(operation, request, result, latency: latency)
            exchanges.append(exchange)
            guard case .success(let response) = result else { continue }
            let label = "\(prepared.method) \(operation.path)"
            if (200..<300).contains(response.status) {
                findings.append(
                    finding(
                        ProbeRules.acceptsInvalidInput,
                        "\(label) answered \(response.status) to invalid input (\(input.description)); it should refuse it with a 4xx status that says what is wrong.",
                        at: operation.pointer, operation: operation.id, evidence: exchange.evidence,
                        signature: "negative:\(input.signature)"))
            } else if (500...599).contains(response.status) {
                findings.append(
                    finding(
                        ProbeRules.serverError,
                        "\(label) answered \(response.status), a server error, to invalid input (\(input.description)); it must refuse it with a 4xx status.",
                        at: operation.pointer, operation: operation.id, evidence: exchange.evidence,
                        signature: "negative:\(input.signature)"))
            }
        }
        return (findings, exchanges)
    }
}
