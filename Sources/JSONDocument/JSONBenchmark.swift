/// Throughput measurement of the parser (for a `benchmark` command that compares it with other
/// parsers over the same bytes). No Foundation: the clock is the standard library's.
public enum JSONBenchmark {
    public struct Measurement: Sendable {
        /// Bytes parsed in one pass over all inputs.
        public var bytes: Int
        public var iterations: Int
        /// The fastest pass.
        public var bestSeconds: Double
        /// Inputs that failed to parse, in one pass.
        public var failures: Int

        /// Decimal megabytes (10^6 bytes) per second of the fastest pass.
        public var megabytesPerSecond: Double {
            bestSeconds > 0 ? Double(bytes) / 1_000_000 / bestSeconds : .infinity
        }
    }

    /// Times `JSONDocument.parse` over every input, `iterations` passes, and keeps the fastest.
    /// The documents are released inside the timed pass, as a real caller would.
    public static func run(inputs: [[UInt8]], iterations: Int, limits: JSONLimits = .default) -> Measurement {
        run(inputs: inputs, iterations: iterations) { bytes in
            switch bytes.withUnsafeBufferPointer({ JSONDocument.parse(buffer: $0, limits: limits) }) {
            case .success: return true
            case .failure: return false
            }
        }
    }

    /// Times any parser over the same inputs; `parse` returns false when an input fails.
    public static func run(inputs: [[UInt8]], iterations: Int, parse: ([UInt8]) -> Bool) -> Measurement {
        let clock = ContinuousClock()
        var best = Duration.seconds(Int64.max)
        var failures = 0
        for _ in 0..<max(iterations, 1) {
            failures = 0
            let start = clock.now
            for input in inputs where !parse(input) {
                failures += 1
            }
            best = min(best, clock.now - start)
        }
        let (seconds, attoseconds) = best.components
        return Measurement(
            bytes: inputs.reduce(0) { $0 + $1.count }, iterations: max(iterations, 1),
            bestSeconds: Double(seconds) + Double(attoseconds) / 1e18, failures: failures)
    }
}
