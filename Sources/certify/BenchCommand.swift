import ArgumentParser
import Foundation
import JSONDocument

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures measured in the same run.",
        subcommands: [JSONBench.self])

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
            print(String(format: "Foundation JSONSerialization: %8.1f MB/s  (%d files refused)", foundation.megabytesPerSecond, foundation.failures))
            print(String(format: "ratio (certify / Foundation): %8.2fx", ours.megabytesPerSecond / foundation.megabytesPerSecond))
        }
    }
}
