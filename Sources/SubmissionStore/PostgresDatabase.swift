import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// Where a store lives: a SQLite file (the embedded default) or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Reads `postgres://user:password@host:5432/database?sslmode=require` (or `postgresql://`),
    /// `sqlite:PATH`, or a plain path (SQLite).
    public static func parse(_ text: String) throws -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError.invalid("the database location is empty") }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            return .postgres(try PostgresLocation(url: trimmed))
        }
        if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw StoreError.invalid("'\(trimmed)' names no SQLite file after 'sqlite:'") }
            return .sqlite(path: path)
        }
        if let colon = trimmed.firstIndex(of: ":"), trimmed[..<colon].allSatisfy({ $0.isLetter }),
            trimmed[trimmed.index(after: colon)...].hasPrefix("//")
        {
            throw StoreError.invalid(
                "'\(trimmed[..<colon])' is not a database this service knows: use postgres://USER:PASSWORD@HOST:PORT/DATABASE, sqlite:PATH or a file path"
            )
        }
        return .sqlite(path: trimmed)
    }

    /// The location without its password, for logs and messages.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.redacted
        }
    }
}

/// A PostgreSQL database, from a `postgres://` URL.
public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or nothing, without checking the certificate.
        case require
        /// TLS, and the certificate must be signed by a trusted root (`sslrootcert`).
        case verifyCA = "verify-ca"
        /// TLS, and the certificate must also name the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A PEM file of the roots to trust, for verify-ca and verify-full.
    public var rootCertificatePath: String?
    /// The most connections this process opens to the server.
    public var maximumConnections: Int
    /// How long opening a connection may take.
    public var connectTimeoutSeconds: Int

    /// The connections a process opens by default (`max_connections=` in the URL changes it).
    public static let defaultMaximumConnections = 10
    public static let maximumConnectionsLimit = 200
    /// PostgreSQL's longest name (user, database): NAMEDATALEN - 1.
    public static let maximumNameBytes = 63
    public static let maximumHostBytes = 253

    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw StoreError.invalid("'\(Self.redact(text))' is not a postgres:// URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalid("'\(Self.redact(text))' names no host (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError.invalid("'\(Self.redact(text))' names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError.invalid("'\(Self.redact(text))' names no database after the host (…@HOST:PORT/DATABASE)")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        // PostgreSQL's names are at most 63 bytes (NAMEDATALEN - 1), a host name 253.
        guard self.host.utf8.count <= Self.maximumHostBytes else {
            throw StoreError.invalid("the host name has \(self.host.utf8.count) bytes; at most \(Self.maximumHostBytes)")
        }
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw StoreError.invalid("port \(port) is not a TCP port") }
        self.username = components.user?.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        for (what, name) in [("user", username), ("database", self.database)] where name.utf8.count > Self.maximumNameBytes {
            throw StoreError.invalid(
                "the \(what) name has \(name.utf8.count) bytes; PostgreSQL's names have at most \(Self.maximumNameBytes)")
        }
        self.tls = .prefer
        self.rootCertificatePath = nil
        self.maximumConnections = Self.defaultMaximumConnections
        self.connectTimeoutSeconds = 10
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw StoreError.invalid(
                        "sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                rootCertificatePath = value
            case "max_connections":
                guard let n = Int(value), (1...Self.maximumConnectionsLimit).contains(n) else {
                    throw StoreError.invalid("max_connections '\(value)' must be a number from 1 to \(Self.maximumConnectionsLimit)")
                }
                maximumConnections = n
            case "connect_timeout":
                guard let n = Int(value), (1...300).contains(n) else {
                    throw StoreError.invalid("connect_timeout '\(value)' must be a number of seconds from 1 to 300")
                }
                connectTimeoutSeconds = n
            default:
                throw StoreError.invalid(
                    "the URL parameter '\(item.name)' is not one this service reads (sslmode, sslrootcert, max_connections, connect_timeout)"
                )
            }
        }
    }

    /// The URL with its password replaced by `***`.
    public var redacted: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(username)\(password == nil ? "" : ":***")@\(bracketed):\(port)/\(database)"
    }

    static func redact(_ text: String) -> String {
        // postgres://user:secret@host → postgres://user:***@host
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// The TLS settings of `sslmode` and `sslrootcert`; nil with `disable`.
    var tlsConfiguration: TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA, .verifyFull:
            configuration.certificateVerification = tls == .verifyFull ? .fullVerification : .noHostnameVerification
            if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        }
        return configuration
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        let setting: PostgresClient.Configuration.TLS =
            switch tlsConfiguration {
            case nil: .disable
            case let configuration?: tls == .prefer ? .prefer(configuration) : .require(configuration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: setting)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        return configuration
    }

    /// One connection, opened and closed: the pool retries a failed connection without saying
    /// why, so the server's own refusal (a wrong password, no such database) is heard here.
    func tryConnecting(logger: Logger) async throws {
        let setting: PostgresConnection.Configuration.TLS =
            switch tlsConfiguration {
            case nil: .disable
            case let configuration?:
                tls == .prefer
                    ? .prefer(try NIOSSLContext(configuration: configuration)) : .require(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: setting)
        configuration.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }
}

