import Certification
import ConnectorPackage

extension PolicyRules {
    /// The README template's sections, in order, each with the headings accepted for it.
    static let readmeTemplate: [PolicyFilesMarkdown.Section] = [
        .init(template: "# Title") { $0.level == 1 },
        .init(template: "## Publisher: <name>") { $0.normalized.hasPrefix("publisher") },
        .init(template: "## Prerequisites") { heading in
            ["prerequisite", "pre-requisite", "pre requisite", "requirement"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## Supported Operations") { heading in
            ["operation", "action", "trigger"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## Obtaining Credentials") { heading in
            ["credential", "api key", "apikey", "authentication", "authorization", "access token", "obtaining"]
                .contains { heading.normalized.contains($0) }
        },
        .init(template: "## Known Issues and Limitations") { heading in
            ["known issue", "limitation"].contains { heading.normalized.contains($0) }
        },
        .init(template: "## Deployment Instructions") { $0.normalized.contains("deploy") },
    ]

    static let readmeSections = Rule(
        RuleDescription(
            id: "readme-sections", severity: .warning, stage: PolicyStage.stageName,
            summary:
                "The README has the template's sections: # Title, ## Publisher: <name>, ## Prerequisites, ## Supported Operations, ## Obtaining Credentials, ## Known Issues and Limitations, and for certified connectors ## Deployment Instructions.",
            source:
                "PowerPlatformConnectors templates/*/readme.md; reviewers reject READMEs that do not follow the template (#1389). Headings match leniently: any level, any case, a trailing colon, bold lines used as headings, and common synonyms (Pre-requisites, Actions/Triggers, How to get credentials, Known Issues & Limitations, Deploying the connector). The first heading counts as the title when it is a level-2 heading that is no other section (221 certified READMEs open with \"## Name\"). A warning, not an error: even read this leniently, 425 of the 619 certified connectors (69%) miss at least one section; of the 611 READMEs, Publisher is missing from 336, Known Issues and Limitations from 312, Deployment Instructions from 263, Obtaining Credentials from 219, Supported Operations from 91, Title from 33, Prerequisites from 21. The template was not enforced at certification, but reviewers ask for it today. Independent publishers (iconBrandColor #da3b01) are not asked for Deployment Instructions.",
            fix:
                "Add each missing section with a heading as in the template (for example \"## Known Issues and Limitations\"), in the template's order; write \"None\" under a section that has nothing to say.",
            triggering: [
                .minimal([
                    "readme.md":
                        "# Contoso Weather\n\n## Publisher: Contoso\n\n## Prerequisites\nAn account.\n\n## Supported Operations\n### Get the forecast\n\n## Obtaining Credentials\nCreate a key.\n\n## Deployment Instructions\nUse paconn.\n"
                ]).at("readme.md:14"),
                .minimal(["readme.md": "Contoso Weather\n\nForecasts for any place.\n"]).at("readme.md:1"),
            ],
            nonTriggering: [
                .minimal(),
                .minimal([
                    "readme.md":
                        "Contoso Weather\n===\n\n**Publisher:** Contoso\n\n### Pre-requisites:\nAn account.\n\n## Actions\n### Get the forecast\n\n## How to get credentials?\nCreate a key.\n\n## Known Issues & Limitations\nNone.\n\n## Deploying the connector\nUse paconn.\n"
                ]),
            ])
    ) { context in
        guard let readme = context.package.file(.readme) else { return [] }
        let markdown = PolicyFilesMarkdown(readme.bytes)
        var sections = readmeTemplate
        if PolicyFilesIcon.isIndependentPublisher(context) { sections.removeLast() }
        var found = markdown.find(sections)
        // Many certified READMEs open with "## Name" instead of "# Name": the first heading
        // counts as the title when it is not one of the other sections.
        if found[0] == nil, let first = markdown.headings.first, first.level <= 2,
            !sections.dropFirst().contains(where: { $0.matches(first) })
        {
            found[0] = first
        }
        var findings: [Finding] = []
        for (index, section) in sections.enumerated() where found[index] == nil {
            let place = index == 0 ? (line: 1, phrase: "at the top") : markdown.insertionPoint(for: index, in: sections, found: found)
            findings.append(
                context.fileFinding(
                    "\(readme.path) has no \"\(section.template)\" section. Add it \(place.phrase), as in the README template.",
                    file: readme.path, line: place.line, column: 1, signature: section.template))
        }
        return findings
    }
}
