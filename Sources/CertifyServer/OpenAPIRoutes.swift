import Foundation
import HTTPTypes
import Hummingbird
import Yams

/// The service's description of itself: `openapi.yaml` at the package root, embedded at build
/// time (`Plugins/EmbedResources`), served as it is and converted to JSON.
public enum OpenAPIDescription {
    /// The text of `openapi.yaml` this binary was built with.
    public static var yaml: String {
        EmbeddedServerResources.files.first { $0.name == "openapi.yaml" }?.text ?? ""
    }

    /// The same document as JSON (keys sorted), converted once.
    public static let json: Data = {
        do {
            return try convertToJSON(yaml)
        } catch {
            // A build whose description does not parse is caught by OpenAPIContractTests.
            return Data(#"{"error":{"message":"The embedded openapi.yaml does not parse."}}"#.utf8)
        }
    }()

    /// YAML to JSON: mappings to objects, sequences to arrays, scalars as YAML 1.1 resolves them.
    public static func convertToJSON(_ text: String) throws -> Data {
        guard let document = try Yams.load(yaml: text) else {
            throw HTTPError(.internalServerError, message: "The OpenAPI description is empty.")
        }
        return try JSONSerialization.data(
            withJSONObject: jsonCompatible(document), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Yams hands back `[AnyHashable: Any]` for mappings; JSON wants string keys.
    static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let mapping as [AnyHashable: Any]:
            var object: [String: Any] = [:]
            for (key, member) in mapping { object["\(key.base)"] = jsonCompatible(member) }
            return object
        case let mapping as [String: Any]:
            return mapping.mapValues(jsonCompatible)
        case let sequence as [Any]:
            return sequence.map(jsonCompatible)
        default:
            return value
        }
    }

    /// `GET /v1/openapi.yaml` and `GET /v1/openapi.json`, which need no token. Register them
    /// before the authenticated `/v1` group.
    static func addRoutes(to router: Router<CertifyRequestContext>) {
        router.get("v1/openapi.yaml") { request, _ -> Response in
            _ = try QueryParameters(request, accepting: [])
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: yaml)))
        }
        router.get("v1/openapi.json") { request, _ -> Response in
            _ = try QueryParameters(request, accepting: [])
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
    }
}

/// The routes the router has, by path pattern and method, so that a request no route takes is
/// answered in the API's error shape: 405 with `Allow` when its path has routes for other
/// methods, 404 when it has none. (Hummingbird answers both with an empty 404.) Filled once the
/// router is complete, read for every request after.
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    /// Each route's path segments, nil for a parameter, and its method.
    private var routes: [(segments: [Substring?], method: HTTPRequest.Method)] = []

    func load(_ descriptions: [Router<CertifyRequestContext>.RouteDescription]) {
        let loaded = descriptions.map { route in
            (
                segments: route.path.description.split(separator: "/").map { segment -> Substring? in
                    segment.hasPrefix("{") || segment.hasPrefix(":") ? nil : segment
                },
                method: route.method
            )
        }
        lock.withLock { routes = loaded }
    }

    /// The methods routed for `path`, in a stable order.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let found = lock.withLock {
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { pattern, segment in pattern.map { $0 == segment } ?? true }
            }.map(\.method)
        }
        return Array(Set(found)).sorted { $0.rawValue < $1.rawValue }
    }
}

/// See `RouteTable`.
struct UnroutedRequestMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let methods = table.methods(forPath: request.uri.path)
        // A browser asking for a page outside the API gets the console's HTML error page.
        let browser =
            !request.uri.path.hasPrefix("/v1") && (request.headers[.accept] ?? "").contains("text/html")
        guard !methods.isEmpty else {
            if browser {
                return ConsolePageMiddleware.errorPage(
                    HTTPError(.notFound, message: "There is no page at this address."),
                    chrome: ConsoleChrome(principal: nil, csrf: nil, nonce: ConsoleSecurity.randomToken(), current: ""))
            }
            throw HTTPError(
                .notFound,
                message: "No such path in this API; its routes are described at /v1/openapi.json.")
        }
        guard methods.contains(request.method) else {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            let error = HTTPError(
                .methodNotAllowed, headers: [.allow: allow],
                message: "\(request.method.rawValue) is not a method of this path; it takes \(allow).")
            if browser {
                var response = ConsolePageMiddleware.errorPage(
                    error, chrome: ConsoleChrome(principal: nil, csrf: nil, nonce: ConsoleSecurity.randomToken(), current: ""))
                response.headers[.allow] = allow
                return response
            }
            throw error
        }
        return try await next(request, context)
    }
}
