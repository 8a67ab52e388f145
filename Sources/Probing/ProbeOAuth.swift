import Certification
import Foundation
import JSONDocument
import OutboundHTTP

/// OAuth 2.0 as connectors use it: the probe obtains an access token itself from the security
/// definition's `tokenUrl`, with client credentials (`client_id`, `client_secret`) or a refresh
/// token (`refresh_token`, with the client's id and secret when given), when no token was given
/// (`bearer`, `oauth2` or the definition's name). The token URL goes through the same
/// private-network guard as every call; the secrets and the token are redacted like every
/// credential. A token endpoint that fails is one finding, and the operations that needed the
/// token are not probed, with that reason.
extension ProbeContext {
    /// The oauth2 definition whose token the probe should obtain: the first with a tokenUrl that
    /// an operation's (or the document's) security requirement names, when the credentials
    /// bring a grant and no token.
    func oauthGrant() -> (scheme: String, tokenURL: String, body: [(String, String)])? {
        let credentials = settings.credentials
        guard credentials["bearer"] == nil, credentials["oauth2"] == nil else { return nil }
        let grant: [(String, String)]
        if let refresh = credentials["refresh_token"] {
            grant = [("grant_type", "refresh_token"), ("refresh_token", refresh)]
        } else if credentials["client_id"] != nil, credentials["client_secret"] != nil {
            grant = [("grant_type", "client_credentials")]
        } else {
            return nil
        }
        var client: [(String, String)] = []
        if let id = credentials["client_id"] { client.append(("client_id", id)) }
        if let secret = credentials["client_secret"] { client.append(("client_secret", secret)) }
        if let scope = credentials["scope"] { client.append(("scope", scope)) }
        for member in root["securityDefinitions"]?.object?.members ?? [] {
            guard member.value["type"]?.string == "oauth2", credentials[member.key] == nil,
                let tokenURL = member.value["tokenUrl"]?.string, !tokenURL.isEmpty
            else { continue }
            return (member.key, tokenURL, grant + client)
        }
        return nil
    }

    /// Asks the token endpoint for an access token: the token, or why not with the exchange.
    func obtainAccessToken(
        scheme: String, tokenURL: String, body: [(String, String)], client: OutboundClient, limiter: HostLimiter
    ) async -> (token: String?, finding: Finding?, exchange: Exchange) {
        let form = body.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let request = OutboundRequest(
            method: "POST", url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")], body: Array(form.utf8))
        let (result, latency, _) = await send(request, client: client, limiter: limiter)
        let pointer = JSONPointer(tokens: ["securityDefinitions", scheme])
        let operation = ProbeStage.Operation(
            index: -1, id: "oauth2 token (\(scheme))", method: "post", path: tokenURL, pointer: pointer,
            value: root["securityDefinitions"]?[scheme] ?? JSONValue(.null), parameters: [])
        var problem: String
        switch result {
        case .success(let response):
            let token = (try? JSONDocument.parse(response.body))?.root["access_token"]?.string
            if (200..<300).contains(response.status), let token, !token.isEmpty {
                // The exchange is made by a context that knows the token, so it is redacted.
                var withToken = settings
                withToken.credentials[scheme] = token
                let redacting = ProbeContext(file: file, document: document, settings: withToken)
                return (token, nil, redacting.exchange(operation, request, result, latency: latency))
            }
            problem =
                (200..<300).contains(response.status)
                ? "answered \(response.status) without an access_token" : "answered \(response.status)"
        case .failure(let error):
            problem = "could not be called: \(error.message)"
        }
        let exchange = exchange(operation, request, result, latency: latency)
        let grant = body.first?.1 ?? "?"
        let finding = finding(
            ProbeRules.oauthToken,
            "The token endpoint of \"\(scheme)\" (\(redact(tokenURL))) \(problem) to a \(grant) grant, so the operations that need its token were not called. Check the tokenUrl and the client's credentials.",
            at: pointer, operation: nil, evidence: exchange.evidence, signature: "token:\(scheme)")
        return (nil, finding, exchange)
    }

    /// application/x-www-form-urlencoded: letters, digits and -._~ stay, space is +.
    static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~ ")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: " ", with: "+")
    }
}
