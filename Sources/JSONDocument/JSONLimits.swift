/// Limits that protect the parser and its callers from hostile input.
public struct JSONLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted. The root container is at depth 1.
    /// An opening bracket that would exceed it fails with `depthLimitExceeded` at that bracket.
    /// The parser itself is iterative and never runs out of stack, but consumers usually walk
    /// the tree recursively, and releasing a tree is recursive too: keep this modest.
    public var maximumDepth: Int

    public init(maximumDepth: Int = 512) {
        self.maximumDepth = maximumDepth
    }

    public static let `default` = JSONLimits()
}
