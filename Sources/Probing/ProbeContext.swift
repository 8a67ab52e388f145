import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import JSONSchema
import OutboundHTTP

/// A request ready to send, with and without its credentials.
struct PreparedRequest: Sendable {
    var method: String
    var url: String
    var urlWithoutCredentials: String
    var headers: [(String, String)]
    var headersWithoutCredentials: [(String, String)]
    var body: [UInt8]?
    /// Whether the operation requires authentication and credentials were sent.
    var secured: Bool
    var expectStatus: [Int]?
    /// The same call with a wrong value for each API key it sends (other credentials kept),
    /// when it sends one: an API must refuse a key it did not issue.
    var wrongKey: (url: String, headers: [(String, String)])? = nil

    /// A value no API issued as a key: the probe's wrong key.
    static let wrongAPIKey = "certify-probe-wrong-key-0000000000000000"
}

/// Why an operation is not called.
struct SkipReason: Error {
    var text: String
    var signature: String
}

/// The per-run state shared by the probes: the swagger, the settings and the secrets to redact.
struct ProbeContext: Sendable {
    let file: PackageFile
    let document: JSONDocument
    let settings: ProbeSettings
    /// Finds the credentials in every form an API may echo them in, for redaction.
    let redactor: SecretRedactor
    /// The oauth2 scheme whose token endpoint failed, if one did: its operations are not called.
    var tokenFailure: String?

    init(file: PackageFile, document: JSONDocument, settings: ProbeSettings) {
        self.file = file
        self.document = document
        self.settings = settings
        // Basic credentials are `user:password`; the password alone is a secret too.
        let definitions = document.root["securityDefinitions"]
        let basic = settings.credentials.filter { name, _ in
            name == "basic" || definitions?[name]?["type"]?.string == "basic"
        }
        // An OAuth client's id and scope are not secrets (and a short id would mangle every text
        // it appears in); its secret, a refresh token and every token are.
        let secrets = settings.credentials.filter { !["client_id", "scope"].contains($0.key) }
        redactor = SecretRedactor(values: Array(secrets.values), basic: Set(basic.values))
    }

    /// The bytes of a response body kept as evidence.
    static let excerptLimit = 2048

    var root: JSONValue { document.root }

    func finding(
        _ rule: RuleDescription, _ message: String, at pointer: JSONPointer, operation: String?, evidence: String? = nil,
        signature: String
    ) -> Finding {
        let position = document.position(of: pointer)
        return rule.finding(
            redact(message), file: file.path, pointer: pointer.description, line: position?.line, column: position?.column,
            operation: operation, evidence: evidence.map(redact), signature: signature)
    }

    /// Replaces every credential, in every form `SecretRedactor` knows, with `***`.
    func redact(_ text: String) -> String {
        redactor.redact(text)
    }

    // MARK: Preparing

