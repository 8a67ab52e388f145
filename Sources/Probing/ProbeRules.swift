import Certification

/// The probe stage's rules, described next to its checks (`ProbeChecks`), for the catalogue,
/// `certify rules` and the reports. Their proof is the probe tests against a fixture API, not
/// package examples.
public enum ProbeRules {
    static let stage = ProbeStage.stageName

    public static let callFailed = RuleDescription(
        id: "probe-call-failed", severity: .error, stage: stage,
        summary: "Every probed call completes: the host answers within the timeout, over a connection that can be made.",
        source: "Microsoft functional test of certification (DESIGN.md, functional probing)",
        fix: "Check that the swagger's host, basePath and schemes reach the live API, and that it answers within the timeout.")
    public static let refusedTarget = RuleDescription(
        id: "probe-refused-target", severity: .error, stage: stage,
        summary:
            "The API's address is on the public internet: loopback, private, link-local, CGNAT, multicast and cloud-metadata targets are refused.",
        source: "certify safety rule (SSRF guard); certification connectors call public APIs",
        fix: "Point the swagger's host at the public API; for a local test run, allow private networks explicitly.")
    public static let serverError = RuleDescription(
        id: "probe-server-error", severity: .error, stage: stage,
        summary: "Safe calls with valid parameters do not answer 5xx.",
        source: "Functional test: operations must behave as defined",
        fix: "Fix the API, or give working test values (x-ms-test-value or the probe plan) for the operation.")
    public static let undeclaredStatus = RuleDescription(
        id: "probe-undeclared-status", severity: .error, stage: stage,
        summary: "The status an operation answers is declared in its responses (or covered by default).",
        source: "OpenAPI 2.0 Responses Object; certification: 'Define exact operation responses'",
        fix: "Declare the status in the operation's responses, with its schema, or fix the API.")
    public static let contentType = RuleDescription(
        id: "probe-content-type", severity: .error, stage: stage,
        summary: "A response's Content-Type is one the operation produces.",
        source: "OpenAPI 2.0 produces; connector responses are parsed by their declared media type",
        fix: "Add the media type to the operation's (or the document's) produces, or make the API answer a declared one.")
    public static let invalidJSON = RuleDescription(
        id: "probe-invalid-json", severity: .error, stage: stage,
        summary: "A response declared as JSON parses as JSON.",
        source: "RFC 8259; the platform parses JSON responses for flows",
        fix: "Make the API return valid JSON for this operation, or declare the real media type.")
    public static let schemaMismatch = RuleDescription(
        id: "probe-schema-mismatch", severity: .error, stage: stage,
        summary: "A response body conforms to the declared response schema (Swagger dialect: x-nullable, readOnly, discriminator).",
        source: "Certification: operations must behave as their definition says; flows bind to the declared schema",
        fix: "Correct the response schema in the swagger (types, required, nullability) to what the API really returns.")
    public static let missingHeader = RuleDescription(
        id: "probe-missing-header", severity: .warning, stage: stage,
        summary: "Response headers the operation declares are present.",
        source: "OpenAPI 2.0 Response Object headers",
        fix: "Remove the header from the declaration, or make the API send it.")
    public static let slow = RuleDescription(
        id: "probe-slow", severity: .warning, stage: stage,
        summary: "An operation answers within the latency budget (default 2 s).",
        source: "Connector actions time out in flows; the custom code limit is short (DH/write-code)",
        fix: "Speed up the operation, or page its results.")
    public static let authNotEnforced = RuleDescription(
        id: "probe-auth-not-enforced", severity: .error, stage: stage,
        summary:
            "Every secured operation the probe called successfully refuses the same call without credentials, and with a wrong API key when it takes one (401 or 403).",
        source:
            "Certification security requirements: auth must be OAuth2, API key or basic, and enforced; Schemathesis's ignored_auth check, OWASP API2 (broken authentication). Each operation is checked, within the probe's time budget; the finding shows the call with credentials and the one without, redacted.",
        fix: "Make the API refuse unauthenticated calls, or mark the operation as not needing security.")
    public static let redirects = RuleDescription(
        id: "probe-redirects", severity: .error, stage: stage,
        summary: "Redirects end within the limit (5), at an address that may be called.",
        source: "certify probing limits; redirects are checked like the first address",
        fix: "Point the swagger at the final location instead of a redirecting one.")
    public static let rateLimited = RuleDescription(
        id: "probe-rate-limited", severity: .info, stage: stage,
        summary: "The API kept answering 429 or 503 with Retry-After: the operation could not be probed (not a failure).",
        source: "HTTP semantics: 429 and 503 with Retry-After ask the caller to wait",
        fix: "Nothing, or raise the probe's rate limit for this API; run the probe again later.")
    public static let notProbed = RuleDescription(
        id: "probe-not-probed", severity: .info, stage: stage,
        summary:
            "Operations that were not called, with the reason (unsafe method, webhook trigger, x-ms-no-generic-test, parameters without values, time budget, a host that refused 3 connections or does not resolve).",
        source: "certify probing policy: only safe operations by default",
        fix: "Give values for required parameters (x-ms-test-value or a probe plan), or allow the operation in the probe plan.")
    public static let dynamicValues = RuleDescription(
        id: "probe-dynamic-values", severity: .error, stage: stage,
        summary:
            "The operation that feeds an x-ms-dynamic-values or x-ms-dynamic-list dropdown answers with the declared collection, and each item has the declared value and title paths; the operation named by x-ms-dynamic-schema or x-ms-dynamic-properties answers with a JSON schema at its value path (the dependent answer is then checked against it).",
        source:
            "Power Platform dynamic values (learn.microsoft.com/connectors/custom-connectors/openapi-extensions: value-collection, value-path, value-title; itemsPath, itemValuePath, itemTitlePath): the designer builds the dropdown from these paths, so an answer without them leaves it empty. The value the answer gives fills the dependent parameter, which is then probed.",
        fix: "Correct the extension's paths to where the feeding operation's answer has the list, its values and titles; or the operation.")
    public static let oauthToken = RuleDescription(
        id: "probe-oauth-token", severity: .error, stage: stage,
        summary:
            "When the probe obtains an OAuth 2.0 access token itself (--credential client_id=... client_secret=..., or refresh_token=...), the security definition's tokenUrl answers one.",
        source:
            "Most certified connectors authenticate with OAuth 2.0 (oauthSetting in apiProperties.json, an oauth2 security definition with its tokenUrl); the platform gets tokens from that URL, so one that fails leaves every secured operation without access. One finding: the operations that needed the token are reported as not probed, not as failures.",
        fix: "Correct the tokenUrl, the grant the token endpoint accepts, or the client credentials given to the probe.")
    public static let acceptsInvalidInput = RuleDescription(
        id: "probe-accepts-invalid-input", severity: .warning, stage: stage,
        summary:
            "With --probe-negative (or \"negative\": true in the plan), an operation refuses invalid input with 4xx: a required parameter left out, a value of the wrong type, an enum value outside the list (a 5xx is probe-server-error).",
        source:
            "Schemathesis's negative data generation and OWASP API8 (improper input validation): an API that accepts what its definition forbids stores or acts on garbage. A warning: some APIs ignore unknown or extra input by design.",
        fix: "Validate the input the definition describes and answer 400 (or 422) naming the parameter; or correct the definition.")
    public static let sequenceStep = RuleDescription(
        id: "probe-sequence-step", severity: .error, stage: stage,
        summary:
            "Every step of a probe plan's sequence can be called with the plan's values and earlier captures, answers the status it expects (2xx by default), and yields the values it captures.",
        source:
            "Stateful probing of create -> read -> update -> delete, as a certification tester does by hand (Microsoft's functional test, certification-rules.md section 2 step 5); Schemathesis's stateful links. Each step's exchange is its evidence.",
        fix:
            "Make the operation answer as the step expects, correct the step's parameters or expectStatus, or point its capture at where the answer has the value."
    )
    public static let planInvalid = RuleDescription(
        id: "probe-plan-invalid", severity: .error, stage: stage,
        summary: "The probe plan (probe-plan.json) is valid JSON of the documented shape and names existing operations.",
        source: "certify probe plan format (README)",
        fix: "Fix the probe plan at the reported place.")

    public static let all: [RuleDescription] = [
        callFailed, refusedTarget, serverError, undeclaredStatus, contentType, invalidJSON, schemaMismatch, missingHeader,
        slow, authNotEnforced, redirects, rateLimited, notProbed, dynamicValues, oauthToken, acceptsInvalidInput, sequenceStep, planInvalid,
    ]
}
