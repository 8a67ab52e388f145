import Certification
import ConnectorPackage
import Crypto
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import Metrics
import OutboundHTTP
import Pipeline
import Prometheus
import ServiceLifecycle
import SubmissionStore
import UseCases

/// Everything `certify serve` is configured with; passed in, never read from globals.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var databasePath: String
    public var pipeline: PipelineConfiguration
    /// Largest request body accepted; larger ones get 413.
    public var maximumUploadBytes: Int
    public var logLevel: Logger.Level
    /// The rules in force for new runs and re-certifications.
    public var ruleset: Ruleset
    /// What webhook deliveries (and probes) may call: private networks are refused by default.
    public var outbound: OutboundPolicy
    /// Seals the credentials given with submissions until their run ends. Without one, a key is
    /// made for this process only (runs queued before a restart then probe without them).
    public var secretSealer: SecretSealer?
    /// Bounds on slow clients: the request head deadline and the idle keep-alive timeout.
    public var connectionTimeouts: ConnectionTimeouts = ConnectionTimeouts()
    /// The web console's session lifetime and cookie settings (`Secure` behind TLS).
    public var console: ConsoleSessionSettings = ConsoleSessionSettings()
    /// The base URL people and webhook receivers reach this server at (`serve --public-url`):
    /// webhook payload links are absolute with it.
    public var publicURL: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databasePath: String = "certify.sqlite",
        pipeline: PipelineConfiguration = PipelineConfiguration(),
        maximumUploadBytes: Int = PackageLimits.default.maximumArchiveBytes + 64 * 1024,
        logLevel: Logger.Level = .info, ruleset: Ruleset = .default, outbound: OutboundPolicy = OutboundPolicy()
    ) {
        self.ruleset = ruleset
        self.outbound = outbound
        self.secretSealer = nil
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.pipeline = pipeline
        self.maximumUploadBytes = maximumUploadBytes
        self.logLevel = logLevel
    }
}

/// The request context: the caller's identity, once the bearer middleware (API) or the session
/// authenticator (console) has found it; the console's session and the page's CSP nonce.
public struct CertifyRequestContext: RequestContext, AuthRequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling (hummingbird-auth's name for it).
    public var identity: Principal?
    public let sessions: SessionContext<ConsoleSession>
    /// The nonce of the console page's inline script, in its Content-Security-Policy.
    public var cspNonce: String = ""
    public var maximumUploadBytes: Int = PackageLimits.default.maximumArchiveBytes + 64 * 1024

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = SessionContext()
    }

    /// The caller, as the API's handlers name it.
    public var principal: Principal? {
        get { identity }
        set { identity = newValue }
    }

    public var maxUploadSize: Int { maximumUploadBytes }

    /// JSON bodies; their dates (`expiresAt`) are RFC 3339, read strictly.
    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(RFC3339.decode)
        return decoder
    }
}

/// The workers as a service of the application, stopped on graceful shutdown.
struct WorkerService: Service {
    let pool: WorkerPool

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await pool.run()
        }
    }
}

/// The webhook outbox dispatcher, stopped on graceful shutdown.
struct WebhookService: Service {
    let dispatcher: WebhookDispatcher

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await dispatcher.run()
        }
    }
}

/// The pipeline workers and the webhook dispatcher over `store`: what `certify serve` runs
/// beside HTTP (unless `--no-workers`) and `certify worker` runs alone.
func workerServices(
    _ configuration: ServerConfiguration, store: Store, secretSealer: SecretSealer, logger: Logger,
    metricsFactory: any MetricsFactory
) -> [any Service] {
    var pipeline = configuration.pipeline
    pipeline.secretSealer = secretSealer
    pipeline.probeDefaults.allowPrivateNetwork = configuration.outbound.allowPrivateNetwork
    let pool = WorkerPool(store: store, configuration: pipeline, logger: logger, metricsFactory: metricsFactory)
    var dispatcher = WebhookDispatcher(store: store, policy: configuration.outbound, logger: logger)
    dispatcher.publicURL = configuration.publicURL
    return [WorkerService(pool: pool), WebhookService(dispatcher: dispatcher)]
}

/// `certify worker`: the pipeline workers and the webhook dispatcher without HTTP, until
/// SIGTERM or SIGINT, which end them gracefully (a run in progress is left to its lease, which
/// another worker takes again when it expires, or at once on this host).
public func runWorkers(_ configuration: ServerConfiguration, store: Store, logger: Logger? = nil) async throws {
    var logger = logger ?? Logger(label: "certify")
    logger.logLevel = configuration.logLevel
    let secretSealer = configuration.secretSealer ?? SecretSealer(key: SymmetricKey(size: .bits256))
    let group = ServiceGroup(
        services: workerServices(
            configuration, store: store, secretSealer: secretSealer, logger: logger, metricsFactory: MetricsSystem.factory),
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}

/// Builds the whole service: store, router, workers. `certify serve` runs it; tests drive the
/// same application through its router.
public func buildApplication(
    _ configuration: ServerConfiguration, store: Store? = nil, registry: PrometheusCollectorRegistry? = nil,
    runWorkers: Bool = true, logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "certify")
    logger.logLevel = configuration.logLevel
    let store = try store ?? Store(path: configuration.databasePath)
    let registry = registry ?? PrometheusCollectorRegistry()
    let factory = PrometheusMetricsFactory(registry: registry)
    try await store.saveRuleset(configuration.ruleset)
    let secretSealer = configuration.secretSealer ?? SecretSealer(key: SymmetricKey(size: .bits256))
    let router = buildRouter(
        store: store, registry: registry, metricsFactory: factory,
        maximumUploadBytes: configuration.maximumUploadBytes, limits: configuration.pipeline.limits,
        ruleset: configuration.ruleset, outbound: configuration.outbound, secretSealer: secretSealer,
        console: configuration.console)
    let services =
        runWorkers
        ? workerServices(configuration, store: store, secretSealer: secretSealer, logger: logger, metricsFactory: factory) : []
    return Application(
        router: router,
        server: configuration.connectionTimeouts.serverBuilder,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "certify"),
        services: services,
        logger: logger)
}

