import Certification
import JSONDocument

extension SchemaRules {
    static let refResolves = Rule(
        RuleDescription(
            id: "ref-resolves", severity: .error, stage: SchemaStage.stageName,
            summary:
                "Every local \"$ref\" is a valid JSON Pointer fragment that points to something in the swagger, of the right kind: a parameter's to a parameter, a response's to a response, a schema's to a schema.",
            source:
                "OpenAPI 2.0 specification (Reference Object, JSON Reference and JSON Pointer, RFC 6901); reference: refs-and-schema-sanity (SVR: \"$ref targets #/definitions|parameters|responses/… and resolves\").",
            fix:
                "Point the $ref at an existing definition (\"#/definitions/Name\", \"#/parameters/Name\", \"#/responses/Name\"), spelled exactly as its key, with \"~1\" for \"/\" and \"~0\" for \"~\" in names; or add the missing definition.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/B"}}}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/properties/b/$ref"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"$ref": "#/definitions/A"}], "responses": {"200": {"description": "OK"}}}}}, "definitions": {"A": {"type": "string"}}}"##
                ).at("apiDefinition.swagger.json#/paths/~1a/get/parameters/0/$ref"),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"$ref": "#definitions/B"}, "B": {}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/$ref"),
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {"/a": {"get": {"parameters": [{"$ref": "#/parameters/q"}], "responses": {"200": {"$ref": "#/responses/ok"}}}}}, "parameters": {"q": {"name": "q", "in": "query", "type": "string"}}, "responses": {"ok": {"description": "OK", "schema": {"$ref": "#/definitions/a~1b"}}}, "definitions": {"a/b": {"type": "object", "properties": {"self": {"$ref": "#/definitions/a~1b"}, "n": {"$ref": "#/definitions/a~1b/properties/self"}}}}}"##
                ),
            ])
    ) { context in
        OASReferenceCheck.findings(context, looking: .resolution) { ref in
            switch ref.problem {
            case .unresolved(let pointer):
                var message =
                    "\"$ref\": \"\(ref.text)\" points to nothing: the swagger has no \(pointer.description.isEmpty ? "root" : "\"\(pointer.description)\"")."
                if let near = OASReferenceCheck.nearMiss(pointer, in: ref.root) { message += " Did you mean \"\(near)\"?" }
                message += " Correct the reference or add the definition it names."
                return (message, "unresolved:\(ref.text)")
            case .malformed(let reason):
                let hint =
                    ref.text.hasPrefix("#") && !ref.text.hasPrefix("#/") && ref.text != "#"
                    ? " A local reference starts with \"#/\", for example \"#/definitions/Name\"." : ""
                return ("\"$ref\": \"\(ref.text)\" is not a valid JSON Pointer fragment: \(reason).\(hint)", "malformed:\(ref.text)")
            case .wrongKind(let expected, let found):
                return (
                    "\"$ref\": \"\(ref.text)\" is used as \(expected) but points to \(found). Point it to \(OASReferenceCheck.section(expected)).",
                    "kind:\(ref.text)"
                )
            default:
                return nil
            }
        }
    }

    static let refExternal = Rule(
        RuleDescription(
            id: "ref-external", severity: .error, stage: SchemaStage.stageName,
            summary: "Every \"$ref\" is local (starts with \"#\"): references to other files or URLs are not supported.",
            source:
                "Power Platform: a connector is one apiDefinition.swagger.json, uploaded alone, so nothing outside it can be resolved (PPC README; paconn uploads the single file). OpenAPI 2.0 itself allows remote references.",
            fix:
                "Copy the referenced definition into this swagger (under definitions, parameters or responses) and reference it with \"#/...\".",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"$ref": "common.json#/definitions/Error"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/$ref")
            ],
            nonTriggering: [.minimal()])
    ) { context in
        OASReferenceCheck.findings(context, looking: .external) { ref in
            guard case .external = ref.problem else { return nil }
            return (
                "\"$ref\": \"\(ref.text)\" refers outside this file, which is not supported: a connector is a single swagger. Copy the definition into this file and reference it with \"#/...\".",
                "external:\(ref.text)"
            )
        }
    }

    static let refCycle = Rule(
        RuleDescription(
            id: "ref-cycle", severity: .error, stage: SchemaStage.stageName,
            summary:
                "No chain of references leads back to itself without describing anything (A is only a $ref to B, and B only a $ref to A). Recursive schemas, where a property refers back to its own definition, are legal and not reported.",
            source:
                "JSON Reference (a reference whose resolution never ends has no value); OpenAPI 2.0 allows recursive schemas through properties and items, which are fine. Every walk of this tool keeps a visited set, so no cycle makes it loop.",
            fix: "Make one of the definitions in the loop an actual schema instead of a $ref to the next.",
            triggering: [
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}}}"##
                ).at("apiDefinition.swagger.json#/definitions/A/$ref")
            ],
            nonTriggering: [
                .minimal(),
                .swagger(
                    ##"{"swagger": "2.0", "info": {"title": "Contoso", "version": "1.0"}, "paths": {}, "definitions": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/Node"}, "all": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}}}}"##
                ),
            ])
    ) { context in
        OASReferenceCheck.findings(context, looking: .cycles) { ref in
            guard case .cycle(let members) = ref.problem else { return nil }
            // A generated loop can be thousands of references long: the message names the first
            // few and the count.
            let shown =
                members.count <= 12
                ? members.joined(separator: " → ")
                : members.prefix(10).joined(separator: " → ") + " → … (\(members.count - 1) references in all)"
            let sorted = members.dropLast().sorted()
            return (
                "\"$ref\": \"\(ref.text)\" starts a loop of references that never reaches a schema: \(shown). Replace one of them with the schema itself.",
                members.count <= 12
                    ? "cycle:\(members.sorted().joined(separator: ","))"
                    : "cycle:\(sorted.count):\(sorted.prefix(10).joined(separator: ","))"
            )
        }
    }
}

