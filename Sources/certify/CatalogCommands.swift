import ArgumentParser
import Certification
import ConnectorPackage
import Foundation
import Logging
import Pipeline
import Reports
import StageCatalog
import SubmissionStore
import UseCases

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Seed the store with a folder of connector folders, as certified submissions.",
        discussion: """
            Each immediate subfolder becomes a certified submission of its publisher (from \
            apiProperties.json: publisher, else stackOwner), named after its swagger's title. Its \
            checks run at once and become the baseline that re-certification compares with. A \
            connector imported before with the same content is left alone, so importing twice is safe.

            Example:
              certify import ../shared/corpus/certified --as-certified --db certify.sqlite
            """)

    @Argument(help: "The folder of connector folders.")
    var directory: String

    @Flag(help: "Import as certified (required: the only kind of import there is, stated on purpose).")
    var asCertified = false

    @OptionGroup var database: StoreOptions

    @Option(help: ArgumentHelp("Ruleset YAML for the baseline runs.", valueName: "FILE"))
    var ruleset: String?

    @Option(help: "Workers running the baseline checks.")
    var workers: Int = 2

    func validate() throws {
        guard asCertified else { throw ValidationError("say --as-certified: imported connectors become certified submissions") }
    }

    func run() async throws {
        let store = try await openStore(try database.location)
        let rules = try ruleset.map(RulesetFile.load) ?? .default
        try await store.saveRuleset(rules)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw fail("\(directory): cannot read the folder")
        }
        var counts: [String: Int] = [:]
        var refused: [String] = []
        let folders = names.sorted().filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        let catalog = Catalog(store: store, ruleset: rules)
        for name in folders {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                let package = try PackageLoader().load(path: path)
                let (_, outcome) = try await catalog.importCertified(package, folder: name, by: .operator("import"))
                counts[outcome.rawValue, default: 0] += 1
            } catch let error as PackageError {
                refused.append("\(name): \(error.message)")
            }
        }
        FileHandle.standardError.write(
            Data(
                "imported \(counts["imported"] ?? 0), revised \(counts["revised"] ?? 0), unchanged \(counts["unchanged"] ?? 0), refused \(refused.count)\n"
                    .utf8))
        for line in refused { FileHandle.standardError.write(Data("  refused \(line)\n".utf8)) }
        let pool = WorkerPool(
            store: store, configuration: PipelineConfiguration(workers: workers, stageThreads: BatchThreads.stages), logger: quietLogger())
        try await ProgressRunner(store: store, pool: pool, title: "baseline checks").runUntilIdle()
        print(
            "imported \(counts["imported"] ?? 0) connectors (\(counts["revised"] ?? 0) revised, \(counts["unchanged"] ?? 0) unchanged) from \(directory)"
        )
    }
}

/// The names an import files a package under (`Catalog`), as the CLI's tests call them.
enum CatalogNames {
    static let unknownPublisher = Catalog.unknownPublisher

    static func publisher(_ package: ConnectorPackage) -> String {
        Catalog.publisher(of: package)
    }

    static func connector(_ package: ConnectorPackage, folder: String) -> String {
        Catalog.connector(of: package, folder: folder)
    }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "certify")
    logger.logLevel = .warning
    return logger
}

