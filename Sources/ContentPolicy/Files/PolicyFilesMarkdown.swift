import Certification
import ConnectorPackage
import Foundation

/// The headings of a Markdown file, read leniently the way the certified READMEs are written:
/// ATX headings (`## Prerequisites`, also without the space after the hashes), setext headings
/// (a line underlined with `===` or `---`), and lines that are only bold text
/// (`**Prerequisites:**`), which some READMEs use as headings. Fenced code is skipped.
struct PolicyFilesMarkdown: Sendable {
    struct Heading: Sendable {
        /// 1 to 6; bold lines count as 3.
        var level: Int
        /// The heading as written, without the hashes.
        var text: String
        /// Lower case, without emphasis marks, a trailing colon or a trailing `?`, `&` as "and",
        /// runs of spaces as one.
        var normalized: String
        var line: Int
        var column: Int
    }

    var headings: [Heading] = []
    /// Text lines with their line numbers, outside fenced code.
    var proseLines: [(line: Int, offset: Int, text: String)] = []
    var lineCount: Int

    init(_ bytes: [UInt8]) {
        let lines = PolicyFilesText.lines(bytes)
        lineCount = lines.count
        var fence: String?
        var previousText: String?
        for (index, entry) in lines.enumerated() {
            let lineNumber = index + 1
            let trimmed = Self.trim(entry.text)
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                previousText = nil
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                previousText = nil
                continue
            }
            proseLines.append((lineNumber, entry.offset, entry.text))
            let indent = entry.text.prefix { $0 == " " }.count
            if indent <= 3, trimmed.hasPrefix("#") {
                let level = trimmed.prefix { $0 == "#" }.count
                if level <= 6 {
                    var text = String(trimmed.dropFirst(level))
                    while text.hasSuffix("#") { text.removeLast() }
                    text = Self.trim(text)
                    if !text.isEmpty {
                        headings.append(Self.heading(level, text, lineNumber, column: indent + 1))
                        previousText = nil
                        continue
                    }
                }
            }
            if let previous = previousText, !trimmed.isEmpty, trimmed.count >= 2,
                trimmed.allSatisfy({ $0 == "=" }) || trimmed.allSatisfy({ $0 == "-" })
            {
                headings.append(Self.heading(trimmed.first == "=" ? 1 : 2, previous, lineNumber - 1, column: 1))
                previousText = nil
                continue
            }
            if let label = Self.labelLine(trimmed) {
                headings.append(Self.heading(3, label, lineNumber, column: indent + 1))
                previousText = nil
                continue
            }
            if let bold = Self.boldLine(trimmed) {
                headings.append(Self.heading(3, bold, lineNumber, column: indent + 1))
                previousText = nil
                continue
            }
            let isParagraph =
                !trimmed.isEmpty && !trimmed.hasPrefix("-") && !trimmed.hasPrefix("*") && !trimmed.hasPrefix(">")
                && !trimmed.hasPrefix("|") && !trimmed.hasPrefix("<")
            previousText = isParagraph ? trimmed : nil
        }
    }

    /// The text of a line that is only bold (`**Text**`, `__Text__`, optionally followed by a
    /// colon), short enough to be a heading.
    static func boldLine(_ line: String) -> String? {
        for mark in ["**", "__"] where line.hasPrefix(mark) {
            var body = line.dropFirst(2)
            if body.hasSuffix(":") { body = body.dropLast() }
            guard body.hasSuffix(mark) else { return nil }
            body = body.dropLast(2)
            if body.hasSuffix(":") { body = body.dropLast() }
            guard !body.isEmpty, body.count <= 60, !body.contains(mark) else { return nil }
            return String(body)
        }
        return nil
    }

    /// The label of a line that starts with a bold label (`**Publisher:** Contoso`), or the
    /// whole line for a plain `Publisher: Contoso`.
    static func labelLine(_ line: String) -> String? {
        if line.lowercased().hasPrefix("publisher:") { return line }
        for mark in ["**", "__"] where line.hasPrefix(mark) {
            let body = line.dropFirst(2)
            guard let end = body.range(of: mark) else { return nil }
            var label = body[..<end.lowerBound]
            let rest = body[end.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !rest.isEmpty, label.hasSuffix(":") || rest.hasPrefix(":") else { return nil }
            if label.hasSuffix(":") { label = label.dropLast() }
            guard !label.isEmpty, label.count <= 40 else { return nil }
            return String(label)
        }
        return nil
    }

    /// The text without leading and trailing spaces and tabs (cheaper than Foundation's).
    static func trim(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(text[first...last])
    }

    static func heading(_ level: Int, _ text: String, _ line: Int, column: Int) -> Heading {
        Heading(level: level, text: text, normalized: normalize(text), line: line, column: column)
    }

    static func normalize(_ text: String) -> String {
        var result = text.lowercased().replacingOccurrences(of: "&", with: " and ")
        result.removeAll { "*_`".contains($0) }
        result = result.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        while let last = result.last, ":?.".contains(last) { result.removeLast() }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// A required section: its name in the template, and how a heading is recognised as it.
    struct Section: Sendable {
        var template: String
        var matches: @Sendable (Heading) -> Bool
    }

    /// Where a missing section goes: before the first present section that follows it in the
    /// template, else at the end of the file. Returns the line and a phrase for the message.
    func insertionPoint(for index: Int, in sections: [Section], found: [Int: Heading]) -> (line: Int, phrase: String) {
        for later in sections.indices where later > index {
            if let heading = found[later] {
                return (heading.line, "before \"\(heading.text)\" (line \(heading.line))")
            }
        }
        return (max(1, lineCount), "at the end")
    }

    /// The first heading matching each section, by index in `sections`.
    func find(_ sections: [Section]) -> [Int: Heading] {
        var found: [Int: Heading] = [:]
        for (index, section) in sections.enumerated() {
            found[index] = headings.first(where: section.matches)
        }
        return found
    }
}
