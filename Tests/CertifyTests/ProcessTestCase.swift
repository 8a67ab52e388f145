import Foundation
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Tests that run `certify` processes: each launched with its standard error in a log, and
/// every one still running ended at tear-down.
class ProcessTestCase: XCTestCase {
    var processes: [Process] = []

    override func tearDown() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
        processes = []
    }

    /// The debug `certify` binary, or a skip that says how to build it.
    func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: CheckCommandTests.binary.path) else {
            throw XCTSkip("the certify binary is not at \(CheckCommandTests.binary.path); build it with 'swift build' first")
        }
    }

    func launch(_ arguments: [String], environment: [String: String] = [:], log: String) throws -> Process {
        let process = Process()
        process.executableURL = CheckCommandTests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        processes.append(process)
        return process
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "no certify server started: \(log)" }
    }

    /// `certify serve ARGUMENTS` on a free loopback port, once it answers /health: the process
    /// and its base URL. Another port is tried when the server cannot listen on the one drawn.
    func startServer(_ arguments: [String], environment: [String: String] = [:], log: String) async throws -> (Process, String) {
        for _ in 0..<3 {
            let port = Int.random(in: 20_000..<40_000)
            let base = "http://127.0.0.1:\(port)"
            let server = try launch(["serve", "--port", "\(port)"] + arguments, environment: environment, log: log)
            for _ in 0..<150 where server.isRunning {
                try await Task.sleep(for: .milliseconds(100))
                if let (status, _) = try? await Self.request("GET", "\(base)/health", token: ""), status == 200 {
                    return (server, base)
                }
            }
        }
        throw ServerDidNotStart(log: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func request(_ method: String, _ url: String, token: String, body: Data? = nil) async throws -> (Int, [String: Any]) {
        try await Self.request(method, url, token: token, body: body)
    }

    /// One HTTP request with a bearer token (and a zip body): its status and JSON object.
    static func request(_ method: String, _ url: String, token: String, body: Data? = nil) async throws -> (Int, [String: Any]) {
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.timeoutInterval = 60
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/zip", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }
}
