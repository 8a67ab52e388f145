import ArgumentParser
import Certification
import Foundation

/// The `certify` command. Usage errors exit with status 2 and a one-line message, as the
/// `certify check` contract says (ArgumentParser's own default would be 64).
@main
struct CertifyMain {
    static func main() async {
        do {
            var command = try Certify.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitStatus {
            Foundation.exit(exit.code)
        } catch {
            let code = Certify.exitCode(for: error)
            if code == .validationFailure {
                let message = Certify.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
                FileHandle.standardError.write(
                    Data("certify: \(message) (see \(Certify.commandPath(CommandLine.arguments.dropFirst())) --help)\n".utf8))
                Foundation.exit(2)
            }
            Certify.exit(withError: error)
        }
    }
}

/// Ends the process with a status, after output has been written.
struct ExitStatus: Error {
    var code: Int32
}

/// Writes a one-line error to stderr and ends with status 2 (usage errors, unreadable input).
func fail(_ message: String) -> ExitStatus {
    FileHandle.standardError.write(Data("certify: \(message)\n".utf8))
    return ExitStatus(code: 2)
}

struct Certify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract: "Certification review pipeline for Power Platform API connectors.",
        discussion: """
            certify checks connector packages (apiDefinition.swagger.json, apiProperties.json, README, \
            icon, script) the way certification does, offline with 'check' or as a service with 'serve', \
            and shows every problem with its exact place and a fix.

            Offline:   certify check ./MyConnector
            Service:   certify serve --db certify.sqlite
                       certify tokens create --role submitter --publisher Contoso
                       certify submit ./MyConnector --wait
            """,
        version: CertifyVersion.tool,
        subcommands: [
            CheckCommand.self, ServeCommand.self, WorkerCommand.self, SubmitCommand.self, StatusCommand.self, QueueCommand.self,
            ReportCommand.self, ReviewCommand.self, WebhooksCommand.self, TokensCommand.self, ImportCommand.self,
            RecertifyCommand.self, MigrateStoreCommand.self, RulesCommand.self, BenchCommand.self,
        ])
}

extension Certify {
    /// "certify check", "certify rules list": the command the arguments name, as far as they name
    /// one, so that a usage error points at that command's help.
    static func commandPath(_ arguments: some Collection<String>) -> String {
        var path = ["certify"]
        var command: any ParsableCommand.Type = Certify.self
        for argument in arguments where !argument.hasPrefix("-") {
            guard
                let next = command.configuration.subcommands.first(where: {
                    ($0.configuration.commandName ?? $0._commandName) == argument
                })
            else { break }
            path.append(argument)
            command = next
        }
        return path.joined(separator: " ")
    }
}
