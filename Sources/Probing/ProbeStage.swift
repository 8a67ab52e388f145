import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import JSONSchema
import OutboundHTTP

/// Stage 3, functional probing: calls the connector's live API with safe operations and checks
/// that it answers as its definition says. Only GET, HEAD, `x-ms-safe-operation` operations and
/// those a probe plan allows are called; webhook triggers and `x-ms-no-generic-test` ones never.
public struct ProbeStage: Stage {
    public static let stageName = "probe"
    public let settings: ProbeSettings
    public var name: String { Self.stageName }

    public init(settings: ProbeSettings) {
        self.settings = settings
    }

    /// An operation of the swagger, in the order probes run (path, then method).
    struct Operation: Sendable {
        var index: Int
        var id: String
        var method: String
        var path: String
        var pointer: JSONPointer
        var value: JSONValue
        var parameters: [(pointer: JSONPointer, value: JSONValue)]
    }

    /// What one operation's probe produced.
    struct Outcome: Sendable {
        var findings: [Finding] = []
        var exchanges: [Exchange] = []
        var called = false
        var failed = false
        /// A call with credentials that succeeded on a secured operation: a candidate for the
        /// auth-enforcement check.
        var securedSuccess: PreparedRequest?
        /// Set when the body is not of a declared media type.
        var skipBodyChecks = false
        /// Why the call could not reach the host at all (refused, no such host), if so.
        var unreachable: String?
        /// The answer, for a sequence's captures.
        var response: OutboundResponse?
    }

    /// Hosts that refused the connection or do not resolve: after `threshold` such failures the
    /// rest of a host's operations are not called, with the reason, instead of each failing in
    /// turn.
    actor UnreachableHosts {
        static let threshold = 3
        var failures: [String: (count: Int, reason: String)] = [:]

        static func key(_ url: String) -> String {
            guard let parts = URLComponents(string: url) else { return url }
            return "\(parts.scheme ?? "")://\(parts.host ?? "")\(parts.port.map { ":\($0)" } ?? "")"
        }

        /// Why `url`'s host is not called any more, or nil.
        func reason(for url: String) -> String? {
            let key = Self.key(url)
            guard let entry = failures[key], entry.count >= Self.threshold else { return nil }
            return "\(entry.count) calls to \(key) failed before it (\(entry.reason)), so its other operations are not called"
        }

        func record(_ url: String, reason: String) {
            let key = Self.key(url)
            failures[key] = ((failures[key]?.count ?? 0) + 1, reason)
        }
    }

