import Certification
import JSONDocument

/// The breaking-change detector: what a new revision of a certified connector breaks for the
/// flows built on its last certified revision. Pure: two documents in, findings out.
public enum BreakingChanges {
    /// Findings for what `new` breaks relative to `old` (the last certified revision's swagger,
    /// and optionally both apiProperties.json documents for the auth type). Pointers are into
    /// the new documents; for something removed, the closest parent that still exists.
    public static func compare(
        old: JSONDocument, new: JSONDocument, newFile: String, oldProperties: JSONDocument?,
        newProperties: JSONDocument?, newPropertiesFile: String?
    ) -> [Finding] {
        var diff = BreakingDiff(old: old, new: new, newFile: newFile)
        diff.compareOperations()
        let swaggerAuthChanged = diff.compareSecurityDefinitions()
        if !swaggerAuthChanged, let oldProperties, let newProperties, let newPropertiesFile {
            diff.compareIdentityProviders(old: oldProperties, new: newProperties, file: newPropertiesFile)
        }
        return diff.findings
    }
}

/// One operation of a swagger, as the detector matches it.
struct BreakingOperation {
    var path: String
    var method: String
    var pointer: JSONPointer
    var object: JSONObject
    /// The path item's own parameters, which the operation inherits.
    var pathParameters: JSONValue?
    var pathParametersPointer: JSONPointer

    var operationId: String? { object["operationId"]?.string }
    var route: String { "\(method.uppercased()) \(path)" }
    /// How messages and signatures name the operation: its operationId, or its route.
    var key: String { operationId ?? route }
    var isInternal: Bool { object["x-ms-visibility"]?.string?.lowercased() == "internal" }
}

/// One parameter of an operation, after `$ref` resolution; `pointer` is where it is written.
struct BreakingParameter {
    var name: String
    var location: String
    var pointer: JSONPointer
    var value: JSONValue

    var isRequired: Bool { location == "path" || value["required"]?.bool == true }
    /// Internal with a default: the platform fills it in, users never see it.
    var isFilledByPlatform: Bool {
        value["x-ms-visibility"]?.string?.lowercased() == "internal" && value["default"] != nil
    }
}

/// The comparison in progress: both documents and the findings so far.
struct BreakingDiff {
    let old: JSONDocument
    let new: JSONDocument
    let newFile: String
    var findings: [Finding] = []
    /// Referenced schema pairs (direction, old pointer, new pointer) already found unchanged.
    var unchangedPairs: Set<String> = []

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

    init(old: JSONDocument, new: JSONDocument, newFile: String) {
        self.old = old
        self.new = new
        self.newFile = newFile
    }

    // MARK: Findings

    /// A finding in the new swagger at `pointer`, or at its closest existing parent when the
    /// pointer names something that is not there.
    mutating func report(
        _ rule: RuleDescription, _ message: String, at pointer: JSONPointer, operation: String?, signature: String
    ) {
        report(rule, message, in: new, file: newFile, at: pointer, operation: operation, signature: signature)
    }

    mutating func report(
        _ rule: RuleDescription, _ message: String, in document: JSONDocument, file: String, at pointer: JSONPointer,
        operation: String?, signature: String
    ) {
        let existing = Self.nearestExisting(pointer, in: document)
        let position = document.position(of: existing)
        findings.append(
            rule.finding(
                message, file: file, pointer: existing.description, line: position?.line, column: position?.column,
                operation: operation, signature: signature))
    }

    static func nearestExisting(_ pointer: JSONPointer, in document: JSONDocument) -> JSONPointer {
        var tokens = pointer.tokens
        while !tokens.isEmpty, document[JSONPointer(tokens: tokens)] == nil {
            tokens.removeLast()
        }
        return JSONPointer(tokens: tokens)
    }

    // MARK: References

    /// Follows local `$ref`s ("#/definitions/X", "#/parameters/X", "#/responses/X") to the value
    /// they name, with its pointer; nil for a dangling, remote or circular reference.
    static func resolve(_ value: JSONValue, at pointer: JSONPointer, in document: JSONDocument) -> (JSONValue, JSONPointer)? {
        var value = value
        var pointer = pointer
        for _ in 0..<32 {
            guard let ref = value["$ref"]?.string else { return (value, pointer) }
            guard ref.hasPrefix("#"), let target = try? JSONPointer(uriFragment: ref), let next = document[target] else {
                return nil
            }
            value = next
            pointer = target
        }
        return nil
    }

    // MARK: Operations