struct RecertifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recertify",
        abstract: "Re-run the current stages and ruleset over the latest certified revision of each connector.",
        discussion: """
            Runs in this process against the database (a running server's workers help if they \
            share it), with a progress bar on a terminal. Killed, it resumes: run it again and the \
            unfinished batch continues where it stopped; nothing is lost or done twice. Connectors \
            that newly fail move to recertification-failed and appear in the reviewers' queue.

            Examples:
              certify recertify --db certify.sqlite
              certify recertify --publisher Contoso --ruleset stricter.yaml --format markdown --output summary.md
            """)

    @OptionGroup var database: StoreOptions

    @Option(help: "Only this publisher's connectors.")
    var publisher: String?

    @Option(help: "Only the connector with this name (its swagger title).")
    var connector: String?

    @Option(help: ArgumentHelp("Ruleset YAML to apply (default: the built-in rules).", valueName: "FILE"))
    var ruleset: String?

    @Option(help: "Workers running checks.")
    var workers: Int = 2

    @Flag(help: "Start a new batch even if an unfinished one exists (by default it is resumed).")
    var new = false

    @Option(help: "Summary format: text, json, markdown or html.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the summary to FILE.", valueName: "FILE"))
    var output: String?

    @Option(help: "Exit with status 1 when a connector regressed (regressed, the default), or never.")
    var failOn: RecertifyFailOn = .regressed

    enum RecertifyFailOn: String, ExpressibleByArgument, CaseIterable {
        case regressed, never
    }

    func validate() throws {
        if publisher != nil && connector != nil { throw ValidationError("give --publisher or --connector, not both") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be from 1 to 64") }
        guard Recertifications.summaryFormats.contains(format) else {
            throw ValidationError(
                "--format must be one of: \(Recertifications.summaryFormats.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let store = try await openStore(try database.location)
        let caller = Principal.operator("cli:\(ProcessInfo.processInfo.userName)")
        let selection: RecertificationSelection = publisher.map { .publisher($0) } ?? connector.map { .connector($0) } ?? .all
        let rules = try ruleset.map(RulesetFile.load) ?? .default
        let recertifications = Recertifications(store: store, ruleset: rules)
        let text: String
        var regressed = 0
        do {
            var batch: RecertificationProgress
            if !new, let unfinished = try await recertifications.unfinished(by: caller) {
                batch = unfinished
                FileHandle.standardError.write(
                    Data(
                        "resuming re-certification \(batch.id) (\(batch.selection)): \(batch.finished + batch.errored) of \(batch.total) done\n"
                            .utf8))
            } else {
                batch = try await recertifications.start(
                    RecertificationRequest(selection: selection, stages: StageRegistry.staticNames), by: caller)
                FileHandle.standardError.write(
                    Data(
                        "re-certification \(batch.id) (\(batch.selection)): \(batch.total) connectors, ruleset \(batch.rulesetVersion)\n"
                            .utf8))
            }
            let pool = WorkerPool(
                store: store, configuration: PipelineConfiguration(workers: workers, stageThreads: BatchThreads.stages),
                logger: quietLogger())
            try await ProgressRunner(store: store, pool: pool, title: "re-certification \(batch.id)").run(batch: batch.id)
            text = try await recertifications.summary(batch.id, format: format.rawValue, by: caller).text
            regressed = try await recertifications.progress(batch.id, by: caller).regressed
        } catch let error as UseCaseError {
            throw fail(error.message)
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw fail("\(output): cannot write the summary")
            }
        } else {
            print(text, terminator: "")
        }
        if failOn == .regressed && regressed > 0 {
            FileHandle.standardError.write(Data("certify: \(regressed) connector(s) regressed (--fail-on regressed)\n".utf8))
            throw ExitStatus(code: 1)
        }
    }
}

/// Runs workers in this process and shows progress on stderr: a bar with counts and ETA on a
/// terminal, a line every few seconds otherwise.
struct ProgressRunner {
    let store: Store
    let pool: WorkerPool
    let title: String

    func run(batch id: Int64) async throws {
        try await drive { () -> (done: Int, total: Int, detail: String, finished: Bool) in
            guard let p = try await store.recertification(id: id) else { return (0, 0, "", true) }
            return (
                p.finished + p.errored, p.total, "passed \(p.passed), failed \(p.failed), regressed \(p.regressed)", p.state == "finished"
            )
        }
    }

    func runUntilIdle() async throws {
        let initial = try await store.pendingJobCount()
        try await drive { () -> (done: Int, total: Int, detail: String, finished: Bool) in
            let pending = try await store.pendingJobCount()
            return (max(0, initial - pending), initial, "", pending == 0)
        }
    }

    func drive(_ measure: @escaping @Sendable () async throws -> (done: Int, total: Int, detail: String, finished: Bool)) async throws {
        let pool = self.pool
        let workers = Task { await pool.run() }
        defer { workers.cancel() }
        let terminal = isatty(STDERR_FILENO) == 1
        let start = Date()
        var lastLine = Date.distantPast
        var startDone: Int?
        while true {
            let state = try await measure()
            if startDone == nil { startDone = state.done }
            let elapsed = Date().timeIntervalSince(start)
            let doneHere = state.done - (startDone ?? 0)
            let rate = elapsed > 0.5 && doneHere > 0 ? Double(doneHere) / elapsed : nil
            let eta = rate.map { Int(Double(state.total - state.done) / $0) }
            let line = Self.line(title: title, done: state.done, total: state.total, detail: state.detail, eta: eta, bar: terminal)
            if terminal {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            } else if Date().timeIntervalSince(lastLine) >= 5 || state.finished {
                FileHandle.standardError.write(Data("\(line)\n".utf8))
                lastLine = Date()
            }
            if state.finished { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        workers.cancel()
        await workers.value
    }

    static func line(title: String, done: Int, total: Int, detail: String, eta: Int?, bar: Bool) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        var text = "\(title): "
        if bar {
            let width = 30
            let filled = Int(fraction * Double(width))
            text += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
        }
        text += "\(done)/\(total) (\(Int(fraction * 100))%)"
        if !detail.isEmpty { text += " \(detail)" }
        if let eta, done < total { text += " ETA \(eta)s" }
        return text
    }
}

/// Stage threads for the batch commands (import, recertify, bench): they serve no HTTP, so their
/// stages may use every core, where `certify serve` keeps one for the server.
enum BatchThreads {
    static let stages = StageThreads(count: ProcessInfo.processInfo.activeProcessorCount, name: "certify-batch")
}
