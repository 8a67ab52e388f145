import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode through a GRDB `DatabasePool` (one writer,
/// many readers). Statements run on GRDB's own threads, never on the threads that serve HTTP:
/// each is one hop from a Swift task to GRDB and back. A write transaction spans several hops,
/// so the process's writers take `writeLock` around it (other processes wait on SQLite's lock,
/// taken by `BEGIN IMMEDIATE`, up to the busy timeout).
public final class SQLiteDatabase: SQLDatabase {
    let pool: DatabasePool
    public let path: String
    let writeLock = AsyncLock()
    let jobs = JobSignal()

    public var dialect: SQLDialect { .sqlite }
    public var description: String { "sqlite:\(path)" }

    /// How long a writer waits for another process's transaction before giving up.
    public static let busyTimeoutSeconds: Double = 10

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
        // A write transaction is opened and closed by separate hops (see `write`).
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// Runs `body` on the writer connection, on GRDB's thread; not cancelled half-way.
    func onWriter<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.asyncWriteWithoutTransaction { db in
                continuation.resume(with: Result { try body(db) })
            }
        }
    }

    /// Runs `body` on a reader connection, in its own read transaction.
    func onReader<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.asyncRead { result in
                switch result {
                case .success(let db): continuation.resume(with: Result { try body(db) })
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await body(SQLiteSession(database: self, writer: false))
    }

    @discardableResult
    public func write<T: Sendable>(
        durable: Bool, isolation: SQLIsolation, _ body: @Sendable (any SQLSession) async throws -> T
    ) async throws -> T {
        await writeLock.lock()
        var result: Result<T, any Error>
        do {
            try await onWriter { db in
                // What the service acknowledges is on disk at the commit: `FULL` syncs the WAL
                // there. Other writes keep `NORMAL`, which survives a crash of the process.
                if durable { try db.execute(sql: "PRAGMA synchronous = FULL") }
                try db.execute(sql: "BEGIN IMMEDIATE")
            }
            let value = try await body(SQLiteSession(database: self, writer: true))
            try await onWriter { db in
                try db.execute(sql: "COMMIT")
                if durable { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            }
            result = .success(value)
        } catch {
            result = .failure(error)
            _ = try? await onWriter { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                if durable { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            }
        }
        await writeLock.unlock()
        return try result.get()
    }

    public func migrate(_ migrations: [SQLMigration]) async throws -> [String] {
        await writeLock.lock()
        let result = await Result(awaiting: {
            try await onWriter { db in try Self.migrate(db, migrations) }
        })
        await writeLock.unlock()
        return try result.get()
    }

    /// `migrate`, blocking, for opening a store before anyone else uses it.
    func migrateNow(_ migrations: [SQLMigration]) throws {
        _ = try pool.writeWithoutTransaction { db in try Self.migrate(db, migrations) }
    }

    /// One IMMEDIATE transaction: a second process starting at the same time waits for it, then
    /// finds the migrations applied.
    static func migrate(_ db: Database, _ migrations: [SQLMigration]) throws -> [String] {
        var names: [String] = []
        try db.inTransaction(.immediate) {
            // The table GRDB's migrator kept, so databases made by earlier versions carry on.
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            var applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            for migration in migrations where !applied.contains(migration.name) {
                try db.execute(sql: migration.text)
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.name])
                applied.insert(migration.name)
            }
            names = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            return .commit
        }
        return names
    }

    public func appliedMigrations() async throws -> [String] {
        try await onReader { db in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
    }

    public func notifyJobsQueued() async {
        await jobs.notifyAll()
    }

    public func waitForJobs(timeout: Double) async {
        await jobs.wait(timeout: timeout)
    }

    public func close() async {
        try? pool.close()
    }
}

/// A session on the SQLite store: the writer inside a transaction, or the readers.
struct SQLiteSession: SQLSession {
    let database: SQLiteDatabase
    let writer: Bool

    var dialect: SQLDialect { .sqlite }

    func run<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        writer ? try await database.onWriter(body) : try await database.onReader(body)
    }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) async throws -> Int {
        try await run { db in
            let statement = try db.cachedStatement(sql: sql)
            try statement.execute(arguments: arguments.grdb)
            return db.changesCount
        }
    }

    func executeMany(sql: String, arguments: [SQLArguments]) async throws {
        guard !arguments.isEmpty else { return }
        try await run { db in
            let statement = try db.cachedStatement(sql: sql)
            for list in arguments {
                try statement.execute(arguments: list.grdb)
            }
        }
    }

    func fetchAll(sql: String, arguments: SQLArguments) async throws -> [SQLRow] {
        try await run { db in
            let statement = try db.cachedStatement(sql: sql)
            let columns = statement.columnNames
            return try Row.fetchAll(statement, arguments: arguments.grdb).map { row in
                SQLRow(columns: columns, values: row.databaseValues.map(\.sqlValue))
            }
        }
    }
}

extension SQLArguments {
    var grdb: StatementArguments {
        StatementArguments(
            values.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .integer(let n): n.databaseValue
                case .real(let d): d.databaseValue
                case .text(let s): s.databaseValue
                case .blob(let data): data.databaseValue
                }
            })
    }
}

extension DatabaseValue {
    var sqlValue: SQLValue {
        switch storage {
        case .null: .null
        case .int64(let n): .integer(n)
        case .double(let d): .real(d)
        case .string(let s): .text(s)
        case .blob(let data): .blob(data)
        }
    }
}

/// Wakes idle workers when a job is queued. Within one process a notification wakes every
/// waiter at once; one that arrives while nobody waits is kept for the next waiter, so a job
/// queued between a worker's empty claim and its wait is not missed.
actor JobSignal {
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextId = 0
    private var pending = false

    func notifyAll() {
        if waiters.isEmpty {
            pending = true
            return
        }
        let woken = waiters
        waiters.removeAll()
        for continuation in woken.values { continuation.resume() }
    }

    func wait(timeout: Double) async {
        if pending {
            pending = false
            return
        }
        let id = nextId
        nextId += 1
        await withCheckedContinuation { continuation in
            waiters[id] = continuation
            Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1_000_000_000))
                self.fire(id)
            }
        }
    }

    private func fire(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
