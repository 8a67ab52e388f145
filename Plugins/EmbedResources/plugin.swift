import Foundation
import PackagePlugin

/// Turns the package's resource folders into Swift string literals at build time, so that a
/// copied `certify` binary carries its schema migrations and report templates with it:
/// `Migrations/*.sql` for the store, `Templates/*` for the reports.
@main struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let (folder, typeName): (String, String)
        switch target.name {
        case "SubmissionStore": (folder, typeName) = ("Migrations", "EmbeddedMigrations")
        case "Reports": (folder, typeName) = ("Templates", "EmbeddedTemplates")
        default: return []
        }
        let directory = context.package.directoryURL.appending(path: folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let inputs = names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(folder) into \(typeName)",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [typeName, output.path] + inputs.map(\.path),
                inputFiles: inputs + [directory],
                outputFiles: [output])
        ]
    }
}
