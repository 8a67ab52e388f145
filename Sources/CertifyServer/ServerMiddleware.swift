import Foundation
import Hummingbird
import Logging
import NIOCore
import UseCases

/// One log line per request, after it is answered: method, path, the query with every value
/// that is not known to be harmless shown as `***` (`QueryParameters.redactedForLog`), status
/// and duration. Replaces Hummingbird's `LogRequestsMiddleware`, which logs the whole URI.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext
    let level: Logger.Level

    init(_ level: Logger.Level) { self.level = level }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context: context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context: context, status: error.status.code, start: start)
            throw error
        } catch {
            log(request, context: context, status: 500, start: start)
            throw error
        }
    }

    func log(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(
            level: level, "Request",
            metadata: [
                "hb.request.method": .string(request.method.rawValue),
                "hb.request.path": .string(request.uri.path + QueryParameters.redactedForLog(request.uri.query)),
                "hb.response.status": .stringConvertible(status),
                "hb.request.ms": .string(String(format: "%.1f", milliseconds)),
            ])
    }
}

/// Every error answers in the API's shape, `{"error": {"message": ...}}`: a use case's refusal
/// with its status (`UseCaseError.httpError`), a body over the limit says so (Hummingbird
/// answers 413 with no body), and any other error is logged with its detail and answered 500
/// with a message, never an empty body.
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch is NIOTooManyBytesError {
            throw HTTPError(
                .contentTooLarge,
                message: "The request body is over the \(context.maxUploadSize) bytes this route accepts.")
        } catch let error as UseCaseError {
            throw error.httpError
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            let reference = UUID().uuidString.prefix(8).lowercased()
            context.logger.error(
                "Unhandled error answered 500",
                metadata: [
                    "error.reference": .string(String(reference)),
                    "error.type": .string(String(reflecting: type(of: error))),
                    "error": .string(String(describing: error)),
                ])
            throw HTTPError(
                .internalServerError,
                message: "The server failed to answer this request (reference \(reference) in its log).")
        }
    }
}

/// The checks every query string passes on every route (`QueryParameters.init(_:)`): valid
/// percent-encoding and UTF-8, sizes, no control characters, and no secrets (`probeBaseUrl`,
/// `credential`), which are refused rather than silently ignored.
struct QueryCheckMiddleware: RouterMiddleware {
    typealias Context = CertifyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        _ = try QueryParameters(request)
        return try await next(request, context)
    }
}

/// Largest JSON body of the API's small JSON routes (webhooks, review actions,
/// re-certifications); package uploads have their own, larger limit.
let maximumJSONBodyBytes = 64 * 1024

extension Request {
    /// Decodes a small JSON body, refusing one over `maximumJSONBodyBytes` with 413.
    func decodeJSON<T: Decodable>(as type: T.Type, context: CertifyRequestContext) async throws -> T {
        var context = context
        context.maximumUploadBytes = min(context.maximumUploadBytes, maximumJSONBodyBytes)
        do {
            return try await decode(as: type, context: context)
        } catch is NIOTooManyBytesError {
            throw HTTPError(
                .contentTooLarge, message: "The JSON body is over maximumJSONBodyBytes (\(maximumJSONBodyBytes) bytes).")
        }
    }
}
