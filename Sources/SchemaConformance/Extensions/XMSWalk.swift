import Certification
import ConnectorPackage
import JSONDocument

/// Where a spec object sits in a swagger. The platform reads each `x-ms-*` extension on some
/// kinds of objects only, so the extension rules judge a key by its site.
enum XMSSite: String, Sendable, CaseIterable {
    case root, info, contact, license, paths, pathItem, operation, parameter, bodyParameter, items
    case responses, response, header, schema, notificationContent, securityScheme, tag, externalDocs

    /// The site's bit in a set of sites.
    var bit: UInt32 {
        switch self {
        case .root: 1 << 0
        case .info: 1 << 1
        case .contact: 1 << 2
        case .license: 1 << 3
        case .paths: 1 << 4
        case .pathItem: 1 << 5
        case .operation: 1 << 6
        case .parameter: 1 << 7
        case .bodyParameter: 1 << 8
        case .items: 1 << 9
        case .responses: 1 << 10
        case .response: 1 << 11
        case .header: 1 << 12
        case .schema: 1 << 13
        case .notificationContent: 1 << 14
        case .securityScheme: 1 << 15
        case .tag: 1 << 16
        case .externalDocs: 1 << 17
        }
    }

    /// How a message names the site: "on an operation", "on a schema".
    var phrase: String {
        switch self {
        case .root: "at the root of the swagger"
        case .info: "in info"
        case .contact: "in info.contact"
        case .license: "in info.license"
        case .paths: "directly under paths"
        case .pathItem: "on a path item (beside the operations)"
        case .operation: "on an operation"
        case .parameter: "on a non-body parameter"
        case .bodyParameter: "on a body parameter"
        case .items: "on the items of a non-body parameter"
        case .responses: "directly under responses"
        case .response: "on a response"
        case .header: "on a response header"
        case .schema: "on a schema"
        case .notificationContent: "in x-ms-notification-content"
        case .securityScheme: "on a security definition"
        case .tag: "on a tag"
        case .externalDocs: "in externalDocs"
        }
    }
}

/// One spec object that carries at least one `x-ms` key.
struct XMSVisit: Sendable {
    var site: XMSSite
    var object: JSONObject
    var pointer: JSONPointer
    /// The known extensions among its keys: bit n for `XMSCatalog.names[n]`.
    var known: UInt64 = 0
    /// Some x-ms key is not a known extension.
    var hasUnknown = false
    /// Some known extension is here where it has no effect.
    var hasMisplaced = false
    /// Some known extension that has an effect here is not a plain string of a string extension
    /// (the one shape most of them have): its shape needs checking.
    var needsShapeCheck = false
}

/// A walk over the spec objects of a Swagger 2.0 document: root, info, path items, operations,
/// parameters (inline; `$ref` ones are visited where they are defined), responses, headers,
/// schemas (properties, items, additionalProperties, allOf/anyOf/oneOf/not), definitions,
/// x-ms-notification-content. Values of extensions, examples, defaults and enums are not spec
/// objects and are not entered, so a property named "x-ms-foo" is never taken for an extension.
enum XMSWalk {
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// The spec objects that have a key starting with "x-ms" (any case), or, with `keys`, one
    /// of those keys.
    static func visits(_ root: JSONValue, keys: [String]? = nil) -> [XMSVisit] {
        var walker = Walker(keys: keys)
        walker.walkRoot(root)
        return walker.visits
    }

    /// The spec objects with one of `keys`, or none when the swagger's text cannot contain
    /// them: a byte search skips the walk for most swaggers. Text with \u escapes is walked
    /// anyway, since a key may be written with escapes.
    static func visits(_ swagger: (file: PackageFile, document: JSONDocument), keys: [String], memo: Memo) -> [XMSVisit] {
        // The visits with one of `keys` are those of the walk for every x-ms key (shared by the
        // rules through the memo) that hold one of them.
        let all = allVisits(swagger.document.root, memo: memo)
        if let mask = XMSCatalog.mask(keys) { return all.filter { $0.known & mask != 0 } }
        return all.filter { visit in visit.object.members.contains { isExtensionKey($0.key) && keys.contains($0.key) } }
    }

    /// Every spec object with an x-ms key, walked once per package.
    static func allVisits(_ root: JSONValue, memo: Memo) -> [XMSVisit] {
        memo.value("xms.visits") { visits(root) }
    }