    static func operations(_ document: JSONDocument) -> [BreakingOperation] {
        guard let paths = document.root["paths"]?.object else { return [] }
        var result: [BreakingOperation] = []
        for pathMember in paths.members {
            let itemPointer = JSONPointer(tokens: ["paths", pathMember.key])
            guard let (item, resolvedItemPointer) = resolve(pathMember.value, at: itemPointer, in: document),
                let itemObject = item.object
            else { continue }
            for member in itemObject.members where methods.contains(member.key) {
                guard let operation = member.value.object else { continue }
                result.append(
                    BreakingOperation(
                        path: pathMember.key, method: member.key, pointer: resolvedItemPointer.appending(member.key),
                        object: operation, pathParameters: itemObject["parameters"],
                        pathParametersPointer: resolvedItemPointer.appending("parameters")))
            }
        }
        return result
    }

    mutating func compareOperations() {
        let oldOperations = Self.operations(old)
        let newOperations = Self.operations(new)
        var newById: [String: BreakingOperation] = [:]
        var newByRoute: [String: BreakingOperation] = [:]
        for operation in newOperations {
            if let id = operation.operationId, newById[id] == nil { newById[id] = operation }
            if newByRoute[operation.route] == nil { newByRoute[operation.route] = operation }
        }
        for before in oldOperations {
            let after: BreakingOperation?
            if let id = before.operationId {
                after = newById[id]
            } else {
                // Without an operationId only the route names it (giving it one later is no break).
                after = newByRoute[before.route]
            }
            guard let after else {
                operationRemoved(before, sameRoute: newByRoute[before.route])
                continue
            }
            compare(before, after)
        }
    }

    mutating func operationRemoved(_ before: BreakingOperation, sameRoute: BreakingOperation?) {
        let name = before.operationId.map { "Operation '\($0)' (\(before.route))" } ?? "Operation \(before.route)"
        var message = "\(name) was removed (it was in the last certified revision): flows that use it will stop working."
        if let renamed = sameRoute?.operationId, before.operationId != nil {
            message +=
                " \(before.route) now has operationId '\(renamed)'; renaming an operationId breaks flows as removing the operation does."
        }
        if before.isInternal { message += " It was internal, so only flows or dynamic values that called it directly break." }
        let pointer = sameRoute?.pointer ?? JSONPointer(tokens: ["paths", before.path, before.method])
        report(BreakingChanges.operationRemoved, message, at: pointer, operation: before.key, signature: "\(before.key)|removed")
    }

    mutating func compare(_ before: BreakingOperation, _ after: BreakingOperation) {
        let key = before.key
        if before.path != after.path || before.method != after.method {
            report(
                BreakingChanges.pathOrMethodChanged,
                "Operation '\(key)' moved from \(before.route) to \(after.route): flows built on the last certified revision call the old route.",
                at: after.pointer, operation: key, signature: "\(key)|route|\(before.route)|\(after.route)")
        }
        if !before.isInternal, after.isInternal {
            report(
                BreakingChanges.operationInternal,
                "Operation '\(key)' was made internal (x-ms-visibility \"internal\"): it disappears from the designer and flows that use it break.",
                at: after.pointer.appending("x-ms-visibility"), operation: key, signature: "\(key)|internal")
        }
        compareParameters(before, after)
        compareResponses(before, after)
    }

    // MARK: Parameters

    /// The operation's effective parameters: the path item's, overridden by the operation's own
    /// with the same name and location.
    static func parameters(_ operation: BreakingOperation, in document: JSONDocument) -> [BreakingParameter] {
        func list(_ value: JSONValue?, at pointer: JSONPointer) -> [BreakingParameter] {
            guard let elements = value?.array else { return [] }
            return elements.enumerated().compactMap { index, element in
                guard let (resolved, resolvedPointer) = resolve(element, at: pointer.appending(index), in: document),
                    let name = resolved["name"]?.string, let location = resolved["in"]?.string
                else { return nil }
                return BreakingParameter(name: name, location: location, pointer: resolvedPointer, value: resolved)
            }
        }
        let own = list(operation.object["parameters"], at: operation.pointer.appending("parameters"))
        let inherited = list(operation.pathParameters, at: operation.pathParametersPointer).filter { shared in
            !own.contains { $0.name == shared.name && $0.location == shared.location }
        }
        return inherited + own
    }

