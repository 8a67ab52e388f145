import Certification

extension SchemaRules {
    /// OpenAPI 2.0 structure, written from the specification.
    public static var structure: [Rule] {
        [
            openAPIVersion, openAPIStructure, openAPIHost, openAPIBasePath, openAPISchemes, openAPIMimeType, openAPIParameter,
            openAPISecurityDefinition,
        ]
    }
    /// Semantic checks no schema expresses.
    public static var semantics: [Rule] {
        [
            refResolves, refExternal, refCycle, operationIdUnique, pathParametersMatch, parameterUnique, bodyParameterSingle,
            bodyFormDataExclusive, getNoBody, deleteNoBody, fileParameterConsumes, securityRequirementDefined, responseStatusCode,
            defaultConforms, exampleConforms, testValueConforms, requiredPropertyDefined, enumNotEmpty, minMaxOrder, patternValid,
        ]
    }
    /// Connector extension shapes (x-ms-*) and apiProperties.json.
    public static var extensions: [Rule] {
        [
            xmsUnknownExtension, xmsExtensionPlacement, xmsExtensionShape, xmsVisibilityValue, xmsExtensionValue, xmsOperationReference,
            xmsDynamicParameter, xmsAPIAnnotationFamily, xmsNotificationURLProperty, propertiesShape, propertiesConnectionParameter,
            propertiesConnectionConstraints, propertiesOAuthSetting, propertiesParameterSets, propertiesPolicyTemplate,
            propertiesOperationReference,
        ]
    }
}
