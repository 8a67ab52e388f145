import ArgumentParser
import Foundation
import SubmissionStore

extension ReviewAction: ExpressibleByArgument {}

struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Act on a submission: assign, unassign, comment, accept, request-changes, approve, reject, certify, withdraw.",
        discussion: """
            Reviewers and admins decide; the publisher (or an admin) withdraws. An action the current \
            state does not allow is refused with the actions that are allowed.

            Examples:
              certify review sub_abc123 assign
              certify review sub_abc123 comment --text "The summary of GetForecast is too long." --fingerprint 1a2b3c...
              certify review sub_abc123 accept --fingerprint 1a2b3c... --text "Known upstream limitation" --expires 2027-06-30
              certify review sub_abc123 approve
              certify review sub_abc123 certify
            """)

    @OptionGroup var serverOptions: ServerOptions

    @Argument(help: "The submission id.")
    var id: String

    @Argument(help: "The action.")
    var action: ReviewAction

    @Option(help: "A comment, reason or note.")
    var text: String?

    @Option(help: "For assign: who (default: yourself).")
    var assignee: String?

    @Option(help: "For comment on a finding, and for accept: the finding's fingerprint.")
    var fingerprint: String?

    @Option(
        help: ArgumentHelp(
            "For accept: when the acceptance lapses, a date (the end of that day, UTC) or an RFC 3339 date-time.",
            valueName: "DATE"))
    var expires: String?

    func run() async throws {
        var body: [String: Any] = ["action": action.rawValue]
        if let text { body["text"] = text }
        if let assignee { body["assignee"] = assignee }
        if let fingerprint { body["fingerprint"] = fingerprint }
        if let expires { body["expiresAt"] = expires }
        let data = try JSONSerialization.data(withJSONObject: body)
        let (status, answer) = try await serverOptions.send(
            .POST, "/v1/submissions/\(percentEncoded(id))/actions", body: data, contentType: "application/json")
        let object = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            let error = object["error"] as? [String: Any]
            var message = (error?["message"] as? String) ?? "HTTP \(status)"
            if let allowed = error?["allowedActions"] as? [String] { message += " (allowed: \(allowed.joined(separator: ", ")))" }
            FileHandle.standardError.write(Data("certify: the service answered \(status): \(message)\n".utf8))
            throw ExitStatus(code: 1)
        }
        print("\(object["id"] ?? id): \(object["state"] ?? "?")\((object["assignee"] as? String).map { ", assigned to \($0)" } ?? "")")
    }
}

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Register, list and remove your publisher's webhooks.",
        subcommands: [Add.self, List.self, Remove.self, Deliveries.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a URL that receives every state change of your submissions, signed.",
            discussion: """
                Each delivery is a POST of JSON with the header X-Certify-Signature: sha256=HEX, the \
                HMAC-SHA256 of the exact body with the secret printed here once. Failed deliveries are \
                retried with backoff. URLs on private networks are refused unless the server allows them.

                Example:
                  certify webhooks add https://hooks.contoso.example/certify
                """)
        @OptionGroup var serverOptions: ServerOptions
        @Argument(help: "The receiving URL (http or https).") var url: String
        @Option(help: "Your own signing secret (16 characters or more); one is generated otherwise.") var secret: String?
        @Option(help: "For admin tokens: the publisher.") var publisher: String?

        func run() async throws {
            var body: [String: Any] = ["url": url]
            if let secret { body["secret"] = secret }
            if let publisher { body["publisher"] = publisher }
            printJSON(
                try await serverOptions.json(
                    .POST, "/v1/webhooks", body: try JSONSerialization.data(withJSONObject: body), contentType: "application/json"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List webhooks.")
        @OptionGroup var serverOptions: ServerOptions
        func run() async throws { printJSON(try await serverOptions.json(.GET, "/v1/webhooks")) }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a webhook (its delivery records stay).")
        @OptionGroup var serverOptions: ServerOptions
        @Argument(help: "The webhook id.") var id: Int
        func run() async throws {
            // Said before it goes, so that the person knows which URL stops receiving.
            let hooks = try await serverOptions.json(.GET, "/v1/webhooks")
            let url = (hooks["items"] as? [[String: Any]])?.first { ($0["id"] as? Int) == id }?["url"] as? String
            let (status, data) = try await serverOptions.send(.DELETE, "/v1/webhooks/\(id)")
            guard status == 204 else {
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? "HTTP \(status)"
                FileHandle.standardError.write(Data("certify: the service answered \(status): \(message)\n".utf8))
                throw ExitStatus(code: 1)
            }
            print("removed webhook \(id)\(url.map { " (\($0))" } ?? ""); its delivery records stay")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a webhook's deliveries and their attempts.")
        @OptionGroup var serverOptions: ServerOptions
        @Argument(help: "The webhook id.") var id: Int
        func run() async throws { printJSON(try await serverOptions.json(.GET, "/v1/webhooks/\(id)/deliveries")) }
    }
}
