import Certification
import Foundation
import JSONDocument
import OutboundHTTP

/// Stateful probing: a probe plan's `sequences` call operations in order, capture values from
/// their answers and use them in later steps; clean-up steps run even when a step failed.
///
///     "sequences": [{
///       "name": "record lifecycle",
///       "steps": [
///         {"id": "bucket", "operation": "CreateBucket", "parameters": {"body": {"data": {"id": "probe-{run}"}}},
///          "expectStatus": [201], "capture": {"id": "$.body.data.id"}},
///         {"id": "read", "operation": "GetBucket", "parameters": {"bucket": "{steps.bucket.id}"}}
///       ],
///       "cleanup": [{"id": "drop", "operation": "DeleteBucket", "parameters": {"bucket": "{steps.bucket.id}"}}]
///     }]
///
/// A capture is `$.body` followed by `.name` and `[index]` parts, `$.headers.Name`, `$.status`,
/// or a JSON Pointer into the body (`/data/id`). `{steps.STEP.NAME}` in a parameter value is
/// replaced by what STEP captured as NAME (a whole value keeps its JSON type); `{run}` by a
/// value unique to the run. Every step is called whatever its method: a sequence is the
/// publisher's explicit permission.
extension ProbePlan {
    public struct Step: Sendable {
        public var id: String
        public var operation: String
        public var parameters: [String: JSONValue] = [:]
        public var expectStatus: [Int]?
        /// Capture name to expression, in the plan's order.
        public var captures: [(name: String, expression: String)] = []
        /// Where the step is in the plan, for findings about it.
        public var pointer: JSONPointer
    }

    public struct Sequence: Sendable {
        public var name: String
        public var steps: [Step] = []
        public var cleanup: [Step] = []
        public var pointer: JSONPointer
    }

    /// Most sequences a plan may have, and most steps (with clean-up steps) in one.
    public static let maximumSequences = 16
    public static let maximumSteps = 32

    static func readSequences(_ value: JSONValue, at pointer: JSONPointer, operationIds: Set<String>) -> ([Sequence], [Problem]) {
        var problems: [Problem] = []
        guard let list = value.array else {
            return ([], [Problem(message: "sequences is an array of {name, steps, cleanup}.", pointer: pointer)])
        }
        if list.count > maximumSequences {
            problems.append(
                Problem(
                    message: "A plan has at most \(maximumSequences) sequences (maximumSequences); this one has \(list.count).",
                    pointer: pointer))
        }
        var sequences: [Sequence] = []
        for (index, item) in list.prefix(maximumSequences).enumerated() {
            let sequencePointer = pointer.appending(index)
            guard let fields = item.object else {
                problems.append(Problem(message: "A sequence is an object with name, steps and cleanup.", pointer: sequencePointer))
                continue
            }
            var sequence = Sequence(name: fields["name"]?.string ?? "sequence \(index + 1)", pointer: sequencePointer)
            // A sequence with a mistake is not run: the plan's findings say what to fix.
            let problemsBefore = problems.count
            // Captures known so far, by step id: a reference must name an earlier step's capture.
            var known: [String: Set<String>] = [:]
            for field in fields.members {
                let fieldPointer = sequencePointer.appending(field.key)
                switch field.key {
                case "name":
                    if field.value.string == nil { problems.append(Problem(message: "name is a string.", pointer: fieldPointer)) }
                case "steps", "cleanup":
                    guard let steps = field.value.array else {
                        problems.append(Problem(message: "\(field.key) is an array of steps.", pointer: fieldPointer))
                        continue
                    }
                    for (stepIndex, stepValue) in steps.enumerated() {
                        let stepPointer = fieldPointer.appending(stepIndex)
                        guard let step = readStep(stepValue, at: stepPointer, operationIds: operationIds, known: known, problems: &problems)
                        else { continue }
                        if known[step.id] != nil {
                            problems.append(
                                Problem(
                                    message: "Step id '\(step.id)' is used twice in this sequence.", pointer: stepPointer.appending("id")))
                        }
                        known[step.id] = Set(step.captures.map(\.name))
                        if field.key == "steps" { sequence.steps.append(step) } else { sequence.cleanup.append(step) }
                    }
                default:
                    problems.append(
                        Problem(message: "Unknown field '\(field.key)'; a sequence has name, steps and cleanup.", pointer: fieldPointer))
                }
            }
            if sequence.steps.count + sequence.cleanup.count > maximumSteps {
                problems.append(
                    Problem(
                        message: "A sequence has at most \(maximumSteps) steps with its clean-up steps (maximumSteps).",
                        pointer: sequencePointer))
                continue
            }
            if sequence.steps.isEmpty {
                problems.append(Problem(message: "A sequence needs at least one step in steps.", pointer: sequencePointer))
            }
            if problems.count == problemsBefore { sequences.append(sequence) }
        }
        return (sequences, problems)
    }

