/// Why each rule that can be an error has the severity it has: the evidence that Microsoft
/// enforces it, by kind, with a quote and a link. `certify rules calibrate` puts it in
/// docs/calibration.md beside what the corpus of certified connectors shows.
public struct RuleEvidence: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Microsoft's documentation names the check (intent).
        case documentation
        /// Microsoft's validator or reviewers printed it on a pull request (practice).
        case validator
        /// The OpenAPI 2.0 specification or another standard requires it.
        case specification
        /// ../shared/reference/certification-rules.md, or certify's own limits.
        case reference
    }

    public var kind: Kind
    /// Microsoft's (or the standard's) words, short.
    public var quote: String
    /// Where they are: a learn.microsoft.com page, a pull request, a file of a repository.
    public var link: String

    public init(_ kind: Kind, _ quote: String, _ link: String) {
        self.kind = kind
        self.quote = quote
        self.link = link
    }
}

/// The calibration of one rule: its evidence and the decision in a line.
public struct RuleCalibration: Sendable, Hashable {
    public var evidence: [RuleEvidence]
    /// Why the rule has its severity (and strict severity), in one line.
    public var decision: String

    public init(_ decision: String, _ evidence: [RuleEvidence]) {
        self.decision = decision
        self.evidence = evidence
    }
}

