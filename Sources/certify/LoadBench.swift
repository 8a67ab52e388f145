import ArgumentParser
import AsyncHTTPClient
import CertifyServer
import ConnectorPackage
import Foundation
import Hummingbird
import NIOCore
import OutboundHTTP
import SubmissionStore

/// `certify bench load`: intake and queue reads over HTTP against each store, SQLite and (with
/// --database) PostgreSQL, in one run.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Measure intake and queue reads over HTTP on SQLite and on PostgreSQL, in one run.",
        discussion: """
            For each store (a fresh SQLite file, then the --database URL when given), serves it on \
            loopback without workers, then:
              intake: CLIENTS concurrent clients POST real corpus zips (REQUESTS in all) to \
            /v1/submissions; throughput, p50, p99 and errors;
              queue: tops the store up to QUEUE-SIZE submissions and reads /v1/queue pages \
            (all, one state, one publisher, the open states) from QUEUE-CLIENTS clients; p50 and p99 \
            (after ANALYZE, and VACUUM on PostgreSQL, as the database's own maintenance would run \
            after the bulk load).
            /health is timed the same way first, as the floor of any answer. Clients and server share \
            this machine. The ratio lines compare PostgreSQL with SQLite measured in the same run. \
            The PostgreSQL database should be a scratch one: the bench fills it. Use a release build \
            for figures to quote:
              swift build -c release && .build/release/certify bench load --database postgres://...
            """)

    @Option(
        help: ArgumentHelp(
            "A scratch PostgreSQL database to measure beside SQLite (default: $CERTIFY_BENCH_DATABASE_URL).",
            valueName: "URL"))
    var database: String?

    @Option(help: ArgumentHelp("Connector folders whose zips are submitted.", valueName: "DIR"))
    var corpus: String = "../shared/corpus/certified"

    @Option(help: "Concurrent HTTP clients.")
    var clients: Int = 16

    @Option(help: "Submissions posted in the intake phase, per store.")
    var requests: Int = 2_000

    @Option(help: "Submissions in the store while the queue is read.")
    var queueSize: Int = 100_000

    @Option(help: "Queue pages read, per store.")
    var queueReads: Int = 3_000

    @Option(help: "Concurrent clients reading the queue (reviewers are fewer than uploaders).")
    var queueClients: Int = 4

    func validate() throws {
        guard (1...256).contains(clients) else { throw ValidationError("--clients must be from 1 to 256") }
        guard (1...256).contains(queueClients) else { throw ValidationError("--queue-clients must be from 1 to 256") }
        guard (10...1_000_000).contains(requests) else { throw ValidationError("--requests must be from 10 to 1000000") }
        guard (1_000...2_000_000).contains(queueSize) else { throw ValidationError("--queue-size must be from 1000 to 2000000") }
        guard (10...1_000_000).contains(queueReads) else { throw ValidationError("--queue-reads must be from 10 to 1000000") }
    }

    struct Figures {
        var label: String
        var healthP50 = 0.0
        var healthP99 = 0.0
        var intakePerSecond = 0.0
        var intakeP50 = 0.0
        var intakeP99 = 0.0
        var intakeErrors = 0
        var queueP50 = 0.0
        var queueP99 = 0.0
        var queueErrors = 0
        var queueRows = 0
    }

    func run() async throws {
        let zips = try loadZips()
        print(
            "corpus: \(zips.count) zips, \(zips.reduce(0) { $0 + $1.count } / 1024) KiB; per store \(requests) intakes from \(clients) clients, \(queueReads) queue reads from \(queueClients)"
        )
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)))
        do {
            try await measureAll(zips, client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func measureAll(_ zips: [Data], _ client: HTTPClient) async throws {
        var all: [Figures] = []
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certify-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var locations: [(String, StoreLocation)] = [("sqlite", .sqlite(path: directory.appendingPathComponent("load.sqlite").path))]
        if let url = database ?? ProcessInfo.processInfo.environment["CERTIFY_BENCH_DATABASE_URL"], !url.isEmpty {
            locations.append(("postgresql", try StoreLocation.parse(url)))
        }
        for (label, location) in locations {
            let store = try await openStore(location)
            all.append(try await measure(label, store: store, zips: zips, client: client))
            await store.close()
        }
        print("")
        print("store        health p99   intake/s  intake p50  intake p99  errors   queue p50  queue p99  errors  (ms)")
        for f in all {
            print(
                String(
                    format: "%@ %9.2f %10.0f %11.2f %11.2f %7d %11.2f %10.2f %7d",
                    f.label.padding(toLength: 12, withPad: " ", startingAt: 0),
                    f.healthP99, f.intakePerSecond, f.intakeP50, f.intakeP99, f.intakeErrors, f.queueP50, f.queueP99, f.queueErrors))
        }
        if all.count == 2 {
            let (s, p) = (all[0], all[1])
            print(
                String(
                    format: "ratio PostgreSQL / SQLite: intake/s %.2fx, intake p99 %.2fx, queue p99 %.2fx",
                    p.intakePerSecond / s.intakePerSecond,
                    p.intakeP99 / s.intakeP99, p.queueP99 / s.queueP99))
        }
        for f in all {
            print(
                String(
                    format: "ratio %@ intake p99 / health p99: %.1fx; queue p99 / health p99: %.1fx", f.label, f.intakeP99 / f.healthP99,
                    f.queueP99 / f.healthP99))
        }
    }

    func loadZips() throws -> [Data] {
        let folder = URL(fileURLWithPath: corpus)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), !names.isEmpty else {
            throw fail("\(corpus): no connector folders to submit (--corpus DIR)")
        }
        var zips: [Data] = []
        for name in names {
            guard let package = try? PackageLoader().load(path: folder.appendingPathComponent(name).path),
                let zip = try? package.zipData()
            else { continue }
            zips.append(zip)
        }
        guard !zips.isEmpty else { throw fail("\(corpus): no folder loads as a connector package") }
        return zips
    }

    func measure(_ label: String, store: Store, zips: [Data], client: HTTPClient) async throws -> Figures {
        var figures = Figures(label: label)
        let submitter = try await store.createToken(role: .submitter, publisher: "Load Bench", label: "bench")
        let reviewer = try await store.createToken(role: .reviewer, publisher: nil, label: "bench")
        guard let port = UnusedLoopbackPort.find() else { throw fail("no free loopback port") }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port, logLevel: .critical)
        configuration.connectionTimeouts = ConnectionTimeouts()
        var logger = quietLogger()
        logger.logLevel = .critical
        let app = try await buildApplication(configuration, store: store, runWorkers: false, logger: logger)
        let server = Task { try await app.run() }
        defer { server.cancel() }
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if (try? await Self.send(client, HTTPClientRequest(url: base + "/health"))) == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }

        // The floor: /health, no store.
        let health = try await load(client, count: requests, clients: clients) { _ in HTTPClientRequest(url: base + "/health") }
        figures.healthP50 = percentile(health.times, 0.5)
        figures.healthP99 = percentile(health.times, 0.99)

        // Intake.
        let intake = try await load(client, count: requests, clients: clients) { index in
            var request = HTTPClientRequest(url: base + "/v1/submissions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(submitter)")
            request.headers.add(name: "Content-Type", value: "application/zip")
            request.body = .bytes(ByteBuffer(bytes: zips[index % zips.count]))
            return request
        }
        figures.intakePerSecond = Double(requests) / intake.seconds
        figures.intakeP50 = percentile(intake.times, 0.5)
        figures.intakeP99 = percentile(intake.times, 0.99)
        figures.intakeErrors = intake.errors
        print(
            String(
                format: "%@: intake %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors", label, figures.intakePerSecond, figures.intakeP50,
                figures.intakeP99, intake.errors))

        // The queue, at size.
        let have = try await store.scalar("SELECT count(*) FROM submission")
        let seedStart = ContinuousClock.now
        try await seed(store, count: max(0, queueSize - have))
        // As the database's own maintenance would after a bulk load (autovacuum on PostgreSQL):
        // fresh statistics, and PostgreSQL's visibility map for index-only scans.
        if store.dialect == .postgres {
            // VACUUM runs outside a transaction: a plain connection.
            _ = try await store.database.read { db in try await db.execute(sql: "VACUUM (ANALYZE) submission") }
        } else {
            try await store.database.write(durable: false) { db in try await db.execute(sql: "ANALYZE") }
        }
        figures.queueRows = try await store.scalar("SELECT count(*) FROM submission")
        print(
            String(
                format: "%@: %d submissions in the store (%.1f s to add them)", label, figures.queueRows,
                seconds(ContinuousClock.now - seedStart)))
        let paths = [
            "/v1/queue?limit=50",
            "/v1/queue?state=awaiting-review&limit=50",
            "/v1/queue?publisher=Publisher%2017&limit=50",
            "/v1/queue?state=submitted,checking,awaiting-review,in-review&limit=100",
        ]
        let queue = try await load(client, count: queueReads, clients: queueClients) { index in
            var request = HTTPClientRequest(url: base + paths[index % paths.count])
            request.headers.add(name: "Authorization", value: "Bearer \(reviewer)")
            return request
        }
        figures.queueP50 = percentile(queue.times, 0.5)
        figures.queueP99 = percentile(queue.times, 0.99)
        figures.queueErrors = queue.errors
        print(String(format: "%@: queue p50 %.2f ms, p99 %.2f ms, %d errors", label, figures.queueP50, figures.queueP99, queue.errors))
        server.cancel()
        _ = await server.result
        return figures
    }

    /// Adds `count` submissions straight into the store, many per statement.
    func seed(_ store: Store, count: Int) async throws {
        let states = ["submitted", "checking", "awaiting-review", "in-review", "changes-required", "certified", "approved"]
        let now = Date().timeIntervalSince1970
        var done = 0
        while done < count {
            let rows = min(500, count - done)
            let first = done
            try await store.database.write(durable: false) { db in
                var arguments = SQLArguments(values: [])
                for n in first..<(first + rows) {
                    arguments += [
                        "sub_load\(UUID().uuidString.prefix(12).lowercased())\(n)", "Publisher \(n % 40)", "Load connector \(n)",
                        states[n % states.count], now - Double(count - n), now - Double(count - n),
                    ]
                }
                let values = Array(repeating: "(?, ?, ?, ?, ?, NULL, 1, ?)", count: rows).joined(separator: ", ")
                try await db.execute(
                    sql:
                        "INSERT INTO submission (id, publisher, connector, state, state_changed_at, assignee, revision, created_at) VALUES \(values)",
                    arguments: arguments)
            }
            done += rows
        }
    }

    struct Load {
        var times: [Double]
        var errors: Int
        var seconds: Double
    }

    /// `count` requests from `clients` concurrent clients; each request's time, sorted.
    func load(
        _ client: HTTPClient, count: Int, clients: Int, _ make: @escaping @Sendable (Int) -> HTTPClientRequest
    ) async throws -> Load {
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var times: [Double] = []
                    var errors = 0
                    var index = worker
                    while index < count {
                        let begin = ContinuousClock.now
                        let status = (try? await Self.send(client, make(index))) ?? 0
                        times.append(milliseconds(ContinuousClock.now - begin))
                        if !(200..<300).contains(status) { errors += 1 }
                        index += clients
                    }
                    return (times, errors)
                }
            }
            return try await group.reduce(into: [([Double], Int)]()) { $0.append($1) }
        }
        let elapsed = seconds(ContinuousClock.now - start)
        return Load(times: results.flatMap(\.0).sorted(), errors: results.reduce(0) { $0 + $1.1 }, seconds: elapsed)
    }

    static func send(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> Int {
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 64 << 20)
        return Int(response.status.code)
    }

}
