import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import SubmissionStore

/// Two revisions of one submission side by side, so a reviewer reads only what is new since the
/// last round: findings new, fixed and unchanged (matched by fingerprint, from each revision's
/// latest finished run), and what changed in the swagger.
public struct RevisionComparison: Sendable {
    public var from: Int
    public var to: Int
    /// Whether each revision has a finished run to compare (without one, its findings are unknown).
    public var fromChecked: Bool
    public var toChecked: Bool
    public var newFindings: [Finding]
    public var fixedFindings: [Finding]
    public var unchangedFindings: [Finding]
    public var swagger: SwaggerChanges
}

/// What changed between two swaggers, by operation (its operationId, or METHOD path without one)
/// and by definition. Compared structurally: key order and whitespace are not changes.
public struct SwaggerChanges: Sendable, Hashable {
    public struct Operation: Sendable, Hashable {
        /// operationId, or `METHOD /path`.
        public var name: String
        public var route: String
        /// For a changed operation: what changed ("parameter 'top' added", "response 200 schema changed").
        public var details: [String]
    }

    public var added: [Operation] = []
    public var removed: [Operation] = []
    public var changed: [Operation] = []
    public var definitionsAdded: [String] = []
    public var definitionsRemoved: [String] = []
    public var definitionsChanged: [String] = []
    /// Why a side could not be read (no swagger in the package, or not valid JSON).
    public var unreadable: [String] = []

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && changed.isEmpty && definitionsAdded.isEmpty && definitionsRemoved.isEmpty
            && definitionsChanged.isEmpty && unreadable.isEmpty
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