/// The store on a PostgreSQL server, shared by any number of processes. Write transactions run
/// at SERIALIZABLE, as SQLite's do, and are run again when PostgreSQL reports a serialization
/// failure or deadlock; workers claim jobs with `FOR UPDATE SKIP LOCKED` and are woken by
/// `LISTEN/NOTIFY` on `jobChannel`.
public final class PostgresDatabase: SQLDatabase {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    let location: PostgresLocation
    let jobs = JobSignal()
    let listener = ListenerState()
    let notifier = Coalescer()

    /// The channel a commit that queued work notifies.
    public static let jobChannel = "certify_jobs"
    /// How many times a write transaction is run when PostgreSQL aborts it for a conflict.
    public static let maximumTransactionAttempts = 12
    /// The key of the advisory lock held while migrating.
    static let migrationLockKey: Int64 = 0x6365_7274_6966_7931  // "certify1"

    public var dialect: SQLDialect { .postgres }
    public var description: String { location.redacted }

    init(location: PostgresLocation, logger: Logger) throws {
        self.location = location
        self.logger = logger
        // The pool logs each failed connection attempt at info, several a second while the server
        // is down: the store reports the failure itself.
        var background = logger
        if background.logLevel < .warning { background.logLevel = .warning }
        let client = PostgresClient(configuration: location.clientConfiguration(), backgroundLogger: background)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Connects, and checks the server answers within the connect timeout.
    static func connect(_ location: PostgresLocation, logger: Logger) async throws -> PostgresDatabase {
        let database = try PostgresDatabase(location: location, logger: logger)
        let seconds = Double(location.connectTimeoutSeconds) + 2
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await location.tryConnecting(logger: logger)
                    _ = try await database.read { db in try await db.fetchAll(sql: "SELECT 1") }
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                    throw StoreError.database("no answer within \(Int(seconds)) s")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await database.close()
            throw StoreError.database("\(location.redacted): \(Self.describe(error))")
        }
        return database
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await body(PostgresSession(connection: connection, logger: logger))
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    @discardableResult
    public func write<T: Sendable>(
        durable: Bool, isolation: SQLIsolation, _ body: @Sendable (any SQLSession) async throws -> T
    ) async throws -> T {
        // A commit is on disk when it returns (synchronous_commit is on by default), so every
        // write is durable.
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    let session = PostgresSession(connection: connection, logger: logger)
                    try await session.execute(
                        sql: isolation == .serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL READ COMMITTED")
                    do {
                        let value = try await body(session)
                        try await session.execute(sql: "COMMIT")
                        return value
                    } catch {
                        _ = try? await session.execute(sql: "ROLLBACK")
                        throw error
                    }
                }
            } catch is PostgresConflict where attempt < Self.maximumTransactionAttempts {
                attempt += 1
                // Back off a little, with jitter, so the transactions that collided do not again.
                let delay = UInt64.random(in: 1...(UInt64(attempt) * 2_000_000))
                try? await Task.sleep(nanoseconds: delay)
            } catch let error as PostgresConflict {
                throw StoreError.database("the transaction conflicted with others \(attempt) times: \(error.message)")
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    public func migrate(_ migrations: [SQLMigration]) async throws -> [String] {
        do {
            return try await client.withConnection { connection in
                let session = PostgresSession(connection: connection, logger: logger)
                // A session-level advisory lock: a second process starting now waits here, then
                // finds the migrations applied.
                try await session.execute(sql: "SELECT pg_advisory_lock(?)", arguments: [Self.migrationLockKey])
                do {
                    try await session.execute(
                        sql:
                            "CREATE TABLE IF NOT EXISTS certify_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
                    )
                    var applied = Set(try await session.column(String.self, sql: "SELECT name FROM certify_migrations"))
                    for migration in migrations where !applied.contains(migration.name) {
                        try await session.execute(sql: "BEGIN")
                        do {
                            for statement in splitSQLStatements(migration.text) {
                                try await session.execute(sql: statement, arguments: [], translate: false)
                            }
                            try await session.execute(
                                sql: "INSERT INTO certify_migrations (name, applied_at) VALUES (?, ?)",
                                arguments: [migration.name, Date().timeIntervalSince1970])
                            try await session.execute(sql: "COMMIT")
                        } catch {
                            _ = try? await session.execute(sql: "ROLLBACK")
                            throw StoreError.database("migration \(migration.name) failed: \(Self.describe(error))")
                        }
                        applied.insert(migration.name)
                    }
                    _ = try? await session.execute(sql: "SELECT pg_advisory_unlock(?)", arguments: [Self.migrationLockKey])
                } catch {
                    _ = try? await session.execute(sql: "SELECT pg_advisory_unlock(?)", arguments: [Self.migrationLockKey])
                    throw error
                }
                return try await session.column(String.self, sql: "SELECT name FROM certify_migrations ORDER BY name")
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    public func appliedMigrations() async throws -> [String] {
        try await read { db in
            guard try await db.scalar(String.self, sql: "SELECT to_regclass('certify_migrations')::text") != nil else { return [] }
            return try await db.column(String.self, sql: "SELECT name FROM certify_migrations ORDER BY name")
        }
    }

    public func notifyJobsQueued() async {
        await jobs.notifyAll()
        // NOTIFY after the commit, on a connection of its own, and one at a time: PostgreSQL
        // serializes the commits of transactions that notify, so a NOTIFY inside every intake
        // would queue the intakes behind each other. Requests while one is being sent are sent
        // once after it.
        notifier.request { [weak self] in
            _ = try? await self?.read { db in
                try await db.execute(sql: "SELECT pg_notify(?, '')", arguments: [Self.jobChannel])
            }
        }
    }

    public func waitForJobs(timeout: Double) async {
        listener.start(startListening)
        await jobs.wait(timeout: timeout)
    }

    /// Listens on `jobChannel` on a connection of its own, for as long as the store is open,
    /// reconnecting after a failure.
    func startListening() -> Task<Void, Never> {
        Task { [client, jobs, logger] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.jobChannel) { notifications in
                            // Work queued while this listener was down is found by the poll.
                            await jobs.notifyAll()
                            for try await _ in notifications {
                                await jobs.notifyAll()
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("store: listening for queued jobs failed, again in 1 s: \(Self.describe(error))")
                }
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }

    public func close() async {
        if let task = listener.stop() { await task.value }
        runner.cancel()
        await runner.value
    }

    deinit {
        _ = listener.stop()
        runner.cancel()
    }

    /// The client's and the pool's errors as the store's; any other (a `StoreError`, or what a
    /// transaction's body threw to refuse something) as it is.
    static func storeError(_ error: any Error) -> any Error {
        if error is PSQLError || String(reflecting: type(of: error)).contains("ConnectionPool") {
            return StoreError.database(describe(error))
        }
        return error
    }

    /// PostgreSQL's own message for an error (postgres-nio's description hides it).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let server = error.serverInfo {
                let message = server[.message] ?? "error"
                let code = server[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = server[.detail].map { ": \($0)" } ?? ""
                return "PostgreSQL: \(message)\(detail)\(code)"
            }
            if error.code == .sslUnsupported { return "the server does not offer TLS, which this sslmode requires" }
            return "PostgreSQL: \(error.underlying.map { "\($0)" } ?? "\(error.code)")"
        }
        if let error = error as? StoreError { return error.description }
        return "\(error)"
    }
}

/// The listener task, started by the first worker that waits for jobs and stopped with the
/// store.
final class ListenerState: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var started = false
    private var stopped = false

    func start(_ make: () -> Task<Void, Never>) {
        lock.lock()
        defer { lock.unlock() }
        guard !started, !stopped else { return }
        started = true
        task = make()
    }

    /// Cancels the listener; it is returned to be awaited.
    func stop() -> Task<Void, Never>? {
        lock.lock()
        defer { lock.unlock() }
        stopped = true
        let running = task
        task = nil
        running?.cancel()
        return running
    }
}

/// Runs a job, one at a time: a request while one runs makes it run once more after it.
final class Coalescer: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false
    private var again = false

    func request(_ job: @escaping @Sendable () async -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if running {
            again = true
            return
        }
        running = true
        Task {
            repeat {
                await job()
            } while runAgain()
        }
    }

    /// After a run: whether another was asked for meanwhile (else it stops running).
    private func runAgain() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if again {
            again = false
            return true
        }
        running = false
        return false
    }
}

/// PostgreSQL aborted a transaction that ran into another (SQLSTATE 40001 or 40P01): running it
/// again will do.
struct PostgresConflict: Error {
    var message: String
}

/// A connection, inside a transaction when it came from `write`.
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    var dialect: SQLDialect { .postgres }

