#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address, v4 or v6, as bytes.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// Parses a literal ("10.0.0.1", "::1", "[::ffff:10.0.0.1]").
    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .v4(let b): return b.map(String.init).joined(separator: ".")
        case .v6(let b):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: b) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The text to put in a URL's host.
    public var urlHost: String {
        switch self {
        case .v4: description
        case .v6: "[\(description)]"
        }
    }
}

/// Why an address is not on the public internet.
public enum AddressClass: String, Sendable, Hashable {
    case publicInternet = "public"
    case loopback
    case privateNetwork = "private"
    case linkLocal = "link-local"
    case sharedCGNAT = "cgnat"
    case multicast
    case cloudMetadata = "cloud-metadata"
    case unspecified, reserved, broadcast

    public var isPublic: Bool { self == .publicInternet }
}

public enum AddressPolicy {
    /// Classifies an address. IPv4 embedded in IPv6 (mapped ::ffff:0:0/96, compatible ::/96,
    /// NAT64 64:ff9b::/96, 6to4 2002::/16) is classified as the IPv4 address it carries.
    public static func classify(_ address: IPAddress) -> AddressClass {
        switch address {
        case .v4(let b): return classifyV4(b)
        case .v6(let b): return classifyV6(b)
        }
    }

    static func classifyV4(_ b: [UInt8]) -> AddressClass {
        guard b.count == 4 else { return .reserved }
        let (a, c) = (b[0], b[1])
        if b == [169, 254, 169, 254] || b == [100, 100, 100, 200] || b == [192, 0, 0, 192] { return .cloudMetadata }
        if b == [255, 255, 255, 255] { return .broadcast }
        switch a {
        case 0: return .unspecified  // 0.0.0.0/8 "this network"
        case 10: return .privateNetwork
        case 127: return .loopback
        case 169 where c == 254: return .linkLocal
        case 172 where (16...31).contains(c): return .privateNetwork
        case 192 where c == 168: return .privateNetwork
        case 100 where (64...127).contains(c): return .sharedCGNAT  // 100.64.0.0/10
        case 192 where c == 0 && b[2] == 0: return .reserved  // 192.0.0.0/24 IETF
        case 198 where c == 18 || c == 19: return .reserved  // benchmarking
        case 224...239: return .multicast
        case 240...255: return .reserved
        default: return .publicInternet
        }
    }

    static func classifyV6(_ b: [UInt8]) -> AddressClass {
        guard b.count == 16 else { return .reserved }
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0xff && b[11] == 0xff { return classifyV4(Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0..<12].allSatisfy({ $0 == 0 }) {
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }  // ::1
            if b[12..<16].allSatisfy({ $0 == 0 }) { return .unspecified }  // ::
            return classifyV4(Array(b[12..<16]))  // ::a.b.c.d
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..<12].allSatisfy({ $0 == 0 }) {
            return classifyV4(Array(b[12..<16]))  // 64:ff9b::/96
        }
        if b[0] == 0x20 && b[1] == 0x02 { return classifyV4(Array(b[2..<6])) }  // 2002::/16 6to4
        if b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 { return .cloudMetadata }  // fd00:ec2::/32
        if b[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .privateNetwork }  // fec0::/10 site-local
        if b[0] == 0xff { return .multicast }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return .reserved }  // documentation
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // 100::/64 discard
        return .publicInternet
    }

    /// The addresses a host name resolves to (or the literal itself).
    public static func resolve(_ host: String) throws(OutboundError) -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            throw OutboundError(
                .unresolvable, "\(host): no such host (the name does not resolve: \(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sockaddr = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let address = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(.v4(withUnsafeBytes(of: address) { Array($0) }))
                } else if info.pointee.ai_family == AF_INET6 {
                    let address = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(.v6(withUnsafeBytes(of: address) { Array($0) }))
                }
            }
            cursor = info.pointee.ai_next
        }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}

/// Why an outbound call was refused or failed; the message says what and where.
public struct OutboundError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidURL = "invalid-url"
        case unresolvable
        case privateNetwork = "private-network"
        case tooManyRedirects = "too-many-redirects"
        case timeout
        case responseTooLarge = "response-too-large"
        case requestTooLarge = "request-too-large"
        case connection
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A loopback TCP port nothing listens on (bound, read, and closed again), for probing a dead
/// target: `certify bench probe` and the tests.
public enum UnusedLoopbackPort {
    /// The port, or nil when no socket could be bound.
    public static func find() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