    func prepare(_ operation: ProbeStage.Operation, baseURL: String, plan: ProbePlan.Operation?) -> Result<PreparedRequest, SkipReason> {
        let op = operation.value
        if plan?.skip == true { return .failure(SkipReason(text: "the probe plan skips it", signature: "plan-skip")) }
        if op["x-ms-no-generic-test"]?.bool == true {
            return .failure(SkipReason(text: "it is marked x-ms-no-generic-test", signature: "no-generic-test"))
        }
        if op["x-ms-trigger"] != nil && operation.method != "get" {
            return .failure(SkipReason(text: "it is a webhook trigger (registering one would change the service)", signature: "webhook"))
        }
        let safe = ["get", "head"].contains(operation.method) || op["x-ms-safe-operation"]?.bool == true
        if !safe && plan?.allow != true {
            return .failure(
                SkipReason(
                    text:
                        "\(operation.method.uppercased()) may change data; only GET, HEAD and x-ms-safe-operation operations are called unless the probe plan allows it",
                    signature: "unsafe"))
        }
        var path = operation.path
        var query: [(String, String)] = []
        var headers: [(String, String)] = [("Accept", acceptHeader(op)), ("User-Agent", "certify-probe/\(CertifyVersion.tool)")]
        var body: [UInt8]?
        for (_, raw) in operation.parameters {
            let parameter = resolve(raw) ?? raw
            guard let name = parameter["name"]?.string, let location = parameter["in"]?.string else { continue }
            let required = parameter["required"]?.bool == true || location == "path"
            let value = plan?.omitted.contains(name) == true ? nil : plan?.parameters[name] ?? Self.exampleValue(parameter)
            guard let value else {
                if plan?.omitted.contains(name) == true { continue }
                if required {
                    return .failure(
                        SkipReason(
                            text:
                                "the required \(location) parameter '\(name)' has no x-ms-test-value, default, enum or example; give one in \(ProbePlan.fileName)",
                            signature: "no-value:\(location):\(name)"))
                }
                continue
            }
            switch location {
            case "path":
                let text = Self.text(value)
                let encoded = Self.encode(text)
                path = path.replacingOccurrences(of: "{\(name)}", with: encoded)
            case "query": query.append((name, Self.text(value)))
            case "header": headers.append((name, Self.text(value)))
            case "body": body = Array(value.jsonText.utf8)
            default:
                if required {
                    return .failure(
                        SkipReason(
                            text: "its \(location) parameter '\(name)' is not sent by the probe", signature: "unsupported:\(location)"))
                }
            }
        }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let baseHeaders = headers
        let baseQuery = query
        var secured = false
        var wrongHeaders = headers
        var wrongQuery = query
        var sendsAPIKey = false
        if let requirement = securityRequirement(op) {
            guard let applied = applyCredentials(requirement, headers: &headers, query: &query) else {
                if let scheme = tokenFailure, requirement.contains(scheme) {
                    return .failure(
                        SkipReason(
                            text: "it needs an access token for \(scheme), and the token endpoint failed (see probe-oauth-token)",
                            signature: "no-token"))
                }
                return .failure(
                    SkipReason(
                        text: "it needs credentials for \(requirement.joined(separator: " + ")); give them with --credential NAME=VALUE",
                        signature: "no-credentials"))
            }
            secured = applied
            sendsAPIKey = requirement.contains { root["securityDefinitions"]?[$0]?["type"]?.string == "apiKey" }
            if sendsAPIKey {
                _ = applyCredentials(requirement, headers: &wrongHeaders, query: &wrongQuery, wrongAPIKey: true)
            }
        }
        func url(_ query: [(String, String)]) -> String {
            var text = baseURL + path
            if !query.isEmpty {
                text += "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            }
            return text
        }
        var prepared = PreparedRequest(
            method: operation.method.uppercased(), url: url(query), urlWithoutCredentials: url(baseQuery), headers: headers,
            headersWithoutCredentials: baseHeaders, body: body, secured: secured, expectStatus: plan?.expectStatus)
        if sendsAPIKey { prepared.wrongKey = (url(wrongQuery), wrongHeaders) }
        return .success(prepared)
    }

    /// The header names the swagger's API keys travel in.
    var credentialHeaderNames: Set<String> {
        Set(
            root["securityDefinitions"]?.object?.members.compactMap { member -> String? in
                member.value["in"]?.string == "header" ? member.value["name"]?.string?.lowercased() : nil
            } ?? [])
    }

    func acceptHeader(_ op: JSONValue) -> String {
        let produces = (op["produces"] ?? root["produces"])?.array?.compactMap(\.string) ?? []
        return produces.isEmpty ? "application/json, */*;q=0.5" : produces.joined(separator: ", ")
    }

    /// A value for a parameter from its own description: x-ms-test-value, default, the first enum
    /// value, example / x-example.
    static func exampleValue(_ parameter: JSONValue) -> JSONValue? {
        let schema = parameter["schema"]
        for candidate in [
            parameter["x-ms-test-value"], parameter["default"], parameter["enum"]?[0], parameter["x-example"],
            parameter["example"], schema?["x-ms-test-value"], schema?["example"], schema?["default"],
        ] {
            if let candidate, !candidate.isNull { return candidate }
        }
        return nil
    }

    static func text(_ value: JSONValue) -> String {
        if let string = value.string { return string }
        if let items = value.array { return items.map(text).joined(separator: ",") }
        return value.jsonText
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A `$ref` to `#/parameters/...` or `#/responses/...` resolved in the swagger.
    func resolve(_ value: JSONValue) -> JSONValue? {
        guard let ref = value["$ref"]?.string, ref.hasPrefix("#") else { return nil }
        guard let pointer = try? JSONPointer(uriFragment: ref) else { return nil }
        return document.root.value(at: pointer)
    }

    /// The security requirement alternatives that apply to an operation; nil when none.
    func securityRequirement(_ op: JSONValue) -> [String]? {
        guard let alternatives = (op["security"] ?? root["security"])?.array, !alternatives.isEmpty else { return nil }
        // An empty alternative ({}) means anonymous access is allowed.
        if alternatives.contains(where: { $0.object?.count == 0 }) { return nil }
        for alternative in alternatives {
            let names = alternative.object?.keys ?? []
            if names.allSatisfy({ credential(for: $0) != nil }) { return names }
        }
        return alternatives.first?.object?.keys
    }

    func credential(for scheme: String) -> String? {
        if let value = settings.credentials[scheme] { return value }
        switch root["securityDefinitions"]?[scheme]?["type"]?.string {
        case "oauth2": return settings.credentials["bearer"] ?? settings.credentials["oauth2"]
        case "basic": return settings.credentials["basic"]
        case "apiKey": return settings.credentials["apiKey"] ?? settings.credentials["apikey"]
        default: return nil
        }
    }

    /// Adds the credentials `schemes` need (nil when one is missing); with `wrongAPIKey`, every API key is
    /// `PreparedRequest.wrongAPIKey` instead of the one given.
    func applyCredentials(
        _ schemes: [String], headers: inout [(String, String)], query: inout [(String, String)], wrongAPIKey: Bool = false
    ) -> Bool? {
        for scheme in schemes {
            guard var value = credential(for: scheme), let definition = root["securityDefinitions"]?[scheme] else {
                return nil
            }
            switch definition["type"]?.string {
            case "apiKey":
                guard let name = definition["name"]?.string else { return nil }
                if wrongAPIKey { value = PreparedRequest.wrongAPIKey }
                if definition["in"]?.string == "query" { query.append((name, value)) } else { headers.append((name, value)) }
            case "basic":
                headers.append(("Authorization", "Basic " + Data(value.utf8).base64EncodedString()))
            case "oauth2":
                headers.append(("Authorization", value.lowercased().hasPrefix("bearer ") ? value : "Bearer \(value)"))
            default:
                return nil
            }
        }
        return true
    }

    // MARK: Probing

    /// Sends a request within the host's limits (shared with every other run in the process),
    /// waiting out 429 and 503 answers with a Retry-After the settings allow.
    func send(_ request: OutboundRequest, client: OutboundClient, limiter: HostLimiter) async -> (
        Result<OutboundResponse, OutboundError>, Double, Int
    ) {
        let limits = HostLimiter.Limits(requestsPerSecond: settings.requestsPerSecond, concurrency: settings.concurrencyPerHost)
        var attempt = 0
        while true {
            let ticket = await limiter.acquire(request.url, limits)
            let start = ContinuousClock.now
            let result: Result<OutboundResponse, OutboundError>
            do {
                result = .success(try await client.send(request))
            } catch {
                result = .failure(error)
            }
            let latency = Self.milliseconds(ContinuousClock.now - start)
            await limiter.release(ticket)
            // 429 and 503 ask us to wait: honour Retry-After, within limits; not a failure.
            if case .success(let response) = result, [429, 503].contains(response.status), attempt < settings.maximumRetries,
                let wait = Self.retryAfter(response.headers), wait <= settings.maximumRetryAfterSeconds
            {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
                continue
            }
            return (result, latency, attempt)
        }
    }

    static func retryAfter(_ headers: [(String, String)]) -> Double? {
        guard let value = headers.first(where: { $0.0.lowercased() == "retry-after" })?.1.trimmingCharacters(in: .whitespaces) else {
            return nil
        }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, atto) = duration.components
        return Double(seconds) * 1000 + Double(atto) / 1e15
    }

    /// The exchange as stored: credentials redacted from the URL, headers, error and body; the
    /// body redacted before it is cut to `excerptLimit` bytes, so no part of a secret is left at
    /// the cut.
    func exchange(
        _ operation: ProbeStage.Operation, _ request: OutboundRequest, _ result: Result<OutboundResponse, OutboundError>,
        latency: Double
    ) -> Exchange {
        let requestHeaders = request.headers.map { name, value in
            let lower = name.lowercased()
            let sensitive =
                lower == "authorization" || lower == "cookie" || redactor.contains(value)
                || root["securityDefinitions"]?.object?.members.contains { $0.value["name"]?.string?.lowercased() == lower } == true
            return "\(name): \(sensitive ? redactedHeader(value) : value)"
        }
        switch result {
        case .success(let response):
            let (excerpt, cut) = redactor.excerpt(response.body, limit: Self.excerptLimit, bodyWasCut: response.truncated)
            return Exchange(
                operation: operation.id, method: request.method, url: redact(redactQuery(request.url)),
                requestHeaders: requestHeaders.map(redact), status: response.status, latencyMs: latency,
                responseHeaders: response.headers.map { redact("\($0.0): \($0.1)") },
                bodyExcerpt: excerpt + (cut || response.truncated ? "\n… (cut)" : ""),
                error: nil)
        case .failure(let error):
            return Exchange(
                operation: operation.id, method: request.method, url: redact(redactQuery(request.url)),
                requestHeaders: requestHeaders.map(redact), status: nil, latencyMs: latency, responseHeaders: [],
                bodyExcerpt: "", error: redact(error.message))
        }
    }

    func redactedHeader(_ value: String) -> String {
        if let space = value.firstIndex(of: " "), ["basic", "bearer"].contains(value[..<space].lowercased()) {
            return "\(value[..<space]) ***"
        }
        return "***"
    }

    /// Query parameters that carry an API key are shown as `***`.
    func redactQuery(_ url: String) -> String {
        guard var components = URLComponents(string: url), let items = components.queryItems else { return url }
        let keyNames = Set(
            root["securityDefinitions"]?.object?.members.compactMap { member -> String? in
                member.value["in"]?.string == "query" ? member.value["name"]?.string : nil
            } ?? [])
        components.queryItems = items.map { keyNames.contains($0.name) ? URLQueryItem(name: $0.name, value: "***") : $0 }
        return components.string ?? url
    }
}
