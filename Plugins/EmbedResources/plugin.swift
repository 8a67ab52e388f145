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
        var base: URL?
        switch target.name {
        case "Reports":
            let directory = root.appending(path: "Templates")
            (name, typeName) = ("Templates", "EmbeddedTemplates")
            inputs = Self.files(in: directory)
            watched = [directory]
        case "SubmissionStore":
            // One folder of migrations per SQL dialect, named "sqlite/0001_initial.sql" and so on.
            let directory = root.appending(path: "Migrations")
            let folders = ["sqlite", "postgres"].map { directory.appending(path: $0) }
            (name, typeName) = ("Migrations", "EmbeddedMigrations")
            inputs = folders.flatMap(Self.files(in:))
            watched = folders
            base = directory
        case "CertifyServer":
            // The API description, and the console's templates, stylesheet and script.
            let console = root.appending(path: "Templates/console")
            (name, typeName) = ("openapi.yaml and Templates/console", "EmbeddedServerResources")
            inputs = [root.appending(path: "openapi.yaml")] + Self.files(in: console)
            watched = [console]
        default:
            return []
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(name) into \(typeName)",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: (base.map { ["--relative-to", $0.path] } ?? []) + [typeName, output.path] + inputs.map(\.path),
                inputFiles: inputs + watched,
                outputFiles: [output])
        ]
    }

    /// The regular files of `directory` (not its folders, nor hidden files), by name.
    static func files(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appending(path: $0) }.filter { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
