import Foundation
import JSONDocument

/// Publisher names as a person means them: "Contoso, Inc." and "contoso inc" are one publisher.
public enum PublisherName {
    /// Lower-case letters and digits only.
    public static func key(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
    }
}

/// What a package says about itself, read in one place for every path that needs it (an upload,
/// `certify import`, the benchmarks): the connector's name and its publisher.
extension ConnectorPackage {
    /// Longest connector name kept, in characters; a longer title is cut.
    public static let maximumConnectorNameLength = 200

    /// The swagger's `info.title`, trimmed of white space and cut to
    /// `maximumConnectorNameLength` characters; nil when the swagger is missing, is not JSON, or
    /// its title is missing, not a string or blank.
    public var connectorTitle: String? {
        guard let file = file(.swagger), let document = (try? JSONDocument.parseAllowingTrailingCommas(file.bytes))?.document,
            let title = Self.nonBlank(document.root["info"]?["title"]?.string)
        else { return nil }
        return String(title.prefix(Self.maximumConnectorNameLength))
    }

    /// The connector's name: `connectorTitle`, else `fallback` (the caller's: a folder name, an
    /// upload's file name).
    public func connectorName(fallback: @autoclosure () -> String) -> String {
        connectorTitle ?? fallback()
    }

    /// The publisher apiProperties.json names: `properties.publisher`, else
    /// `properties.stackOwner`, each trimmed of white space and only when a non-blank string; nil
    /// when neither is (or apiProperties.json is missing or not JSON). Callers decide what nil
    /// means: an upload asks for `?publisher=`, `certify import` files it under "unknown publisher".
    public var publisher: String? {
        guard let file = file(.properties), let document = (try? JSONDocument.parseAllowingTrailingCommas(file.bytes))?.document,
            let properties = document.root["properties"]
        else { return nil }
        return Self.nonBlank(properties["publisher"]?.string) ?? Self.nonBlank(properties["stackOwner"]?.string)
    }

    /// `properties.publisher` alone, trimmed, when a non-blank string.
    public var namedPublisher: String? {
        guard let file = file(.properties), let document = (try? JSONDocument.parseAllowingTrailingCommas(file.bytes))?.document else {
            return nil
        }
        return Self.nonBlank(document.root["properties"]?["publisher"]?.string)
    }

    private static func nonBlank(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
