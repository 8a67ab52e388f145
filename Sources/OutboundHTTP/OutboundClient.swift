import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The rules every call certify makes to someone else's server obeys (webhooks, probes).
public struct OutboundPolicy: Sendable, Hashable {
    /// Loopback, private, link-local, CGNAT, multicast and metadata addresses are refused unless
    /// this is set.
    public var allowPrivateNetwork: Bool
    public var requestTimeout: Duration
    public var maximumRedirects: Int
    /// Bytes of a response body kept; the rest is dropped and the response marked truncated.
    public var maximumResponseBytes: Int

    /// The longest URL sent (`maximumRequestURLBytes`), and the largest request head, URL and
    /// headers together (`maximumRequestHeadBytes`). Besides being what servers accept (most
    /// refuse heads over 8 to 16 KiB), a head larger than a socket buffer is written in several
    /// steps, and a peer that answers before it has read it all makes AsyncHTTPClient 1.37
    /// trap ("Waiting for response data must start after request head was sent"): an outbound
    /// call may fail, never take the process down.
    public static let maximumRequestURLBytes = 8 * 1024
    public static let maximumRequestHeadBytes = 16 * 1024
    /// The largest request body sent (`maximumRequestBodyBytes`).
    public static let maximumRequestBodyBytes = 1024 * 1024

    public init(
        allowPrivateNetwork: Bool = false, requestTimeout: Duration = .seconds(10), maximumRedirects: Int = 5,
        maximumResponseBytes: Int = 1024 * 1024
    ) {
        self.allowPrivateNetwork = allowPrivateNetwork
        self.requestTimeout = requestTimeout
        self.maximumRedirects = maximumRedirects
        self.maximumResponseBytes = maximumResponseBytes
    }
}

public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Headers that carry credentials besides Authorization and Cookie (an API key's header):
    /// none of them follows a redirect to another origin.
    public var credentialHeaders: Set<String>

    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        credentialHeaders: Set<String> = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.credentialHeaders = Set(credentialHeaders.map { $0.lowercased() })
    }
}

public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var truncated: Bool
    /// The URL that answered, after redirects.
    public var url: String
    /// The address connected to.
    public var address: IPAddress
    public var redirects: [String]
    public var durationMs: Double
}

/// Sends requests under an `OutboundPolicy`: the host is resolved once, every address it
/// resolves to is checked, the connection goes to the checked address (pinned, so a second DNS
/// answer cannot redirect it), and each redirect is checked the same way before it is followed.
public struct OutboundClient: Sendable {
    public var policy: OutboundPolicy

    public init(policy: OutboundPolicy = OutboundPolicy()) {
        self.policy = policy
    }

