import ArgumentParser
import AsyncHTTPClient
import Certification
import CertifyServer
import ConnectorPackage
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import SubmissionStore

/// `certify bench console`: the console's pages timed over real HTTP on loopback against a
/// store of many submissions, with the API's answers for the same data as the baseline.
struct ConsoleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Time the console's queue and submission pages over HTTP against a seeded store.",
        discussion: """
            Seeds a fresh store with SUBMISSIONS submissions (one of them with FINDINGS findings in \
            its latest run), serves it on loopback, and requests each page REQUESTS times, one at a \
            time. Prints p50, p99 and max per page, and the ratio of each console page to the API \
            answer for the same data (the JSON queue page; the HTML report of the same submission), \
            measured in the same run. Use a release build for figures to quote:
              swift build -c release && .build/release/certify bench console
            """)

    @Option(help: "Submissions in the store.")
    var submissions: Int = 10_000

    @Option(help: "Findings in the big submission's latest run.")
    var findings: Int = 1_000

    @Option(help: "Requests per page.")
    var requests: Int = 200

    @Option(help: "Loopback port to serve on.")
    var port: Int = 18099

    func validate() throws {
        guard (1...200_000).contains(submissions) else { throw ValidationError("--submissions must be from 1 to 200000") }
        guard (0...100_000).contains(findings) else { throw ValidationError("--findings must be from 0 to 100000") }
        guard (10...100_000).contains(requests) else { throw ValidationError("--requests must be from 10 to 100000") }
    }

    func run() async throws {
        // Redirects are not followed: the sign-in's 303 carries the session cookie.
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        do {
            try await measure(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func measure(_ client: HTTPClient) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certify-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.sqlite").path
        let store = try Store(path: path)
        let clock = ContinuousClock()
        var bigId = ""
        let seedStart = clock.now
        bigId = try await seed(store)
        let seeding = clock.now - seedStart
        print("seeded \(submissions) submissions (one with \(findings) findings) in \(format(seeding))")

        let token = try await store.createToken(role: .admin, publisher: nil, label: "bench")
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port, databasePath: path, logLevel: .warning)
        configuration.connectionTimeouts = ConnectionTimeouts()
        // Critical only: cancelling the server at the end logs its open connections as errors.
        var logger = quietLogger()
        logger.logLevel = .critical
        let app = try await buildApplication(configuration, store: store, runWorkers: false, logger: logger)
        let server = Task { try await app.run() }
        defer { server.cancel() }
        let base = "http://127.0.0.1:\(port)"
        try await waitForHealth(base, client)
        let cookie = try await signIn(base, token: token, client)

        let pages: [(String, String, [(String, String)])] = [
            ("console queue (first page of open)", "/queue", [("Cookie", cookie)]),
            ("API queue (JSON, same page)", "/v1/queue?limit=50", [("Authorization", "Bearer \(token)")]),
            ("console submission (\(findings) findings)", "/submissions/\(bigId)", [("Cookie", cookie)]),
            ("API HTML report (same submission)", "/v1/submissions/\(bigId)/report?format=html", [("Authorization", "Bearer \(token)")]),
        ]
        var results: [(String, [Double])] = []
        for (label, path, headers) in pages {
            // One warm-up request, then the timed ones; each page in turn, on the same server.
            _ = try await fetch(base + path, headers: headers, client)
            var times: [Double] = []
            for _ in 0..<requests {
                let start = clock.now
                let status = try await fetch(base + path, headers: headers, client)
                times.append(milliseconds(clock.now - start))
                guard status == 200 else { throw fail("\(path) answered \(status)") }
            }
            results.append((label, times.sorted()))
        }
        print("requests per page: \(requests), one at a time, over loopback HTTP/1.1")
        for (label, times) in results {
            print(
                label.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(
                        format: " p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms", percentile(times, 0.5), percentile(times, 0.99),
                        times.last ?? 0))
        }
        print(
            String(
                format: "ratio console queue / API queue (p99):           %5.2fx",
                percentile(results[0].1, 0.99) / percentile(results[1].1, 0.99)))
        print(
            String(
                format: "ratio console submission / API HTML report (p99): %5.2fx",
                percentile(results[2].1, 0.99) / percentile(results[3].1, 0.99)))
    }

    /// The big submission first (its run completed with `findings` findings), then the rest;
    /// every tenth of those has a finished run with a few findings, so queue rows have counts.
    func seed(_ store: Store) async throws -> String {
        let swagger =
            #"{"swagger":"2.0","info":{"title":"Bench","version":"1.0","description":"A connector."},"host":"api.example.com","basePath":"/","schemes":["https"],"paths":{}}"#
        let package = ConnectorPackage(
            name: "bench",
            files: [
                PackageFile(path: "apiDefinition.swagger.json", bytes: Array(swagger.utf8)),
                PackageFile(path: "apiProperties.json", bytes: Array(#"{"properties":{"publisher":"Bench"}}"#.utf8)),
            ])
        let zip = try package.zipData()
        func upload(_ index: Int) -> Store.Upload {
            Store.Upload(
                zip: zip, contentSha256: package.contentHash, connector: String(format: "Bench connector %05d", index),
                fileName: "bench.zip", stages: ["package", "schema", "policy"], rulesetVersion: "bench", toolVersion: "bench")
        }
        let severities: [Severity] = [.error, .warning, .warning, .info]
        func complete(_ count: Int) async throws {
            guard let job = try await store.claimNextJob(owner: "bench", leaseSeconds: 600) else { return }
            let items = (0..<count).map { n in
                Finding(
                    ruleId: ["mime-types", "type-format", "description-sentence", "summary-length"][n % 4],
                    severity: severities[n % 4], stage: "schema",
                    message: "Finding \(n): the property at this place does not follow the rule <b>as written</b>.",
                    file: "apiDefinition.swagger.json", pointer: "/paths/~1items~1\(n)/get", line: n + 1, column: 5,
                    operation: "Get\(n)", signature: "\(n)")
            }
            try await store.completeRun(
                job,
                result: PackageResult(path: "bench", stages: [StageResult(name: "schema", status: .failed, durationMs: 1, findings: items)])
            )
        }
        let big = try await store.createSubmission(publisher: "Bench", actor: "submitter:bench", upload: upload(0))
        try await complete(findings)
        for index in 1..<submissions {
            _ = try await store.createSubmission(publisher: "Publisher \(index % 40)", actor: "submitter:bench", upload: upload(index))
            if index % 10 == 0 { try await complete(5) }
        }
        return big.id
    }

    func waitForHealth(_ base: String, _ client: HTTPClient) async throws {
        for _ in 0..<100 {
            if (try? await fetch(base + "/health", headers: [], client)) == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw fail("the bench server did not start on \(base)")
    }

    /// Signs in as a browser does; returns the session cookie.
    func signIn(_ base: String, token: String, _ client: HTTPClient) async throws -> String {
        let first = try await client.execute(HTTPClientRequest(url: base + "/"), timeout: .seconds(30))
        _ = try await first.body.collect(upTo: 1 << 20)
        guard let signIn = first.headers["Set-Cookie"].first?.split(separator: ";").first else {
            throw fail("the sign-in page set no cookie")
        }
        let csrf = signIn.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
        var request = HTTPClientRequest(url: base + "/sign-in")
        request.method = .POST
        request.headers.add(name: "Cookie", value: String(signIn))
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "_csrf=\(csrf)&token=\(token)"))
        let answer = try await client.execute(request, timeout: .seconds(30))
        let body = try await answer.body.collect(upTo: 1 << 20)
        guard let session = answer.headers["Set-Cookie"].first(where: { $0.hasPrefix("certify_session=") }) else {
            throw fail("sign-in answered \(answer.status.code) without a session: \(String(buffer: body).prefix(2000))")
        }
        return String(session.split(separator: ";")[0])
    }

    func fetch(_ url: String, headers: [(String, String)], _ client: HTTPClient) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 256 << 20)
        return Int(response.status.code)
    }

    func format(_ duration: Duration) -> String { String(format: "%.1f s", milliseconds(duration) / 1000) }
}
