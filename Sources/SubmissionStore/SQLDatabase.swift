import Foundation

// The store's SQL is written once, with `?` placeholders, and runs on two engines: SQLite through
// GRDB (the embedded default) and PostgreSQL through postgres-nio. This file is the small
// interface between the two: values, arguments, rows, a session (a connection, inside a
// transaction when writing) and the database that opens sessions.

/// The engine a statement runs on, for the few statements whose text differs.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// One value read from or written to a column.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    var typeName: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real"
        case .text: "text"
        case .blob: "a blob"
        }
    }
}

/// A Swift value that can be bound to a `?` placeholder.
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLBindable { public var sqlValue: SQLValue { .text(String(self)) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Data: SQLBindable { public var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// The values of a statement's `?` placeholders, in order.
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init(_ elements: [any SQLBindable]) {
        values = elements.map(\.sqlValue)
    }

    public init(values: [SQLValue]) {
        self.values = values
    }

    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments {
        SQLArguments(values: lhs.values + rhs.values)
    }

    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) {
        lhs.values += rhs.values
    }

    public mutating func append(_ value: any SQLBindable) {
        values.append(value.sqlValue)
    }
}

/// A Swift type a column's value decodes to.
public protocol SQLDecodable {
    static func decode(_ value: SQLValue) -> Self?
}

extension String: SQLDecodable {
    public static func decode(_ value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Int64: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let n): n
        // A whole real (PostgreSQL's numeric sums arrive as reals): exact only within 2^53.
        case .real(let d) where d.rounded() == d && abs(d) < 9.0e15: Int64(d)
        default: nil
        }
    }
}

extension Int: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Int? {
        Int64.decode(value).map(Int.init)
    }
}

extension Double: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let d): d
        case .integer(let n): Double(n)
        default: nil
        }
    }
}

extension Bool: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Bool? {
        Int64.decode(value).map { $0 != 0 }
    }
}

extension Data: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Data? {
        switch value {
        case .blob(let data): data
        case .text(let text): Data(text.utf8)
        default: nil
        }
    }
}

/// One result row: its column names and values, read by name or position.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public func value(_ name: String) throws -> SQLValue {
        guard let index = columns.firstIndex(of: name) else {
            throw StoreError.column("no column '\(name)' in a row of [\(columns.joined(separator: ", "))]")
        }
        return values[index]
    }

    public func value(at index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else {
            throw StoreError.column("no column \(index) in a row of \(values.count)")
        }
        return values[index]
    }

    /// The column `name`, which must not be NULL.
    public subscript<T: SQLDecodable>(_ name: String) -> T {
        get throws {
            let value = try value(name)
            guard let decoded = T.decode(value) else {
                throw StoreError.column("column '\(name)' holds \(value.typeName), not \(T.self)")
            }
            return decoded
        }
    }

    /// The column `name`, nil when NULL.
    public subscript<T: SQLDecodable>(_ name: String) -> T? {
        get throws {
            let value = try value(name)
            if value == .null { return nil }
            guard let decoded = T.decode(value) else {
                throw StoreError.column("column '\(name)' holds \(value.typeName), not \(T.self)")
            }
            return decoded
        }
    }

    /// The column at `index`, which must not be NULL.
    public subscript<T: SQLDecodable>(_ index: Int) -> T {
        get throws {
            let value = try value(at: index)
            guard let decoded = T.decode(value) else {
                throw StoreError.column("column \(index) holds \(value.typeName), not \(T.self)")
            }
            return decoded
        }
    }

    /// The column at `index`, nil when NULL.
    public subscript<T: SQLDecodable>(_ index: Int) -> T? {
        get throws {
            let value = try value(at: index)
            if value == .null { return nil }
            guard let decoded = T.decode(value) else {
                throw StoreError.column("column \(index) holds \(value.typeName), not \(T.self)")
            }
            return decoded
        }
    }
}

/// A connection to the store's database, inside a transaction when it came from `write`.
public protocol SQLSession: Sendable {
    var dialect: SQLDialect { get }
    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    func execute(sql: String, arguments: SQLArguments) async throws -> Int
    /// Runs one statement once per argument list (a prepared statement reused where the engine
    /// has them).
    func executeMany(sql: String, arguments: [SQLArguments]) async throws
    func fetchAll(sql: String, arguments: SQLArguments) async throws -> [SQLRow]
}

extension SQLSession {
    @discardableResult
    public func execute(sql: String) async throws -> Int {
        try await execute(sql: sql, arguments: [])
    }

    public func fetchAll(sql: String) async throws -> [SQLRow] {
        try await fetchAll(sql: sql, arguments: [])
    }

    public func fetchOne(sql: String, arguments: SQLArguments = []) async throws -> SQLRow? {
        try await fetchAll(sql: sql, arguments: arguments).first
    }

    /// The first column of the first row, nil when there is no row or it is NULL.
    public func scalar<T: SQLDecodable>(_ type: T.Type, sql: String, arguments: SQLArguments = []) async throws -> T? {
        guard let row = try await fetchOne(sql: sql, arguments: arguments) else { return nil }
        return try row[0] as T?
    }

