import Foundation
import SubmissionStore

/// The filter of the reviewers' queue and of a caller's submissions, as a person writes it (the
/// API's query parameters, a console's form fields): checked here, every refusal naming the
/// parameter it is about.
public struct QueueQuery: Sendable, Hashable {
    /// States, each value one name or a comma list; `all` alone for every state.
    public var states: [String]
    public var publisher: String?
    public var assignee: String?
    /// An age such as 90, 90s, 15m, 4h, 2d or 1.5h.
    public var minAge: String?
    /// Items per page, 1 to `QueueFilter.maximumLimit`.
    public var limit: String?
    /// The `nextCursor` of the previous page.
    public var cursor: String?

    public init(
        states: [String] = [], publisher: String? = nil, assignee: String? = nil, minAge: String? = nil,
        limit: String? = nil, cursor: String? = nil
    ) {
        self.states = states
        self.publisher = publisher
        self.assignee = assignee
        self.minAge = minAge
        self.limit = limit
        self.cursor = cursor
    }

    /// The largest `minAge`: ten years.
    public static let maximumAgeSeconds: Double = 3650 * 86400

    /// The store's filter; `defaultStates` when no state is named.
    public func filter(defaultStates: [String]) throws -> QueueFilter {
        var filter = QueueFilter(states: defaultStates)
        let known = SubmissionState.allCases.map(\.rawValue)
        let states = try states.flatMap { value in
            let names = value.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if names.contains("") {
                throw UseCaseError.invalid("state '\(messageExcerpt(value))' has an empty name in its comma list")
            }
            return names
        }
        if states.contains("all") {
            guard Set(states) == ["all"] else {
                throw UseCaseError.invalid("state 'all' means every state; it does not combine with other states")
            }
            filter.states = []
        } else if !states.isEmpty {
            for state in states where !known.contains(state) {
                throw UseCaseError.invalid(
                    "state '\(messageExcerpt(state))' is not one of: all, \(known.sorted().joined(separator: ", "))")
            }
            filter.states = Array(Set(states)).sorted()
        }
        filter.publisher = publisher
        filter.assignee = assignee
        if let text = minAge {
            guard let seconds = Self.parseAge(text) else {
                throw UseCaseError.invalid(
                    "minAge '\(messageExcerpt(text))' is not an age such as 90, 90s, 15m, 4h or 2d (a whole or decimal number of seconds, minutes, hours or days, at most \(Int(Self.maximumAgeSeconds / 86400))d)"
                )
            }
            filter.minimumAgeSeconds = seconds
        }
        if let text = limit {
            guard text.utf8.allSatisfy({ (48...57).contains($0) }), text.utf8.count <= 6, let limit = Int(text),
                (1...QueueFilter.maximumLimit).contains(limit)
            else {
                throw UseCaseError.invalid(
                    "limit '\(messageExcerpt(text))' is not an integer from 1 to \(QueueFilter.maximumLimit)")
            }
            filter.limit = limit
        }
        if let cursor {
            guard Store.isIssuedCursor(cursor) else {
                throw UseCaseError.invalid(
                    "cursor '\(messageExcerpt(cursor))' is not a cursor this server issued: pass the nextCursor of the previous page unchanged"
                )
            }
            filter.cursor = cursor
        }
        return filter
    }

    /// Seconds from "90", "90s", "15m", "4h", "2d" or "1.5h": ASCII digits with at most one
    /// decimal point, an optional unit, and no more than `maximumAgeSeconds`.
    public static func parseAge(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(text)
        var unit: Double = 1
        if let last = text.last, let scale = units[last] {
            number = number.dropLast()
            unit = scale
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !number.isEmpty, number.count <= 16, parts.allSatisfy({ !$0.isEmpty }),
            number.utf8.allSatisfy({ (48...57).contains($0) || $0 == 46 }), parts.count <= 2,
            let value = Double(number)
        else { return nil }
        let seconds = value * unit
        guard seconds.isFinite, seconds <= maximumAgeSeconds else { return nil }
        return seconds
    }
}