    /// True for a key the platform would take as a Microsoft extension ("x-ms-…", any case).
    static func isExtensionKey(_ key: String) -> Bool {
        var bytes = key.utf8.makeIterator()
        guard let x = bytes.next(), x | 0x20 == UInt8(ascii: "x"), bytes.next() == UInt8(ascii: "-"),
            let m = bytes.next(), m | 0x20 == UInt8(ascii: "m"), let s = bytes.next(), s | 0x20 == UInt8(ascii: "s")
        else { return false }
        return true
    }

    /// True for "x-…" keys (vendor extensions), by bytes.
    static func isVendorKey(_ key: String) -> Bool {
        var bytes = key.utf8.makeIterator()
        return bytes.next() == UInt8(ascii: "x") && bytes.next() == UInt8(ascii: "-")
    }

    private struct Walker {
        var keys: [String]?
        var visits: [XMSVisit] = []
        var tokens: [String] = []

        init(keys: [String]?) {
            self.keys = keys
        }

        mutating func record(_ site: XMSSite, _ object: JSONObject) {
            var wanted = false
            var visit = XMSVisit(site: site, object: object, pointer: JSONPointer(tokens: []))
            for member in object.members where XMSWalk.isExtensionKey(member.key) {
                if let keys, !keys.contains(member.key) { continue }
                wanted = true
                guard let ordinal = XMSCatalog.ordinal(member.key) else {
                    visit.hasUnknown = true
                    continue
                }
                let bit: UInt64 = 1 << UInt64(ordinal)
                visit.known |= bit
                if !XMSCatalog.applies(ordinal: ordinal, at: site) {
                    visit.hasMisplaced = true
                } else if SchemaRules.xmsStringMask & bit == 0 || member.value.string == nil {
                    visit.needsShapeCheck = true
                }
            }
            guard wanted else { return }
            visit.pointer = JSONPointer(tokens: tokens)
            visits.append(visit)
        }

        mutating func push(_ token: String, _ body: (inout Walker) -> Void) {
            tokens.append(token)
            body(&self)
            tokens.removeLast()
        }

        mutating func walkRoot(_ root: JSONValue) {
            guard let object = root.object else { return }
            record(.root, object)
            if let info = object["info"]?.object {
                push("info") { walker in
                    walker.record(.info, info)
                    for (key, site) in [("contact", XMSSite.contact), ("license", .license)] {
                        if let child = info[key]?.object { walker.push(key) { $0.record(site, child) } }
                    }
                }
            }
            if let paths = object["paths"]?.object {
                push("paths") { walker in
                    walker.record(.paths, paths)
                    for member in paths.members where !XMSWalk.isVendorKey(member.key) {
                        guard let item = member.value.object else { continue }
                        walker.push(member.key) { $0.walkPathItem(item) }
                    }
                }
            }
            if let definitions = object["definitions"]?.object {
                push("definitions") { walker in
                    for member in definitions.members {
                        if let schema = member.value.object { walker.push(member.key) { $0.walkSchema(schema) } }
                    }
                }
            }
            if let parameters = object["parameters"]?.object {
                push("parameters") { walker in
                    for member in parameters.members {
                        if let parameter = member.value.object { walker.push(member.key) { $0.walkParameter(parameter) } }
                    }
                }
            }
            if let responses = object["responses"]?.object {
                push("responses") { walker in
                    for member in responses.members {
                        if let response = member.value.object { walker.push(member.key) { $0.walkResponse(response) } }
                    }
                }
            }
            if let schemes = object["securityDefinitions"]?.object {
                push("securityDefinitions") { walker in
                    for member in schemes.members {
                        if let scheme = member.value.object { walker.push(member.key) { $0.record(.securityScheme, scheme) } }
                    }
                }
            }
            if let tags = object["tags"]?.array {
                push("tags") { walker in
                    for (index, tag) in tags.enumerated() {
                        if let tag = tag.object { walker.push(String(index)) { $0.record(.tag, tag) } }
                    }
                }
            }
            if let docs = object["externalDocs"]?.object {
                push("externalDocs") { $0.record(.externalDocs, docs) }
            }
        }

        mutating func walkPathItem(_ item: JSONObject) {
            record(.pathItem, item)
            for member in item.members {
                if XMSWalk.methods.contains(member.key), let operation = member.value.object {
                    push(member.key) { $0.walkOperation(operation) }
                } else if member.key == "parameters", let parameters = member.value.array {
                    push("parameters") { walker in
                        for (index, parameter) in parameters.enumerated() {
                            if let parameter = parameter.object { walker.push(String(index)) { $0.walkParameter(parameter) } }
                        }
                    }
                } else if member.key == "x-ms-notification-content", let content = member.value.object {
                    push(member.key) { $0.walkNotificationContent(content) }
                }
            }
        }