    /// The changes from `old` to `new`.
    public static func between(_ old: JSONDocument, _ new: JSONDocument) -> SwaggerChanges {
        var changes = SwaggerChanges()
        let before = operations(old)
        let after = operations(new)
        let afterByName = Dictionary(after.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let beforeNames = Set(before.map(\.name))
        for operation in before {
            guard let other = afterByName[operation.name] else {
                changes.removed.append(Operation(name: operation.name, route: operation.route, details: []))
                continue
            }
            let details = differences(operation, other)
            if !details.isEmpty {
                changes.changed.append(Operation(name: operation.name, route: other.route, details: details))
            }
        }
        for operation in after where !beforeNames.contains(operation.name) {
            changes.added.append(Operation(name: operation.name, route: operation.route, details: []))
        }
        let oldDefinitions = members(old.root["definitions"])
        let newDefinitions = members(new.root["definitions"])
        for (name, value) in oldDefinitions.sorted(by: { $0.key < $1.key }) {
            if let other = newDefinitions[name] {
                if value != other { changes.definitionsChanged.append(name) }
            } else {
                changes.definitionsRemoved.append(name)
            }
        }
        changes.definitionsAdded = newDefinitions.keys.filter { oldDefinitions[$0] == nil }.sorted()
        return changes
    }

    struct SwaggerOperation {
        var name: String
        var route: String
        var summary: String
        var parameters: [String: String]
        var responses: [String: String]
        var rest: String
    }

    /// Every operation, with its parameters and responses in canonical text.
    static func operations(_ document: JSONDocument) -> [SwaggerOperation] {
        guard let paths = document.root["paths"]?.object else { return [] }
        var result: [SwaggerOperation] = []
        for path in paths.members {
            guard let item = path.value.object else { continue }
            let shared = item["parameters"]?.array ?? []
            for member in item.members where methods.contains(member.key) {
                guard let operation = member.value.object else { continue }
                let route = "\(member.key.uppercased()) \(path.key)"
                var parameters: [String: String] = [:]
                for parameter in shared + (operation["parameters"]?.array ?? []) {
                    let key =
                        parameter["name"]?.string.map { "'\($0)' (\(parameter["in"]?.string ?? "?"))" }
                        ?? parameter["$ref"]?.string ?? canonical(parameter)
                    parameters[key] = canonical(parameter)
                }
                var responses: [String: String] = [:]
                for response in operation["responses"]?.object?.members ?? [] {
                    responses[response.key] = canonical(response.value)
                }
                let rest = operation.members.filter { !["parameters", "responses"].contains($0.key) }
                    .sorted { $0.key < $1.key }.map { "\($0.key)=\(canonical($0.value))" }.joined(separator: ",")
                result.append(
                    SwaggerOperation(
                        name: operation["operationId"]?.string ?? route, route: route,
                        summary: operation["summary"]?.string ?? "", parameters: parameters, responses: responses,
                        rest: rest))
            }
        }
        return result
    }

    static func differences(_ a: SwaggerOperation, _ b: SwaggerOperation) -> [String] {
        var details: [String] = []
        if a.route != b.route { details.append("moved from \(a.route) to \(b.route)") }
        for name in a.parameters.keys.sorted() {
            if let other = b.parameters[name] {
                if other != a.parameters[name] { details.append("parameter \(name) changed") }
            } else {
                details.append("parameter \(name) removed")
            }
        }
        for name in b.parameters.keys.sorted() where a.parameters[name] == nil {
            details.append("parameter \(name) added")
        }
        for code in a.responses.keys.sorted() {
            if let other = b.responses[code] {
                if other != a.responses[code] { details.append("response \(code) changed") }
            } else {
                details.append("response \(code) removed")
            }
        }
        for code in b.responses.keys.sorted() where a.responses[code] == nil {
            details.append("response \(code) added")
        }
        if a.rest != b.rest {
            details.append("summary, description or extensions changed")
        }
        return details
    }

    static func members(_ value: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for member in value?.object?.members ?? [] { result[member.key] = canonical(member.value) }
        return result
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The value as JSON text with object keys sorted, so that equal values compare equal.
    static func canonical(_ value: JSONValue) -> String {
        switch value.kind {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return quoted(text)
        case .array(let elements): return "[" + elements.map(canonical).joined(separator: ",") + "]"
        case .object(let object):
            return "{"
                + object.members.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + canonical($0.value) }
                .joined(separator: ",") + "}"
        }
    }
}

extension Submissions {
    /// Revisions `from` and `to` of submission `id` compared, if the caller may see it; `invalid`
    /// when either revision does not exist.
    public func compare(_ id: String, from: Int, to: Int, by principal: Principal) async throws -> RevisionComparison {
        let summary = try await Visibility.submission(id, visibleTo: principal, in: store)
        for number in [from, to] where !(1...summary.revision).contains(number) {
            throw UseCaseError.invalid(
                "Submission \(summary.id) has revisions 1 to \(summary.revision); there is no revision \(number).")
        }
        let before = try await store.latestFinishedRun(submissionId: summary.id, revision: from)
        let after = try await store.latestFinishedRun(submissionId: summary.id, revision: to)
        let oldFindings = before?.findings ?? []
        let newFindings = after?.findings ?? []
        let oldPrints = Set(oldFindings.map(\.fingerprint))
        let newPrints = Set(newFindings.map(\.fingerprint))
        var swagger = SwaggerChanges()
        let documents = try await [from, to].asyncMap { number -> JSONDocument? in
            guard let zip = try await store.packageZip(submissionId: summary.id, revision: number) else {
                swagger.unreadable.append("revision \(number): its package is not stored")
                return nil
            }
            do {
                let package = try PackageLoader().loadZip(zip, name: "revision-\(number).zip")
                guard let file = package.file(.swagger) else {
                    swagger.unreadable.append("revision \(number): the package has no apiDefinition.swagger.json")
                    return nil
                }
                return try JSONDocument.parse(file.bytes)
            } catch {
                swagger.unreadable.append("revision \(number): \(error)")
                return nil
            }
        }
        if let old = documents[0], let new = documents[1] {
            let unreadable = swagger.unreadable
            swagger = SwaggerChanges.between(old, new)
            swagger.unreadable = unreadable
        }
        return RevisionComparison(
            from: from, to: to, fromChecked: before != nil, toChecked: after != nil,
            newFindings: newFindings.filter { !oldPrints.contains($0.fingerprint) }.sorted(by: Finding.reportOrder),
            fixedFindings: oldFindings.filter { !newPrints.contains($0.fingerprint) }.sorted(by: Finding.reportOrder),
            unchangedFindings: newFindings.filter { oldPrints.contains($0.fingerprint) }.sorted(by: Finding.reportOrder),
            swagger: swagger)
    }

    /// What the review events and accepted findings of a submission the caller sees are about:
    /// each fingerprint's most recent finding in any of its runs.
    public func findingsReferenced(by detail: SubmissionDetail, accepted: [AcceptedFinding]) async throws -> [String: Finding] {
        let prints = Set(detail.events.compactMap(\.fingerprint) + accepted.map(\.fingerprint))
        return try await store.findings(submissionId: detail.submission.id, fingerprints: prints)
    }

    /// The latest run's counts of each submission on a page (its error and warning columns).
    public func runCounts(of page: QueuePage) async throws -> [String: RunCounts] {
        try await store.latestRunCounts(submissionIds: page.items.map(\.id))
    }
}
