import Crypto
import Foundation

/// Copies one store into another (SQLite to PostgreSQL when a programme outgrows one machine, or
/// back for a backup) and verifies the copy: every table's row count and a hash of its rows must
/// agree. Rows already in the destination are left as they are, so running it again changes
/// nothing; a destination row that differs from the source's shows up as a hash mismatch.
/// Sealed values (webhook secrets, probe credentials) are copied sealed: the destination's
/// processes need the same secret key.
public struct StoreCopy: Sendable {
    /// The tables, parents before children, with the columns that identify a row.
    public static let tables: [(name: String, key: [String])] = [
        ("blob", ["sha256"]),
        ("api_token", ["id"]),
        ("submission", ["id"]),
        ("revision", ["submission_id", "number"]),
        ("ruleset", ["version"]),
        ("recertification", ["id"]),
        ("run", ["id"]),
        ("stage_result", ["run_id", "position"]),
        ("finding", ["id"]),
        ("probe_exchange", ["id"]),
        ("run_secret", ["run_id"]),
        ("job", ["id"]),
        ("review_event", ["id"]),
        ("accepted_finding", ["submission_id", "fingerprint"]),
        ("webhook", ["id"]),
        ("webhook_delivery", ["id"]),
        ("webhook_attempt", ["id"]),
        ("console_session", ["key_sha256"]),
    ]

    /// Rows read and written at a time (blobs are larger: a tenth of it).
    public static let defaultBatchRows = 500

    /// What happened to one table.
    public struct TableReport: Sendable, Equatable {
        public var table: String
        public var sourceRows: Int
        public var copied: Int
        public var alreadyThere: Int
        public var destinationRows: Int
        public var sourceHash: String
        public var destinationHash: String

        public var verified: Bool { sourceRows == destinationRows && sourceHash == destinationHash }
    }

    let source: Store
    let destination: Store
    let batchRows: Int

    public init(from source: Store, to destination: Store, batchRows: Int = StoreCopy.defaultBatchRows) {
        self.source = source
        self.destination = destination
        self.batchRows = max(1, batchRows)
    }

    /// Copies every table, then verifies each; `progress` hears of each table as it is done.
    public func run(progress: @Sendable (TableReport) -> Void = { _ in }) async throws -> [TableReport] {
        guard source.database.description != destination.database.description else {
            throw StoreError.invalid("the source and the destination are the same store (\(source.database.description))")
        }
        var reports: [TableReport] = []
        for table in Self.tables {
            let columns = try await Self.columns(of: table.name, in: source.database)
            let destinationColumns = try await Self.columns(of: table.name, in: destination.database)
            guard Set(columns) == Set(destinationColumns) else {
                throw StoreError.invalid(
                    "table \(table.name) has the columns [\(columns.joined(separator: ", "))] in the source and [\(destinationColumns.joined(separator: ", "))] in the destination: migrate both to the same version first"
                )
            }
            let (sourceRows, copied) = try await copy(table: table.name, key: table.key, columns: columns)
            let (sourceCount, sourceHash) = try await Self.digest(
                table.name, key: table.key, columns: columns, in: source.database, batchRows: batchRows)
            let (destinationCount, destinationHash) = try await Self.digest(
                table.name, key: table.key, columns: columns, in: destination.database, batchRows: batchRows)
            let report = TableReport(
                table: table.name, sourceRows: sourceCount, copied: copied, alreadyThere: sourceRows - copied,
                destinationRows: destinationCount, sourceHash: sourceHash, destinationHash: destinationHash)
            progress(report)
            reports.append(report)
        }
        try await destination.database.write(durable: true) { db in
            try await Self.advanceIdentities(db)
        }
        return reports
    }