/// The references of a document, found once per package: every `$ref` of a schema,
/// parameter, response or path item, in walking order, each text resolved once (documents
/// repeat the same few references many times).
final class OASReferences: Sendable {
    struct Use: Sendable {
        /// The node of `record` that has the `$ref`.
        var node: Int
        var kind: OASKind
        /// Its index in `texts` and `targets`.
        var target: Int
    }

    /// What a reference text points to.
    enum Target: Sendable {
        case external
        case malformed(String)
        case unresolved(JSONPointer)
        case found(JSONPointer, JSONValue)
    }

    let record: OASWalkRecord
    let uses: [Use]
    let texts: [String]
    let targets: [Target]

    init(_ record: OASWalkRecord, root: JSONValue) {
        var uses: [Use] = []
        var texts: [String] = []
        var targets: [Target] = []
        var known: [String: Int] = [:]
        for index in record.nodes.indices where record.nodes[index].keys.contains(.ref) {
            let kind = record.nodes[index].kind
            switch kind {
            case .schema, .responseSchema, .parameter, .response, .pathItem: break
            default: continue
            }
            guard let text = record.nodes[index].value["$ref"]?.string else { continue }
            let target: Int
            if let seen = known[text] {
                target = seen
            } else {
                target = texts.count
                known[text] = target
                texts.append(text)
                switch OASReference.form(of: text) {
                case .external: targets.append(.external)
                case .malformed(let reason): targets.append(.malformed(reason))
                case .local(let pointer):
                    if let value = root.value(at: pointer) {
                        targets.append(.found(pointer, value))
                    } else {
                        targets.append(.unresolved(pointer))
                    }
                }
            }
            uses.append(Use(node: index, kind: kind, target: target))
        }
        self.record = record
        self.uses = uses
        self.texts = texts
        self.targets = targets
    }

    static func of(_ context: RuleContext) -> OASReferences? {
        guard let swagger = context.swagger, let record = OASWalkRecord.of(context) else { return nil }
        return context.input.memo.value("oas.references") { OASReferences(record, root: swagger.document.root) }
    }
}

/// The loops of references that never reach anything but a reference (A is only a `$ref` to
/// B, B only a `$ref` to A), found once per package in time linear in the number of references:
/// each place that is a `$ref` leads to at most one other, so every chain is followed once.
final class OASReferenceLoops: Sendable {
    /// Each loop, in the order its references lead.
    let loops: [[String]]
    /// Each loop's smallest pointer, where it is reported.
    let smallest: [String]
    /// For a place on a loop (its pointer): the loop's index in `loops`, and its position there.
    let members: [String: (loop: Int, position: Int)]

    init(_ references: OASReferences, root: JSONValue) {
        var loops: [[String]] = []
        var members: [String: (loop: Int, position: Int)] = [:]
        // 1: on the chain being followed; 2: done.
        var state: [String: UInt8] = [:]
        for use in references.uses {
            guard case .found(var pointer, var value) = references.targets[use.target], value.object?["$ref"] != nil else { continue }
            let start = JSONPointer(tokens: references.record.path(of: use.node)).description
            guard state[start] == nil else { continue }
            var chain = [start]
            state[start] = 1
            while true {
                let location = pointer.description
                if let seen = state[location] {
                    if seen == 1, let first = chain.firstIndex(of: location) {
                        let loop = Array(chain[first...])
                        for (position, member) in loop.enumerated() { members[member] = (loops.count, position) }
                        loops.append(loop)
                    }
                    break
                }
                // A place that is not itself a reference ends the chain: it describes something.
                guard let next = value["$ref"]?.string else { break }
                state[location] = 1
                chain.append(location)
                guard case .local(let nextPointer) = OASReference.form(of: next), let nextValue = root.value(at: nextPointer) else { break }
                (pointer, value) = (nextPointer, nextValue)
            }
            for member in chain { state[member] = 2 }
        }
        self.loops = loops
        self.smallest = loops.map { $0.min() ?? "" }
        self.members = members
    }

