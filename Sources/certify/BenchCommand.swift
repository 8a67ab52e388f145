import ArgumentParser
import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import Pipeline
import SchemaConformance
import StageCatalog
import SubmissionStore
import UseCases

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures measured in the same run.",
        subcommands: [JSONBench.self, SchemaBench.self, RecertifyBench.self, ConsoleBench.self, ProbeBench.self, LoadBench.self])

    struct JSONBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "json",
            abstract: "Parse every swagger of a corpus with certify's parser and with Foundation's JSONSerialization.",
            discussion: """
                Both parsers read the same bytes, already in memory, alternately, in the same run; the \
                figures are MB/s and the ratio. Use a release build for meaningful numbers:
                  swift build -c release && .build/release/certify bench json --corpus ../shared/corpus/certified
                """)

        @Option(help: ArgumentHelp("Folder of connector folders.", valueName: "DIR"))
        var corpus: String = "../shared/corpus/certified"

        @Option(help: "Rounds over the whole corpus for each parser.")
        var rounds: Int = 5

        func run() throws {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: corpus) else {
                throw fail("\(corpus): cannot read the corpus folder")
            }
            var files: [[UInt8]] = []
            for name in names.sorted() {
                let folder = (corpus as NSString).appendingPathComponent(name)
                for candidate in ["apiDefinition.swagger.json", "apidefinition.swagger.json"] {
                    if let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(candidate)) {
                        files.append([UInt8](data))
                        break
                    }
                }
            }
            // Both parsers see every file, alternately, in the same run; each keeps its fastest pass.
            let ours = JSONBenchmark.run(inputs: files, iterations: rounds)
            let foundation = JSONBenchmark.run(inputs: files, iterations: rounds) { bytes in
                (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil
            }
            print("files: \(files.count), bytes: \(ours.bytes), rounds: \(ours.iterations) (fastest pass of each)")
            print(String(format: "certify JSONDocument:         %8.1f MB/s  (%d files not JSON)", ours.megabytesPerSecond, ours.failures))
            print(
                String(
                    format: "Foundation JSONSerialization: %8.1f MB/s  (%d files refused)", foundation.megabytesPerSecond,
                    foundation.failures))
            print(String(format: "ratio (certify / Foundation): %8.2fx", ours.megabytesPerSecond / foundation.megabytesPerSecond))
        }
    }

    struct RecertifyBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recertify",
            abstract: "Import a corpus into a fresh store and time a full re-certification of it.",
            discussion: """
                Prints the time of the re-certification (static stages, through the store and the \
                job queue), its ratio to checking the same packages in-process without a store (the \
                baseline, measured in the same run), and the process's peak resident memory. Use a \
                release build:
                  swift build -c release && .build/release/certify bench recertify --corpus ../shared/corpus/certified
                """)

        @Option(help: ArgumentHelp("Folder of connector folders.", valueName: "DIR"))
        var corpus: String = "../shared/corpus/certified"

        @Option(help: "Workers.")
        var workers: Int = 2

        func run() async throws {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: corpus) else {
                throw fail("\(corpus): cannot read the corpus folder")
            }
            let folders = names.sorted().filter { !$0.hasPrefix(".") }.map { (corpus as NSString).appendingPathComponent($0) }
            let clock = ContinuousClock()
            let baseline = await clock.measure { _ = await Checker(options: CheckOptions()).check(folders) }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certify-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try Store(path: directory.appendingPathComponent("bench.sqlite").path)
            let importTime = try await clock.measure {
                let catalog = Catalog(store: store, ruleset: .default)
                for folder in folders {
                    guard let package = try? PackageLoader().load(path: folder) else { continue }
                    _ = try await catalog.importCertified(package, folder: (folder as NSString).lastPathComponent, by: .operator("bench"))
                }
                await WorkerPool(
                    store: store, configuration: PipelineConfiguration(workers: workers, stageThreads: BatchThreads.stages),
                    logger: quietLogger()
                ).drain()
            }
            let batch = try await Recertifications(store: store, ruleset: .default).start(
                RecertificationRequest(selection: .all), by: .operator("bench"))
            let pool = WorkerPool(
                store: store,
                configuration: PipelineConfiguration(workers: workers, pollInterval: .milliseconds(5), stageThreads: BatchThreads.stages),
                logger: quietLogger())
            let recertify = await clock.measure {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<workers {
                        group.addTask { await pool.drain(owner: "bench/\(index)") }
                    }
                }
            }
            let progress = try await store.recertification(id: batch.id)!
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let peakMB = Double(usage.ru_maxrss) / 1024
            print("connectors: \(progress.total), finished: \(progress.finished), passed: \(progress.passed), failed: \(progress.failed)")
            print(String(format: "baseline (check in-process, no store): %7.2f s", seconds(baseline)))
            print(String(format: "import (store + baseline runs):        %7.2f s", seconds(importTime)))
            print(
                String(
                    format: "re-certification (store + job queue):  %7.2f s  (%.0f connectors/s, %.2fx the baseline)",
                    seconds(recertify), Double(progress.total) / seconds(recertify), seconds(recertify) / seconds(baseline)))
            print(String(format: "peak resident memory:                  %7.1f MB", peakMB))
        }

    }

    struct SchemaBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Time the schema stage over every corpus swagger, against openapi-spec-validator in the same run.",
            discussion: """
                Prints the schema stage's time over every parseable swagger (every error reported; \
                the median of --rounds runs, each on documents already parsed), \
                openapi-spec-validator's time on the same files when python3 has it (it stops at the \
                first error of each file), their ratio, and the peak resident memory of checking the \
                largest swagger alone (in a child process). Use a release build:
                  swift build -c release && .build/release/certify bench schema --corpus ../shared/corpus/certified
                """)

        @Option(help: ArgumentHelp("Folder of connector folders.", valueName: "DIR"))
        var corpus: String = "../shared/corpus/certified"

        @Option(help: .hidden)
        var single: String?

        @Flag(help: "Also print the ten slowest rules.")
        var perRule = false

        @Option(help: "How many times to time the schema stage; the median is reported.")
        var rounds = 5

        @Option(help: .hidden)
        var ruleLines = 10

        @Option(help: .hidden)
        var only: String?

        @Option(help: .hidden)
        var onlyRounds = 20

        func run() async throws {
            if let single {
                // Child mode: check one package's schema stage and print this process's peak memory.
                let package = try PackageLoader().load(path: single)
                let result = await StageRunner(options: CheckOptions(stages: [SchemaStage.stageName])).run(package, path: single)
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                print("\(result.findings.count) \(usage.ru_maxrss)")
                return
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: corpus) else {
                throw fail("\(corpus): cannot read the corpus folder")
            }
            // The largest swagger's memory is measured first, in a child started while this
            // process is still small: a child's peak includes what it inherited when forked.
            var largest: (String, Int) = ("", 0)
            for name in names where !name.hasPrefix(".") {
                let folder = (corpus as NSString).appendingPathComponent(name)
                for candidate in ["apiDefinition.swagger.json", "apidefinition.swagger.json"] {
                    let path = (folder as NSString).appendingPathComponent(candidate)
                    if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > largest.1 {
                        largest = (folder, size)
                    }
                }
            }
            let memory = Self.output(CommandLine.arguments[0], ["bench", "schema", "--single", largest.0])
            var packages: [(String, ConnectorPackage)] = []
            var swaggerPaths: [String] = []
            for name in names.sorted() where !name.hasPrefix(".") {
                let folder = (corpus as NSString).appendingPathComponent(name)
                guard let package = try? PackageLoader().load(path: folder), let swagger = package.file(.swagger) else { continue }
                packages.append((folder, package))
                swaggerPaths.append((folder as NSString).appendingPathComponent(swagger.path))
            }
            let clock = ContinuousClock()
            let options = CheckOptions(stages: [SchemaStage.stageName])
            // Parsing is timed apart: the other tool's figure is its validate() calls on documents
            // already loaded, so ours is the stage's rules on documents already parsed.
            var inputs: [StageInput] = []
            let parse = clock.measure {
                inputs = packages.map { StageInput(package: $0.1, options: options) }
            }
            let stage = SchemaStage.make()
            var findings = 0
            var invalid = 0
            // Several rounds, each on inputs with nothing computed yet; the median is reported
            // (a single short timing on a shared machine is noise).
            var rounds: [Duration] = []
            for round in 0..<max(1, self.rounds) {
                let fresh = inputs.map { $0.unmemoized() }
                findings = 0
                invalid = 0
                rounds.append(
                    await clock.measure {
                        for input in fresh {
                            let output = await stage.run(input)
                            findings += output.findings.count
                            if output.findings.contains(where: { $0.severity == .error }) { invalid += 1 }
                        }
                    })
                if round == 0 { inputs = fresh }
            }
            rounds.sort()
            let ours = rounds[rounds.count / 2]
            if let only {
                // For profiling one rule: run it over the corpus `rounds` times.
                guard let rule = SchemaStage.rules.first(where: { $0.id == only }) else { throw fail("no schema rule \(only)") }
                let time = clock.measure {
                    for _ in 0..<onlyRounds {
                        for input in inputs { _ = rule.check(RuleContext(input: input, rule: rule.description)) }
                    }
                }
                print(String(format: "%@: %.1f ms a round", only, seconds(time) * 1000 / Double(onlyRounds)))
                return
            }
            if perRule {
                var times: [(String, Duration)] = []
                for rule in SchemaStage.rules {
                    let time = clock.measure {
                        for input in inputs { _ = rule.check(RuleContext(input: input, rule: rule.description)) }
                    }
                    times.append((rule.id, time))
                }
                for (id, time) in times.sorted(by: { $0.1 > $1.1 }).prefix(ruleLines) {
                    print(line(id, time))
                }
                let sum = times.reduce(Duration.zero) { $0 + $1.1 }
                print(line("(all \(times.count) rules, one by one)", sum))
                let walk = clock.measure { for input in inputs { SchemaStage.bareWalk(input) } }
                print(line("(one bare walk of every swagger)", walk))
            }
            print(
                "swaggers: \(packages.count); parsing: \(String(format: "%.2f", seconds(parse))) s; schema stage rules: \(String(format: "%.3f", seconds(ours))) s (median of \(rounds.count) rounds; fastest \(String(format: "%.3f", seconds(rounds[0]))) s, slowest \(String(format: "%.3f", seconds(rounds[rounds.count - 1]))) s), \(findings) findings (every one, not the first), \(invalid) with errors"
            )
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Scripts/openapi-spec-validator-bench.py").path
            if FileManager.default.fileExists(atPath: script), let python = Self.output("/usr/bin/env", ["python3", script] + swaggerPaths)
            {
                let parts = python.split(separator: " ")
                if parts.count == 3, let theirs = Double(parts[2].trimmingCharacters(in: .whitespacesAndNewlines)) {
                    print(
                        "openapi-spec-validator: \(String(format: "%.2f", theirs)) s over \(parts[0]) files, \(parts[1]) rejected (first error only)"
                    )
                    print(String(format: "ratio (openapi-spec-validator / certify): %.1fx", theirs / seconds(ours)))
                }
            } else {
                print("openapi-spec-validator: not available (python3 with openapi-spec-validator is needed for the comparison)")
            }
            if let line = memory {
                let parts = line.split(separator: " ")
                if parts.count == 2, let kilobytes = Double(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) {
                    print(
                        String(
                            format: "largest swagger (%@, %d bytes) alone: peak resident memory %.1f MB",
                            (largest.0 as NSString).lastPathComponent, largest.1, kilobytes / 1024))
                }
            }
        }

        /// "  name ....   12.3 ms", names padded to one column.
        func line(_ name: String, _ time: Duration) -> String {
            let padded = name.count < 38 ? name + String(repeating: " ", count: 38 - name.count) : name
            return "  " + padded + String(format: "%7.1f ms", seconds(time) * 1000)
        }

        static func output(_ executable: String, _ arguments: [String]) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
        }

    }
}
