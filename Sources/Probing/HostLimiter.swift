import Foundation

/// Probe manners for the whole process: to one host (scheme, host and port), request starts are
/// spaced out and only a few requests are in flight at a time, however many probe runs call that
/// host at once. Every probe run uses `HostLimiter.shared`.
///
/// Runs may ask for different limits (`ProbeSettings.requestsPerSecond` and
/// `concurrencyPerHost`). A request starts only when that keeps within its own limits and those
/// of every request then in flight to the host, and only after both its own spacing and that of
/// the request started before it have passed: the strictest limits asked for apply. Requests
/// wait their turn in the order they asked.
///
/// The slot is held from the moment the request is let through until it is released: through
/// the spacing wait, the call and any redirects the call follows (which count against the first
/// host), but not through a wait for Retry-After.
actor HostLimiter {
    static let shared = HostLimiter()

    struct Limits: Sendable, Hashable {
        /// The least time between two request starts.
        var interval: Duration
        /// The most requests in flight.
        var concurrency: Int

        init(requestsPerSecond: Double, concurrency: Int) {
            interval = .nanoseconds(Int64(1_000_000_000 / max(requestsPerSecond, 0.01)))
            self.concurrency = max(1, concurrency)
        }
    }

    /// A request let through; give it back with `release`.
    struct Ticket: Sendable {
        let host: String
        let id: UInt64
    }

    private struct Waiter {
        var id: UInt64
        var limits: Limits
        var continuation: CheckedContinuation<ContinuousClock.Instant, Never>
    }

    private struct Host {
        var inFlight: [UInt64: Limits] = [:]
        var waiting: [Waiter] = []
        var lastStart: ContinuousClock.Instant?
        var lastInterval: Duration = .zero

        func admits(_ limits: Limits) -> Bool {
            let allowed = inFlight.values.reduce(limits.concurrency) { min($0, $1.concurrency) }
            return inFlight.count < allowed
        }

        /// Takes a slot; returns when the request may start.
        mutating func admit(_ id: UInt64, _ limits: Limits, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
            var start = now
            if let lastStart { start = max(now, lastStart + max(limits.interval, lastInterval)) }
            lastStart = start
            lastInterval = limits.interval
            inFlight[id] = limits
            return start
        }
    }

    private var hosts: [String: Host] = [:]
    private var lastId: UInt64 = 0

    /// The key requests to a URL share: scheme, host and port (the scheme's default when none is
    /// given), in lower case.
    static func key(_ url: String) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host?.lowercased() else {
            return url
        }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }

    /// Waits until a request to the host may start within the limits, and takes a slot.
    func acquire(_ url: String, _ limits: Limits) async -> Ticket {
        let key = Self.key(url)
        lastId += 1
        let id = lastId
        var host = hosts[key] ?? Host()
        let start: ContinuousClock.Instant
        if host.waiting.isEmpty, host.admits(limits) {
            start = host.admit(id, limits, now: .now)
            hosts[key] = host
        } else {
            start = await withCheckedContinuation { continuation in
                host.waiting.append(Waiter(id: id, limits: limits, continuation: continuation))
                hosts[key] = host
            }
        }
        if start > .now { try? await Task.sleep(until: start, clock: .continuous) }
        return Ticket(host: key, id: id)
    }

    /// Gives the slot back and lets the next waiting requests through.
    func release(_ ticket: Ticket) {
        guard var host = hosts[ticket.host] else { return }
        host.inFlight[ticket.id] = nil
        while let first = host.waiting.first, host.admits(first.limits) {
            host.waiting.removeFirst()
            first.continuation.resume(returning: host.admit(first.id, first.limits, now: .now))
        }
        let idle =
            host.inFlight.isEmpty && host.waiting.isEmpty
            && (host.lastStart.map { $0 + host.lastInterval <= .now } ?? true)
        hosts[ticket.host] = idle ? nil : host
    }

    /// Requests in flight to the host of a URL, and requests waiting for it (for tests).
    func load(_ url: String) -> (inFlight: Int, waiting: Int) {
        let host = hosts[Self.key(url)]
        return (host?.inFlight.count ?? 0, host?.waiting.count ?? 0)
    }
}