    /// The first column of every row (NULLs left out).
    public func column<T: SQLDecodable>(_ type: T.Type, sql: String, arguments: SQLArguments = []) async throws -> [T] {
        try await fetchAll(sql: sql, arguments: arguments).compactMap { try $0[0] as T? }
    }
}

/// How a write transaction is isolated from the others running at the same time. SQLite runs
/// one writer at a time, so every transaction there is serializable.
public enum SQLIsolation: Sendable {
    /// As if the transactions ran one after another (PostgreSQL aborts one of two that
    /// conflict, and the store runs it again).
    case serializable
    /// Each statement sees what was committed before it began: for writes whose correctness
    /// rests on row locks (claiming queued work with `FOR UPDATE SKIP LOCKED`, completing a run
    /// under its lease and its batch's lock, an intake of new rows), where serializable would
    /// abort one of two that meet.
    case readCommitted
}

extension SQLDatabase {
    @discardableResult
    public func write<T: Sendable>(durable: Bool, _ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await write(durable: durable, isolation: .serializable, body)
    }
}

/// A migration: its name (as recorded in the database) and its SQL.
public struct SQLMigration: Sendable {
    public var name: String
    public var text: String
}

/// The database a store keeps its rows in.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Where it is, without credentials (for logs and messages).
    var description: String { get }
    /// Runs `body` on a connection; every statement sees what was committed before it ran.
    func read<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T
    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    /// With `durable`, the commit is on disk when this returns. A transaction that ran into
    /// another may be run again (PostgreSQL), so `body` does nothing but SQL.
    @discardableResult
    func write<T: Sendable>(
        durable: Bool, isolation: SQLIsolation, _ body: @Sendable (any SQLSession) async throws -> T
    ) async throws -> T
    /// Applies the migrations not yet applied, in order, once even when several processes start
    /// together; returns the names of all applied migrations.
    func migrate(_ migrations: [SQLMigration]) async throws -> [String]
    /// Names of the migrations applied.
    func appliedMigrations() async throws -> [String]
    /// Wakes whoever waits in `waitForJobs`, in this process and (PostgreSQL) in every process
    /// sharing the database: called after a commit that queued work.
    func notifyJobsQueued() async
    /// Waits until a job may have been queued (a notification), or `timeout` seconds.
    func waitForJobs(timeout: Double) async
    /// Closes the connections.
    func close() async
}

/// Splits a migration file into statements at the semicolons outside strings, quoted names,
/// dollar-quoted bodies (`$$ ... $$`) and comments (PostgreSQL's extended protocol takes one
/// statement at a time).
func splitSQLStatements(_ text: String) -> [String] {
    var statements: [String] = []
    var current = ""
    var inString = false
    var inQuotedName = false
    var inDollarBody = false
    var inComment = false
    var previous: Character = "\n"
    for character in text {
        if character == "$" && previous == "$" && !inString && !inQuotedName && !inComment {
            inDollarBody.toggle()
            current.append(character)
            previous = "\0"
            continue
        }
        if inDollarBody {
            current.append(character)
            previous = character
            continue
        }
        if inComment {
            if character == "\n" {
                inComment = false
                current.append(character)
            }
            previous = character
            continue
        }
        if !inString && !inQuotedName && character == "-" && previous == "-" {
            current.removeLast()
            inComment = true
            previous = character
            continue
        }
        if character == "'" && !inQuotedName { inString.toggle() }
        if character == "\"" && !inString { inQuotedName.toggle() }
        if character == ";" && !inString && !inQuotedName {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { statements.append(statement) }
            current = ""
        } else {
            current.append(character)
        }
        previous = character
    }
    let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
    if !last.isEmpty { statements.append(last) }
    return statements
}

/// Rewrites `?` placeholders as PostgreSQL's `$1`, `$2`, ... outside strings and quoted names.
func postgresPlaceholders(_ sql: String) -> String {
    var out = ""
    out.reserveCapacity(sql.utf8.count + 16)
    var number = 0
    var inString = false
    var inQuotedName = false
    for character in sql {
        if character == "'" && !inQuotedName { inString.toggle() }
        if character == "\"" && !inString { inQuotedName.toggle() }
        if character == "?" && !inString && !inQuotedName {
            number += 1
            out += "$\(number)"
        } else {
            out.append(character)
        }
    }
    return out
}

/// An async mutex, FIFO: the SQLite store's writers take it around a transaction so that the
/// statements of one transaction are not interleaved with another's on the single writer.
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async body, kept to be returned after cleaning up.
    init(awaiting body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

extension Sequence {
    /// `map` with an async transform, in order, one element at a time.
    public func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }

    /// `compactMap` with an async transform, in order, one element at a time.
    public func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var result: [T] = []
        for element in self {
            if let value = try await transform(element) { result.append(value) }
        }
        return result
    }
}

extension Optional {
    /// `flatMap` with an async transform.
    public func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