        mutating func walkOperation(_ operation: JSONObject) {
            record(.operation, operation)
            if let parameters = operation["parameters"]?.array {
                push("parameters") { walker in
                    for (index, parameter) in parameters.enumerated() {
                        if let parameter = parameter.object { walker.push(String(index)) { $0.walkParameter(parameter) } }
                    }
                }
            }
            if let responses = operation["responses"]?.object {
                push("responses") { walker in
                    walker.record(.responses, responses)
                    for member in responses.members where !XMSWalk.isVendorKey(member.key) {
                        if let response = member.value.object { walker.push(member.key) { $0.walkResponse(response) } }
                    }
                }
            }
            if let docs = operation["externalDocs"]?.object {
                push("externalDocs") { $0.record(.externalDocs, docs) }
            }
            if let content = operation["x-ms-notification-content"]?.object {
                push("x-ms-notification-content") { $0.walkNotificationContent(content) }
            }
        }

        mutating func walkNotificationContent(_ content: JSONObject) {
            record(.notificationContent, content)
            if let schema = content["schema"]?.object { push("schema") { $0.walkSchema(schema) } }
            walkHeaders(content)
        }

        mutating func walkParameter(_ parameter: JSONObject) {
            if parameter["$ref"] != nil && parameter.count == 1 { return }
            let body = parameter["in"]?.string == "body"
            record(body ? .bodyParameter : .parameter, parameter)
            if body, let schema = parameter["schema"]?.object { push("schema") { $0.walkSchema(schema) } }
            if !body, let items = parameter["items"]?.object { push("items") { $0.walkItems(items) } }
        }

        mutating func walkItems(_ items: JSONObject) {
            record(.items, items)
            if let inner = items["items"]?.object { push("items") { $0.walkItems(inner) } }
        }

        mutating func walkResponse(_ response: JSONObject) {
            if response["$ref"] != nil && response.count == 1 { return }
            record(.response, response)
            if let schema = response["schema"]?.object { push("schema") { $0.walkSchema(schema) } }
            walkHeaders(response)
        }

        mutating func walkHeaders(_ owner: JSONObject) {
            guard let headers = owner["headers"]?.object else { return }
            push("headers") { walker in
                for member in headers.members {
                    guard let header = member.value.object else { continue }
                    walker.push(member.key) { walker in
                        walker.record(.header, header)
                        if let items = header["items"]?.object { walker.push("items") { $0.walkItems(items) } }
                    }
                }
            }
        }

        mutating func walkSchema(_ schema: JSONObject) {
            record(.schema, schema)
            // One pass over the members, telling the few keys that hold schemas by their first
            // byte before comparing them: schemas are most of a swagger.
            for member in schema.members {
                let key = member.key
                switch key.utf8.first {
                case UInt8(ascii: "p"):
                    guard key == "properties", let properties = member.value.object else { continue }
                    push(key) { walker in
                        for property in properties.members {
                            if let object = property.value.object { walker.push(property.key) { $0.walkSchema(object) } }
                        }
                    }
                case UInt8(ascii: "i"):
                    guard key == "items" else { continue }
                    if let single = member.value.object {
                        push(key) { $0.walkSchema(single) }
                    } else if let list = member.value.array {
                        push(key) { $0.walkSchemas(list) }
                    }
                case UInt8(ascii: "a"):
                    if key == "additionalProperties", let additional = member.value.object {
                        push(key) { $0.walkSchema(additional) }
                    } else if key == "allOf" || key == "anyOf", let list = member.value.array {
                        push(key) { $0.walkSchemas(list) }
                    }
                case UInt8(ascii: "o"):
                    if key == "oneOf", let list = member.value.array { push(key) { $0.walkSchemas(list) } }
                case UInt8(ascii: "n"):
                    if key == "not", let negated = member.value.object { push(key) { $0.walkSchema(negated) } }
                default:
                    continue
                }
            }
        }

        mutating func walkSchemas(_ list: [JSONValue]) {
            for (index, item) in list.enumerated() {
                if let item = item.object { push(String(index)) { $0.walkSchema(item) } }
            }
        }
    }
}

/// The operations of a swagger, by operationId, with their parameters resolved through
/// `#/parameters/…` references (path-item parameters included, overridden by the operation's).
struct XMSOperations: Sendable {
    struct Operation: Sendable {
        var id: String
        var method: String
        var path: String
        var pointer: JSONPointer
        var object: JSONObject
        var parameters: [JSONObject]