    static func readStep(
        _ value: JSONValue, at pointer: JSONPointer, operationIds: Set<String>, known: [String: Set<String>],
        problems: inout [Problem]
    ) -> Step? {
        guard let fields = value.object else {
            problems.append(Problem(message: "A step is an object with id, operation and its parameters.", pointer: pointer))
            return nil
        }
        guard let id = fields["id"]?.string, !id.isEmpty else {
            problems.append(Problem(message: "A step needs an id (a name later steps refer to).", pointer: pointer))
            return nil
        }
        guard let operation = fields["operation"]?.string else {
            problems.append(Problem(message: "Step '\(id)' needs the operationId it calls in operation.", pointer: pointer))
            return nil
        }
        var step = Step(id: id, operation: operation, pointer: pointer)
        if !operationIds.contains(operation) {
            problems.append(Problem(message: "No operation has the operationId '\(operation)'.", pointer: pointer.appending("operation")))
        }
        for field in fields.members {
            let fieldPointer = pointer.appending(field.key)
            switch field.key {
            case "id", "operation":
                break
            case "parameters":
                guard let values = field.value.object else {
                    problems.append(Problem(message: "parameters is an object of name to value.", pointer: fieldPointer))
                    continue
                }
                for member in values.members {
                    step.parameters[member.key] = member.value
                    for reference in references(in: member.value) {
                        let parts = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                        let place = fieldPointer.appending(member.key)
                        guard parts.count == 3, parts[0] == "steps" else {
                            problems.append(
                                Problem(
                                    message: "'{\(reference)}' is not a reference: write {steps.STEP.CAPTURE} or {run}.", pointer: place))
                            continue
                        }
                        guard let captures = known[parts[1]] else {
                            problems.append(
                                Problem(
                                    message: "'{\(reference)}' names the step '\(parts[1])', which no earlier step of this sequence is.",
                                    pointer: place))
                            continue
                        }
                        if !captures.contains(parts[2]) {
                            problems.append(
                                Problem(
                                    message:
                                        "'{\(reference)}': step '\(parts[1])' captures no '\(parts[2])' (it captures \(captures.isEmpty ? "nothing" : captures.sorted().joined(separator: ", "))).",
                                    pointer: place))
                        }
                    }
                }
            case "expectStatus":
                if let list = field.value.array, !list.isEmpty, list.allSatisfy({ $0.int.map { (100...599).contains($0) } ?? false }) {
                    step.expectStatus = list.compactMap(\.int)
                } else {
                    problems.append(Problem(message: "expectStatus is an array of HTTP status codes.", pointer: fieldPointer))
                }
            case "capture":
                guard let captures = field.value.object else {
                    problems.append(
                        Problem(message: "capture is an object of name to expression ($.body.id or /id).", pointer: fieldPointer))
                    continue
                }
                for member in captures.members {
                    guard let expression = member.value.string, CaptureExpression(expression) != nil else {
                        problems.append(
                            Problem(
                                message:
                                    "The capture '\(member.key)' is not an expression: use $.body followed by .name and [index] parts, $.headers.Name, $.status, or a JSON Pointer into the body (/data/id).",
                                pointer: fieldPointer.appending(member.key)))
                        continue
                    }
                    step.captures.append((member.key, expression))
                }
            default:
                problems.append(
                    Problem(
                        message: "Unknown field '\(field.key)'; a step has id, operation, parameters, expectStatus and capture.",
                        pointer: fieldPointer))
            }
        }
        return step
    }

    /// The `{...}` references in the strings of `value` ({run} aside).
    static func references(in value: JSONValue) -> [String] {
        switch value.kind {
        case .string(let text):
            return placeholders(in: text).filter { $0 != "run" }
        case .array(let items):
            return items.flatMap(references)
        case .object(let object):
            return object.members.flatMap { references(in: $0.value) }
        default:
            return []
        }
    }

