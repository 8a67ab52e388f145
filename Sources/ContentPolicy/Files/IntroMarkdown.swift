import Certification
import ConnectorPackage

extension PolicyRules {
    /// The intro.md sections, in order, each with the headings accepted for it.
    static let introTemplate: [PolicyFilesMarkdown.Section] = [
        .init(template: "## Prerequisites") { heading in
            ["prerequisite", "pre-requisite", "pre requisite", "requirement"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## How to get credentials") { heading in
            ["credential", "api key", "apikey", "authentication", "access token"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## Get started with your connector") { heading in
            ["get started", "getting started"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## Known issues and limitations") { heading in
            ["known issue", "limitation"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## Common errors and remedies") { heading in
            ["common error", "errors and remedies", "troubleshoot"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## FAQ") { heading in
            ["faq", "frequently asked"].contains { heading.normalized.contains($0) }
        },
    ]

    /// The opening paragraph of intro.md may have at most this many sentences.
    static let introMaximumSentences = 8

    static let introMarkdown = Rule(
        RuleDescription(
            id: "intro-md", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "intro.md, when the package carries it, opens with a paragraph of at most 8 sentences, then has Prerequisites, How to get credentials, Get started, Known issues and limitations, Common errors and remedies and FAQ, and no list of actions or triggers.",
            source:
                "Certification docs (submit-for-certification, intro.md template); certification policy errors 5000.1.1.2/.5. intro.md is submitted with the Partner Center offer, beside the connector rather than in its folder: 6 of the 619 certified connectors have one, so a missing intro.md is not reported. A warning, not the error of the policy: of those 6 certified intro.md files, 4 lack sections (Get started in 4, FAQ in 4, Common errors and remedies in 3) and 1 lists its operations.",
            fix:
                "Follow the intro.md template: a short description, then the six sections in order; leave the list of operations to the README.",
            triggering: [
                .minimal(["intro.md": "Contoso Weather brings forecasts to your flows.\n\n## Prerequisites\nAn account.\n"])
                    .at("intro.md:5"),
                .minimal(["intro.md": PolicyFilesIntroExamples.complete + "\n## Supported Operations\n### Get the forecast\n"])
                    .at("intro.md:21"),
                .minimal(["intro.md": String(repeating: "Contoso Weather is useful. ", count: 9) + "\n" + PolicyFilesIntroExamples.sections]
                ).at("intro.md:1"),
            ],
            nonTriggering: [.minimal(), .minimal(["intro.md": PolicyFilesIntroExamples.complete])])
    ) { context in
        guard let intro = context.package.file(.intro) else { return [] }
        let markdown = PolicyFilesMarkdown(intro.bytes)
        let found = markdown.find(introTemplate)
        var findings: [Finding] = []
        // The opening paragraph: the prose before the first heading.
        let firstHeadingLine = markdown.headings.first?.line ?? Int.max
        let opening = markdown.proseLines.filter { $0.line < firstHeadingLine }.map(\.text).joined(separator: " ")
        let sentences = PolicyFilesMarkdown.sentenceCount(opening)
        if sentences > introMaximumSentences {
            findings.append(
                context.fileFinding(
                    "The opening paragraph of \(intro.path) has \(sentences) sentences; the template allows at most \(introMaximumSentences). Shorten it to a brief description of the service and the connector.",
                    file: intro.path, line: markdown.proseLines.first { !$0.text.isEmpty }?.line ?? 1, column: 1, signature: "opening"))
        }
        for (index, section) in introTemplate.enumerated() where found[index] == nil {
            let place = markdown.insertionPoint(for: index, in: introTemplate, found: found)
            findings.append(
                context.fileFinding(
                    "\(intro.path) has no \"\(section.template)\" section. Add it \(place.phrase), as in the intro.md template.",
                    file: intro.path, line: place.line, column: 1, signature: section.template))
        }
        let listsOperations = markdown.headings.first { heading in
            heading.level <= 2 && ["operation", "action", "trigger"].contains { heading.normalized.contains($0) }
        }
        if let heading = listsOperations {
            findings.append(
                context.fileFinding(
                    "\(intro.path) has a section \"\(heading.text)\": intro.md must not list the connector's actions or triggers. Remove the section; the README lists the operations.",
                    file: intro.path, line: heading.line, column: heading.column, signature: "operations"))
        }
        return findings
    }
}

enum PolicyFilesIntroExamples {
    static let sections = """
        ## Prerequisites
        A Contoso account.

        ## How to get credentials
        Sign in to contoso.example and create an API key.

        ## Get started with your connector
        Add the Get the forecast action to a flow.

        ## Known issues and limitations
        None known.

        ## Common errors and remedies
        A 401 means the key is wrong.

        ## FAQ
        Ask at contoso.example/support.

        """
    static let complete = "Contoso Weather brings forecasts to your flows. It works anywhere on Earth.\n\n" + sections
}

extension PolicyFilesMarkdown {
    /// Sentences in prose: runs ending in `.`, `!` or `?` followed by a space or the end, not
    /// counting common abbreviations, decimals or the dots of domain names.
    static func sentenceCount(_ text: String) -> Int {
        let characters = Array(text)
        var count = 0
        var hasWords = false
        var index = 0
        // The last word before a full stop is the text since the last space (or, when that is
        // empty, the word before it), found as the scan goes: copying everything before each
        // full stop made an 8 MB intro.md take minutes.
        var segmentStart = 0
        var lastWord: Range<Int>?
        while index < characters.count {
            let character = characters[index]
            if character == " " {
                if segmentStart < index { lastWord = segmentStart..<index }
                segmentStart = index + 1
            }
            if character.isLetter || character.isNumber { hasWords = true }
            if ".!?".contains(character) {
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if next == " " || next == "\n" || next == "\t" {
                    let range = segmentStart < index ? segmentStart..<index : lastWord
                    // Only words of up to three letters can be one of the abbreviations.
                    let word = range.flatMap { $0.count <= 3 ? String(characters[$0]).lowercased() : nil } ?? ""
                    let abbreviation = ["e.g", "i.e", "etc", "vs", "mr", "dr", "inc", "ltd"].contains(word)
                    if hasWords && !abbreviation {
                        count += 1
                        hasWords = false
                    }
                }
            }
            index += 1
        }
        return count + (hasWords ? 1 : 0)
    }
}
