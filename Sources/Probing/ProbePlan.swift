import ConnectorPackage
import JSONDocument

/// A probe plan: a file `probe-plan.json` at the root of the package that says how to call the
/// API's operations.
///
///     {
///       "baseUrl": "https://api.contoso.example/v1",
///       "operations": {
///         "GetForecast": { "parameters": { "place": "Oslo" }, "expectStatus": [200] },
///         "CreateItem":  { "allow": true, "parameters": { "body": { "name": "x" } }, "expectStatus": [201] },
///         "DeleteAll":   { "skip": true }
///       }
///     }
///
/// `parameters` gives values by parameter name (a body parameter takes a JSON value); `allow`
/// lets a mutating operation be called; `expectStatus` lists the statuses that count as success;
/// `skip` leaves an operation out.
public struct ProbePlan: Sendable {
    public struct Operation: Sendable {
        public var parameters: [String: JSONValue] = [:]
        public var allow = false
        public var skip = false
        public var expectStatus: [Int]?
        /// Send this operation invalid input too (`"negative": true`), whatever the run's settings.
        public var negative = false
        /// Parameters the probe leaves out even when it has a value for them (negative inputs).
        var omitted: Set<String> = []
    }

    public static let fileName = "probe-plan.json"

    public var baseURL: String?
    public var operations: [String: Operation] = [:]
    /// Stateful sequences of steps (see ProbeSequences.swift).
    public var sequences: [Sequence] = []

    public init() {}

    /// Problems with the plan, each with its pointer.
    public struct Problem: Sendable {
        public var message: String
        public var pointer: JSONPointer
    }

    /// Reads the plan's document; returns the plan and what was wrong with it.
    public static func read(_ document: JSONDocument, operationIds: Set<String>) -> (ProbePlan, [Problem]) {
        var plan = ProbePlan()
        var problems: [Problem] = []
        guard let root = document.root.object else {
            return (plan, [Problem(message: "The probe plan must be a JSON object.", pointer: .root)])
        }
        for member in root.members {
            let pointer = JSONPointer.root.appending(member.key)
            switch member.key {
            case "baseUrl":
                if let text = member.value.string {
                    plan.baseURL = text
                } else {
                    problems.append(Problem(message: "baseUrl must be a string (an absolute URL).", pointer: pointer))
                }
            case "operations":
                guard let operations = member.value.object else {
                    problems.append(Problem(message: "operations must be an object keyed by operationId.", pointer: pointer))
                    continue
                }
                for op in operations.members {
                    let opPointer = pointer.appending(op.key)
                    if !operationIds.contains(op.key) {
                        problems.append(Problem(message: "No operation has the operationId '\(op.key)'.", pointer: opPointer))
                    }
                    guard let fields = op.value.object else {
                        problems.append(Problem(message: "An operation's plan is an object.", pointer: opPointer))
                        continue
                    }
                    var entry = Operation()
                    for field in fields.members {
                        let fieldPointer = opPointer.appending(field.key)
                        switch field.key {
                        case "parameters":
                            if let values = field.value.object {
                                for value in values.members { entry.parameters[value.key] = value.value }
                            } else {
                                problems.append(Problem(message: "parameters is an object of name to value.", pointer: fieldPointer))
                            }
                        case "allow":
                            if let flag = field.value.bool {
                                entry.allow = flag
                            } else {
                                problems.append(Problem(message: "allow is true or false.", pointer: fieldPointer))
                            }
                        case "skip":
                            if let flag = field.value.bool {
                                entry.skip = flag
                            } else {
                                problems.append(Problem(message: "skip is true or false.", pointer: fieldPointer))
                            }
                        case "negative":
                            if let flag = field.value.bool {
                                entry.negative = flag
                            } else {
                                problems.append(Problem(message: "negative is true or false.", pointer: fieldPointer))
                            }
                        case "expectStatus":
                            if let list = field.value.array, list.allSatisfy({ $0.int.map { (100...599).contains($0) } ?? false }) {
                                entry.expectStatus = list.compactMap(\.int)
                            } else {
                                problems.append(Problem(message: "expectStatus is an array of HTTP status codes.", pointer: fieldPointer))
                            }
                        default:
                            problems.append(
                                Problem(
                                    message: "Unknown field '\(field.key)'; use parameters, allow, skip, negative or expectStatus.",
                                    pointer: fieldPointer))
                        }
                    }
                    plan.operations[op.key] = entry
                }
            case "sequences":
                let (sequences, found) = readSequences(member.value, at: pointer, operationIds: operationIds)
                plan.sequences = sequences
                problems += found
            default:
                problems.append(
                    Problem(
                        message: "Unknown field '\(member.key)'; a probe plan has baseUrl, operations and sequences.", pointer: pointer))
            }
        }
        return (plan, problems)
    }
}