    /// The names between braces in `text`: "{steps.a.id}/x/{run}" has "steps.a.id" and "run".
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names.filter { $0 == "run" || $0.hasPrefix("steps.") }
    }
}

/// `$.body.data.items[0].id`, `$.headers.Location`, `$.status`, or `/data/id` (a JSON Pointer
/// into the body).
struct CaptureExpression: Sendable {
    enum Source: Sendable {
        case body([String])
        case header(String)
        case status
    }

    let source: Source

    init?(_ text: String) {
        if text == "$.status" {
            source = .status
        } else if text.hasPrefix("$.headers."), text.count > "$.headers.".count {
            source = .header(String(text.dropFirst("$.headers.".count)))
        } else if text.hasPrefix("/") || text.isEmpty {
            guard let pointer = try? JSONPointer(parsing: text) else { return nil }
            source = .body(pointer.tokens)
        } else if text == "$.body" || text.hasPrefix("$.body.") || text.hasPrefix("$.body[") {
            var tokens: [String] = []
            var rest = text.dropFirst("$.body".count)
            while !rest.isEmpty {
                if rest.hasPrefix(".") {
                    rest = rest.dropFirst()
                    let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                    guard end > rest.startIndex else { return nil }
                    tokens.append(String(rest[..<end]))
                    rest = rest[end...]
                } else if rest.hasPrefix("[") {
                    guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                        index >= 0
                    else { return nil }
                    tokens.append(String(index))
                    rest = rest[rest.index(after: close)...]
                } else {
                    return nil
                }
            }
            source = .body(tokens)
        } else {
            return nil
        }
    }

    /// The captured value from an answer, or nil when the answer has none there.
    func value(status: Int, headers: [(String, String)], body: [UInt8]) -> JSONValue? {
        switch source {
        case .status:
            return JSONValue(.number(String(status)))
        case .header(let name):
            return headers.first { $0.0.lowercased() == name.lowercased() }.map { JSONValue(.string($0.1)) }
        case .body(let tokens):
            guard let document = try? JSONDocument.parse(body) else { return nil }
            return document.root.value(at: JSONPointer(tokens: tokens))
        }
    }
}

// MARK: Running a sequence

extension ProbeContext {
    /// What a sequence produced.
    struct SequenceOutcome: Sendable {
        var findings: [Finding] = []
        var exchanges: [Exchange] = []
        var called = 0
        var failed = 0
    }