    func run(sql: String, arguments: SQLArguments, translate: Bool = true) async throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let n): binds.append(n)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            case .blob(let data): binds.append(ByteBuffer(bytes: data))
            }
        }
        let query = PostgresQuery(unsafeSQL: translate ? PostgresSQL.translate(sql) : sql, binds: binds)
        do {
            let future: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
            return try await future.get()
        } catch let error as PSQLError {
            if let code = error.serverInfo?[.sqlState], code == "40001" || code == "40P01" {
                throw PostgresConflict(message: PostgresDatabase.describe(error))
            }
            throw StoreError.database(PostgresDatabase.describe(error))
        }
    }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) async throws -> Int {
        try await run(sql: sql, arguments: arguments).metadata.rows ?? 0
    }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments, translate: Bool) async throws -> Int {
        try await run(sql: sql, arguments: arguments, translate: translate).metadata.rows ?? 0
    }

    func executeMany(sql: String, arguments: [SQLArguments]) async throws {
        guard let first = arguments.first else { return }
        // `INSERT ... VALUES (?, ...)` of many rows: as few statements as the bind limit allows,
        // each with many rows, rather than a round trip a row.
        if let values = sql.range(of: "VALUES (", options: [.backwards, .caseInsensitive]),
            sql.uppercased().hasPrefix("INSERT"), sql.hasSuffix(")"),
            arguments.allSatisfy({ $0.values.count == first.values.count }), !first.values.isEmpty
        {
            let tuple = String(sql[sql.index(before: values.upperBound)...])
            let head = String(sql[..<sql.index(before: values.upperBound)])
            let rowsPerStatement = max(1, Self.maximumBinds / first.values.count)
            var start = 0
            while start < arguments.count {
                let rows = arguments[start..<min(arguments.count, start + rowsPerStatement)]
                let statement = head + Array(repeating: tuple, count: rows.count).joined(separator: ", ")
                _ = try await run(sql: statement, arguments: SQLArguments(values: rows.flatMap(\.values)))
                start += rows.count
            }
            return
        }
        for list in arguments {
            _ = try await run(sql: sql, arguments: list)
        }
    }

    /// Binds in one statement: PostgreSQL takes up to 65,535; fewer keep a statement's size sane.
    static let maximumBinds = 10_000

    func fetchAll(sql: String, arguments: SQLArguments) async throws -> [SQLRow] {
        let result = try await run(sql: sql, arguments: arguments)
        var rows: [SQLRow] = []
        rows.reserveCapacity(result.rows.count)
        var columns: [String]?
        for row in result.rows {
            var values: [SQLValue] = []
            for cell in row {
                values.append(try Self.value(of: cell))
            }
            if columns == nil { columns = row.map(\.columnName) }
            rows.append(SQLRow(columns: columns ?? [], values: values))
        }
        return rows
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(try cell.decode(Data.self))
        case .numeric:
            let decimal = try cell.decode(Decimal.self)
            let double = NSDecimalNumber(decimal: decimal).doubleValue
            if double.rounded() == double, abs(double) < 9.0e15 { return .integer(Int64(double)) }
            return .real(double)
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// The store's SQL, as PostgreSQL reads it.
enum PostgresSQL {
    /// `?` placeholders become `$1`, `$2`, ...; translations are kept, the statements being few.
    static func translate(_ sql: String) -> String {
        if let cached = cache.withLock({ $0[sql] }) { return cached }
        let translated = postgresPlaceholders(sql)
        cache.withLock { cache in
            if cache.count > 2000 { cache.removeAll() }
            cache[sql] = translated
        }
        return translated
    }

    static let cache = LockedCache()
}

/// A dictionary behind a lock.
final class LockedCache: @unchecked Sendable {
    private var storage: [String: String] = [:]
    private let lock = NSLock()

    func withLock<T>(_ body: (inout [String: String]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&storage)
    }
}
