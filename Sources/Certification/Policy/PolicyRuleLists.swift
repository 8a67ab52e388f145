extension PolicyRules {
    /// Texts and metadata of the swagger (info, root, operations, parameters).
    public static var swagger: [Rule] { [] }
    /// apiProperties.json policy.
    public static var properties: [Rule] { [] }
    /// Icon, README, intro.md, script.csx, secrets.
    public static var files: [Rule] { [] }
}