    /// Copies the rows of `table` the destination lacks; returns (rows read, rows inserted).
    func copy(table: String, key: [String], columns: [String]) async throws -> (Int, Int) {
        let quoted = columns.map(Self.quote).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let insert =
            "INSERT INTO \(table) (\(quoted)) VALUES (\(marks)) ON CONFLICT (\(key.map(Self.quote).joined(separator: ", "))) DO NOTHING RETURNING 1"
        let rows = table == "blob" ? max(1, batchRows / 10) : batchRows
        var offset = 0
        var read = 0
        var inserted = 0
        while true {
            let start = offset
            let page = try await source.database.read { db in
                try await db.fetchAll(
                    sql: "SELECT \(quoted) FROM \(table) ORDER BY \(Self.order(table, key, db.dialect)) LIMIT ? OFFSET ?",
                    arguments: [rows, start])
            }
            if page.isEmpty { break }
            read += page.count
            offset += page.count
            inserted += try await destination.database.write(durable: false) { db in
                var count = 0
                for row in page {
                    if try await db.fetchOne(sql: insert, arguments: SQLArguments(values: row.values)) != nil { count += 1 }
                }
                return count
            }
        }
        return (read, inserted)
    }

    /// How many rows `table` has and a SHA-256 over them, independent of their order and of the
    /// engine: each row is written out canonically (its columns by name) and hashed, and the
    /// sorted row hashes are hashed.
    static func digest(
        _ table: String, key: [String], columns: [String], in database: any SQLDatabase, batchRows: Int
    ) async throws -> (Int, String) {
        let sorted = columns.sorted()
        let quoted = sorted.map(quote).joined(separator: ", ")
        let rows = table == "blob" ? max(1, batchRows / 10) : batchRows
        var hashes: [String] = []
        var offset = 0
        while true {
            let start = offset
            let page = try await database.read { db in
                try await db.fetchAll(
                    sql: "SELECT \(quoted) FROM \(table) ORDER BY \(order(table, key, db.dialect)) LIMIT ? OFFSET ?",
                    arguments: [rows, start])
            }
            if page.isEmpty { break }
            offset += page.count
            for row in page {
                var hasher = SHA256()
                for value in row.values { hasher.update(data: canonical(value)) }
                hashes.append(hasher.finalize().map { String(format: "%02x", $0) }.joined())
            }
        }
        var total = SHA256()
        for hash in hashes.sorted() { total.update(data: Data(hash.utf8)) }
        return (hashes.count, total.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// A value as bytes that are the same whichever engine returned it.
    static func canonical(_ value: SQLValue) -> Data {
        switch value {
        case .null: Data("n;".utf8)
        case .integer(let n): Data("i\(n);".utf8)
        case .real(let d): Data("r\(d.bitPattern);".utf8)
        case .text(let s): Data("t\(s.utf8.count):".utf8) + Data(s.utf8)
        case .blob(let data): Data("b\(data.count):".utf8) + data
        }
    }

    /// The columns of `table`, by the engine's own catalogue.
    static func columns(of table: String, in database: any SQLDatabase) async throws -> [String] {
        let columns = try await database.read { db in
            switch db.dialect {
            case .sqlite:
                try await db.column(String.self, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
            case .postgres:
                try await db.column(
                    String.self,
                    sql: """
                        SELECT column_name::text FROM information_schema.columns
                        WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                        """,
                    arguments: [table])
            }
        }
        guard !columns.isEmpty else { throw StoreError.invalid("\(database.description) has no table \(table)") }
        return columns
    }

    /// PostgreSQL's identity columns count on from the highest id copied, so that the next row
    /// made there does not collide with a copied one. (SQLite's rowids do so by themselves.)
    static func advanceIdentities(_ db: any SQLSession) async throws {
        guard db.dialect == .postgres else { return }
        for table in tables where table.key == ["id"] && table.name != "submission" {
            try await db.execute(
                sql:
                    "SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), coalesce((SELECT max(id) FROM \(table.name)), 0) + 1, false)"
            )
        }
    }

    static func quote(_ name: String) -> String { "\"\(name)\"" }

    /// The key columns that hold text.
    static let textKeys: Set<String> = ["sha256", "version", "key_sha256", "submission_id", "fingerprint"]

    /// An order both engines keep from page to page (text by bytes on PostgreSQL too).
    static func order(_ table: String, _ key: [String], _ dialect: SQLDialect) -> String {
        key.map { column in
            let text = textKeys.contains(column) || (table == "submission" && column == "id")
            return quote(column) + (dialect == .postgres && text ? " COLLATE \"C\"" : "")
        }.joined(separator: ", ")
    }
}