    public func run(_ input: StageInput) async -> StageOutput {
        guard let (file, document) = input.swagger else {
            return StageOutput(findings: [], summary: "not run: the swagger is missing or not JSON")
        }
        var initialContext = ProbeContext(file: file, document: document, settings: settings)
        let operations = Self.operations(document.root)
        var findings: [Finding] = []

        var plan = ProbePlan()
        if let planFile = input.package.file(atPath: ProbePlan.fileName) {
            switch input.json[planFile.path] {
            case .parsed(let planDocument):
                let (read, problems) = ProbePlan.read(planDocument, operationIds: Set(operations.map(\.id)))
                plan = read
                for problem in problems {
                    let position = planDocument.position(of: problem.pointer)
                    findings.append(
                        ProbeRules.planInvalid.finding(
                            problem.message, file: planFile.path, pointer: problem.pointer.description, line: position?.line,
                            column: position?.column, signature: problem.pointer.description))
                }
            case .failed(let error):
                findings.append(
                    ProbeRules.planInvalid.finding(
                        "The probe plan is not valid JSON: \(error.message)", file: planFile.path, line: error.position.line,
                        column: error.position.column, signature: "syntax"))
            case nil:
                break
            }
        }

        guard let baseURL = settings.baseURL ?? plan.baseURL ?? Self.baseURL(document.root) else {
            findings.append(
                initialContext.finding(
                    ProbeRules.callFailed, "The swagger has no host, so there is nothing to call; give a base URL (--probe-base-url).",
                    at: .root, operation: nil, signature: "no-host"))
            return StageOutput(findings: findings, summary: "not run: no base URL")
        }

        let client = OutboundClient(
            policy: OutboundPolicy(
                allowPrivateNetwork: settings.allowPrivateNetwork,
                requestTimeout: .milliseconds(Int64(settings.requestTimeoutSeconds * 1000)),
                maximumRedirects: settings.maximumRedirects, maximumResponseBytes: settings.maximumResponseBytes))
        // Per host for the whole process, shared with every other run (see HostLimiter).
        let limiter = HostLimiter.shared
        var exchanges: [Exchange] = []
        // The budget counts every call: the token, the dropdowns, the operations, the checks after.
        let deadline = ContinuousClock.now + .milliseconds(Int64(settings.totalBudgetSeconds * 1000))

        // An OAuth 2.0 token the probe obtains itself, when the credentials bring a grant.
        if let grant = initialContext.oauthGrant() {
            let obtained = await initialContext.obtainAccessToken(
                scheme: grant.scheme, tokenURL: grant.tokenURL, body: grant.body, client: client, limiter: limiter)
            exchanges.append(obtained.exchange)
            if let token = obtained.token {
                var withToken = settings
                withToken.credentials[grant.scheme] = token
                initialContext = ProbeContext(file: file, document: document, settings: withToken)
            } else {
                if let finding = obtained.finding { findings.append(finding) }
                initialContext.tokenFailure = grant.scheme
            }
        }
        let context = initialContext

        // Dropdowns first: the operations that feed x-ms-dynamic-values and x-ms-dynamic-list
        // parameters are called, their answers checked, and a value they give fills the
        // dependent parameter below.
        let byId = Dictionary(operations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var dynamic = await context.resolveDynamicValues(
            Self.dynamicSources(operations, resolve: context.resolve), operations: byId, plan: plan, baseURL: baseURL,
            client: client, limiter: limiter)
        // Responses whose schema another operation gives: that schema is fetched first.
        await context.resolveDynamicSchemas(
            Self.dynamicSchemaSources(operations, resolve: context.resolve), operations: byId, plan: plan, baseURL: baseURL,
            client: client, limiter: limiter, into: &dynamic)
        findings += dynamic.findings
        let dynamicSchemas = dynamic.schemas

        // Decide what to call; everything else is reported as not probed, with the reason.
        var calls: [(Operation, PreparedRequest)] = []
        var preset: [Int: Outcome] = [:]
        var skipped = 0
        for operation in operations {
            if let (request, outcome) = dynamic.calls[operation.id] {
                preset[calls.count] = outcome
                calls.append((operation, request))
                continue
            }
            var entry = plan.operations[operation.id]
            if let values = dynamic.values[operation.id] {
                var filled = entry ?? ProbePlan.Operation()
                for (name, value) in values { filled.parameters[name] = value }
                entry = filled
            }
            switch context.prepare(operation, baseURL: baseURL, plan: entry) {
            case .success(let request):
                calls.append((operation, request))
            case .failure(let reason):
                skipped += 1
                findings.append(
                    context.finding(
                        ProbeRules.notProbed, "\(operation.method.uppercased()) \(operation.path) was not called: \(reason.text)",
                        at: operation.pointer, operation: operation.id, signature: reason.signature))
            }
        }

        // Calls run a few at a time (per-host concurrency), results are kept in operation order.
        var outcomes = [Outcome?](repeating: nil, count: calls.count)
        let unreachable = UnreachableHosts()
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var next = 0
            func start() {
                let slot = next
                let (operation, request) = calls[slot]
                next += 1
                if let done = preset[slot] {
                    group.addTask { (slot, done) }  // a feeding operation, already called
                    return
                }
                group.addTask {
                    func notCalled(_ reason: String, _ signature: String) -> (Int, Outcome) {
                        var outcome = Outcome()
                        outcome.findings.append(
                            context.finding(
                                ProbeRules.notProbed, "\(operation.method.uppercased()) \(operation.path) was not called: \(reason).",
                                at: operation.pointer, operation: operation.id, signature: signature))
                        return (slot, outcome)
                    }
                    if ContinuousClock.now >= deadline {
                        return notCalled("the probe's time budget of \(Int(settings.totalBudgetSeconds)) s ran out", "budget")
                    }
                    if let reason = await unreachable.reason(for: request.url) {
                        return notCalled(context.redact(reason), "unreachable")
                    }
                    let outcome = await context.probe(
                        operation, request, client: client, limiter: limiter, dynamicSchema: dynamicSchemas[operation.id])
                    if let reason = outcome.unreachable { await unreachable.record(request.url, reason: reason) }
                    return (slot, outcome)
                }
            }
            while next < min(max(1, settings.concurrencyPerHost), calls.count) { start() }
            while let (slot, outcome) = await group.next() {
                outcomes[slot] = outcome
                if next < calls.count { start() }
            }
        }

        var called = 0
        var failed = 0
        for outcome in outcomes.compactMap({ $0 }) {
            findings += outcome.findings
            exchanges += outcome.exchanges
            if outcome.called { called += 1 }
            if outcome.failed { failed += 1 }
            if !outcome.called { skipped += 1 }
        }

        // Authentication must be enforced: every secured operation that succeeded is called
        // again without credentials (and with a wrong API key when it takes one), within the
        // probe's time budget (Schemathesis's ignored_auth, OWASP API2).
        var authUnchecked = 0
        for ((operation, _), outcome) in zip(calls, outcomes) {
            guard let outcome, let request = outcome.securedSuccess else { continue }
            guard ContinuousClock.now < deadline else {
                authUnchecked += 1
                continue
            }
            let check = await context.checkAuthEnforced(
                operation, request, authorised: outcome.exchanges.first, client: client, limiter: limiter)
            exchanges += check.exchanges
            findings += check.findings
        }
        if authUnchecked > 0 {
            findings.append(
                context.finding(
                    ProbeRules.notProbed,
                    "\(authUnchecked) secured operation\(authUnchecked == 1 ? "" : "s") could not be called again without credentials: the probe's time budget of \(Int(settings.totalBudgetSeconds)) s ran out.",
                    at: .root, operation: nil, signature: "auth-budget"))
        }

        // Invalid input, where asked for: operations that answered 2xx get what they must refuse.
        for ((operation, _), outcome) in zip(calls, outcomes) {
            let entry = plan.operations[operation.id]
            guard settings.negativeInputs == true || entry?.negative == true, let status = outcome?.response?.status,
                (200..<300).contains(status)
            else { continue }
            let check = await context.checkNegativeInputs(
                operation, plan: entry, baseURL: baseURL, client: client, limiter: limiter, deadline: deadline)
            findings += check.findings
            exchanges += check.exchanges
        }

        // Stateful sequences from the plan, one after another, each step after the one before.
        let runToken = String(UUID().uuidString.lowercased().prefix(8))
        for sequence in plan.sequences {
            let outcome = await context.run(
                sequence, operations: byId, baseURL: baseURL, runToken: runToken, client: client, limiter: limiter,
                deadline: deadline)
            findings += outcome.findings
            exchanges += outcome.exchanges
            called += outcome.called
            failed += outcome.failed
        }

        let passed = called - failed
        let summary =
            "\(operations.count) operation\(operations.count == 1 ? "" : "s") at \(context.redact(baseURL)): \(called) called, \(passed) passed, \(failed) failed, \(skipped) not probed"
        return StageOutput(findings: findings, summary: summary, exchanges: exchanges)
    }

