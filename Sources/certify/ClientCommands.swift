import ArgumentParser
import AsyncHTTPClient
import Certification
import ConnectorPackage
import Foundation
import NIOCore
import NIOHTTP1

/// Options shared by the commands that talk to a running service.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Service URL (default: $CERTIFY_URL or http://127.0.0.1:8080).", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("Bearer token (default: $CERTIFY_TOKEN).", valueName: "TOKEN"))
    var token: String?

    var baseURL: String {
        (server ?? ProcessInfo.processInfo.environment["CERTIFY_URL"] ?? "http://127.0.0.1:8080")
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    func bearer() throws -> String {
        guard let token = token ?? ProcessInfo.processInfo.environment["CERTIFY_TOKEN"], !token.isEmpty else {
            throw fail("no token: pass --token TOKEN or set CERTIFY_TOKEN (create one with 'certify tokens create')")
        }
        return token
    }

    /// Sends a request and returns status and body; a refused connection is a one-line error.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = nil) async throws
        -> (status: Int, body: Data)
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(try bearer())")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: contentType ?? "application/zip")
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
            return (Int(response.status.code), Data(bytes.readableBytesView))
        } catch {
            throw fail("\(baseURL): cannot reach the service (\(error))")
        }
    }

    /// Sends a request and decodes a JSON answer, or prints the service's error and exits 1.
    func json(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> [String: Any] {
        let (status, data) = try await send(method, path, body: body, contentType: contentType)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            let message =
                ((object["error"] as? [String: Any])?["message"] as? String)
                ?? String(decoding: data.prefix(500), as: UTF8.self)
            FileHandle.standardError.write(Data("certify: the service answered \(status): \(message)\n".utf8))
            throw ExitStatus(code: 1)
        }
        return object
    }
}

func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a connector package (folder or .zip) to the service, or a new revision of one.",
        discussion: """
            Examples:
              certify submit ./MyConnector --wait
              certify submit ./MyConnector --submission sub_abc123   (a new revision)
            """)

    @OptionGroup var serverOptions: ServerOptions

    @Argument(help: "The connector folder or .zip.")
    var path: String

    @Option(help: ArgumentHelp("Submit a new revision of this submission.", valueName: "ID"))
    var submission: String?

    @Option(help: "Publisher, for reviewer or admin tokens (a submitter token already names one).")
    var publisher: String?

    @Flag(help: "Wait until the checks have finished and print the outcome.")
    var wait = false

    @Flag(help: "Print the service's JSON answer on standard output instead of the submission id.")
    var json = false

    func run() async throws {
        let package: ConnectorPackage
        do {
            package = try PackageLoader().load(path: path)
        } catch {
            throw fail(error.message)
        }
        let zip: Data
        if path.lowercased().hasSuffix(".zip"), let data = FileManager.default.contents(atPath: path) {
            zip = data
        } else {
            zip = try package.zipData()
        }
        var query = "?filename=\(percentEncoded(URL(fileURLWithPath: path).lastPathComponent))"
        if let publisher { query += "&publisher=\(percentEncoded(publisher))" }
        let route = submission.map { "/v1/submissions/\(percentEncoded($0))/revisions" } ?? "/v1/submissions"
        var answer = try await serverOptions.json(.POST, route + query, body: zip)
        guard let id = answer["id"] as? String else { throw fail("the service answered without a submission id") }
        FileHandle.standardError.write(Data("submitted \(id) revision \(answer["revision"] ?? "?")\n".utf8))
        for note in answer["notes"] as? [String] ?? [] {
            FileHandle.standardError.write(Data("note: \(note)\n".utf8))
        }
        if wait {
            let deadline = Date().addingTimeInterval(600)
            while Date() < deadline {
                let run = answer["latestRun"] as? [String: Any]
                if let state = run?["state"] as? String, state == "finished" || state == "failed" { break }
                try await Task.sleep(for: .milliseconds(500))
                answer = try await serverOptions.json(.GET, "/v1/submissions/\(id)")
            }
        }
        // Standard output carries what a script wants (the id, or the JSON); the summary for a
        // person goes to standard error.
        if json {
            printJSON(answer)
        } else {
            print(id)
            FileHandle.standardError.write(Data(SubmissionSummaryText.render(answer, path: path).utf8))
        }
        if wait, let run = answer["latestRun"] as? [String: Any], run["verdict"] as? String == "fail" {
            throw ExitStatus(code: 1)
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a submission's state, revisions and latest run.",
        discussion: "Example:\n  certify status sub_abc123")

    @OptionGroup var serverOptions: ServerOptions

    @Argument(help: "The submission id.")
    var id: String

    @Flag(help: "Print the service's JSON answer instead of the summary.")
    var json = false

    func run() async throws {
        let answer = try await serverOptions.json(.GET, "/v1/submissions/\(percentEncoded(id))")
        if json {
            printJSON(answer)
        } else {
            print(SubmissionSummaryText.render(answer, path: nil), terminator: "")
        }
    }
}

