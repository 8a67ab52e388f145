import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import XCTest

@testable import CertifyServer

/// Slow clients (issue 11, defect 9): a connection trickling its request head is closed once
/// `requestHeadTimeout` has passed without a complete head, and an idle kept-alive connection
/// after `idleTimeout`. Raw TCP, because an HTTP client never sends a head this slowly.
final class ConnectionTimeoutTests: XCTestCase {
    struct Outcome {
        /// What the server sent.
        var received: String
        /// When the server closed the connection, from the connection's start; nil if it was
        /// still open at the end.
        var closedAfter: Duration?
    }

    /// Connects, then sends each step's bytes after its delay, and waits until the server closes
    /// the connection or `limit` has passed.
    static func converse(
        port: Int, steps: [(delay: Duration, bytes: String)], limit: Duration = .seconds(10)
    ) async throws -> Outcome {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "localhost", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let start = ContinuousClock.now
        let received = Box()
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    do {
                        for try await buffer in inbound {
                            received.append(String(buffer: buffer))
                        }
                    } catch {}
                    return Outcome(received: received.value, closedAfter: ContinuousClock.now - start)
                }
                group.addTask {
                    for step in steps {
                        try await Task.sleep(for: step.delay)
                        do {
                            try await outbound.write(ByteBuffer(string: step.bytes))
                        } catch {
                            return nil  // closed by the server
                        }
                    }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return Outcome(received: received.value, closedAfter: nil)
                }
                var outcome: Outcome?
                while outcome == nil, let next = try await group.next() {
                    outcome = next
                }
                channel.channel.close(promise: nil)
                group.cancelAll()
                return outcome!
            }
        }
    }

    final class Box: Sendable {
        private let text = Mutex("")
        func append(_ more: String) { text.withLock { $0 += more } }
        var value: String { text.withLock { $0 } }
    }

    /// One byte at a time, `interval` apart.
    static func trickle(_ text: String, every interval: Duration) -> [(delay: Duration, bytes: String)] {
        text.map { (interval, String($0)) }
    }

    static func seconds(_ duration: Duration?) -> Double {
        guard let duration else { return .infinity }
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func testATricklingRequestHeadIsClosedAfterTheHeadTimeout() async throws {
        let f = try await makeServerFixture(
            connectionTimeouts: ConnectionTimeouts(requestHeadTimeout: .seconds(1), idleTimeout: .seconds(4)))
        try await f.app.test(.live) { client in
            let port = try XCTUnwrap(client.port)

            // A head trickled a byte every 200 ms, never finished: closed after about 1 s, well
            // before the idle timeout (bytes keep coming, but no part of a request is complete).
            let trickled = try await Self.converse(
                port: port,
                steps: [(.zero, "GET /health HTTP/1.1\r\nHost: localhost\r\n")]
                    + Self.trickle("X-Slow: " + String(repeating: "z", count: 40), every: .milliseconds(200)))
            let closed = Self.seconds(trickled.closedAfter)
            XCTAssertTrue((0.8...2.5).contains(closed), "closed after \(closed) s")
            XCTAssertEqual(trickled.received, "", "no response to a head never completed")

            // A slow head completed within the bound is answered; the connection, kept alive and
            // idle, is then left to the idle timeout, not the head timeout.
            let slow = try await Self.converse(
                port: port,
                steps: [(.zero, "GET /health HTTP/1.1\r\n")]
                    + Self.trickle("Host: localhost\r\n\r\n", every: .milliseconds(30)))
            XCTAssertTrue(slow.received.hasPrefix("HTTP/1.1 200"), slow.received)
            let idle = Self.seconds(slow.closedAfter)
            XCTAssertTrue((3.5...8).contains(idle), "an idle kept-alive connection closed after \(idle) s")

            // On a kept-alive connection, the next head's deadline starts with its first byte.
            let second = try await Self.converse(
                port: port,
                steps: [(.zero, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), (.milliseconds(500), "G")]
                    + Self.trickle("ET /health HTTP/1.1\r\nHost: localhost\r\n", every: .milliseconds(200)))
            XCTAssertEqual(second.received.components(separatedBy: "HTTP/1.1 200").count - 1, 1, second.received)
            let next = Self.seconds(second.closedAfter)
            XCTAssertTrue((1.3...3.5).contains(next), "a trickled second head closed after \(next) s")
        }
    }

    /// `certify serve --request-head-timeout` and `--idle-timeout` reach the server.
    func testServeTakesTheTimeoutsAsOptions() async throws {
        let refused = try CheckCommandTests.run(["serve", "--request-head-timeout", "0"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--request-head-timeout"), refused.stderr)

        let port = try Self.freePort()
        let database = TestPaths.temporaryDatabase()
        let process = Process()
        process.executableURL = CheckCommandTests.binary
        process.arguments = [
            "serve", "--db", database, "--port", "\(port)", "--request-head-timeout", "1", "--idle-timeout", "30",
            "--log-level", "error",
        ]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Wait until it serves.
        var up = false
        for _ in 0..<100 where !up {
            let probe = try? await Self.converse(
                port: port, steps: [(.zero, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")],
                limit: .seconds(2))
            up = probe?.received.hasPrefix("HTTP/1.1 200") == true
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        XCTAssertTrue(up, "certify serve did not start")
        let trickled = try await Self.converse(
            port: port, steps: Self.trickle("GET /health HTTP/1.1\r\nHost: localhost\r\n", every: .milliseconds(200)))
        let closed = Self.seconds(trickled.closedAfter)
        XCTAssertTrue((0.8...2.5).contains(closed), "closed after \(closed) s")
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).wait()
        let port = try XCTUnwrap(channel.localAddress?.port)
        try channel.close().wait()
        return port
    }
}