/// The routes: `/health`, `/metrics`, the API under `/v1`, and the console's pages.
public func buildRouter(
    store: Store, registry: PrometheusCollectorRegistry, metricsFactory: any MetricsFactory,
    maximumUploadBytes: Int, limits: PackageLimits = .default, ruleset: Ruleset = .default,
    outbound: OutboundPolicy = OutboundPolicy(), secretSealer: SecretSealer = SecretSealer(key: SymmetricKey(size: .bits256)),
    console: ConsoleSessionSettings = ConsoleSessionSettings()
) -> Router<CertifyRequestContext> {
    let router = Router(context: CertifyRequestContext.self)
    router.add(middleware: UploadLimitMiddleware(maximumUploadBytes: maximumUploadBytes))
    router.add(middleware: RequestLogMiddleware(.info))
    router.add(middleware: ErrorBodyMiddleware())
    let routeTable = RouteTable()
    router.add(middleware: UnroutedRequestMiddleware(table: routeTable))
    router.add(middleware: QueryCheckMiddleware())
    let submissions = Submissions(store: store, ruleset: ruleset, secretSealer: secretSealer, metricsFactory: metricsFactory)
    router.get("health") { _, _ -> Response in
        let pending = try? await store.pendingJobCount()
        let body =
            pending.map { "{\"status\":\"ok\",\"database\":\"ok\",\"pendingJobs\":\($0)}" }
            ?? "{\"status\":\"degraded\",\"database\":\"unavailable\"}"
        return Response(
            status: pending == nil ? .serviceUnavailable : .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    router.get("metrics") { _, _ -> Response in
        await MetricsExport.update(registry: registry, store: store)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
    OpenAPIDescription.addRoutes(to: router)
    // Every /v1 handler decodes, calls its use case and encodes; the use cases decide who may
    // do and see what.
    let v1 = router.group("v1").add(middleware: AuthMiddleware(tokens: Tokens(store: store)))
    SubmissionsAPI(submissions: submissions, intake: Intake(limits: limits)).addRoutes(to: v1)
    ReviewAPI(review: Review(store: store)).addRoutes(to: v1)
    WebhooksAPI(webhooks: Webhooks(store: store, outbound: outbound)).addRoutes(to: v1)
    RecertificationAPI(recertifications: Recertifications(store: store, ruleset: ruleset)).addRoutes(to: v1)
    // The web console: the same use cases, signed in with a session cookie.
    ConsolePages(
        store: store, submissions: submissions, review: Review(store: store),
        recertifications: Recertifications(store: store, ruleset: ruleset),
        webhooks: Webhooks(store: store, outbound: outbound), tokens: Tokens(store: store),
        intake: Intake(limits: limits), settings: console
    ).addRoutes(to: router)
    routeTable.load(router.routes)
    return router
}

/// Applies the configured upload limit to the request context.
struct UploadLimitMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext
    let maximumUploadBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.maximumUploadBytes = maximumUploadBytes
        return try await next(request, context)
    }
}

/// Bearer tokens: 401 without a valid one.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext
    let tokens: Tokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"certify\""],
                message: "Authentication required: send 'Authorization: Bearer TOKEN' (create one with 'certify tokens create').")
        }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard let principal = try await tokens.authenticate(token) else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"certify\", error=\"invalid_token\""],
                message: "The bearer token is not valid (unknown or revoked).")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "actor"] = "\(principal.actor)"
        return try await next(request, context)
    }
}

enum MetricsExport {
    static var submissions: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "certify", metricName: "submissions", unitName: "", helpText: "Submissions by review state.")
    }
    static var jobs: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "certify", metricName: "jobs", unitName: "", helpText: "Pipeline jobs by state.")
    }
    static var queueDepth: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "certify", metricName: "queue_depth", unitName: "", helpText: "Jobs queued or leased, not yet finished.")
    }

    /// Gauges read from the store at scrape time, so they are right after a restart.
    static func update(registry: PrometheusCollectorRegistry, store: Store) async {
        guard let statistics = try? await store.statistics() else { return }
        for state in SubmissionState.allCases {
            registry.makeGauge(descriptor: submissions, labels: [("state", state.rawValue)])
                .set(Double(statistics.submissionsByState[state.rawValue] ?? 0))
        }
        for state in ["queued", "leased", "done", "failed"] {
            registry.makeGauge(descriptor: jobs, labels: [("state", state)])
                .set(Double(statistics.jobsByState[state] ?? 0))
        }
        registry.makeGauge(descriptor: queueDepth)
            .set(Double((statistics.jobsByState["queued"] ?? 0) + (statistics.jobsByState["leased"] ?? 0)))
    }
}