/// A submission as a person reads it on a terminal: state, verdict and counts, and what to do next.
enum SubmissionSummaryText {
    static func render(_ s: [String: Any], path: String?) -> String {
        let id = s["id"] as? String ?? "?"
        let state = s["state"] as? String ?? "?"
        var lines = ["\(id)  \(s["connector"] as? String ?? "?") (\(s["publisher"] as? String ?? "?"))"]
        lines.append("state:     \(state) since \(s["stateChangedAt"] as? String ?? "?")")
        if let assignee = s["assignee"] as? String { lines.append("assignee:  \(assignee)") }
        lines.append("revision:  \(s["revision"].map { "\($0)" } ?? "?")")
        if let run = s["latestRun"] as? [String: Any] {
            let counts = run["findings"] as? [String: Int] ?? [:]
            func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
            let verdict = (run["verdict"] as? String).map { "verdict \($0)" } ?? (run["state"] as? String ?? "?")
            let label = "run \(run["id"].map { "\($0)" } ?? "?"):".padding(toLength: 11, withPad: " ", startingAt: 0)
            lines.append(
                label + "\(verdict): \(plural(counts["error"] ?? 0, "error")), "
                    + "\(plural(counts["warning"] ?? 0, "warning")), \(plural(counts["info"] ?? 0, "info"))")
            if let error = run["error"] as? String { lines.append("run error: \(error)") }
        } else {
            lines.append("run:       none yet")
        }
        lines.append("next:      \(next(state, id: id, path: path))")
        lines.append("report:    certify report \(id) --format text")
        return lines.joined(separator: "\n") + "\n"
    }

    static func next(_ state: String, id: String, path: String?) -> String {
        switch state {
        case "submitted", "checking": "the checks are running; see them finish with 'certify status \(id)'"
        case "changes-required":
            "fix what the report lists (and what the reviewer asked), then 'certify submit \(path ?? "PATH") --submission \(id)'"
        case "awaiting-review": "nothing: a reviewer will pick it up"
        case "in-review": "nothing: a reviewer is reviewing it"
        case "approved": "nothing: a reviewer will certify it"
        case "certified": "nothing: it is certified"
        case "recertification-failed":
            "a re-certification found errors: fix them and submit a new revision with --submission \(id)"
        case "rejected", "withdrawn": "nothing: the submission is closed; a new one starts with 'certify submit'"
        default: "see the report"
        }
    }
}

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Show the reviewers' queue, oldest first (reviewer or admin token).",
        discussion: """
            Examples:
              certify queue
              certify queue --state awaiting-review --min-age 2d
              certify queue --publisher Contoso --json
            """)

    @OptionGroup var serverOptions: ServerOptions

    @Option(help: "Only this state (repeatable; 'all' for every state). Default: the open states.")
    var state: [String] = []

    @Option(help: "Only this publisher.")
    var publisher: String?

    @Option(help: "Only this assignee.")
    var assignee: String?

    @Option(help: "Only submissions at least this long in their state: 90, 90s, 15m, 4h, 2d.")
    var minAge: String?

    @Option(help: "Items per page (1 to 200).")
    var limit: Int = 50

    @Option(help: "Continue after this cursor (from a previous page).")
    var cursor: String?

    @Flag(help: "Print the raw JSON answer.")
    var json = false

    func run() async throws {
        var items = state.map { "state=\(percentEncoded($0))" }
        if let publisher { items.append("publisher=\(percentEncoded(publisher))") }
        if let assignee { items.append("assignee=\(percentEncoded(assignee))") }
        if let minAge { items.append("minAge=\(percentEncoded(minAge))") }
        if let cursor { items.append("cursor=\(percentEncoded(cursor))") }
        items.append("limit=\(limit)")
        let answer = try await serverOptions.json(.GET, "/v1/queue?" + items.joined(separator: "&"))
        if json {
            printJSON(answer)
            return
        }
        let rows = (answer["items"] as? [[String: Any]]) ?? []
        print(pad("ID", 22) + pad("STATE", 24) + pad("AGE", 8) + pad("PUBLISHER", 20) + pad("ASSIGNEE", 14) + "CONNECTOR")
        for row in rows {
            let age = formatAge((row["ageSeconds"] as? Int) ?? 0)
            print(
                pad(row["id"] as? String ?? "", 22) + pad(row["state"] as? String ?? "", 24) + pad(age, 8)
                    + pad(row["publisher"] as? String ?? "", 20) + pad(row["assignee"] as? String ?? "-", 14)
                    + (row["connector"] as? String ?? ""))
        }
        let counts = (answer["counts"] as? [String: Int]) ?? [:]
        print("counts: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if let next = answer["nextCursor"] as? String { print("more: --cursor \(next)") }
    }

    func pad(_ text: String, _ width: Int) -> String {
        let clipped = text.count >= width ? String(text.prefix(width - 2)) + "…" : text
        return clipped.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    func formatAge(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Fetch a submission's report: html, markdown, json or text.",
        discussion: "Example:\n  certify report sub_abc123 --format markdown --output report.md")

    @OptionGroup var serverOptions: ServerOptions

    @Argument(help: "The submission id.")
    var id: String

    @Option(help: "html, markdown, json or text.")
    var format: String = "markdown"

    @Option(help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    func run() async throws {
        let (status, data) = try await serverOptions.send(
            .GET, "/v1/submissions/\(percentEncoded(id))/report?format=\(percentEncoded(format))")
        guard status == 200 else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? "HTTP \(status)"
            FileHandle.standardError.write(Data("certify: the service answered \(status): \(message)\n".utf8))
            throw ExitStatus(code: 1)
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw fail("\(output): cannot write the report")
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
