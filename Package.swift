// swift-tools-version: 6.1
import PackageDescription

// Rule folders being written in parallel, left out of local builds until integrated.
let inProgressRuleFolders: [String] = []
let inProgressTests: [String] = []

let package = Package(
    name: "certify",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "certify", targets: ["certify"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // NIOHTTPTypes, for the connection timeouts' channel handler (Hummingbird's own dependency).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // Console sign-in sessions (SessionMiddleware over the store as a PersistDriver).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // The PostgreSQL store (issue 15): the SSWG client, with its connection pool and LISTEN/NOTIFY.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // TLS settings for PostgreSQL connections (postgres-nio's own dependency).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Byte-level JSON with source positions, duplicate keys, JSON Pointer. No dependencies.
        .target(name: "JSONDocument"),
        // JSON Schema draft-04 and the Swagger 2.0 Schema Object dialect, compiled once, all errors.
        .target(name: "JSONSchema", dependencies: ["JSONDocument"]),
        // The system zlib, and deflate streams inflated through it safely on hostile input.
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZlibCodec", dependencies: ["CSystemZlib"]),
        // PNG reading (chunks, CRCs, inflate through ZlibCodec, unfiltering, Adam7) on hostile input.
        .target(name: "PNGImage", dependencies: ["ZlibCodec"]),
        // A connector package: files loaded from a folder or a zip, within named limits.
        .target(
            name: "ConnectorPackage",
            dependencies: [
                "JSONDocument", "ZlibCodec",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The core of the stages: findings, rules and their examples, the Stage protocol,
        // rulesets, the runner (given its stages), stage threads, the package stage.
        .target(
            name: "Certification",
            dependencies: [
                "JSONDocument", "ConnectorPackage",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Stage 1, schema conformance: OpenAPI 2.0 structure and semantics, connector extensions,
        // apiProperties.json shapes.
        .target(
            name: "SchemaConformance",
            dependencies: [
                "Certification", "ConnectorPackage", "JSONDocument", "JSONSchema",
            ], exclude: inProgressRuleFolders),
        // Stage 2, content policy: texts, metadata, brand colour, icon (reads icon.png), README,
        // script, secrets, breaking changes.
        .target(
            name: "ContentPolicy",
            dependencies: [
                "Certification", "ConnectorPackage", "JSONDocument", "PNGImage",
                .product(name: "Crypto", package: "swift-crypto"),
            ], exclude: inProgressRuleFolders),
        // Calls to other people's servers (webhooks, probes): private-network guard, pinned
        // addresses, checked redirects, timeouts and size caps.
        .target(
            name: "OutboundHTTP",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Stage 3: functional probing of the connector's live API, and the probe rules.
        .target(
            name: "Probing",
            dependencies: [
                "Certification", "ConnectorPackage", "JSONDocument", "JSONSchema", "OutboundHTTP",
            ]),
        // The pipeline's stages in order and the catalogue of every rule (with the ruleset version
        // that hashes it): the one module that knows every stage.
        .target(
            name: "StageCatalog",
            dependencies: [
                "Certification", "ConnectorPackage", "SchemaConformance", "ContentPolicy", "Probing",
            ]),
        // Renderers (JSON, Markdown, HTML) from one result model.
        .target(
            name: "Reports",
            dependencies: [
                "Certification", "StageCatalog",
                .product(name: "Mustache", package: "swift-mustache"),
            ], plugins: ["EmbedResources"]),
        // The SQLite store: migrations, records, queries.
        .target(
            name: "SubmissionStore",
            dependencies: [
                "Certification", "StageCatalog", "ConnectorPackage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], plugins: ["EmbedResources"]),
        // Durable leased jobs, workers running the stages, writing results once.
        .target(
            name: "Pipeline",
            dependencies: [
                "Certification", "StageCatalog", "SubmissionStore", "ConnectorPackage", "OutboundHTTP", "Probing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        // A multipart/form-data upload read with multipart-kit's parser, within named limits.
        .target(
            name: "UploadForm",
            dependencies: [
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // What a person can do (submit, act on a submission, build a report, re-certify, manage
        // webhooks and tokens), with who may see and do what decided here once; the API, the CLI
        // and the coming console call it. No HTTP.
        .target(
            name: "UseCases",
            dependencies: [
                "Certification", "ConnectorPackage", "JSONDocument", "OutboundHTTP", "Pipeline", "Probing", "Reports",
                "StageCatalog", "SubmissionStore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        // The HTTP API (decodes requests, calls the use cases, encodes their answers) and the web
        // console (server-rendered pages over the same use cases, signed in by session).
        .target(
            name: "CertifyServer",
            dependencies: [
                "UseCases", "Pipeline", "OutboundHTTP", "UploadForm", "Reports", "StageCatalog",
                .product(name: "Crypto", package: "swift-crypto"), "SubmissionStore", "Certification", "ConnectorPackage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Reads the embedded openapi.yaml to serve it as JSON too.
                .product(name: "Yams", package: "Yams"),
            ], plugins: ["EmbedResources"]),
        .executableTarget(
            name: "certify",
            dependencies: [
                "CertifyServer", "UseCases", "OutboundHTTP", "Probing", "Pipeline", "SubmissionStore", "Reports", "Certification",
                "StageCatalog", "SchemaConformance", "ConnectorPackage", "JSONDocument",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // What each fuzz target does with one input (Fuzz/, Scripts/fuzz.sh), and the replay of
        // the inputs kept under Fixtures/fuzz.
        .target(
            name: "FuzzChecks",
            dependencies: [
                "Certification", "SchemaConformance", "ConnectorPackage", "JSONDocument", "JSONSchema", "PNGImage", "UploadForm",
            ]),
        // Build-time embedding of Migrations/*.sql, Templates/* and openapi.yaml as Swift string
        // literals, so a copied binary carries its schema, report templates and API description.
        .executableTarget(name: "EmbedResourcesTool"),
        .plugin(name: "EmbedResources", capability: .buildTool(), dependencies: ["EmbedResourcesTool"]),

        .testTarget(name: "JSONDocumentTests", dependencies: ["JSONDocument"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSONDocument"]),
        .testTarget(name: "PNGImageTests", dependencies: ["PNGImage", "ZlibCodec"]),
        // `certify` is imported too, and built: the CLI tests run the binary.
        .testTarget(
            name: "CertifyTests",
            dependencies: [
                "certify", "FuzzChecks", "OutboundHTTP", "Probing", "JSONSchema", "CertifyServer", "UseCases", "Pipeline",
                "SubmissionStore", "Reports", "Certification",
                "SchemaConformance", "ContentPolicy", "StageCatalog", "ConnectorPackage", "JSONDocument", "PNGImage",
                "UploadForm",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ], exclude: inProgressTests + ["Resources"]),
    ]
)

// libFuzzer targets, only when CERTIFY_FUZZ is set (Scripts/fuzz.sh builds them with
// `-sanitize=fuzzer,address` in .build-fuzz): each is a small executable whose entry point is
// libFuzzer's, over one reader of publisher input.
if Context.environment["CERTIFY_FUZZ"] != nil {
    for name in ["FuzzJSON", "FuzzPackage", "FuzzPattern", "FuzzSchemaStage", "FuzzPNG", "FuzzMultipart"] {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["FuzzChecks"], path: "Fuzz/\(name)",
                swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