        var hasBody: Bool { parameters.contains { $0["in"]?.string == "body" } }
        var parameterNames: Set<String> { Set(parameters.compactMap { $0["name"]?.string }) }
    }

    var byId: [String: Operation] = [:]
    var all: [Operation] = []

    /// The operations of the package's swagger, found once per package.
    static func of(_ context: RuleContext) -> XMSOperations {
        guard let swagger = context.swagger else { return XMSOperations(JSONValue(.null)) }
        return context.input.memo.value("xms.operations") { XMSOperations(swagger.document.root) }
    }

    init(_ root: JSONValue) {
        guard let paths = root["paths"]?.object else { return }
        let shared = root["parameters"]?.object
        func resolve(_ value: JSONValue) -> JSONObject? {
            guard let object = value.object else { return nil }
            if let ref = object["$ref"]?.string, ref.hasPrefix("#/parameters/"),
                let pointer = try? JSONPointer(uriFragment: ref), pointer.tokens.count == 2
            {
                return shared?[pointer.tokens[1]]?.object
            }
            return object
        }
        for pathMember in paths.members where !pathMember.key.hasPrefix("x-") {
            guard let item = pathMember.value.object else { continue }
            let common = (item["parameters"]?.array ?? []).compactMap(resolve)
            for member in item.members where XMSWalk.methods.contains(member.key) {
                guard let operation = member.value.object else { continue }
                let own = (operation["parameters"]?.array ?? []).compactMap(resolve)
                var parameters = own
                for parameter in common
                where !own.contains(where: {
                    $0["name"]?.string == parameter["name"]?.string && $0["in"]?.string == parameter["in"]?.string
                }) {
                    parameters.append(parameter)
                }
                let entry = Operation(
                    id: operation["operationId"]?.string ?? "", method: member.key, path: pathMember.key,
                    pointer: JSONPointer(tokens: ["paths", pathMember.key, member.key]), object: operation,
                    parameters: parameters)
                all.append(entry)
                if let id = operation["operationId"]?.string, byId[id] == nil { byId[id] = entry }
            }
        }
    }

    /// Known operationIds, for "did you mean" hints.
    var ids: [String] { all.map(\.id).filter { !$0.isEmpty } }
}

/// Something an extension rule found, before it becomes a finding of that rule.
struct XMSIssue: Sendable {
    var pointer: JSONPointer
    var message: String
    var severity: Severity?
    var signature: String
    var atKey: Bool = false
}

extension RuleContext {
    /// Findings at the issues' pointers in the swagger.
    func swaggerFindings(_ issues: [XMSIssue]) -> [Finding] {
        guard let swagger else { return [] }
        return issues.map {
            finding(
                $0.message, in: swagger.file, document: swagger.document, at: $0.pointer, atKey: $0.atKey,
                severity: $0.severity, signature: $0.signature)
        }
    }

    /// Findings at the issues' pointers in apiProperties.json.
    func propertiesFindings(_ issues: [XMSIssue]) -> [Finding] {
        guard let properties else { return [] }
        return issues.map {
            finding(
                $0.message, in: properties.file, document: properties.document, at: $0.pointer, atKey: $0.atKey,
                severity: $0.severity, signature: $0.signature)
        }
    }
}

/// Small text helpers for messages.
enum XMSText {
    /// A value as it reads in a message: strings quoted, long values cut.
    static func quote(_ value: JSONValue) -> String {
        let text = value.jsonText
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    /// "a string", "an object", … for a value's JSON type.
    static func kind(_ value: JSONValue) -> String {
        switch value.kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The candidate closest to `text` (case-insensitive edit distance), when it is close
    /// enough to be a likely misspelling.
    static func nearest(_ text: String, in candidates: some Sequence<String>, maxDistance: Int = 3) -> String? {
        let lowered = Array(text.lowercased().unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            let other = Array(candidate.lowercased().unicodeScalars)
            guard abs(other.count - lowered.count) <= maxDistance else { continue }
            let distance = editDistance(lowered, other)
            if distance <= maxDistance, best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        return best?.0
    }

    /// "#" and six hexadecimal digits.
    static func isHexColor(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 7 && bytes[0] == UInt8(ascii: "#")
            && bytes.dropFirst().allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102)
            }
    }

    /// A connection parameter name: letters, digits, underscores (and hyphens with `hyphen`),
    /// optionally one "prefix:" (token:TenantId, name:sub).
    static func isParameterName(_ name: String, hyphen: Bool) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty
                && part.utf8.allSatisfy {
                    ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || $0 == 95 || (hyphen && $0 == 45)
                }
        }
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
