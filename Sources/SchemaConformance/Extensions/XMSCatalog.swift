import Certification

/// The `x-ms-*` extensions the Power Platform reads in a connector's swagger, and where.
///
/// From the custom-connector docs (openapi-extensions: summary, x-ms-summary, x-ms-visibility,
/// x-ms-api-annotation, x-ms-operation-context, x-ms-capabilities, x-ms-trigger,
/// x-ms-trigger-hint, x-ms-notification-content, x-ms-notification-url, x-ms-url-encoding, the
/// four dynamic extensions), the PowerPlatformConnectors swagger schema (x-ms-connector-metadata,
/// x-ms-no-generic-test, x-ms-pageable, x-ms-safe-operation, x-ms-trigger-metadata,
/// x-ms-notification, x-ms-media-kind, x-ms-enum-values, x-ms-test-value, x-ms-docs,
/// x-ms-deployment-version), and the certified corpus, which also uses the Copilot extensions
/// (x-ms-openai-data, x-ms-openai-manifest, x-ms-keywords, x-ms-openai-published-to-copilots) and
/// the editor ones (x-ms-dynamic-tree, x-ms-editor, x-ms-editor-options).
enum XMSCatalog {
    /// Sites where each known extension has an effect.
    static let sites: [String: Set<XMSSite>] = {
        let valueSites: Set<XMSSite> = [.parameter, .bodyParameter, .items, .schema]
        return [
            "x-ms-summary": [.parameter, .bodyParameter, .items, .schema, .response, .header, .notificationContent],
            "x-ms-visibility": [.operation, .parameter, .bodyParameter, .items, .schema],
            "x-ms-api-annotation": [.info, .operation],
            "x-ms-operation-context": [.operation],
            "x-ms-capabilities": [.root, .operation],
            "x-ms-trigger": [.operation],
            "x-ms-trigger-hint": [.operation],
            "x-ms-trigger-metadata": [.operation],
            "x-ms-notification": [.operation],
            "x-ms-notification-content": [.pathItem, .operation],
            "x-ms-notification-url": [.parameter, .schema],
            "x-ms-url-encoding": [.parameter],
            "x-ms-dynamic-values": [.parameter, .items, .schema],
            "x-ms-dynamic-list": [.parameter, .items, .schema],
            "x-ms-dynamic-schema": [.parameter, .bodyParameter, .schema],
            "x-ms-dynamic-properties": [.parameter, .bodyParameter, .schema],
            "x-ms-dynamic-tree": [.parameter, .schema],
            "x-ms-enum-values": valueSites,
            "x-ms-test-value": valueSites,
            "x-ms-media-kind": valueSites,
            "x-ms-editor": valueSites,
            "x-ms-editor-options": valueSites,
            "x-ms-property-name-alias": [.schema],
            "x-ms-connector-metadata": [.root],
            "x-ms-docs": [.root],
            "x-ms-openai-manifest": [.root],
            "x-ms-openai-data": [.root, .operation],
            "x-ms-pageable": [.operation],
            "x-ms-no-generic-test": [.operation],
            "x-ms-safe-operation": [.operation],
            "x-ms-deployment-version": [.info],
            "x-ms-keywords": [.info],
            "x-ms-openai-published-to-copilots": [.info],
        ]
    }()

    /// Extensions of Azure's AutoRest code generator: harmless, but the Power Platform ignores them.
    static let autoRest: Set<String> = [
        "x-ms-enum", "x-ms-client-name", "x-ms-parameter-location", "x-ms-examples", "x-ms-long-running-operation",
        "x-ms-long-running-operation-options", "x-ms-azure-resource", "x-ms-mutability", "x-ms-secret",
        "x-ms-discriminator-value", "x-ms-identifiers", "x-ms-skip-url-encoding", "x-ms-parameterized-host",
        "x-ms-client-flatten", "x-ms-paths", "x-ms-odata", "x-ms-external", "x-ms-parameter-grouping",
        "x-ms-client-request-id", "x-ms-error-response", "x-ms-header-collection-prefix",
        "x-ms-code-generation-settings", "x-ms-client-default", "x-ms-arm-id-details", "x-ms-pageable-options",
        "x-ms-request-id", "x-ms-text", "x-ms-flatten", "x-ms-nullable", "x-ms-xml-name",
    ]

    static var knownNames: Dictionary<String, Set<XMSSite>>.Keys { sites.keys }

    /// The known names in a fixed order, looked up without hashing (every x-ms key of every
    /// object of a swagger is looked up, several times).
    static let names: [String] = sites.keys.sorted()
    private static let table = OASFieldTable(names)
    private static let siteBits: [UInt32] = names.map { name in sites[name]!.reduce(0) { $0 | $1.bit } }

    /// The ordinal of a known extension in `names` (below 64: `XMSVisit.known` is a bit set).
    static func ordinal(_ key: String) -> Int? { table.ordinal(key) }

    /// Whether a known extension has an effect at `site`; nil for a name that is not known.
    static func applies(_ key: String, at site: XMSSite) -> Bool? {
        guard let ordinal = table.ordinal(key) else { return nil }
        return applies(ordinal: ordinal, at: site)
    }

    /// Whether the known extension `ordinal` has an effect at `site`.
    static func applies(ordinal: Int, at site: XMSSite) -> Bool { siteBits[ordinal] & site.bit != 0 }

    /// The bits of `keys` in `XMSVisit.known`, or nil when one of them is not a known name.
    static func mask(_ keys: [String]) -> UInt64? {
        var mask: UInt64 = 0
        for key in keys {
            guard let ordinal = table.ordinal(key) else { return nil }
            mask |= 1 << UInt64(ordinal)
        }
        return mask
    }

    /// Where an extension applies, as a message says it.
    static let appliesTo: [String: String] = [
        "x-ms-summary": "on parameters, schema properties, responses and headers",
        "x-ms-visibility": "on operations, parameters and schema properties",
        "x-ms-url-encoding": "on path parameters",
        "x-ms-dynamic-values": "on a non-body parameter (or its items) or a schema property",
        "x-ms-dynamic-list": "on a non-body parameter (or its items) or a schema property",
        "x-ms-dynamic-schema": "on a parameter or a schema (of a body or a response)",
        "x-ms-dynamic-properties": "on a parameter or a schema (of a body or a response)",
        "x-ms-notification-content": "on a webhook trigger operation or its path item",
        "x-ms-notification-url": "on the body property or parameter that receives the callback URL",
        "x-ms-capabilities": "at the root of the swagger (testConnection, file-picker) or on an operation (chunkTransfer)",
        "x-ms-api-annotation": "in info (status) or on an operation (family, revision)",
    ]

    /// The sites where `name` applies, as a message says it.
    static func sitesPhrase(_ name: String) -> String {
        if let phrase = appliesTo[name] { return phrase }
        let order = XMSSite.allCases
        let list = (sites[name] ?? []).sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! }
        let phrases = list.map(\.phrase)
        guard phrases.count > 1 else { return phrases.first ?? "" }
        return phrases.dropLast().joined(separator: ", ") + " or " + phrases.last!
    }
}