extension RuleCatalog {
    /// The calibration of every rule that can be an error (at the default or the strict level).
    public static let calibration: [String: RuleCalibration] = [
        "package-refused": RuleCalibration(
            "Error: a package outside certify's intake limits (unsafe paths, links, zip bombs) cannot be read safely, and Microsoft's certification bot likewise refuses a package it cannot open.",
            [
                RuleEvidence(
                    .reference, "Not able to deserialize the package. Invalid package structure.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
                RuleEvidence(
                    .reference, "maximumCompressionRatio | 200 | inflated / compressed size of a zip entry (zip bombs)",
                    "README.md#limits"),
                RuleEvidence(
                    .reference, "intake: limits, safe unzip, content hash", "../shared/DESIGN.md#the-flow-of-data"),
            ]),
        "package-file-missing": RuleCalibration(
            "Error: without apiDefinition.swagger.json, apiProperties.json and readme.md there is no connector to certify; the PowerPlatformConnectors README and the certification docs require all three.",
            [
                RuleEvidence(
                    .reference,
                    "`apiDefinition.swagger.json`, `apiProperties.json` and `readme.md` are present. Verified publishers (VP) also need `icon.png`. `script.csx` is optional.",
                    "../shared/reference/certification-rules.md#1a-package-files-and-hygiene"),
                RuleEvidence(
                    .reference, "Not able to deserialize the package. Invalid package structure.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
            ]),
        "json-syntax": RuleCalibration(
            "Error: text that no JSON reader parses (missing commas, unbalanced brackets, control characters) cannot be validated at all; a swagger must conform to the JSON standards, and reviewers send syntax errors back.",
            [
                RuleEvidence(
                    .validator,
                    "there is an error in the swagger file. ... This might be a syntax error! can you please double check?",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2594"),
                RuleEvidence(
                    .specification,
                    "The files describing the RESTful API in accordance with the Swagger specification are represented as JSON objects and conform to the JSON standards.",
                    "https://spec.openapis.org/oas/v2.0#format"),
                RuleEvidence(
                    .reference, "Strict JSON, UTF-8; allow a BOM (paconn reads `utf-8-sig`).",
                    "../shared/reference/certification-rules.md#1a-package-files-and-hygiene"),
            ]),
        "openapi-version": RuleCalibration(
            "Error: Microsoft's validator requires the swagger property to be \"2.0\" (SpecificationVersionIncorrect, worded \"must\"), OpenAPI 3 is not supported, and the specification makes the field required.",
            [
                RuleEvidence(
                    .documentation, "The 'swagger' property must have the string value \"2.0\".",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "Required. Specifies the Swagger Specification version being used. ... The value MUST be \"2.0\".",
                    "https://spec.openapis.org/oas/v2.0#swaggerObject"),
            ]),
        "openapi-structure": RuleCalibration(
            "Error: Microsoft's validator prints unknown and missing fields as ##[error] (ExtensionNameNotValid, RequiredPropertyMissing), and the specification's fixed fields define every object.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]...apiDefinition.swagger.json(,): error ExtensionNameNotValid: The property 'scriptOperations' is not valid. If this property is an extension, its name must begin with \"x-\".",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3810"),
                RuleEvidence(
                    .documentation, "The '{0}' property is required.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "Allows extensions to the Swagger Schema. The field name MUST begin with x-, for example, x-internal-id.",
                    "https://spec.openapis.org/oas/v2.0#specificationExtensions"),
            ]),
        "openapi-host": RuleCalibration(
            "Error: Microsoft's validator rejects a host with a scheme or path (HostNameNotValid, worded \"must\", seen on PR#4041 among the ##[error] lines), and the specification says MUST.",
            [
                RuleEvidence(
                    .documentation, "The 'host' property, if present, must be a valid URI host without a scheme or path.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "This MUST be the host only and does not include the scheme nor sub-paths. It MAY include a port.",
                    "https://spec.openapis.org/oas/v2.0#swaggerHost"),
            ]),
        "openapi-base-path": RuleCalibration(
            "Error: Microsoft's validator requires a leading slash (BasePathNotValid, worded \"must\"), as the specification does.",
            [
                RuleEvidence(
                    .documentation, "The 'basePath' property, if present, must start with a '/' character.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "The value MUST start with a leading slash (/).",
                    "https://spec.openapis.org/oas/v2.0#swaggerBasePath"),
            ]),
        "openapi-schemes": RuleCalibration(
            "Error: Microsoft's validator rejects unknown transfer protocols and an empty schemes list (SchemeNotValid, SchemesArrayEmpty), and the specification fixes the list of values.",
            [
                RuleEvidence(
                    .documentation, "The 'schemes' property must only contain transfer protocols from the list: {0}.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The 'schemes' array requires at least one value.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "The transfer protocol of the API. Values MUST be from the list: \"http\", \"https\", \"ws\", \"wss\".",
                    "https://spec.openapis.org/oas/v2.0#swaggerSchemes"),
            ]),
        "openapi-mime-type": RuleCalibration(
            "Error: an entry of consumes or produces that is not a MIME type at all is malformed (the specification says MUST, Microsoft's validator has MimeTypeNotValid); which types the platform supports is mime-types' warning.",
            [
                RuleEvidence(
                    .documentation, "The MIME type '{0}' is not valid.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "A list of MIME types the APIs can consume. ... Value MUST be as described under Mime Types.",
                    "https://spec.openapis.org/oas/v2.0#swaggerConsumes"),
                RuleEvidence(
                    .specification, "The mime type definitions should be in compliance with RFC 6838.",
                    "https://spec.openapis.org/oas/v2.0#mimeTypes"),
            ]),
        "openapi-parameter": RuleCalibration(
            "Error: Microsoft's validator requires what a parameter's location needs (PathParameterMustBeRequired, BodyParameterSchemaRequired, FileParameterMustBeInFormData, all worded \"must\"), as the specification's Parameter Object does.",
            [
                RuleEvidence(
                    .documentation,
                    "The parameter must be marked as required as it is used in the operation path. Include the 'required' property, with the value 'true'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The 'body' parameter must define a 'schema' property.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "If the parameter is in \"path\", this property is required and its value MUST be true.",
                    "https://spec.openapis.org/oas/v2.0#parameterRequired"),
            ]),
        "openapi-security-definition": RuleCalibration(
            "Error: Microsoft's validator requires the fields each security scheme type needs and refuses the others (SecuritySchemePropertyRequired, SecuritySchemePropertyNotValid), following the specification's Security Scheme Object.",
            [
                RuleEvidence(
                    .documentation, "The security definition property '{0}' is required for definitions of type '{1}'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "Supported schemes are basic authentication, an API key (either as a header or as a query parameter) and OAuth2's common flows (implicit, password, application and access code).",
                    "https://spec.openapis.org/oas/v2.0#securitySchemeObject"),
            ]),
        "ref-resolves": RuleCalibration(
            "Error: Microsoft's validator rejects references that do not resolve or point to the wrong kind of object (SchemaReferenceNotFound, ParameterReferenceNotValid and the like), and a Reference Object is a JSON Pointer.",
            [
                RuleEvidence(
                    .documentation, "The schema reference '{0}' could not be found in the swagger document.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation,
                    "The parameter reference '{0}' is not valid. Parameter references must start with '#/parameters/' and be valid JSON Pointers.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "The Reference Object is a JSON Reference that uses a JSON Pointer as its value.",
                    "https://spec.openapis.org/oas/v2.0#referenceObject"),
            ]),
        "ref-external": RuleCalibration(
            "Error: Microsoft's validator accepts only references into the same document ('#/definitions/', '#/parameters/', '#/responses/'), and a connector is one uploaded swagger, so a remote reference cannot resolve.",
            [
                RuleEvidence(
                    .documentation,
                    "The schema reference '{0}' is not valid. Schema references must start with '#/definitions/' and be valid JSON Pointers.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation,
                    "The response reference '{0}' is not valid. Response references must start with '#/responses/' and be valid JSON Pointers.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "ref-cycle": RuleCalibration(
            "Error: a chain of references that only leads back to itself describes nothing, and Microsoft's validator refuses even a definition that is only a $ref to another (SchemaRefLoopNotAllowed).",
            [
                RuleEvidence(
                    .documentation, "The schema definition may not use a '$ref' to point to another definition.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The parameter definition may not use a '$ref' to point to another definition.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "operation-id-unique": RuleCalibration(
            "Error: Microsoft's validator rejects a repeated operationId (OperationIdNotUnique, worded \"must\"), and the specification says MUST.",
            [
                RuleEvidence(
                    .documentation, "The operationId '{0}' is used multiple times. Operation identifiers must be unique.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "The id MUST be unique among all operations described in the API.",
                    "https://spec.openapis.org/oas/v2.0#operationId"),
            ]),
        "path-parameters-match": RuleCalibration(
            "Error: Microsoft's validator rejects a path variable without its parameter and a path parameter missing from the template (OperationMissingPathParameter, PathParameterNotDefinedInTemplate), as the specification requires.",
            [
                RuleEvidence(
                    .documentation, "The operation '{0}' does not define the '{1}' parameter which is required by the path.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The 'path' parameter '{0}' is not defined in the URI path template.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "If in is \"path\", the name field MUST correspond to the associated path segment from the path field in the Paths Object.",
                    "https://spec.openapis.org/oas/v2.0#parameterName"),
            ]),
        "parameter-unique": RuleCalibration(
            "Error: Microsoft's validator rejects two parameters with the same name and location (OperationParametersContainDuplicateParameter, worded \"must\"), and the specification says MUST NOT.",
            [
                RuleEvidence(
                    .documentation, "The operation '{0}' contains duplicate parameters with name '{1}', location '{2}'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "The list MUST NOT include duplicated parameters. A unique parameter is defined by a combination of a name and location.",
                    "https://spec.openapis.org/oas/v2.0#operationParameters"),
            ]),
        "body-parameter-single": RuleCalibration(
            "Error: a request has one payload; Microsoft's validator allows at most one body parameter (OperationParametersContainMultipleBodyParameters), as the specification does.",
            [
                RuleEvidence(
                    .documentation,
                    "The operation '{0}' contains multiple parameters in the location 'body', at most one is allowed.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "There can be one \"body\" parameter at most.",
                    "https://spec.openapis.org/oas/v2.0#operationParameters"),
            ]),
        "body-form-data-exclusive": RuleCalibration(
            "Error: body and form parameters are both the payload; Microsoft's validator allows only one of the two (ParameterListContainsFormDataAndBody), as the specification does.",
            [
                RuleEvidence(
                    .documentation,
                    "The 'parameters' list defines both a 'body' parameter, and a 'formData' parameter. Only one of these location types can be used in an operation.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "Since Form parameters are also in the payload, body and form parameters cannot exist together for the same operation.",
                    "https://spec.openapis.org/oas/v2.0#parameterObject"),
            ]),
        "get-no-body": RuleCalibration(
            "Error: Microsoft's validator rejects body and formData parameters on a GET operation (BodyOrFormDataParameterInFetchOperationNotAllowed, \"not supported\").",
            [
                RuleEvidence(
                    .documentation, "Body or form data parameters are not supported in a fetch operation.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "Operations using the \"GET\" HTTP method can't have a body or form data.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "file-parameter-consumes": RuleCalibration(
            "Error: a file can only be sent as form data, so the specification requires a form content type in consumes, and Microsoft's validator confines file parameters to formData (FileParameterMustBeInFormData).",
            [
                RuleEvidence(
                    .documentation, "Parameters of type 'file' are not valid in locations other than 'formData'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "If type is \"file\", the consumes MUST be either \"multipart/form-data\", \" application/x-www-form-urlencoded\" or both and the parameter MUST be in \"formData\".",
                    "https://spec.openapis.org/oas/v2.0#parameterType"),
            ]),
        "response-status-code": RuleCalibration(
            "Error: Microsoft's validator accepts only an HTTP status code or 'default' as a response key (ResponseMustBeDefaultOrHttpStatusCode, worded \"must\"), as the specification does.",
            [
                RuleEvidence(
                    .documentation,
                    "The response is not valid, the response must be a valid HTTP status code, or the string 'default'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "Any HTTP status code can be used as the property name (one property per HTTP status code).",
                    "https://spec.openapis.org/oas/v2.0#responsesObject"),
            ]),
        "required-property-defined": RuleCalibration(
            "Error: Microsoft's validator rejects a required name that the object schema does not define (RequiredPropertyDefinitionMissing, worded \"must\"); it is a typo or a removed property.",
            [
                RuleEvidence(
                    .documentation, "The required property '{0}' is not defined in the object schema.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "`required` only on objects, non-empty and defined.",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "enum-not-empty": RuleCalibration(
            "Error: an empty enum accepts no value at all, and Microsoft's validator requires at least one (EnumMustContainAtLeastOneElement).",
            [
                RuleEvidence(
                    .documentation, "The 'enum' array requires at least one value.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "Enum non-empty and typed; min ≤ max; `pattern` is a valid regex",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "min-max-order": RuleCalibration(
            "Error: bounds that cross accept no value at all; Microsoft's validator has a code for each pair (MinimumShouldBeLessThanOrEqualToMaximum and the like, worded \"should\", severity unpublished).",
            [
                RuleEvidence(
                    .documentation, "The 'minimum' value should be less than or equal to the 'maximum' value.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The 'minLength' value should be less than or equal to the 'maxLength' value.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "pattern-valid": RuleCalibration(
            "Error: a pattern that does not compile cannot validate anything; Microsoft's validator checks it (PatternShouldBeValidRegularExpression, worded \"should\", severity unpublished).",
            [
                RuleEvidence(
                    .documentation, "The 'pattern' value should be a valid regular expression.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "`pattern` is a valid regex",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "x-ms-extension-shape": RuleCalibration(
            "Error: an extension of the wrong JSON shape is not read by the platform; Microsoft's validator rejects malformed extensions (MissingEnumValuesDisplayName, JsonTypeIncorrect), and the PowerPlatformConnectors schema fixes their shapes.",
            [
                RuleEvidence(
                    .documentation, "The 'x-ms-enum-values' extension is invalid. Please specify the property 'displayName'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The type of the property is incorrect. Expected type '{0}', but value is of type '{1}'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference,
                    "`x-ms-dynamic-values` needs exactly one of operationId / builtInOperation `AadGraph.GetUsers` / capability `file-picker`.",
                    "../shared/reference/certification-rules.md#3-json-schemas-ppc-schemas-last-changed-2020-07-27-stale"),
            ]),
        "x-ms-visibility-value": RuleCalibration(
            "Error: x-ms-visibility has three values and Microsoft's validator rejects a value outside an enumerated list (JsonValueNotInEnum); values that differ only in case are warnings, as certified connectors use them.",
            [
                RuleEvidence(
                    .documentation, "The property value must be one of the following: {0}.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "`x-ms-visibility` ∈ {important, advanced, internal}.",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "x-ms-extension-value": RuleCalibration(
            "Error: extensions with a closed set of values do nothing outside it; Microsoft's validator rejects such values (InvalidNextLinkNameValue, JsonValueNotInEnum).",
            [
                RuleEvidence(
                    .documentation,
                    "The nextLinkName value for operation '{0}' is invalid. Supported values are 'nextLink' or '@odata.nextLink'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The property value must be one of the following: {0}.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "`x-ms-trigger` ∈ {single, batch}.",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "x-ms-operation-reference": RuleCalibration(
            "Error: a dynamic extension that names a missing operation breaks the designer; Microsoft's validator rejects it (OperationIdNotFound, worded \"could not be found\"), and no certified connector does it.",
            [
                RuleEvidence(
                    .documentation, "The 'operationId' could not be found in this swagger document.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "`x-ms-dynamic-*` `operationId` exists (`OperationIdNotFound`).",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "x-ms-api-annotation-family": RuleCalibration(
            "Error: Microsoft's validator rejects duplicate revisions and more than two active operations in a family (OperationFamilyHasDuplicateRevisions, OperationFamilyHasManyActiveOperations, worded \"must\"), and no certified connector breaks these.",
            [
                RuleEvidence(
                    .documentation,
                    "The operation family '{0}' has more than two active operations. Extra operations must be deprecated.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The operation family '{0}' has operations with duplicate revision.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation,
                    "The replacement property should be specified for deprecated operations only.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "x-ms-notification-url-property": RuleCalibration(
            "Error: Microsoft's validator requires the webhook's notification URL property to be an internal, required string in the body (NotificationUrlNotInternal, NotificationUrlNotRequired, NotificationUrlNotString), and all certified webhooks comply.",
            [
                RuleEvidence(
                    .documentation, "The notification URL property itself or at least one of its parents must be internal.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The notification URL property must be required all the way through the schema chain.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "The notification URL property must be of type string.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "properties-shape": RuleCalibration(
            "Error: the platform deserializes apiProperties.json strictly and refuses members it does not know, and the paconn schema fixes its shape; unknown members certified connectors carry are warnings.",
            [
                RuleEvidence(
                    .validator,
                    "The request content was invalid and could not be deserialized: 'Could not find member 'stackOwner' on object of type 'ApiPropertiesDefinition'.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/754"),
                RuleEvidence(
                    .reference, "The root is `{\"properties\":{…}}` and `properties.iconBrandColor` is required.",
                    "../shared/reference/certification-rules.md#1d-apipropertiesjson"),
            ]),
        "properties-connection-parameter": RuleCalibration(
            "Error: Microsoft's apiProperties validator prints schema violations in connection parameters as ##[error] (level Error fails the check), and the paconn schema fixes their names and types.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]@{level=Error; message=JSON does not match all schemas from 'allOf'. Invalid schema indexes: 0.; valuePath=... path: 'properties.connectionParameters.token:TenantId.uiDefinition'",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1421"),
                RuleEvidence(
                    .reference, "`type` ∈ {string, securestring, int, bool, oauthSetting, gatewaySetting}.",
                    "../shared/reference/certification-rules.md#1d-apipropertiesjson"),
            ]),
        "properties-oauth-setting": RuleCalibration(
            "Error: a malformed oAuthSettings leaves the connector unable to sign in; the paconn schema fixes its shape, and differences certified connectors carry are warnings.",
            [
                RuleEvidence(
                    .reference,
                    "`identityProvider` ∈ {oauth2, oauth2generic, aad, aadcertificate, facebook, service-specific e.g. \"DocuSign\"}.",
                    "../shared/reference/certification-rules.md#1d-apipropertiesjson"),
                RuleEvidence(
                    .reference,
                    "OAuth: `redirectMode` {Global, Direct}; aad requires `customParameters.resourceUri`; aadcertificate requires `IsFirstParty`=\"True\".",
                    "../shared/reference/certification-rules.md#3-json-schemas-ppc-schemas-last-changed-2020-07-27-stale"),
            ]),
        "properties-parameter-sets": RuleCalibration(
            "Error: a malformed connectionParameterSets leaves the connection dialog without a way to connect; no published schema covers it, so its shape is the one the certified connectors and Microsoft's multi-auth samples use.",
            [
                RuleEvidence(
                    .reference, "It omits `scriptOperations` (used by 59 PPC files) and `connectionParameterSets` (10 files).",
                    "../shared/reference/certification-rules.md#3-json-schemas-ppc-schemas-last-changed-2020-07-27-stale"),
                RuleEvidence(
                    .reference, "files incl. `customProperties.json` for multi-auth",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
            ]),
        "properties-policy-template": RuleCalibration(
            "Error: a policy template the platform does not offer, or one without its required parameters, cannot be applied; the paconn schema lists the templates and their parameters.",
            [
                RuleEvidence(
                    .reference,
                    "`templateId` ∈ {convertarraytoobject, convertobjecttoarray, dynamichosturl, … updatenextlink} (case variants OK).",
                    "../shared/reference/certification-rules.md#1d-apipropertiesjson"),
                RuleEvidence(
                    .reference,
                    "Required template parameters, e.g.: setheader/setqueryparameter→name, value; dynamichosturl→urlTemplate; routerequesttoendpoint→newPath.",
                    "../shared/reference/certification-rules.md#3-json-schemas-ppc-schemas-last-changed-2020-07-27-stale"),
            ]),
        "swagger-size": RuleCalibration(
            "Error: Microsoft's docs set a hard limit of 1 MB for the OpenAPI definition (\"must be less than 1 MB\"); over 500,000 characters is a warning.",
            [
                RuleEvidence(
                    .documentation,
                    "If you use an OpenAPI definition or Postman collection to describe a custom connector, the file must be less than 1 MB.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/faq"),
                RuleEvidence(
                    .documentation, "Swagger files shouldn't be greater than 1 MB.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "title-required-english": RuleCalibration(
            "Error: the certification docs require a title written in English, and Microsoft's validator has the code ValueMustBeInEnglish (worded \"must\").",
            [
                RuleEvidence(
                    .documentation, "Must exist and be written in English.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "The '{0}' value must be written in English.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "title-max-length": RuleCalibration(
            "Error: Microsoft's validator prints a title over 30 characters as ##[error] and the certification bot fails it.",
            [
                RuleEvidence(
                    .validator, "##[error]The 'title' value goes over the character limit '30' ValuePath: /info/title",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3407"),
                RuleEvidence(
                    .validator,
                    "Certification Validations Failed. Please fix below issues / Maximum of 30 characters allowed in the connector title",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3828"),
                RuleEvidence(
                    .documentation, "Can't be longer than 30 characters.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "title-restricted-words": RuleCalibration(
            "Error: Microsoft's validator prints \"API\" and \"Connector\" in a title as ##[error], the certification bot rejects reserved words, and the docs ban Power Platform product names.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The value 'title' contains at least one of the restricted words: 'api, connector'. ValuePath: /info/title",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3407"),
                RuleEvidence(
                    .validator, "Title cannot contain the reserved words (API,Connector, Power Apps, etc)",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4202"),
                RuleEvidence(
                    .documentation,
                    "Can't contain the words \"API\", \"Connector\", or any of our Power Platform product names (for example, \"Power Apps\").",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "title-end-alnum": RuleCalibration(
            "Error: Microsoft's certification bot fails a title ending in a non-alphanumeric character, as the docs and the validator code ValueMustEndWithAlphanumeric require; a closing parenthesis is accepted, as certified titles show.",
            [
                RuleEvidence(
                    .validator,
                    "Title cannot end in nonaplhanumberic character, including carriage return, new line, or blank space",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3828"),
                RuleEvidence(
                    .documentation,
                    "Can't end in a non-alphanumeric character, including carriage return, new line, or blank space.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "The '{0}' value must end with alphanumeric character.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "description-length": RuleCalibration(
            "Error: the certification docs require 30 to 500 characters, and Microsoft's validator has the code FieldLengthNotInRange (worded \"must\").",
            [
                RuleEvidence(
                    .documentation, "Can't be shorter than 30 characters or longer than 500 characters.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "The '{0}' value must be between '{1}' and '{2}' characters.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "description-restricted": RuleCalibration(
            "Error: Microsoft's validator prints product names in the description as ##[error], and the docs ban Power Platform product names.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The value 'description' contains at least one of the restricted words: 'power apps, power automate, logic apps'. ValuePath: /info/description",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3407"),
                RuleEvidence(
                    .documentation, "Can't contain any Power Platform product names (for example, \"Power Apps\").",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "contact-required": RuleCalibration(
            "Error: Microsoft's validator prints a missing info.contact as ##[error] (and paconn as \"Error\"), and an email, when given, must be valid; a contact missing a part is contact-complete's warning.",
            [
                RuleEvidence(
                    .validator, "##[error]The 'contact' property is required. ValuePath: /info",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1095"),
                RuleEvidence(
                    .validator,
                    "Swagger certification failed with errors. ... Error : info : The 'contact' property is required.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/683"),
                RuleEvidence(
                    .documentation, "The contact 'email' property, if present, must be a valid email address.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "You must provide a support contact so that customers can get help.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/submit-certification"),
            ]),
        "connector-metadata": RuleCalibration(
            "Error: Microsoft's validator prints a missing x-ms-connector-metadata and a missing Categories entry as ##[error], and the certification bot still rejects it in 2026.",
            [
                RuleEvidence(
                    .validator, "##[error]The 'x-ms-connector-metadata' property is required.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1095"),
                RuleEvidence(
                    .validator,
                    "##[error]The connector metadata property 'Categories' is required. ValuePath: /x-ms-connector-metadata",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4077"),
                RuleEvidence(
                    .validator,
                    "The required property 'x-ms-connector-metadata' is missing in 'Connector/rcs_sap-20success-20factors_openapidefinition.json'. Please validate.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4202"),
                RuleEvidence(
                    .documentation, "The connector metadata property '{0}' is required.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "metadata-urls": RuleCalibration(
            "Error: Microsoft's validator requires a valid absolute URL (UrlNotValid, worded \"must\"), and the docs ask for a URL for Website and Privacy policy; plain http is metadata-urls-https's warning.",
            [
                RuleEvidence(
                    .documentation, "The 'url' property must be a valid absolute URL.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation, "\"Privacy policy\" … This should be a URL.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "categories-enum": RuleCalibration(
            "Error: Microsoft's reviewers and validator accept at most two categories from the published list (TooManyConnectorCategories, InvalidConnectorCategory).",
            [
                RuleEvidence(
                    .validator, "Only two categories are allowed with semicolon ( ; ) separated from this list",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4077"),
                RuleEvidence(
                    .documentation,
                    "\"Categories\" refer to a logical classification of your connector using a maximum of two of the following categories: AI, Business Management, Business Intelligence, …",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "The connector category is invalid. Available categories are: [{0}].",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "op-count": RuleCalibration(
            "Error: Microsoft documents a hard maximum of 256 operations in a swagger, and its validator has the code TotalOperationsCountExceedsMaxAllowed.",
            [
                RuleEvidence(
                    .documentation, "Maximum number of operations allowed in a Swagger file … 256",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/faq"),
                RuleEvidence(
                    .documentation, "The total number of operations in the swagger exceeds the maximum allowed value of '{0}'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "opid": RuleCalibration(
            "Error: Microsoft's validator requires an operationId (OperationIdRequired, \"is required\") and flags characters its sanitizer changes (OperationIdSanitized); underscores and dashes pass, as certified connectors show.",
            [
                RuleEvidence(
                    .documentation, "The operation 'operationId' property is required.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation,
                    "The 'operationId' property value is different from its sanitized value '{0}'. Please avoid the useage of non-alphanumeric characters to have matching values.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "op-strings-required": RuleCalibration(
            "Error: the certification checklist requires a summary and description on every operation; internal operations are exempt, as the certified connectors show.",
            [
                RuleEvidence(
                    .documentation, "No operations are missing a summary, description, or visibility information.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission")
            ]),
        "summary-max-length": RuleCalibration(
            "Error: the certification docs set 80 characters for summaries and no certified connector has a longer one; Microsoft's validator's own OperationSummaryTooLong (120) is looser.",
            [
                RuleEvidence(
                    .documentation,
                    "Operation and parameter summaries should be phrases of 80 characters or shorter, and contain only alphanumeric characters or parentheses.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "The operation 'summary' should be fewer than {0} characters for improved readablity.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "summary-chars": RuleCalibration(
            "Error: Microsoft's validator prints restricted characters in a summary as ##[error] (RestrictedCharactersInSummary).",
            [
                RuleEvidence(
                    .validator,
                    "##[error]Summary string contains any of the restricted characters [/\\<>*%&?] ValuePath: /paths/~1api~1organizations~1{org}~1tasks~1{task}~1comment/post/summary",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1095"),
                RuleEvidence(
                    .documentation,
                    "Operation and parameter summaries should be phrases of 80 characters or shorter, and contain only alphanumeric characters or parentheses.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "summary-end-alnum": RuleCalibration(
            "Error: the docs allow only alphanumeric characters or parentheses in summaries, so a trailing period or space is out, and no certified connector has one.",
            [
                RuleEvidence(
                    .documentation,
                    "Operation and parameter summaries should be phrases of 80 characters or shorter, and contain only alphanumeric characters or parentheses.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .reference, "Must not end with punctuation or a space; `)` is OK (I).",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
            ]),
        "param-description": RuleCalibration(
            "Error: Microsoft's validator prints a parameter without description as ##[error] (2023 to 2026); only parameters users see are checked, as the validator evidently does.",
            [
                RuleEvidence(
                    .validator, "##[error]The 'description' property is required. ValuePath: /paths/~1matters~1{matterId}/get/parameters/0",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4160"),
                RuleEvidence(
                    .validator,
                    "##[error]The 'description' property is required. ValuePath: /paths/~1api~1v1~1{account}~1requests~1{rfc_number}~1problems/get/parameters/0",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2637"),
                RuleEvidence(
                    .documentation, "Operation and parameter descriptions should be full, descriptive sentences, and end in punctuation.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "param-x-ms-summary": RuleCalibration(
            "Error: Microsoft's validator prints a parameter without x-ms-summary as ##[error] (2022 to 2025); only parameters users see are checked, as the validator evidently does.",
            [
                RuleEvidence(
                    .validator, "##[error]The 'x-ms-summary' property is required. ValuePath: /paths/~1flights/get/parameters/15",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1658"),
                RuleEvidence(
                    .validator,
                    "##[error]The 'x-ms-summary' property is required. ValuePath: /paths/~1core~1aiservices~1v3~1internal~1instantanswers~1generative/get/parameters/2",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4041"),
                RuleEvidence(
                    .documentation,
                    "Operation and parameter summaries should be phrases of 80 characters or shorter, and contain only alphanumeric characters or parentheses.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "visibility-internal-default": RuleCalibration(
            "Error: the docs say an internal, required parameter must have a default (no user can fill it in), and Microsoft's validator checks internal defaults (PropertyMustBeRequired).",
            [
                RuleEvidence(
                    .documentation, "For parameters that are internal and required, you must provide default values.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/openapi-extensions"),
                RuleEvidence(
                    .documentation,
                    "The property is internal and has a default value, it must be required. Optional internal fields are ignored.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "title-unique": RuleCalibration(
            "Error: the certification docs and policy 5000.2.2.5 require a title distinguishable from every existing connector's.",
            [
                RuleEvidence(
                    .documentation, "Must be unique and distinguishable from any existing connector title.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .reference, "Must be unique and distinguishable from any existing connector and/or agent title.",
                    "../shared/reference/certification-rules.md#1b-apidefinitionswaggerjson-info-and-root"),
            ]),
        "brand-color-format": RuleCalibration(
            "Error: iconBrandColor is the one required member of apiProperties.json's properties and the icon background must match it, so it must be a colour; the #RRGGBB form is the designer's hexadecimal and every certified connector uses it.",
            [
                RuleEvidence(
                    .documentation,
                    "Must contain a non-transparent, non-white color (#ffffff) background and not-default color (#007ee5) that matches your specified icon background color.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "Format: Hexadecimal",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/create-register-logic-apps-soap-connector"),
                RuleEvidence(
                    .reference, "The root is `{\"properties\":{…}}` and `properties.iconBrandColor` is required.",
                    "../shared/reference/certification-rules.md#1d-apipropertiesjson"),
            ]),
        "brand-color-forbidden": RuleCalibration(
            "Error: the pull-request template and the certification docs forbid the default blue #007ee5 and white #ffffff as brand colour.",
            [
                RuleEvidence(
                    .documentation,
                    "If this is a certified connector, I confirm that apiProperties.json has a valid brand color and doesn't use an invalid brand color, #007ee5 or #ffffff.",
                    "https://github.com/microsoft/PowerPlatformConnectors/blob/8bff86eac6d04e939faee0de15298e911b118c21/.github/pull_request_template.md"
                ),
                RuleEvidence(
                    .documentation,
                    "Must contain a non-transparent, non-white color (#ffffff) background and not-default color (#007ee5) that matches your specified icon background color.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "brand-color-ip": RuleCalibration(
            "Error: the docs and the PowerPlatformConnectors README require independent publishers to use #da3b01, and all 394 independent-publisher files comply.",
            [
                RuleEvidence(
                    .documentation, "Independent publishers: Set iconBrandColor to \"#da3b01\" in the apiProperties file.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "Independent Publisher connectors must set the color to \"#da3b01\".",
                    "https://github.com/microsoft/PowerPlatformConnectors/blob/8bff86eac6d04e939faee0de15298e911b118c21/README.md"),
            ]),
        "conn-param-uidef": RuleCalibration(
            "Error: Microsoft's apiProperties validator prints an invalid uiDefinition description at level Critical, which fails the check.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]@{level=Critical; message=Invalid value for the description property within the UI Definition object.; valuePath=$.properties.connectionParameters.token:TenantId.uiDefinition.description;",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1421")
            ]),
        "auth-type": RuleCalibration(
            "Error: Microsoft's certification requirements list OAuth2, anonymous, API key and basic authentication as the only ones allowed.",
            [
                RuleEvidence(
                    .documentation,
                    "Your API must support one of: OAuth2, anonymous authentication, API key, or basic authentication.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/submit-certification")
            ]),
        "ip-no-icon": RuleCalibration(
            "Error: independent publishers confirm in the pull-request template that they submit no icon (a generic one is applied), and the icon section of the docs doesn't apply to them.",
            [
                RuleEvidence(
                    .documentation,
                    "If this is an independent publisher connector, I confirm that I am not submitting a connector icon.",
                    "https://github.com/microsoft/PowerPlatformConnectors/blob/8bff86eac6d04e939faee0de15298e911b118c21/.github/pull_request_template.md"
                ),
                RuleEvidence(
                    .documentation, "This section doesn't apply to independent publishers.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "icon-png": RuleCalibration(
            "Error: the certification docs require the icon as a PNG named icon.png (policy 5000.2.1.3), and a damaged PNG cannot be displayed.",
            [
                RuleEvidence(
                    .documentation, "Must be submitted in PNG format as icon.png.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission")
            ]),
        "icon-size": RuleCalibration(
            "Error: the docs require a square icon of about 230 × 230 and reviewers reject other sizes; the policy's 100 to 230 pixels is used so an exact 230 is not demanded.",
            [
                RuleEvidence(
                    .validator, "size is 230x230",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2585"),
                RuleEvidence(
                    .documentation,
                    "Create a logo of approximately 160 × 160 pixels inside a square of approximately 230 × 230 pixels (no rounded edges).",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .reference, "5000.2.1.4: 100–230 px (3P).",
                    "../shared/reference/certification-rules.md#1e-icon-readme-intromd-scriptcsx"),
            ]),
        "icon-filesize": RuleCalibration(
            "Error: policy 5000.2.1.2 (known from a third-party copy) limits the icon to under 1 MB; the largest certified icon is 24 KB.",
            [
                RuleEvidence(
                    .reference, "< 1 MB (5000.2.1.2).",
                    "../shared/reference/certification-rules.md#1e-icon-readme-intromd-scriptcsx")
            ]),
        "icon-background": RuleCalibration(
            "Error: the docs require an opaque, non-white, non-default background that matches iconBrandColor, and reviewers reject icons whose background differs.",
            [
                RuleEvidence(
                    .documentation,
                    "Must contain a non-transparent, non-white color (#ffffff) background and not-default color (#007ee5) that matches your specified icon background color.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .reference, "icon not 230×230 or not matching iconBrandColor (boilerplate in #2585, #2415)",
                    "../shared/reference/certification-rules.md#6-what-submitters-complain-about"),
            ]),
        "csx-shape": RuleCalibration(
            "Error: the custom-code docs require one script whose class is Script implementing ScriptBase, at most 1 MB; anything else does not run.",
            [
                RuleEvidence(
                    .documentation, "The class name must be Script and it must implement ScriptBase.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/write-code"),
                RuleEvidence(
                    .documentation,
                    "Your script must finish execution within 5 seconds and the size of your script file can't be more than 1 MB.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/write-code"),
                RuleEvidence(
                    .documentation, "only one script file per custom connector is supported.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/write-code"),
            ]),
        "csx-namespaces": RuleCalibration(
            "Error: the custom-code runtime provides only the listed namespaces, so a script using others does not compile.",
            [
                RuleEvidence(
                    .documentation,
                    "Not all C# namespaces are supported. Currently, you can use functions from the following namespaces only.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/write-code")
            ]),
        "no-secrets": RuleCalibration(
            "Error: Microsoft's reviewers reject real or secret-looking client ids and secrets, and the PowerPlatformConnectors README forbids sensitive values in a pull request.",
            [
                RuleEvidence(
                    .validator, "secret look alike values are not allowed. Please replace with a dummy value.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2453"),
                RuleEvidence(
                    .validator, "Please remove the clientId and provide a dummy value instead",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/654"),
                RuleEvidence(
                    .documentation,
                    "your pull request does not contain any sensitive or specific information, for example client ids or client secrets.",
                    "https://github.com/microsoft/PowerPlatformConnectors/blob/8bff86eac6d04e939faee0de15298e911b118c21/README.md"),
            ]),
        "test-value-no-secrets": RuleCalibration(
            "Error: the PowerPlatformConnectors README forbids sensitive values in a pull request and the swagger schema says x-ms-test-value holds no secrets, keys or PII; values that only look random are warnings.",
            [
                RuleEvidence(
                    .documentation,
                    "your pull request does not contain any sensitive or specific information, for example client ids or client secrets.",
                    "https://github.com/microsoft/PowerPlatformConnectors/blob/8bff86eac6d04e939faee0de15298e911b118c21/README.md"),
                RuleEvidence(
                    .reference, "`x-ms-test-value` contains no secrets, keys or PII.",
                    "../shared/reference/certification-rules.md#1a-package-files-and-hygiene"),
            ]),
        "breaking-operation-removed": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a deleted operation as ##[error] (2024 to 2026); reviewers let it through once the publisher confirms existing flows won't break, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The operation has been deleted. This change breaks existing flows. ValuePath: operation/GetApiKeyProfiles67 Source: NewSwagger",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4043"),
                RuleEvidence(
                    .validator,
                    "##[error]The operation has been deleted. This change breaks existing flows. ValuePath: operation/TriggerNewLead Source: NewSwagger",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3470"),
                RuleEvidence(
                    .reference,
                    "Reviewers ask the publisher to confirm existing flows won't break, or to use operational versioning",
                    "../shared/reference/certification-rules.md#5-breaking-change-detector-messages-v"),
            ]),
        "breaking-operation-internal": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a hidden operation as ##[error]; reviewers let it through once the publisher confirms, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The operation has been hidden. This change breaks the designer for existing flows. ValuePath: operation/CreateHookEnvelopeV3/x-ms-visibility Source: NewSwagger",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/4215")
            ]),
        "breaking-path-or-method-changed": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a changed path template as ##[error]; reviewers ask to revert it or confirm, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The path template has been changed for the operation. ValuePath: operation/Dox42Call Source: NewSwagger",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3648")
            ]),
        "breaking-parameter-location-changed": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a moved parameter as ##[error]; reviewers let it through once the publisher confirms, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The location has been changed for the parameter. Existing flows will continue to send the parameter in the old location.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3648")
            ]),
        "breaking-required-input-added": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a new required input as ##[error]; reviewers let it through once the publisher confirms, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The required input field has been added. Existing flows will not send this new field.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3656")
            ]),
        "breaking-output-property-removed": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a deleted output field as ##[error]; reviewers let it through once the publisher confirms, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The output field has been deleted. Existing flows may be broken if they are using this field and actual payload has been changed.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3656")
            ]),
        "breaking-type-changed": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints a changed type (and type format) as ##[error]; reviewers let it through once the publisher confirms, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The type has been changed for the output field. Existing flows may be broken if they are using this field and actual payload has been changed.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3910"),
                RuleEvidence(
                    .validator,
                    "##[error]The type format has been changed for the output field. Existing flows may be broken if they are using this field and actual payload has been changed.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/807"),
            ]),
        "breaking-enum-values-removed": RuleCalibration(
            "Error: Microsoft's Breaking Change Detector prints removed enum values as ##[error]; reviewers let it through once the publisher confirms, so a reviewer may accept it.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The list of enum values has been removed from the output field. ValuePath: operation/List-of-Customer-Relationships/responses/200/schema/dataList/items/allowPrimary/enum",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1381")
            ]),
        "breaking-auth-type-changed": RuleCalibration(
            "Error: the certification-updates docs forbid changing the authentication type in an update (every existing connection would stop working); no detector message for it was found, so reviewers cannot accept it.",
            [
                RuleEvidence(
                    .documentation, "Changing the authentication type of your connector in an update isn't allowed.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-updates")
            ]),
        "probe-call-failed": RuleCalibration(
            "Error: Microsoft functionally tests every connector before deployment, and an API that cannot be reached within the timeout fails that test.",
            [
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
                RuleEvidence(
                    .reference, "real HTTP calls to the connector's API with test credentials",
                    "../shared/DESIGN.md#the-flow-of-data"),
            ]),
        "probe-refused-target": RuleCalibration(
            "Error: certify's safety rule: a certified connector calls a public API, and probing loopback, private or cloud-metadata addresses would let a package reach the service's own network.",
            [
                RuleEvidence(
                    .reference,
                    "It refuses private-network targets unless allowed, pins the resolved address, and re-checks every redirect.",
                    "../shared/DESIGN.md#functional-probing-safely"),
                RuleEvidence(
                    .reference,
                    "targets on loopback, private, link-local, CGNAT, multicast and cloud-metadata addresses (IPv4 and IPv6, IPv4-mapped included) are refused",
                    "README.md#functional-probing"),
            ]),
        "probe-server-error": RuleCalibration(
            "Error: a safe call with valid parameters that answers 5xx fails Microsoft's functional test.",
            [
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
                RuleEvidence(
                    .reference, "Checks: the call completes; no 5xx; the status is declared (or covered by `default`)",
                    "README.md#functional-probing"),
            ]),
        "probe-undeclared-status": RuleCalibration(
            "Error: flows bind to the declared responses; the specification expects the success response and known errors to be documented, and Microsoft functionally tests the connector.",
            [
                RuleEvidence(
                    .specification,
                    "it is expected from the documentation to cover a successful operation response and any known errors.",
                    "https://spec.openapis.org/oas/v2.0#responsesObject"),
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
            ]),
        "probe-content-type": RuleCalibration(
            "Error: the platform parses a response by its declared media type, so a Content-Type the operation does not produce breaks the flow; produces lists what the operation returns.",
            [
                RuleEvidence(
                    .specification, "A list of MIME types the operation can produce.",
                    "https://spec.openapis.org/oas/v2.0#operationProduces"),
                RuleEvidence(
                    .reference, "responses checked against the declared statuses, media types, schemas",
                    "../shared/DESIGN.md#the-flow-of-data"),
            ]),
        "probe-invalid-json": RuleCalibration(
            "Error: a response declared as JSON that does not parse gives a flow nothing to read, and fails Microsoft's functional test.",
            [
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
                RuleEvidence(
                    .reference, "a JSON body parses", "README.md#functional-probing"),
            ]),
        "probe-schema-mismatch": RuleCalibration(
            "Error: flows bind to the declared response schema, so a body that does not conform breaks them; the schema defines the response structure.",
            [
                RuleEvidence(
                    .specification, "A definition of the response structure. It can be a primitive, an array or an object.",
                    "https://spec.openapis.org/oas/v2.0#responseSchema"),
                RuleEvidence(
                    .reference, "responses checked against the declared statuses, media types, schemas",
                    "../shared/DESIGN.md#the-flow-of-data"),
            ]),
        "probe-auth-not-enforced": RuleCalibration(
            "Error: certification requires the API to authenticate with OAuth2, an API key or basic authentication, and an API that serves a secured operation without credentials does not.",
            [
                RuleEvidence(
                    .documentation,
                    "Your API must support one of: OAuth2, anonymous authentication, API key, or basic authentication.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/submit-certification"),
                RuleEvidence(
                    .reference, "one secured operation called without credentials must get 401 or 403",
                    "README.md#functional-probing"),
            ]),
        "probe-redirects": RuleCalibration(
            "Error: certify's probing limit: redirects end within 5 hops at an address that may be called, each checked like the first.",
            [
                RuleEvidence(
                    .reference,
                    "It refuses private-network targets unless allowed, pins the resolved address, and re-checks every redirect.",
                    "../shared/DESIGN.md#functional-probing-safely"),
                RuleEvidence(.reference, "5 redirects", "README.md#limits"),
            ]),
        "probe-plan-invalid": RuleCalibration(
            "Error: a probe plan that is not valid JSON of the documented shape, or names missing operations, cannot say what to call.",
            [
                RuleEvidence(
                    .reference, "A probe plan is a file probe-plan.json at the package root",
                    "README.md#functional-probing"),
                RuleEvidence(
                    .reference,
                    "It calls only operations that are safe by default (GET and HEAD, and operations a probe plan in the package names explicitly)",
                    "../shared/DESIGN.md#functional-probing-safely"),
            ]),
        "probe-dynamic-values": RuleCalibration(
            "Error: a feeding operation whose answer lacks the declared collection, value or title leaves the dropdown empty in the designer; it fires only on connectors with dynamic values whose feeding operation was probed.",
            [
                RuleEvidence(
                    .reference, "`x-ms-dynamic-*` `operationId` exists (`OperationIdNotFound`). The target produces the referenced array or property.",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
            ]),
        "probe-oauth-token": RuleCalibration(
            "Error: a tokenUrl that gives no access token to a valid grant leaves every secured operation of an OAuth connector without access; it fires only when the probe is given a grant to try.",
            [
                RuleEvidence(
                    .reference, "Auth must be OAuth2, API key, basic or anonymous.",
                    "../shared/reference/certification-rules.md#1c-operations-and-parameters"),
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
            ]),
        "probe-sequence-step": RuleCalibration(
            "Error: a step of the publisher's own create -> read -> update -> delete plan that cannot be called, answers another status or lacks the value it captures is an operation that does not work as described; it fires only where a plan asks for it.",
            [
                RuleEvidence(
                    .reference, "Microsoft functional test, then the publisher tests in a Preview (United States) environment.",
                    "../shared/reference/certification-rules.md#2-submission-process-and-states"),
                RuleEvidence(
                    .reference,
                    "It calls only operations that are safe by default (GET and HEAD, and operations a probe plan in the package names explicitly)",
                    "../shared/DESIGN.md#functional-probing-safely"),
            ]),
        "json-trailing-comma": RuleCalibration(
            "Warning; strict: error: strict JSON and paconn validate refuse a trailing comma, but Microsoft's pipeline reads the swagger with Json.NET-based parsers and 7 certified swaggers were merged with one.",
            [
                RuleEvidence(
                    .specification,
                    "The files describing the RESTful API in accordance with the Swagger specification are represented as JSON objects and conform to the JSON standards.",
                    "https://spec.openapis.org/oas/v2.0#format"),
                RuleEvidence(
                    .reference,
                    "17 merged PPC swaggers fail strict parsing, so the old gate didn't enforce this.",
                    "../shared/reference/certification-rules.md#1a-package-files-and-hygiene"),
            ]),
        "metadata-urls-https": RuleCalibration(
            "Warning; strict: error: https is required only by policies 5000.3.1.3 and 5000.3.1.5 as a third party reports them; Microsoft's validator asks only for an absolute URL, and 17 certified connectors link over http.",
            [
                RuleEvidence(
                    .documentation, "The 'url' property must be a valid absolute URL.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference,
                    "Website and Privacy policy must be absolute URLs (`UrlNotValid`). https is required per 5000.3.1.3/.5 (3P).",
                    "../shared/reference/certification-rules.md#1b-apidefinitionswaggerjson-info-and-root"),
            ]),
        "mime-types": RuleCalibration(
            "Warning; strict: error: the validator names four supported MIME types, but Microsoft's pipeline printed an unsupported type as ##[warning], and 42 certified connectors use others (mostly JSON variants).",
            [
                RuleEvidence(
                    .validator,
                    "##[warning]...warning : The MIME type 'application/text' is not supported. The supported mime types are: '[\"application/json\",\"text/plain\",\"multipart/form-data\",\"application/x-www-form-urlencoded\"]'.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1095"),
                RuleEvidence(
                    .validator,
                    "##[warning]certified-connectors/Tallyfy/apiDefinition.swagger.json(,): warning : At least one supported MIME type must be provided in 'consumes' for operation 'Edit_Step_Type'.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1095"),
                RuleEvidence(
                    .documentation,
                    "The valid mime types are: \"application/json\", \"text/plain\", \"multipart/form-data\", \"application/x-www-form-urlencoded\"",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "type-format": RuleCalibration(
            "Warning; strict: error: Microsoft's service reports an unrecognised type/format, but OpenAPI 2.0 makes format an open string, no pull-request output quotes it, and 32 certified connectors use other formats.",
            [
                RuleEvidence(
                    .validator,
                    "definitions/customDefinition/properties/prop1/format: The type/format 'number/int64' is not recognized",
                    "https://github.com/microsoft/PowerPlatformConnectors/issues/312"),
                RuleEvidence(
                    .documentation, "The type/format '{0}' is not recognized.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "the format property is an open string-valued property, and can have any value to support documentation needs.",
                    "https://spec.openapis.org/oas/v2.0#dataTypeFormat"),
            ]),
        "contact-complete": RuleCalibration(
            "Warning; strict: error: the docs ask for a name, URL and email, but Microsoft's validator requires only the contact object and checks the email if present, and 66 certified connectors lack a part.",
            [
                RuleEvidence(
                    .validator, "##[error]The 'contact' property is required. ValuePath: /info",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/1095"),
                RuleEvidence(
                    .documentation,
                    "Provide one value for each of the following: Name of your support team, URL of your support website, Support email",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
                RuleEvidence(
                    .documentation, "The contact 'email' property, if present, must be a valid email address.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
            ]),
        "publisher-stackowner": RuleCalibration(
            "Warning; strict: error: the docs require publisher and stackOwner, but only reviewers ask for them by hand (no validator message was found), paconn refused stackOwner for years, and 70 certified connectors lack one.",
            [
                RuleEvidence(
                    .validator, "Please add the \"publisher\" and \"stackowner\" properties.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2637"),
                RuleEvidence(
                    .validator, "Can you please add `stackOwner` as well.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/918"),
                RuleEvidence(
                    .documentation,
                    "\"stackOwner\" is the owning company or organization of the back-end service stack that the connector is connecting to. This must be in alphanumeric format.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "responses": RuleCalibration(
            "Warning; strict: error: the validator's OperationShouldHaveSuccessfulResponse says \"should\" and no pipeline output quotes it, though reviewers reject default-only responses; 78 certified connectors have an operation without a 2xx response.",
            [
                RuleEvidence(
                    .validator, "it is not allowed to have a default response only. Please define a proper response.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2551"),
                RuleEvidence(
                    .documentation, "The operation '{0}' should have at least one successful response definition.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .documentation,
                    "Define your success code by using an HTTP 2xx response type. Don't use default as your only defined response, pair it with a success definition instead.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/coding-standards#responses"),
                RuleEvidence(
                    .specification,
                    "The Responses Object MUST contain at least one response code, and it SHOULD be the response for a successful operation call.",
                    "https://spec.openapis.org/oas/v2.0#responsesObject"),
            ]),
        "default-no-schema": RuleCalibration(
            "Warning; strict: error: Microsoft's validator prints it as ##[error] since 2025, but 61 certified connectors carry a default response with a schema, so it was not blocking before; an error for work after 2025-04.",
            [
                RuleEvidence(
                    .validator,
                    "##[error]The 'default' response should not have schema definition. Schemas should be defined on expected responses only. ValuePath: /paths/~1contacts/post/responses/default",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3841"),
                RuleEvidence(
                    .validator, "error DefaultResponseHasSchema: The 'default' response should not have schema definition.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/3810"),
                RuleEvidence(
                    .validator, "schema is not allowed within the default response. please remove it.",
                    "https://github.com/microsoft/PowerPlatformConnectors/pull/2551"),
                RuleEvidence(
                    .documentation, "Don't use default responses with an exact schema definition.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission"),
            ]),
        "schemes": RuleCalibration(
            "Warning; strict: error: https-only is policy 5000.3.1.6 as a third party reports it, while Microsoft's validator accepts http and 11 certified connectors list it; a reviewer should still ask.",
            [
                RuleEvidence(
                    .documentation, "The scheme property should be one of “http” or “https”.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .reference, "https only + TLS 1.2 per 5000.3.1.6 (3P).",
                    "../shared/reference/certification-rules.md#1b-apidefinitionswaggerjson-info-and-root"),
            ]),
        "security-requirement-defined": RuleCalibration(
            "Warning; strict: error: the validator and the specification require defined scheme names, but the platform signs in with apiProperties.json's connection parameters, no pipeline output quotes it, and 32 certified connectors break it.",
            [
                RuleEvidence(
                    .documentation, "The security requirement '{0}' is not defined in the 'securityDefinitions' object.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification,
                    "Each name must correspond to a security scheme which is declared in the Security Definitions. ... For other security scheme types, the array MUST be empty.",
                    "https://spec.openapis.org/oas/v2.0#securityRequirementObject"),
            ]),
        "default-conforms": RuleCalibration(
            "Warning; strict: error: the specification says a default MUST conform, but Microsoft's service reports only a default of the wrong JSON type, no pipeline output quotes it, and 34 certified connectors have one that does not conform.",
            [
                RuleEvidence(
                    .validator, "The 'default' value is of type 'Integer', but should match the given type 'String'.",
                    "https://github.com/MicrosoftDocs/BusinessApplicationPlatform-Connectors-public/issues/70"),
                RuleEvidence(
                    .documentation, "The 'default' value is of type '{0}', but should match the given type '{1}'.",
                    "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules"),
                RuleEvidence(
                    .specification, "Unlike JSON Schema this value MUST conform to the defined type for this parameter.",
                    "https://spec.openapis.org/oas/v2.0#parameterDefault"),
            ]),
    ]
}
