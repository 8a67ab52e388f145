import Certification
import ContentPolicy
import Probing
import SchemaConformance

/// The stages of the pipeline, in order. The core (`Certification`) runs the stages it is given;
/// this module, above the stage modules, knows which ones there are.
public enum StageRegistry {
    /// The name of the functional probing stage. The stage needs settings (and calls the
    /// connector's API), so the runner is given it rather than making it.
    public static let probeStageName = ProbeStage.stageName

    /// The static stages after the package stage, in pipeline order: what runs by default. A
    /// stage is listed once it has rules.
    public static var staticNames: [String] {
        var names: [String] = []
        if !SchemaStage.rules.isEmpty { names.append(SchemaStage.stageName) }
        if !PolicyStage.rules.isEmpty { names.append(PolicyStage.stageName) }
        return names
    }

    /// Every stage a user can select with `--stages` (the package stage always runs first).
    public static var selectableNames: [String] { staticNames + [probeStageName] }

    /// The static stages after the package stage, in pipeline order.
    public static var staticStages: [any Stage] {
        staticNames.compactMap(make)
    }

    static func make(_ name: String) -> (any Stage)? {
        switch name {
        case SchemaStage.stageName: SchemaStage.make()
        case PolicyStage.stageName: PolicyStage.make()
        default: nil
        }
    }
}

extension CheckOptions {
    /// Options that run the static stages (`StageRegistry.staticNames`), what runs by default.
    public init(
        ruleset: Ruleset = .default, acceptedFindings: Set<String> = [], titleRegistry: [String: String] = [:],
        previous: PreviousRevision? = nil
    ) {
        self.init(
            stages: StageRegistry.staticNames, ruleset: ruleset, acceptedFindings: acceptedFindings,
            titleRegistry: titleRegistry, previous: previous)
    }
}

extension StageRunner {
    /// A runner of the pipeline's stages: the package stage, the static stages, then `extraStages`
    /// (stages made elsewhere, such as the probe stage, which calls the network), each when
    /// `options.stages` names it.
    public init(options: CheckOptions = CheckOptions(), extraStages: [any Stage] = [], deadline: Deadline? = nil) {
        self.init(options: options, stages: StageRegistry.staticStages + extraStages, deadline: deadline)
    }
}
