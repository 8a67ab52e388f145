import Foundation

// Usage: EmbedResourcesTool [--relative-to DIR] TYPE-NAME OUTPUT.swift FILE...
// Writes `enum TYPE-NAME { static let files: [(name: String, text: String)] }` with every file's
// text as a raw string literal, in the order given. A file is named by its last path component,
// or with `--relative-to DIR` by its path below DIR ("sqlite/0001_initial.sql").
var arguments = CommandLine.arguments
var base: String?
if arguments.count >= 3, arguments[1] == "--relative-to" {
    base = arguments[2].hasSuffix("/") ? arguments[2] : arguments[2] + "/"
    arguments.removeSubrange(1...2)
}
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: EmbedResourcesTool TYPE-NAME OUTPUT FILE...\n".utf8))
    exit(2)
}
let typeName = arguments[1]
let output = arguments[2]
var source = "// Generated at build time by EmbedResourcesTool. Do not edit.\n"
source += "enum \(typeName) {\n    static let files: [(name: String, text: String)] = [\n"
for path in arguments.dropFirst(3) {
    let url = URL(fileURLWithPath: path)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        FileHandle.standardError.write(Data("EmbedResourcesTool: \(path) is not readable UTF-8 text\n".utf8))
        exit(1)
    }
    let name = base.map { path.hasPrefix($0) ? String(path.dropFirst($0.count)) : url.lastPathComponent } ?? url.lastPathComponent
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    source +=
        "        (name: \"\(name)\", text: \(hashes)\"\"\"\n\(text.replacingOccurrences(of: "\r\n", with: "\n"))\n\"\"\"\(hashes)),\n"
}
source += "    ]\n}\n"
do {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("EmbedResourcesTool: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