    /// Runs `sequence`'s steps in order until one fails, then every clean-up step whose
    /// references were captured.
    func run(
        _ sequence: ProbePlan.Sequence, operations: [String: ProbeStage.Operation], baseURL: String, runToken: String,
        client: OutboundClient, limiter: HostLimiter, deadline: ContinuousClock.Instant
    ) async -> SequenceOutcome {
        var outcome = SequenceOutcome()
        var captured: [String: [String: JSONValue]] = [:]
        var stoppedBy: String?
        for (isCleanup, step) in sequence.steps.map({ (false, $0) }) + sequence.cleanup.map({ (true, $0) }) {
            guard let operation = operations[step.operation] else { continue }
            let label = "Sequence '\(sequence.name)', \(isCleanup ? "clean-up step" : "step") '\(step.id)' (\(step.operation))"
            func notRun(_ reason: String, _ signature: String) {
                outcome.findings.append(
                    finding(
                        ProbeRules.notProbed, "\(label) was not run: \(reason).", at: operation.pointer, operation: operation.id,
                        signature: "sequence:\(sequence.name):\(step.id):\(signature)"))
            }
            if !isCleanup, let stoppedBy {
                notRun(stoppedBy, "stopped")
                continue
            }
            guard ContinuousClock.now < deadline else {
                notRun("the probe's time budget of \(Int(settings.totalBudgetSeconds)) s ran out", "budget")
                continue
            }
            var parameters: [String: JSONValue] = [:]
            var missing: String?
            for (name, value) in step.parameters {
                switch Self.substitute(value, captured: captured, run: runToken) {
                case .success(let filled): parameters[name] = filled
                case .failure(let absent): missing = absent.reference
                }
            }
            if let missing {
                notRun("{\(missing)} was not captured (its step failed or did not run)", "missing")
                continue
            }
            let plan = ProbePlan.Operation(parameters: parameters, allow: true, skip: false, expectStatus: step.expectStatus)
            let prepared: PreparedRequest
            switch prepare(operation, baseURL: baseURL, plan: plan) {
            case .success(let request): prepared = request
            case .failure(let reason):
                outcome.findings.append(
                    finding(
                        ProbeRules.sequenceStep, "\(label) cannot be called: \(reason.text).", at: operation.pointer,
                        operation: operation.id, signature: "sequence:\(sequence.name):\(step.id):prepare"))
                outcome.failed += 1
                if !isCleanup { stoppedBy = "step '\(step.id)' could not be called" }
                continue
            }
            let result = await probe(operation, prepared, client: client, limiter: limiter)
            outcome.called += 1
            outcome.exchanges += result.exchanges
            outcome.findings += result.findings
            var failed = result.failed
            let evidence = result.exchanges.first?.evidence
            if let response = result.response {
                let expected = step.expectStatus ?? Array(200..<300)
                if !expected.contains(response.status) && !failed {
                    outcome.findings.append(
                        finding(
                            ProbeRules.sequenceStep,
                            "\(label) answered \(response.status); the step expects \(step.expectStatus.map { $0.map(String.init).joined(separator: " or ") } ?? "a 2xx status").",
                            at: operation.pointer, operation: operation.id, evidence: evidence,
                            signature: "sequence:\(sequence.name):\(step.id):status"))
                    failed = true
                }
                if !failed {
                    for (name, expression) in step.captures {
                        guard let capture = CaptureExpression(expression),
                            let value = capture.value(status: response.status, headers: response.headers, body: response.body),
                            !value.isNull
                        else {
                            outcome.findings.append(
                                finding(
                                    ProbeRules.sequenceStep,
                                    "\(label): the capture '\(name)' (\(expression)) found nothing in the answer, so the steps that use it cannot run.",
                                    at: operation.pointer, operation: operation.id, evidence: evidence,
                                    signature: "sequence:\(sequence.name):\(step.id):capture:\(name)"))
                            failed = true
                            continue
                        }
                        captured[step.id, default: [:]][name] = value
                    }
                }
            } else {
                failed = true
            }
            if failed {
                outcome.failed += 1
                if !isCleanup { stoppedBy = "step '\(step.id)' failed" }
            }
        }
        return outcome
    }

    /// A reference nothing was captured for.
    struct MissingCapture: Error {
        var reference: String
    }

    /// `value` with `{steps.STEP.NAME}` and `{run}` filled in, or the first reference nothing
    /// was captured for. A string that is only a reference takes the captured value as it is.
    static func substitute(_ value: JSONValue, captured: [String: [String: JSONValue]], run: String) -> Result<JSONValue, MissingCapture> {
        func lookup(_ reference: String) -> JSONValue? {
            if reference == "run" { return JSONValue(.string(run)) }
            let parts = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts[0] == "steps" else { return nil }
            return captured[parts[1]]?[parts[2]]
        }
        switch value.kind {
        case .string(let text):
            let references = ProbePlan.placeholders(in: text)
            if references.count == 1, text == "{\(references[0])}" {
                guard let found = lookup(references[0]) else { return .failure(MissingCapture(reference: references[0])) }
                return .success(found)
            }
            var filled = text
            for reference in references {
                guard let found = lookup(reference) else { return .failure(MissingCapture(reference: reference)) }
                filled = filled.replacingOccurrences(of: "{\(reference)}", with: found.string ?? found.jsonText)
            }
            return .success(JSONValue(.string(filled), position: value.position))
        case .array(let items):
            var result: [JSONValue] = []
            for item in items {
                switch substitute(item, captured: captured, run: run) {
                case .success(let filled): result.append(filled)
                case .failure(let missing): return .failure(missing)
                }
            }
            return .success(JSONValue(.array(result), position: value.position))
        case .object(let object):
            var members: [JSONObject.Member] = []
            for member in object.members {
                switch substitute(member.value, captured: captured, run: run) {
                case .success(let filled):
                    members.append(JSONObject.Member(key: member.key, keyPosition: member.keyPosition, value: filled))
                case .failure(let missing): return .failure(missing)
                }
            }
            return .success(JSONValue(.object(JSONObject(members: members)), position: value.position))
        default:
            return .success(value)
        }
    }
}
