import Certification

extension PolicyRules {
    /// Texts and metadata of the swagger (info, root, operations, parameters).
    public static var swagger: [Rule] {
        [
            swaggerSize, titleRequiredEnglish, titleMaxLength, titleRestrictedWordsRule, titleEndAlphanumeric,
            descriptionLength, descriptionRestricted, contactRequired, contactComplete, connectorMetadata, metadataURLs, metadataURLsHTTPS,
            categoriesEnum,
            hostProduction, schemesHTTPS, operationCount, operationIdPresent, operationIdPascal, operationStringsRequired,
            operationVisibilityRequired, summaryMaxLength, summaryChars, summaryEndAlphanumeric, parameterDescription,
            parameterSummary, descriptionSentence, summaryNotDescription, internalRequiredDefault, responses,
            defaultNoSchema, responseSchema, mimeTypes, consumesRequired, typeFormat, pathParameterEncoding, noObsoleteNames,
            titleUnique, breakingChanges,
        ]
    }
    /// apiProperties.json policy.
    public static var properties: [Rule] {
        [
            brandColorFormat, brandColorForbidden, brandColorIndependentPublisher, publisherStackOwner, publisherMatchesAccount,
            connectionParameterUIDefinition, oauthRedirect, authType, scriptOperations,
        ]
    }
    /// Icon, README, intro.md, script.csx, secrets.
    public static var files: [Rule] {
        [
            iconRequired, ipNoIcon, iconPNG, iconSize, iconFileSize, iconBackground, readmeSections, introMarkdown,
            readmeObsoleteNames, csxShape, csxNamespaces, csxNoHttpClient, noSecrets, testValueNoSecrets,
        ]
    }
}
