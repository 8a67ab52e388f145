import Certification
import ConnectorPackage
import Foundation
import JSONDocument
import Yams

/// `--registry DIR`: the titles of the connector folders in DIR.
enum TitleRegistryFolder {
    /// Titles by normalised key, and the folder each came from.
    static func load(_ directory: String) throws -> (titles: [String: String], paths: [String: String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw fail("\(directory): cannot read the registry folder")
        }
        var titles: [String: String] = [:]
        var paths: [String: String] = [:]
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(name).standardizedFileURL
            guard let package = try? PackageLoader().loadFolder(folder), let file = package.file(.swagger),
                let title = (try? JSONDocument.parse(file.bytes))?.root["info"]?["title"]?.string
            else { continue }
            let key = TitleRegistry.key(title)
            titles[key] = "\(title) (\(name))"
            paths[key] = folder.path
        }
        return (titles, paths)
    }
}

/// `--baseline FILE`: accepted findings, by fingerprint, each with a reason and an expiry date.
///
///     accepted:
///       - fingerprint: 3f9a0c1d2e4b5a6978c0d1e2
///         rule: summary-ne-description        # optional, for the reader
///         reason: The summary repeats the description on purpose for screen readers.
///         expires: 2027-06-30
///
/// Expired entries no longer silence anything; an entry without a reason or expiry is refused.
enum AcceptedFindingsFile {
    /// One entry of a baseline file: its fingerprint, where it is written, and whether it lapsed.
    struct Entry {
        var fingerprint: String
        var place: String
        var expired: Bool
    }

    static func load(_ path: String, now: Date = Date()) throws -> Set<String> {
        Set(try entries(path, now: now).filter { !$0.expired }.map(\.fingerprint))
    }

    static func entries(_ path: String, now: Date = Date()) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("\(path): cannot read the baseline file") }
        let node: Node?
        do {
            node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw fail("\(path): not valid YAML or JSON: \(error)".replacingOccurrences(of: "\n", with: " "))
        }
        func place(_ node: Node) -> String { node.mark.map { "\(path):\($0.line):\($0.column)" } ?? path }
        guard let root = node?.mapping, let list = root["accepted"]?.sequence else {
            throw fail("\(path): a baseline is a mapping with a list 'accepted' of {fingerprint, reason, expires}")
        }
        var accepted: [Entry] = []
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        for entry in list {
            guard let fields = entry.mapping else { throw fail("\(place(entry)): each accepted finding is a mapping") }
            guard let fingerprint = fields["fingerprint"]?.string, !fingerprint.isEmpty else {
                throw fail("\(place(entry)): 'fingerprint' is required")
            }
            guard fields["reason"]?.string.map({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) == true else {
                throw fail("\(place(entry)): 'reason' is required: say why the finding is accepted")
            }
            guard let expiresNode = fields["expires"], let text = expiresNode.string, let expires = formatter.date(from: text) else {
                throw fail("\(place(entry)): 'expires' is required, as YYYY-MM-DD")
            }
            // An acceptance holds through its expiry day.
            accepted.append(Entry(fingerprint: fingerprint, place: place(entry), expired: expires.addingTimeInterval(86_400) <= now))
        }
        return accepted
    }
}
