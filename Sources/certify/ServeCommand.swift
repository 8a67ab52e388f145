import ArgumentParser
import CertifyServer
import Foundation
import Hummingbird
import Logging
import Metrics
import OutboundHTTP
import Pipeline
import Prometheus
import SubmissionStore
import UseCases

/// The `--db` and `--database` options of every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("SQLite database file (default: $CERTIFY_DB or ./certify.sqlite).", valueName: "PATH"))
    var db: String?

    @Option(
        help: ArgumentHelp(
            "The store: postgres://USER:PASSWORD@HOST:5432/DATABASE (?sslmode=disable|prefer|require|verify-ca|verify-full, &sslrootcert=PEM, &max_connections=N) or sqlite:PATH (default: $CERTIFY_DATABASE_URL, else --db). Prefer the variable for a URL with a password: arguments are visible to other users.",
            valueName: "URL"))
    var database: String?

    func validate() throws {
        if db != nil && database != nil {
            throw ValidationError("give --db PATH or --database URL, not both")
        }
        _ = try location
    }

    /// --db or --database (not both), else $CERTIFY_DATABASE_URL, else $CERTIFY_DB, else ./certify.sqlite.
    var location: StoreLocation {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            if let db { return .sqlite(path: db) }
            if let text = database ?? environment["CERTIFY_DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
                do {
                    return try StoreLocation.parse(text)
                } catch {
                    throw ValidationError("\(database == nil ? "$CERTIFY_DATABASE_URL" : "--database"): \(error)")
                }
            }
            return .sqlite(path: environment["CERTIFY_DB"] ?? "certify.sqlite")
        }
    }

    /// The secret key's file: `--secret-key-file`, else beside a SQLite file (DB.key). A
    /// PostgreSQL store is shared by processes on several machines, which must all use the same
    /// key, so it has no default there.
    func secretKeyPath(_ given: String?) throws -> String {
        if let given { return given }
        switch try location {
        case .sqlite(let path): return path + ".key"
        case .postgres:
            throw fail(
                "a PostgreSQL store needs --secret-key-file FILE: every process on it (servers and workers, on every machine) must seal and open probe credentials and webhook secrets with the same 32-byte key"
            )
        }
    }
}

/// Opens the store at `location`, migrating it; a clear error when it cannot.
func openStore(_ location: StoreLocation, sealer: (any SecretSealing)? = nil) async throws -> Store {
    do {
        return try await Store.open(location, sealer: sealer, logger: Logger(label: "certify.store"))
    } catch {
        switch location {
        case .sqlite: throw fail("\(location): cannot open the database (\(error))")
        // The store's message names the server.
        case .postgres: throw fail("cannot open the database: \(error)")
        }
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API, the web console and the pipeline workers.",
        discussion: """
            The database is created and migrated on start. The API lives under /v1; /health and \
            /metrics (Prometheus text) need no token. The web console is at / : sign in there \
            by pasting a token from 'certify tokens create'.

            Example:
              certify serve --db certify.sqlite --port 8080 --workers 2
            """)

    @OptionGroup var database: StoreOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @OptionGroup var pipeline: PipelineOptions

    @Flag(
        help:
            "Serve HTTP only: no pipeline workers and no webhook deliveries here ('certify worker' processes on this or other machines run them)."
    )
    var noWorkers = false

    @Option(help: ArgumentHelp("Ruleset YAML in force for new runs and re-certifications.", valueName: "FILE"))
    var ruleset: String?

    @Option(
        help: ArgumentHelp(
            "Close a connection whose request head (request line and headers) is not complete this long after the connection opened or the head's first byte.",
            valueName: "SECONDS"))
    var requestHeadTimeout: Double = 30

    @Option(
        help: ArgumentHelp(
            "Close a kept-alive connection idle this long (no request in progress, or a request body that stopped arriving).",
            valueName: "SECONDS"))
    var idleTimeout: Double = 60

    @Flag(
        help:
            "The server is reached over HTTPS (directly or through a proxy that terminates TLS): console cookies carry Secure."
    )
    var behindTls = false

    @Option(help: ArgumentHelp("How long a console sign-in lasts.", valueName: "HOURS"))
    var sessionHours: Double = 8

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard requestHeadTimeout.isFinite, (0.1...3600).contains(requestHeadTimeout) else {
            throw ValidationError("--request-head-timeout must be from 0.1 to 3600 seconds")
        }
        guard idleTimeout.isFinite, (0.1...86400).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout must be from 0.1 to 86400 seconds")
        }
        guard sessionHours.isFinite, (0.01...720).contains(sessionHours) else {
            throw ValidationError("--session-hours must be from 0.01 to 720")
        }
    }

    func run() async throws {
        let location = try database.location
        let path = "\(location)"
        bootstrapLogging(pipeline.level)
        let secretSealer = try loadSecretKey(try database.secretKeyPath(pipeline.secretKeyFile))
        let store = try await openStore(location, sealer: secretSealer)
        // Webhook secrets written before they were sealed are sealed now.
        do {
            let sealed = try await store.sealPlaintextWebhookSecrets()
            if sealed > 0 {
                FileHandle.standardError.write(Data("certify: sealed \(sealed) webhook secret(s) stored in the clear\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(
                Data("certify: warning: could not seal the webhook secrets stored in the clear (\(error)); they stay as they are\n".utf8))
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var configuration = pipeline.configuration(databasePath: path, secretSealer: secretSealer)
        configuration.host = host
        configuration.port = port
        configuration.ruleset = try ruleset.map(RulesetFile.load) ?? .default
        configuration.connectionTimeouts = ConnectionTimeouts(
            requestHeadTimeout: .milliseconds(Int64(requestHeadTimeout * 1000)), idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))
        configuration.console = ConsoleSessionSettings(
            lifetime: .seconds(Int64(sessionHours * 3600)), secureCookies: behindTls, publicURL: pipeline.publicUrl)
        let app = try await buildApplication(configuration, store: store, registry: registry, runWorkers: !noWorkers)
        let workersNote = noWorkers ? ", without workers (run 'certify worker' for the checks and webhooks)" : ""
        FileHandle.standardError.write(Data("certify: serving http://\(host):\(port) with database \(path)\(workersNote)\n".utf8))
        try await app.runService()
    }
}

/// What `serve` and `worker` both take: the pipeline's workers and budget, logging, the
/// private-network switch, the secret key and the public URL.
struct PipelineOptions: ParsableArguments {
    @Option(help: "Pipeline workers running checks concurrently.")
    var workers: Int = 2

    @Option(
        help: ArgumentHelp(
            "A run's wall-clock budget (maximumRunSeconds): a run still checking after it fails with that reason and is not retried.",
            valueName: "SECONDS"))
    var runTimeout: Double = 300

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Let webhooks (and probes) call loopback and private-network addresses. Off by default.")
    var allowPrivateNetwork = false

    @Option(
        help: ArgumentHelp(
            "32-byte key that seals submitted probe credentials until their run ends, and webhook signing secrets (created with mode 0600 if missing; default: DB.key beside a SQLite file, required with PostgreSQL); every process on one database uses the same.",
            valueName: "PATH"))
    var secretKeyFile: String?

    @Option(
        help: ArgumentHelp(
            "The base URL people and webhook receivers reach the server at (https://certify.example.com): webhook payload links are made absolute with it.",
            valueName: "URL"))
    var publicUrl: String?

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be from 1 to 64") }
        guard runTimeout > 0, runTimeout.isFinite else { throw ValidationError("--run-timeout must be a number of seconds above 0") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level") }
        if let publicUrl {
            guard let url = URL(string: publicUrl), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                url.host?.isEmpty == false, url.query == nil, url.fragment == nil
            else {
                throw ValidationError("--public-url '\(publicUrl)' is not an absolute http or https URL without a query")
            }
        }
    }

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// The service's configuration from these options.
    func configuration(databasePath: String, secretSealer: SecretSealer) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            databasePath: databasePath, pipeline: PipelineConfiguration(workers: workers, maximumRunSeconds: runTimeout),
            logLevel: level, outbound: OutboundPolicy(allowPrivateNetwork: allowPrivateNetwork))
        configuration.secretSealer = secretSealer
        configuration.publicURL = publicUrl
        return configuration
    }
}

