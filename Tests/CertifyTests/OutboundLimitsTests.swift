import Foundation
import XCTest

@testable import OutboundHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// A peer that answers 413 as soon as a request starts arriving, without reading the rest: with
/// a request head of hundreds of KiB, AsyncHTTPClient 1.37 trapped ("Waiting for response data
/// must start after request head was sent") and took the process with it (issue 11, defect 5).
final class EarlyAnsweringPeer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            port = 0
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let fd = listener
        Thread.detachNewThread {
            while true {
                let connection = accept(fd, nil, nil)
                if connection < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 16)
                _ = read(connection, &buffer, buffer.count)
                let answer = "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = answer.withCString { write(connection, $0, strlen($0)) }
                usleep(100_000)
                close(connection)
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

final class OutboundLimitsTests: XCTestCase {
    let client = OutboundClient(policy: OutboundPolicy(allowPrivateNetwork: true, requestTimeout: .seconds(5)))

    func testEachRequestLimitAtItsEdge() {
        let base = "http://127.0.0.1/"
        let exact = base + String(repeating: "a", count: OutboundPolicy.maximumRequestURLBytes - base.utf8.count)
        XCTAssertNoThrow(try OutboundClient.checkSize(OutboundRequest(url: exact)))
        XCTAssertThrowsError(try OutboundClient.checkSize(OutboundRequest(url: exact + "a"))) { error in
            XCTAssertEqual((error as? OutboundError)?.kind, .requestTooLarge)
            XCTAssertTrue("\(error)".contains("maximumRequestURLBytes"), "\(error)")
        }
        let body = [UInt8](repeating: 0, count: OutboundPolicy.maximumRequestBodyBytes)
        XCTAssertNoThrow(try OutboundClient.checkSize(OutboundRequest(method: "POST", url: base, body: body)))
        XCTAssertThrowsError(try OutboundClient.checkSize(OutboundRequest(method: "POST", url: base, body: body + [0]))) { error in
            XCTAssertTrue("\(error)".contains("maximumRequestBodyBytes"), "\(error)")
        }
        let header = ("X-Big", String(repeating: "h", count: OutboundPolicy.maximumRequestHeadBytes))
        XCTAssertThrowsError(try OutboundClient.checkSize(OutboundRequest(url: base, headers: [header]))) { error in
            XCTAssertTrue("\(error)".contains("maximumRequestHeadBytes"), "\(error)")
        }
    }

    /// The reproduction: a 2 MB URL to a peer that answers early is refused before sending.
    /// A port nothing listens on: bound, read, and closed again.
    static func closedPort() throws -> Int {
        guard let port = UnusedLoopbackPort.find() else { throw XCTSkip("cannot bind a loopback port") }
        return port
    }

    func testARefusedConnectionFailsAtOnceInPlainWords() async throws {
        let port = try Self.closedPort()
        let start = ContinuousClock.now
        do {
            _ = try await client.send(OutboundRequest(url: "http://127.0.0.1:\(port)/hook"))
            XCTFail("nothing listens on \(port)")
        } catch {
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.message.hasSuffix(": connection refused (nothing listens at that address and port)"), error.message)
            XCTAssertFalse(error.message.contains("errno"), error.message)
        }
        // Not the 5 s request timeout: AsyncHTTPClient's connection retries are off.
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testAHugeURLIsRefusedNotSent() async throws {
        let peer = try EarlyAnsweringPeer()
        let url = "http://127.0.0.1:\(peer.port)/hook?x=" + String(repeating: "y", count: 2_000_000)
        do {
            _ = try await client.send(OutboundRequest(method: "POST", url: url, body: Array("{}".utf8)))
            XCTFail("a 2 MB URL was sent")
        } catch {
            XCTAssertEqual(error.kind, .requestTooLarge)
        }
    }

    /// Requests just within the limits, against the early peer, many times: each one answers
    /// or fails, and the process stays up.
    func testRequestsWithinTheLimitsSurviveAnEarlyAnswer() async throws {
        let peer = try EarlyAnsweringPeer()
        let path = "http://127.0.0.1:\(peer.port)/x?q="
        let url = path + String(repeating: "y", count: OutboundPolicy.maximumRequestURLBytes - path.utf8.count)
        let body = [UInt8](repeating: UInt8(ascii: "b"), count: OutboundPolicy.maximumRequestBodyBytes)
        var answered = 0
        for _ in 0..<20 {
            do {
                let response = try await client.send(OutboundRequest(method: "POST", url: url, body: body))
                XCTAssertEqual(response.status, 413)
                answered += 1
            } catch {
                XCTAssertNotEqual(error.kind, .requestTooLarge, "\(error)")
            }
        }
        print("early answers: \(answered) of 20 requests got the 413, the rest failed as connection errors")
    }
}
