import Certification
import JSONDocument

extension PolicyRules {
    static let titleUnique = Rule(
        RuleDescription(
            id: "title-unique", severity: .error, stage: PolicyStage.stageName,
            summary: "info.title differs (ignoring case and spaces) from every other certified connector's title.",
            source:
                "certification-policy 5000.2.2.5: \"Must be unique and distinguishable from any existing connector\"; PR#3834 (title-unique)",
            fix: "Choose a title no certified connector uses; a publisher's own connector keeps its title across revisions.",
            triggering: [],
            nonTriggering: [.minimal()])
    ) { context in
        guard let swagger = context.swagger, let title = swagger.document.root["info"]?["title"]?.string,
            let other = context.input.options.titleRegistry[TitleRegistry.key(title)]
        else { return [] }
        return [
            context.swaggerFinding(
                "The title \"\(title)\" is already used by the certified connector \(other); titles must be unique, ignoring case and spaces.",
                at: JSONPointer(tokens: ["info", "title"]), signature: TitleRegistry.key(title))
        ].compactMap { $0 }
    }
}
