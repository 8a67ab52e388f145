import Hummingbird
import UseCases

// The one place a use case's refusal becomes an HTTP status. `ErrorBodyMiddleware` applies it to
// whatever a handler lets through, so handlers only decode, call the use case and encode.
extension UseCaseError {
    /// The status and error body the API answers with.
    var httpError: any HTTPResponseError {
        switch self {
        case .notFound(let message): HTTPError(.notFound, message: message)
        case .forbidden(let message): HTTPError(.forbidden, message: message)
        case .invalid(let message): HTTPError(.badRequest, message: message)
        case .conflict(let message): HTTPError(.conflict, message: message)
        case .notAllowed(let message, let state, let allowedActions):
            ActionConflict(message: message, state: state, allowedActions: allowedActions)
        case .unprocessable(let message): HTTPError(.unprocessableContent, message: message)
        case .failed(let message): HTTPError(.internalServerError, message: message)
        }
    }
}
