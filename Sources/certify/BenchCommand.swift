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
            // Foundation refuses the BOM and the broken files too; both parsers see every file.
            let datas = files.map { Data($0) }
            let bytes = files.reduce(0) { $0 + $1.count }
            let clock = ContinuousClock()
            var ours = Duration.zero
            var foundation = Duration.zero
            var parsed = 0
            for _ in 0..<max(1, rounds) {
                ours += clock.measure {
                    for file in files where (try? JSONDocument.parse(file)) != nil { parsed += 1 }
                }
                foundation += clock.measure {
                    for data in datas { _ = try? JSONSerialization.jsonObject(with: data) }
                }
            }
            let megabytes = Double(bytes) * Double(max(1, rounds)) / 1_000_000
            let oursRate = megabytes / seconds(ours)
            let foundationRate = megabytes / seconds(foundation)
            print("files: \(files.count), bytes: \(bytes), rounds: \(rounds)")
            print(String(format: "certify JSONDocument:       %8.1f MB/s", oursRate))
            print(String(format: "Foundation JSONSerialization: %6.1f MB/s", foundationRate))
            print(String(format: "ratio (certify / Foundation): %6.2fx", oursRate / foundationRate))
        }

        func seconds(_ duration: Duration) -> Double {
            let (s, atto) = duration.components
            return max(Double(s) + Double(atto) / 1e18, 1e-9)
        }
    }
}