    /// Checks a URL against the policy and returns the address to connect to.
    public func vet(_ url: String) throws(OutboundError) -> (URL, IPAddress) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else {
            throw OutboundError(.invalidURL, "\(url): not an absolute http or https URL")
        }
        // URL takes any digits as a port; AsyncHTTPClient's `in_port_t(port)` traps past 65535.
        if let port = parsed.port, !(0...65535).contains(port) {
            throw OutboundError(.invalidURL, "\(url): port \(port) is not a TCP port (0 to 65535)")
        }
        let addresses = try AddressPolicy.resolve(host)
        guard let first = addresses.first else {
            throw OutboundError(.unresolvable, "\(host): no such host (the name resolves to no address)")
        }
        if !policy.allowPrivateNetwork {
            for address in addresses {
                let kind = AddressPolicy.classify(address)
                if !kind.isPublic {
                    throw OutboundError(
                        .privateNetwork,
                        "\(host) resolves to \(address), a \(kind.rawValue) address: refused (allow private networks to call it)")
                }
            }
        }
        return (parsed, first)
    }

    public func send(_ request: OutboundRequest) async throws(OutboundError) -> OutboundResponse {
        let clock = ContinuousClock()
        let start = clock.now
        var current = request
        var redirects: [String] = []
        while true {
            try Self.checkSize(current)
            let (url, address) = try vet(current.url)
            let (status, headers, body, truncated) = try await exchange(current, url: url, address: address)
            if [301, 302, 303, 307, 308].contains(status),
                let location = headers.first(where: { $0.0.lowercased() == "location" })?.1
            {
                guard redirects.count < policy.maximumRedirects else {
                    throw OutboundError(
                        .tooManyRedirects, "\(request.url): more than \(policy.maximumRedirects) redirects (maximumRedirects)")
                }
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL.absoluteString else {
                    throw OutboundError(.invalidURL, "\(current.url): redirect to an invalid Location '\(location)'")
                }
                redirects.append(next)
                // Credentials are for the origin they were given for: a redirect elsewhere (another
                // host, port or scheme, https to http included) goes without them.
                if let target = URL(string: next), !Self.sameOrigin(url, target) {
                    let sensitive = current.credentialHeaders.union(["authorization", "cookie", "proxy-authorization"])
                    current.headers.removeAll { sensitive.contains($0.0.lowercased()) }
                }
                if status == 303 || ((status == 301 || status == 302) && current.method == "POST") {
                    current.method = "GET"
                    current.body = nil
                }
                current.url = next
                continue
            }
            return OutboundResponse(
                status: status, headers: headers, body: body, truncated: truncated, url: current.url, address: address,
                redirects: redirects, durationMs: (clock.now - start).milliseconds)
        }
    }

    /// Refuses a request larger than the named limits before anything is sent.
    static func checkSize(_ request: OutboundRequest) throws(OutboundError) {
        let urlBytes = request.url.utf8.count
        if urlBytes > OutboundPolicy.maximumRequestURLBytes {
            throw OutboundError(
                .requestTooLarge,
                "the URL is \(urlBytes) bytes, over the limit of \(OutboundPolicy.maximumRequestURLBytes) (maximumRequestURLBytes): not sent"
            )
        }
        let headBytes = urlBytes + request.method.utf8.count + request.headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 }
        if headBytes > OutboundPolicy.maximumRequestHeadBytes {
            throw OutboundError(
                .requestTooLarge,
                "the request line and headers are \(headBytes) bytes, over the limit of \(OutboundPolicy.maximumRequestHeadBytes) (maximumRequestHeadBytes): not sent"
            )
        }
        if let body = request.body, body.count > OutboundPolicy.maximumRequestBodyBytes {
            throw OutboundError(
                .requestTooLarge,
                "the request body is \(body.count) bytes, over the limit of \(OutboundPolicy.maximumRequestBodyBytes) (maximumRequestBodyBytes): not sent"
            )
        }
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && port(a) == port(b)
    }

    func exchange(_ request: OutboundRequest, url: URL, address: IPAddress) async throws(OutboundError)
        -> (Int, [(String, String)], [UInt8], Bool)
    {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        if let host = url.host, IPAddress(host) == nil {
            configuration.dnsOverride = [host: address.description]
        }
        let timeout = TimeAmount.nanoseconds(Int64(policy.requestTimeout.milliseconds * 1_000_000))
        configuration.timeout = .init(connect: timeout, read: timeout)
        // A refused or unreachable address fails at once: AsyncHTTPClient would otherwise retry the
        // connection with backoff until the whole timeout has passed (10 s a call). Retries are
        // the caller's policy (429 and 503 with Retry-After), not the pool's.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var outgoing = HTTPClientRequest(url: url.absoluteString)
            outgoing.method = HTTPMethod(rawValue: request.method)
            for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
            if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await client.execute(outgoing, timeout: timeout)
            var body: [UInt8] = []
            var truncated = false
            for try await chunk in response.body {
                let room = policy.maximumResponseBytes - body.count
                if chunk.readableBytes > room {
                    body += chunk.readableBytesView.prefix(max(0, room))
                    truncated = true
                    break
                }
                body += chunk.readableBytesView
            }
            let headers = response.headers.map { ($0.name, $0.value) }
            try? await client.shutdown()
            return (Int(response.status.code), headers, body, truncated)
        } catch let error as OutboundError {
            try? await client.shutdown()
            throw error
        } catch {
            try? await client.shutdown()
            if let clientError = error as? HTTPClientError,
                clientError == .deadlineExceeded || clientError == .readTimeout
                    || clientError == .connectTimeout
            {
                throw OutboundError(.timeout, "\(url.absoluteString): no answer within \(policy.requestTimeout) (requestTimeout)")
            }
            throw OutboundError(.connection, "\(url.absoluteString): \(Self.describe(error))")
        }
    }

    /// A connection failure in the words a person uses: "connection refused", not NIO's
    /// "connection reset (error set): Connection refused) (errno: 111)".
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if let io = error as? IOError, let words = words(errno: io.errnoCode) { return words }
        if let range = text.range(of: "errno: "), let number = Int32(text[range.upperBound...].prefix { $0.isNumber }),
            let words = words(errno: number)
        {
            return words
        }
        return text
    }

    static func words(errno: Int32) -> String? {
        switch errno {
        case ECONNREFUSED: "connection refused (nothing listens at that address and port)"
        case ECONNRESET: "connection reset by the server"
        case EHOSTUNREACH: "no route to the host"
        case ENETUNREACH: "the network is unreachable"
        case ETIMEDOUT: "the connection timed out"
        default: nil
        }
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
