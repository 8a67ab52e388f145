import Certification

/// The breaking-change rules: one per kind of change that breaks a flow built on the last
/// certified revision. They run only when that revision exists, so they have no example
/// packages of their own: BreakingChangesTests gives each an old and a new swagger.
extension BreakingChanges {
    private static func rule(_ id: String, severity: Severity = .error, summary: String, source: String, fix: String)
        -> RuleDescription
    {
        RuleDescription(id: id, severity: severity, stage: PolicyStage.stageName, summary: summary, source: source, fix: fix)
    }

    /// Errors, as Microsoft's Breaking Change Detector prints them (##[error], which fails the
    /// pull-request build), for a new revision of a certified connector. Microsoft's reviewers
    /// let one through once the publisher confirms existing flows won't break, so a reviewer may
    /// accept these errors (`Finding.isAcceptable`); nothing else at error can be.
    private static let reviewerConfirms =
        " An error, as the detector prints every breaking change it reports (##[error], PR#3656, PR#3648, PR#4043, PR#4168, PR#4215; the pipeline fails on any error); reviewers let one through once the publisher confirms existing flows won't break or versions the operation, so a reviewer may accept it (certification-rules.md section 5)."

    static let operationRemoved = rule(
        "breaking-operation-removed",
        summary: "An operation of the last certified revision is still there, matched by operationId.",
        source:
            "Breaking Change Detector (`/ValidateChange`, run by the certification pipeline on every update): \"The operation has been deleted. This change breaks existing flows.\" (#4043, #3470)."
            + reviewerConfirms,
        fix:
            "Keep the operation (mark it \"deprecated\": true and x-ms-visibility \"advanced\" instead of deleting it), or restore its operationId if it was renamed."
    )

    static let operationInternal = rule(
        "breaking-operation-internal",
        summary: "An operation that users could see in the last certified revision is not made internal.",
        source: "Breaking Change Detector: \"The operation has been hidden. This change breaks the designer…\" (#4215)." + reviewerConfirms,
        fix: "Keep the operation visible and mark it \"deprecated\": true instead; add the replacement as a new operation.")

    static let pathOrMethodChanged = rule(
        "breaking-path-or-method-changed",
        summary: "An operation keeps the path template and HTTP method it had in the last certified revision.",
        source: "Breaking Change Detector: \"The path template has been changed…\" (#3648)." + reviewerConfirms,
        fix:
            "Restore the operation's path and method, and add the new endpoint as a new operation with its own operationId (operation versioning)."
    )

    static let parameterLocationChanged = rule(
        "breaking-parameter-location-changed",
        summary: "A parameter stays where it was sent in the last certified revision (path, query, header, body, formData).",
        source: "Breaking Change Detector: \"The location has been changed for the parameter.\" (#3648)." + reviewerConfirms,
        fix: "Send the parameter where it was, or add a new operation that takes it in its new place.")

    static let requiredInputAdded = rule(
        "breaking-required-input-added",
        summary:
            "No required input (parameter or body property) is added to an existing operation, and no optional input becomes required.",
        source:
            "Breaking Change Detector: \"The required input field has been added…\" (#3656). A required input that is internal and has a default is filled in by the platform and is not reported."
            + reviewerConfirms,
        fix: "Make the new input optional (or internal with a default), or add a new operation that requires it.")

    static let outputPropertyRemoved = rule(
        "breaking-output-property-removed",
        summary: "Every output property of a success (2xx) response of the last certified revision is still declared.",
        source:
            "Breaking Change Detector: \"The output field has been deleted…\" (#3656). Properties that were internal are not reported; dynamic schemas (x-ms-dynamic-schema, x-ms-dynamic-properties) are not compared."
            + reviewerConfirms,
        fix:
            "Keep the property in the response schema (mark it x-ms-visibility \"advanced\" if it is no longer useful), or add a new operation with the new response."
    )

    static let typeChanged = rule(
        "breaking-type-changed",
        summary: "Parameters, body properties and response properties keep the type they had in the last certified revision.",
        source:
            "Breaking Change Detector: \"The type has been changed for the output field…\" (#3910). A schema without \"type\" counts as object when it has properties and array when it has items; one without either is not compared."
            + reviewerConfirms,
        fix: "Restore the type, or add a new property (or operation) with the new type.")

    static let enumValuesRemoved = rule(
        "breaking-enum-values-removed",
        summary: "An enum keeps every value it had in the last certified revision (dropping the enum altogether widens it and is allowed).",
        source:
            "Breaking Change Detector: \"The list of enum values has been removed from…\" (#1381, #619). Added values are not reported: they break no saved flow."
            + reviewerConfirms,
        fix: "Put the removed values back in the enum (the API may reject them, but saved flows keep loading).")

    static let authTypeChanged = rule(
        "breaking-auth-type-changed", severity: .error,
        summary:
            "The authentication type (securityDefinitions, and the OAuth identity provider in apiProperties.json) is the one of the last certified revision.",
        source:
            "auth-type-frozen: \"Changing the authentication type … isn't allowed\" on a certified connector's update (DH/certification-updates, R). An error: every existing connection would stop working.",
        fix:
            "Restore the previous authentication type. A connector with a different authentication needs to be submitted as a new connector."
    )

    /// Every breaking-change rule, in the order of the list.
    public static let rules: [RuleDescription] = [
        operationRemoved, operationInternal, pathOrMethodChanged, parameterLocationChanged, requiredInputAdded,
        outputPropertyRemoved, typeChanged, enumValuesRemoved, authTypeChanged,
    ]
}
