import Foundation

/// How a run probes a connector's API: where, with which credentials, within which limits.
/// Credentials are for one run: the server keeps them sealed until the run ends, and they are
/// redacted from every exchange, finding and log: by header name always; in free text in every
/// form an API may echo them in (JSON-escaped, percent-encoded, base64, the password of basic
/// credentials alone) when they are at least `SecretRedactor.minimumSecretLength` (3) characters
/// long, since shorter ones would mangle every text they appear in. See `SecretRedactor`.
public struct ProbeSettings: Codable, Sendable, Hashable {
    /// Overrides the swagger's scheme, host and basePath (and the probe plan's baseUrl).
    public var baseURL: String?
    /// By security definition name (as in the swagger's securityDefinitions), or by kind:
    /// `bearer` (an OAuth 2.0 access token), `basic` (`user:password`), `apiKey`.
    public var credentials: [String: String]
    /// Loopback, private, link-local, CGNAT, multicast and metadata targets are refused unless set.
    public var allowPrivateNetwork: Bool
    /// Per request.
    public var requestTimeoutSeconds: Double
    /// For the whole stage; operations not started by then are reported as not probed.
    public var totalBudgetSeconds: Double
    /// An answer slower than this is a `probe-slow` warning.
    public var latencyBudgetMilliseconds: Double
    /// Request starts per second to one host, counting the requests of every run in the process
    /// (when runs ask for different rates, the slowest applies; see `HostLimiter`).
    public var requestsPerSecond: Double
    /// Requests in flight to one host, counting the requests of every run in the process (when
    /// runs ask for different numbers, the smallest applies; see `HostLimiter`).
    public var concurrencyPerHost: Int
    /// Bytes of a response kept and checked.
    public var maximumResponseBytes: Int
    /// Retries after a 429 or 503 (honouring Retry-After).
    public var maximumRetries: Int
    /// The longest Retry-After honoured.
    public var maximumRetryAfterSeconds: Double
    public var maximumRedirects: Int
    /// Also send invalid input to operations that answered 2xx (`check --probe-negative`): a
    /// required parameter left out, a value of the wrong type, an enum value outside the list.
    /// nil (as in settings stored before it existed) is off.
    public var negativeInputs: Bool?

    public init(
        baseURL: String? = nil, credentials: [String: String] = [:], allowPrivateNetwork: Bool = false,
        requestTimeoutSeconds: Double = 10, totalBudgetSeconds: Double = 60, latencyBudgetMilliseconds: Double = 2000,
        requestsPerSecond: Double = 5, concurrencyPerHost: Int = 2, maximumResponseBytes: Int = 1024 * 1024,
        maximumRetries: Int = 2, maximumRetryAfterSeconds: Double = 30, maximumRedirects: Int = 5
    ) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.allowPrivateNetwork = allowPrivateNetwork
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.totalBudgetSeconds = totalBudgetSeconds
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.requestsPerSecond = requestsPerSecond
        self.concurrencyPerHost = concurrencyPerHost
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumRetries = maximumRetries
        self.maximumRetryAfterSeconds = maximumRetryAfterSeconds
        self.maximumRedirects = maximumRedirects
    }

    /// Parses `NAME=VALUE` as given to `--credential`.
    public static func credential(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        let value = String(text[text.index(after: equals)...])
        return value.isEmpty ? nil : (String(text[..<equals]), value)
    }
}
