import ArgumentParser
import Foundation
import Hummingbird
import Logging
import OutboundHTTP

/// `certify bench probe`: how long a probe call to a dead target takes (a refused connection
/// must fail at once, not wait out the request timeout), against a call answered by a live
/// server on loopback, measured in the same run.
struct ProbeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Time probe calls to a closed loopback port against calls a live loopback server answers.",
        discussion: """
            Serves a one-route API on loopback, then makes CALLS calls to it and CALLS calls to a \
            port nothing listens on, one at a time, through the probe's client (10 s request timeout). \
            Prints p50, p99 and max of each and the ratio of the refused call to the answered one. \
            The issue's aim: a refused connection fails in under 100 ms.

            Example:
              certify bench probe --calls 200
            """)

    @Option(help: "Calls of each kind.")
    var calls: Int = 100

    @Option(help: "Loopback port of the live server.")
    var port: Int = 18098

    func validate() throws {
        guard (10...100_000).contains(calls) else { throw ValidationError("--calls must be from 10 to 100000") }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
    }

    func run() async throws {
        let router = Router()
        router.get("ok") { _, _ in "{}" }
        var logger = Logger(label: "certify.bench")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        let server = Task { try await app.run() }
        defer { server.cancel() }
        let client = OutboundClient(policy: OutboundPolicy(allowPrivateNetwork: true, requestTimeout: .seconds(10)))
        // Wait for the server.
        for _ in 0..<100 {
            if (try? await client.send(OutboundRequest(url: "http://127.0.0.1:\(port)/ok"))) != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let closed = UnusedLoopbackPort.find() else { throw ValidationError("cannot bind a loopback port") }
        let clock = ContinuousClock()
        func time(_ url: String, expectFailure: Bool) async throws -> [Double] {
            var samples: [Double] = []
            for _ in 0..<calls {
                let start = clock.now
                do {
                    _ = try await client.send(OutboundRequest(url: url))
                    if expectFailure { throw ValidationError("\(url) answered; the port was meant to be closed") }
                } catch let error as OutboundError {
                    if !expectFailure { throw ValidationError("\(url): \(error.message)") }
                }
                let elapsed = clock.now - start
                samples.append(milliseconds(elapsed))
            }
            return samples.sorted()
        }
        let answered = try await time("http://127.0.0.1:\(port)/ok", expectFailure: false)
        let refused = try await time("http://127.0.0.1:\(closed)/ok", expectFailure: true)
        for (label, samples) in [("answered call (baseline)", answered), ("refused connection", refused)] {
            print(
                label.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(
                        format: "p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms", percentile(samples, 0.5), percentile(samples, 0.99),
                        samples.last ?? 0))
        }
        print(String(format: "ratio refused / answered (p99): %5.2fx", percentile(refused, 0.99) / percentile(answered, 0.99)))
        print(
            percentile(refused, 0.99) < 100
                ? "aim met: a refused connection fails in under 100 ms (p99)" : "aim missed: p99 is 100 ms or more")
    }
}
