/// The arithmetic the benchmarks share.

/// A duration in milliseconds.
func milliseconds(_ duration: Duration) -> Double {
    let (s, atto) = duration.components
    return Double(s) * 1000 + Double(atto) / 1e15
}

/// A duration in seconds, never quite zero (figures divide by it).
func seconds(_ duration: Duration) -> Double {
    max(milliseconds(duration) / 1000, 1e-9)
}

/// The `p` quantile (0...1) of samples sorted in increasing order; 0 for none.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}