    mutating func compareParameters(_ before: BreakingOperation, _ after: BreakingOperation) {
        let key = before.key
        let oldParameters = Self.parameters(before, in: old)
        let newParameters = Self.parameters(after, in: new)

        // The body is matched by location: its name is not what a flow sees.
        let oldBody = oldParameters.first { $0.location == "body" }
        let newBody = newParameters.first { $0.location == "body" }
        if let newBody, newBody.isRequired, !newBody.isFilledByPlatform, oldBody?.isRequired != true {
            report(
                BreakingChanges.requiredInputAdded,
                oldBody == nil
                    ? "Operation '\(key)' now requires a body ('\(newBody.name)'), which the last certified revision did not take."
                    : "The body of operation '\(key)' is now required; it was optional in the last certified revision.",
                at: newBody.pointer.appending("required"), operation: key, signature: "\(key)|body|required")
        }
        if let oldBody, let newBody, let oldSchema = oldBody.value["schema"], let newSchema = newBody.value["schema"] {
            var schemas = BreakingSchemaDiff(
                subject: "the body of '\(key)'", signature: "\(key)|body", operation: key, direction: .input)
            schemas.compareRoot(
                oldSchema, at: oldBody.pointer.appending("schema"), newSchema, at: newBody.pointer.appending("schema"),
                diff: &self)
        }

        let oldByName = Dictionary(oldParameters.filter { $0.location != "body" }.map { ($0.name, $0) }) { a, _ in a }
        for parameter in newParameters where parameter.location != "body" {
            let subject = "parameter '\(parameter.name)' of '\(key)'"
            let signature = "\(key)|parameter|\(parameter.name)"
            guard
                let previous = oldParameters.first(where: { $0.name == parameter.name && $0.location == parameter.location })
                    ?? oldByName[parameter.name]
            else {
                if parameter.isRequired, !parameter.isFilledByPlatform {
                    report(
                        BreakingChanges.requiredInputAdded,
                        "Operation '\(key)' has a new required \(parameter.location) parameter '\(parameter.name)': flows built on the last certified revision do not set it.",
                        at: parameter.pointer, operation: key, signature: "\(signature)|added")
                }
                continue
            }
            if previous.location != parameter.location {
                report(
                    BreakingChanges.parameterLocationChanged,
                    "The location of \(subject) changed from \(previous.location) to \(parameter.location).",
                    at: parameter.pointer.appending("in"), operation: key,
                    signature: "\(signature)|in|\(previous.location)|\(parameter.location)")
            }
            if parameter.isRequired, !previous.isRequired, !parameter.isFilledByPlatform {
                report(
                    BreakingChanges.requiredInputAdded,
                    "\(subject.prefix(1).uppercased())\(subject.dropFirst()) is now required; it was optional in the last certified revision.",
                    at: parameter.pointer.appending(parameter.value["required"] == nil ? "in" : "required"), operation: key,
                    signature: "\(signature)|required")
            }
            // A non-body parameter is schema-like: type, format, items, enum.
            var schemas = BreakingSchemaDiff(subject: subject, signature: signature, operation: key, direction: .input)
            schemas.compareRoot(previous.value, at: previous.pointer, parameter.value, at: parameter.pointer, diff: &self)
        }
    }

    // MARK: Responses

    static func isSuccess(_ code: String) -> Bool { code.count == 3 && code.hasPrefix("2") }

    mutating func compareResponses(_ before: BreakingOperation, _ after: BreakingOperation) {
        let key = before.key
        guard let oldResponses = before.object["responses"]?.object else { return }
        let newResponsesPointer = after.pointer.appending("responses")
        let newResponses = after.object["responses"]?.object
        for member in oldResponses.members where Self.isSuccess(member.key) {
            let oldPointer = before.pointer.appending("responses").appending(member.key)
            guard let (oldResponse, oldResponsePointer) = Self.resolve(member.value, at: oldPointer, in: old),
                let oldSchema = oldResponse["schema"]
            else { continue }
            let subject = "the \(member.key) response of '\(key)'"
            let signature = "\(key)|response|\(member.key)"
            // The same status code, or else the success response that replaced it (200 -> 201).
            let replacement =
                newResponses?.member(member.key)
                ?? newResponses?.members.first { Self.isSuccess($0.key) }
            guard let replacement,
                let (newResponse, newResponsePointer) = Self.resolve(
                    replacement.value, at: newResponsesPointer.appending(replacement.key), in: new)
            else {
                report(
                    BreakingChanges.outputPropertyRemoved,
                    "Operation '\(key)' no longer has a success response: the outputs of its \(member.key) response were removed (they were in the last certified revision).",
                    at: newResponsesPointer, operation: key, signature: "\(signature)|removed")
                continue
            }
            guard let newSchema = newResponse["schema"] else {
                report(
                    BreakingChanges.outputPropertyRemoved,
                    "The \(replacement.key) response of '\(key)' no longer has a schema: every output of \(subject) was removed (it was in the last certified revision).",
                    at: newResponsePointer, operation: key, signature: "\(signature)|schema-removed")
                continue
            }
            var schemas = BreakingSchemaDiff(subject: subject, signature: signature, operation: key, direction: .output)
            schemas.compareRoot(
                oldSchema, at: oldResponsePointer.appending("schema"), newSchema, at: newResponsePointer.appending("schema"), diff: &self)
        }
    }
}