    static let methods = ["get", "head", "options", "post", "put", "patch", "delete"]

    /// Every operation, sorted by path and method, with its path-level parameters merged.
    static func operations(_ root: JSONValue) -> [Operation] {
        guard let paths = root["paths"]?.object else { return [] }
        var result: [Operation] = []
        for member in paths.members.sorted(by: { $0.key < $1.key }) where member.key.hasPrefix("/") {
            guard let item = member.value.object else { continue }
            let itemPointer = JSONPointer.root.appending("paths").appending(member.key)
            let shared = (item["parameters"]?.array ?? []).enumerated().map {
                (pointer: itemPointer.appending("parameters").appending($0.offset), value: $0.element)
            }
            for method in methods {
                guard let op = item[method], op.object != nil else { continue }
                let pointer = itemPointer.appending(method)
                let own = (op["parameters"]?.array ?? []).enumerated().map {
                    (pointer: pointer.appending("parameters").appending($0.offset), value: $0.element)
                }
                result.append(
                    Operation(
                        index: result.count, id: op["operationId"]?.string ?? "\(method.uppercased()) \(member.key)",
                        method: method, path: member.key, pointer: pointer, value: op, parameters: shared + own))
            }
        }
        return result
    }

    /// scheme://host/basePath from the swagger (https when it is offered).
    static func baseURL(_ root: JSONValue) -> String? {
        guard let host = root["host"]?.string, !host.isEmpty else { return nil }
        let schemes = root["schemes"]?.array?.compactMap(\.string) ?? ["https"]
        let scheme = schemes.contains("https") ? "https" : (schemes.first ?? "https")
        var basePath = root["basePath"]?.string ?? ""
        if basePath.hasSuffix("/") { basePath.removeLast() }
        return "\(scheme)://\(host)\(basePath)"
    }
}
