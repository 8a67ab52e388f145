import Certification
import ConnectorPackage

extension PolicyRules {
    /// Old product names and what to write instead.
    static let readmeObsoleteNameList: [(pattern: [String], name: String, replacement: String)] = [
        (["microsoft", "flow"], "Microsoft Flow", "Power Automate"),
        (["powerapps"], "PowerApps", "Power Apps"),
    ]

    static let readmeObsoleteNames = Rule(
        RuleDescription(
            id: "readme-obsolete-names", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "The README and intro.md use the current product names: Power Automate, not \"Microsoft Flow\"; Power Apps, not \"PowerApps\".",
            source:
                "no-obsolete-names (certification-rules.md 1a, for the readme): reviewer feedback on PR#140; Microsoft's product naming. Web addresses (make.powerapps.com, flow.microsoft.com), inline code and code blocks are skipped. The swagger's texts are checked by no-obsolete-names. 37 of the 619 certified connectors (6%) still say Microsoft Flow or PowerApps in their README.",
            fix: "Replace \"Microsoft Flow\" with \"Power Automate\" and \"PowerApps\" with \"Power Apps\".",
            triggering: [
                .minimal(["readme.md": ExamplePackage.minimalFiles["readme.md"]! + "\nWorks with Microsoft Flow.\n"]).at("readme.md:21"),
                .minimal(["readme.md": ExamplePackage.minimalFiles["readme.md"]! + "\nUse it in PowerApps.\n"]).at("readme.md:21"),
            ],
            nonTriggering: [
                .minimal(),
                .minimal([
                    "readme.md": ExamplePackage.minimalFiles["readme.md"]!
                        + "\nOpen https://make.powerapps.com or make.powerapps.com in Power Apps.\n\n```\nPowerApps\n```\n"
                ]),
            ])
    ) { context in
        PolicyFilesObsoleteNames.findings(context)
    }
}

enum PolicyFilesObsoleteNames {
    /// The old names in the README and intro.md, as findings of the context's rule (so that a
    /// single no-obsolete-names rule can report the swagger's texts and these together).
    static func findings(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for file in [context.package.file(.readme), context.package.file(.intro)].compactMap({ $0 }) {
            guard
                PolicyFilesText.contains(file.bytes, "powerapps", ignoringCase: true)
                    || PolicyFilesText.contains(file.bytes, "microsoft", ignoringCase: true)
            else { continue }
            let markdown = PolicyFilesMarkdown(file.bytes)
            for line in markdown.proseLines {
                let lower = line.text.lowercased()
                guard lower.contains("powerapps") || (lower.contains("microsoft") && lower.contains("flow")) else { continue }
                for hit in find(in: line.text) {
                    let name = PolicyRules.readmeObsoleteNameList[hit.index]
                    findings.append(
                        context.fileFinding(
                            "\(file.path) says \"\(hit.text)\", an old product name. Write \"\(name.replacement)\" instead.",
                            file: file.path, line: line.line, column: hit.column, signature: name.name))
                }
            }
        }
        return findings
    }

    /// The obsolete names in one line of text, outside web addresses, with 1-based columns
    /// (in Unicode scalars, as everywhere in certify).
    static func find(in line: String) -> [(index: Int, text: String, column: Int)] {
        let characters = Array(line)
        let lower = characters.map { Character($0.lowercased()) }
        var hits: [(Int, String, Int)] = []
        let urls = urlRanges(characters)
        var index = 0
        while index < characters.count {
            defer { index += 1 }
            if index > 0 && (characters[index - 1].isLetter || characters[index - 1].isNumber || "./@-_".contains(characters[index - 1])) {
                continue
            }
            if urls.contains(where: { $0.contains(index) }) { continue }
            for (nameIndex, name) in PolicyRules.readmeObsoleteNameList.enumerated() {
                guard let end = match(name.pattern, lower, at: index) else { continue }
                if end < characters.count {
                    let next = characters[end]
                    if next.isLetter || next.isNumber || "_-/@".contains(next) { continue }
                    if next == ".", end + 1 < characters.count, characters[end + 1].isLetter { continue }  // a domain
                }
                hits.append((nameIndex, String(characters[index..<end]), String(characters[..<index]).unicodeScalars.count + 1))
            }
        }
        return hits
    }

    /// Matches words separated by one or more spaces; returns where the match ends.
    static func match(_ words: [String], _ lower: [Character], at start: Int) -> Int? {
        var cursor = start
        for (number, word) in words.enumerated() {
            if number > 0 {
                let spaces = lower[cursor...].prefix { $0 == " " }.count
                guard spaces > 0 else { return nil }
                cursor += spaces
            }
            let letters = Array(word)
            guard cursor + letters.count <= lower.count, Array(lower[cursor..<(cursor + letters.count)]) == letters else { return nil }
            cursor += letters.count
        }
        return cursor
    }

    /// Where web addresses are: from `http://`, `https://` or `www.` to the next space or
    /// closing bracket, and inline code between backticks.
    static func urlRanges(_ characters: [Character]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let text = String(characters).lowercased()
        let lower = Array(text)
        guard lower.count == characters.count else { return [] }
        var index = 0
        while index < lower.count {
            if lower[index] == "`" {
                let end = lower[(index + 1)...].firstIndex(of: "`") ?? lower.count
                ranges.append(index..<end)
                index = end + 1
                continue
            }
            for prefix in ["https://", "http://", "www."] {
                let letters = Array(prefix)
                if index + letters.count <= lower.count, Array(lower[index..<(index + letters.count)]) == letters {
                    var end = index
                    while end < lower.count, !" )]>\"'".contains(lower[end]) { end += 1 }
                    ranges.append(index..<end)
                    index = end
                    break
                }
            }
            index += 1
        }
        return ranges
    }
}
