/// Why a use case refused or failed, in the few kinds the front ends tell apart. The JSON API
/// maps each to one status (`CertifyServer`'s `ErrorBodyMiddleware`), the console to a page, the
/// CLI to a one-line message; the message is written for the person who asked.
public enum UseCaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing by that name is visible to the caller: it does not exist, or it is another
    /// publisher's, which is told apart from nothing so that ids cannot be probed (HTTP 404).
    case notFound(String)
    /// The caller's role may not do this (HTTP 403).
    case forbidden(String)
    /// What was asked is malformed or incomplete (HTTP 400).
    case invalid(String)
    /// What was asked conflicts with the current state of what it names (HTTP 409).
    case conflict(String)
    /// A review action the submission's state does not allow, with the state and the actions
    /// the caller could take in it (HTTP 409, with both in the error body).
    case notAllowed(message: String, state: String, allowedActions: [String])
    /// Well formed, but there is nothing to do with it: a re-certification selecting no
    /// certified connector (HTTP 422).
    case unprocessable(String)
    /// Done, but what was written cannot be read back (HTTP 500, with the message).
    case failed(String)

    public var message: String {
        switch self {
        case .notFound(let message), .forbidden(let message), .invalid(let message), .conflict(let message),
            .unprocessable(let message), .failed(let message):
            message
        case .notAllowed(let message, _, _):
            message
        }
    }

    public var description: String { message }
}

/// A value quoted in a message: at most 64 characters of it, so that a 10 KB value is not
/// echoed back in full.
public func messageExcerpt(_ text: String) -> String {
    let characters = text.count
    return characters <= 64 ? text : String(text.prefix(64)) + "… (\(characters) characters)"
}
