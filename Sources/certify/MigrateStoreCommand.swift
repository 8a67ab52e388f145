import ArgumentParser
import Foundation
import SubmissionStore

/// `certify migrate-store`: copies one store into another and verifies the copy.
struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy a store into another (SQLite to PostgreSQL, or back) and verify the copy.",
        discussion: """
            Every table is copied (submissions, revisions, package blobs, runs, findings, review \
            events, tokens, webhooks with their sealed secrets, deliveries, batches, console \
            sessions), then each is verified: its row count and a SHA-256 over its rows must be \
            the same on both sides. Rows already in the destination are kept, so running it again \
            changes nothing. Stop the services on the source first. Sealed values are copied \
            sealed: run the destination's processes with the source's secret key \
            (--secret-key-file, by default SOURCE.key beside a SQLite file).

            Example:
              certify migrate-store --from sqlite:certify.sqlite \\
                --to postgres://certify@db.example.com:5432/certify?sslmode=verify-full
            A URL with a password is better given in $CERTIFY_MIGRATE_TO than on the command line.
            """)

    @Option(help: ArgumentHelp("The store to copy: sqlite:PATH, a path, or a postgres:// URL.", valueName: "URL"))
    var from: String

    @Option(help: ArgumentHelp("The store to copy into, created and migrated if new (default: $CERTIFY_MIGRATE_TO).", valueName: "URL"))
    var to: String?

    @Option(help: ArgumentHelp("Rows read and written at a time (package blobs: a tenth).", valueName: "N"))
    var batch: Int = StoreCopy.defaultBatchRows

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be from 1 to 10000") }
        _ = try locations()
    }

    func locations() throws -> (StoreLocation, StoreLocation) {
        guard let destination = to ?? ProcessInfo.processInfo.environment["CERTIFY_MIGRATE_TO"], !destination.isEmpty else {
            throw ValidationError("name the store to copy into: --to URL (or $CERTIFY_MIGRATE_TO)")
        }
        do {
            return (try StoreLocation.parse(from), try StoreLocation.parse(destination))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let (sourceLocation, destinationLocation) = try locations()
        if case .sqlite(let path) = sourceLocation, !FileManager.default.fileExists(atPath: path) {
            throw fail("\(path): no such store to copy")
        }
        let source = try await openStore(sourceLocation)
        let destination = try await openStore(destinationLocation)
        defer {
            Task {
                await source.close()
                await destination.close()
            }
        }
        FileHandle.standardError.write(Data("certify: copying \(sourceLocation) into \(destinationLocation)\n".utf8))
        let reports: [StoreCopy.TableReport]
        do {
            reports = try await StoreCopy(from: source, to: destination, batchRows: batch).run { report in
                let verdict = report.verified ? "verified" : "DIFFERS"
                print(
                    "\(report.table.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%7d", report.sourceRows)) rows, \(String(format: "%7d", report.copied)) copied, \(String(format: "%7d", report.alreadyThere)) already there; \(verdict) (\(report.destinationRows) rows, sha256 \(report.destinationHash.prefix(12)))"
                )
            }
        } catch {
            throw fail("the copy stopped: \(error). What was copied stays; run the command again to go on.")
        }
        let differing = reports.filter { !$0.verified }
        if differing.isEmpty {
            let rows = reports.reduce(0) { $0 + $1.sourceRows }
            print("copied and verified \(reports.count) tables, \(rows) rows")
        } else {
            FileHandle.standardError.write(
                Data(
                    "certify: the destination differs from the source in \(differing.map(\.table).joined(separator: ", ")): it held other rows under the same keys, or the source changed during the copy\n"
                        .utf8))
            throw ExitStatus(code: 1)
        }
    }
}