/// Log lines on standard error at `level`.
func bootstrapLogging(_ level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// The key that seals probe credentials and webhook secrets: every process sharing a database
/// must use the same one.
func loadSecretKey(_ keyPath: String) throws -> SecretSealer {
    // Foundation says "permission" for a folder that does not exist: say what is wrong.
    let folder = (keyPath as NSString).deletingLastPathComponent
    var isFolder: ObjCBool = false
    if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
        throw fail("\(folder): no such folder for the database and its key")
    }
    do {
        return try SecretSealer.loadOrCreateKey(at: keyPath)
    } catch {
        throw fail("\(keyPath): cannot read or create the secret key (\(error.localizedDescription))")
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run pipeline workers and webhook deliveries without HTTP, beside 'certify serve --no-workers'.",
        discussion: """
            Any number of worker processes may share one database with any number of servers: jobs are \
            leased, a lease expires and is taken again when its process dies (at once when it died on \
            the same host), and every run's results are written once. Every process must use the same \
            secret key (--secret-key-file, default DB.key) to open the probe credentials and webhook \
            secrets the servers sealed. SIGTERM or SIGINT stops the workers gracefully.

            Example:
              certify serve --db certify.sqlite --no-workers &
              certify worker --db certify.sqlite --workers 4
            """)

    @OptionGroup var database: StoreOptions

    @OptionGroup var pipeline: PipelineOptions

    func run() async throws {
        let location = try database.location
        let path = "\(location)"
        bootstrapLogging(pipeline.level)
        let secretSealer = try loadSecretKey(try database.secretKeyPath(pipeline.secretKeyFile))
        let store = try await openStore(location, sealer: secretSealer)
        let configuration = pipeline.configuration(databasePath: path, secretSealer: secretSealer)
        FileHandle.standardError.write(Data("certify: \(pipeline.workers) worker(s) on database \(path)\n".utf8))
        try await runWorkers(configuration, store: store)
        FileHandle.standardError.write(Data("certify: workers stopped\n".utf8))
    }
}

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a bearer token and print it. Only its SHA-256 is stored.",
            discussion: """
                A submitter sees and changes only its publisher's submissions; a reviewer reads \
                everything and decides; an admin also manages tokens and re-certification.

                Examples:
                  certify tokens create --role submitter --publisher Contoso
                  certify tokens create --role reviewer --label alice
                """)

        @OptionGroup var database: StoreOptions

        @Option(help: "submitter, reviewer or admin.")
        var role: Principal.Role

        @Option(help: "The publisher a submitter token acts for (required for submitters).")
        var publisher: String?

        @Option(help: "A name for the token's holder, shown in the review history.")
        var label: String?

        func validate() throws {
            if role == .submitter && (publisher ?? "").isEmpty {
                throw ValidationError("a submitter token needs --publisher NAME")
            }
        }

        func run() async throws {
            let tokens = Tokens(store: try await openStore(try database.location))
            do {
                print(
                    try await tokens.create(
                        role: role, publisher: publisher, label: label,
                        by: .operator("cli:\(ProcessInfo.processInfo.userName)")))
            } catch let error as UseCaseError {
                throw fail(error.message)
            }
        }
    }
}

extension Principal.Role: ExpressibleByArgument {}
