import Foundation
import PackagePlugin

/// Turns the package's resource folders into Swift string literals at build time, so that a
/// copied `certify` binary carries its schema migrations, report templates and API description
/// with it: `Migrations/*.sql` for the store, `Templates/*` for the reports, `openapi.yaml` for
/// the server.
@main struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let (name, typeName, inputs, watched): (String, String, [URL], [URL])
        switch target.name {
        case "SubmissionStore", "Reports":
            let folder = target.name == "Reports" ? "Templates" : "Migrations"
            let directory = root.appending(path: folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            name = folder
            typeName = target.name == "Reports" ? "EmbeddedTemplates" : "EmbeddedMigrations"
            inputs = names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appending(path: $0) }
            watched = [directory]
        case "CertifyServer":
            (name, typeName) = ("openapi.yaml", "EmbeddedOpenAPI")
            inputs = [root.appending(path: "openapi.yaml")]
            watched = []
        default:
            return []
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(name) into \(typeName)",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [typeName, output.path] + inputs.map(\.path),
                inputFiles: inputs + watched,
                outputFiles: [output])
        ]
    }
}