    static func of(_ context: RuleContext, _ references: OASReferences, root: JSONValue) -> OASReferenceLoops {
        context.input.memo.value("oas.referenceLoops") { OASReferenceLoops(references, root: root) }
    }

    /// The loop that starts at `here`, reported once per loop: from its smallest pointer.
    func problem(at here: String) -> OASReferenceCheck.Problem {
        guard let (index, position) = members[here] else { return .none }
        guard smallest[index] == here else { return .none }
        let loop = loops[index]
        return .cycle(Array(loop[position...] + loop[..<position]) + [here])
    }
}

/// One `$ref` of the document and what is wrong with it.
enum OASReferenceCheck {
    enum Problem {
        case none
        case external
        case malformed(String)
        case unresolved(JSONPointer)
        case wrongKind(expected: String, found: String)
        /// The pointers of the loop, starting here; reported once, from its first member.
        case cycle([String])
    }

    struct Reference {
        var text: String
        var problem: Problem
        var root: JSONValue
    }

    /// What a rule looks for: each does only the work its problems need.
    enum Looking {
        /// Malformed, unresolved and wrong-kind local references.
        case resolution
        /// References to other documents (no resolving at all).
        case external
        /// Loops of references (resolving only references to references).
        case cycles
    }

    static func findings(
        _ context: RuleContext, looking: Looking, _ describe: (Reference) -> (message: String, signature: String)?
    ) -> [Finding] {
        guard let swagger = context.swagger, let references = OASReferences.of(context) else { return [] }
        let root = swagger.document.root
        var findings: [Finding] = []
        for use in references.uses {
            let problem: Problem
            switch (looking, references.targets[use.target]) {
            case (.external, .external), (.resolution, .external): problem = .external
            case (.resolution, .malformed(let reason)): problem = .malformed(reason)
            case (.resolution, .unresolved(let missing)): problem = .unresolved(missing)
            case (.resolution, .found(let pointer, _)): problem = kindProblem(of: use.kind, pointingTo: pointer)
            case (.cycles, .found(_, let value)):
                guard value.object?["$ref"] != nil else { continue }
                let loops = OASReferenceLoops.of(context, references, root: root)
                problem = loops.problem(at: JSONPointer(tokens: references.record.path(of: use.node)).description)
            default: continue
            }
            if case .none = problem { continue }
            let text = references.texts[use.target]
            guard let (message, signature) = describe(Reference(text: text, problem: problem, root: root)) else { continue }
            if let finding = context.swaggerFinding(message, tokens: references.record.path(of: use.node) + ["$ref"], signature: signature)
            {
                findings.append(finding)
            }
        }
        return findings
    }

    /// A reference of an object of `kind` to something of another kind (a parameter's to a schema).
    static func kindProblem(of kind: OASKind, pointingTo pointer: JSONPointer) -> Problem {
        // The kind of what it points to, by where it is.
        let tokens = pointer.tokens
        let section = tokens.count == 2 ? tokens[0] : nil
        switch kind {
        case .parameter:
            if section != "parameters" { return .wrongKind(expected: "a parameter", found: found(tokens)) }
        case .response:
            if section != "responses" { return .wrongKind(expected: "a response", found: found(tokens)) }
        case .schema, .responseSchema:
            if section == "parameters" || section == "responses" || tokens.count <= 1 {
                return .wrongKind(expected: "a schema", found: found(tokens))
            }
        default:
            break
        }
        return .none
    }

    static func found(_ tokens: [String]) -> String {
        switch tokens.first {
        case "definitions" where tokens.count == 2: "a schema (under #/definitions)"
        case "parameters" where tokens.count == 2: "a parameter (under #/parameters)"
        case "responses" where tokens.count == 2: "a response (under #/responses)"
        case nil: "the whole document"
        default: "\"\(JSONPointer(tokens: tokens))\""
        }
    }

    static func section(_ expected: String) -> String {
        switch expected {
        case "a parameter": "a parameter defined under #/parameters"
        case "a response": "a response defined under #/responses"
        default: "a schema, usually one under #/definitions"
        }
    }

    /// A key of the same parent that differs only in case, for "did you mean".
    static func nearMiss(_ pointer: JSONPointer, in root: JSONValue) -> String? {
        guard let last = pointer.tokens.last, let parent = pointer.parent, let object = root.value(at: parent)?.object else { return nil }
        guard let match = object.members.first(where: { $0.key.lowercased() == last.lowercased() }) else { return nil }
        return parent.appending(match.key).uriFragment
    }
}
