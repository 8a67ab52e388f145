import Certification

extension ExamplePackage {
    /// The minimal package with an icon.
    static func withIcon(_ bytes: [UInt8], _ changes: [String: String?] = [:]) -> ExamplePackage {
        var all = changes
        all["icon.png"] = binary(bytes)
        return minimal(all)
    }
}
