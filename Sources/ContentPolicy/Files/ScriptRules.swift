import Certification
import ConnectorPackage
import Foundation

extension PolicyRules {
    /// Scripts must be at most this size: 1 MB, read as 1 MiB.
    static let scriptMaximumBytes = 1_048_576

    static let csxShape = Rule(
        RuleDescription(
            id: "csx-shape", severity: .error, stage: PolicyStage.stageName,
            summary:
                "The custom code is one script, at most 1 MB, declaring `public class Script : ScriptBase` that overrides `ExecuteAsync`.",
            source:
                "Certification docs, write-code (custom code in connectors): the class must be named Script and derive from ScriptBase, ExecuteAsync is its entry point, one script per connector, at most 1 MB (certification-rules.md 1e csx-shape). The certified corpus names it script.csx, also Script.cs and connector-script.csx, so any *.csx or script.cs counts. Read as text, never run.",
            fix:
                "Put all custom code in one script.csx: `public class Script : ScriptBase { public override async Task<HttpResponseMessage> ExecuteAsync() { ... } }`.",
            triggering: [
                .minimal([
                    "script.csx":
                        "public class Helper : ScriptBase\n{\n    public override async Task<HttpResponseMessage> ExecuteAsync() { return null; }\n}\n"
                ]).at("script.csx:1"),
                .minimal(["script.csx": PolicyFilesScriptExamples.valid.replacingOccurrences(of: "ExecuteAsync", with: "RunAsync")])
                    .at("script.csx:5"),
                .minimal(["script.csx": PolicyFilesScriptExamples.valid.replacingOccurrences(of: "public class", with: "internal class")])
                    .at("script.csx:5"),
                // The scripts are read in path order, so other.csx is the one kept and script.csx the extra.
                .minimal(["script.csx": PolicyFilesScriptExamples.valid, "other.csx": PolicyFilesScriptExamples.valid]).at("script.csx"),
                .minimal(["script.csx": PolicyFilesScriptExamples.valid + "// " + String(repeating: "x", count: 1_048_576) + "\n"])
                    .at("script.csx"),
            ],
            nonTriggering: [
                .minimal(), .minimal(["script.csx": PolicyFilesScriptExamples.valid]),
                .minimal([
                    "Script.cs":
                        "using System;\npublic   class Script:ScriptBase{public override Task<HttpResponseMessage> ExecuteAsync()=>Context.SendAsync(Context.Request, CancellationToken);}"
                ]),
            ])
    ) { context in
        let scripts = PolicyFilesCSharp.scripts(context.package)
        guard let script = scripts.first else { return [] }
        var findings: [Finding] = []
        for extra in scripts.dropFirst() {
            findings.append(
                context.fileFinding(
                    "The package has more than one script (\(scripts.map(\.path).joined(separator: ", "))); a connector has one. Merge the code into \(script.path) and remove \(extra.path).",
                    file: extra.path, signature: "extra-script"))
        }
        if script.bytes.count > scriptMaximumBytes {
            findings.append(
                context.fileFinding(
                    "\(script.path) is \(script.bytes.count) bytes; scripts may be at most 1 MB (\(scriptMaximumBytes) bytes). Move logic to your API and keep the script small.",
                    file: script.path, signature: "size"))
        }
        let code = PolicyFilesCSharp(script.bytes)
        let tokens = code.tokens
        // `class Script : ScriptBase`, with its modifiers.
        var classIndex: Int?
        for index in tokens.indices where tokens[index].text == "class" && index + 1 < tokens.count {
            if tokens[index + 1].text == "Script" {
                classIndex = index
                break
            }
        }
        func position(_ offset: Int) -> (line: Int, column: Int) { PolicyFilesText.position(of: offset, in: script.bytes) }
        guard let classIndex else {
            let other = tokens.indices.first { index in
                tokens[index].text == "class" && index + 3 < tokens.count && tokens[index + 2].text == ":"
                    && tokens[index + 3].text == "ScriptBase"
            }
            let at = position(other.map { tokens[$0].offset } ?? 0)
            let name = other.map { " (it declares `class \(tokens[$0 + 1].text) : ScriptBase`)" } ?? ""
            findings.append(
                context.fileFinding(
                    "\(script.path) has no `public class Script : ScriptBase`\(name). The connector runtime runs a class named Script that derives from ScriptBase: declare it.",
                    file: script.path, line: at.line, column: at.column, signature: "no-class"))
            return findings
        }
        let at = position(tokens[classIndex].offset)
        var modifiers: [String] = []
        var back = classIndex - 1
        while back >= 0,
            ["public", "internal", "private", "protected", "sealed", "partial", "abstract", "static"].contains(tokens[back].text)
        {
            modifiers.append(tokens[back].text)
            back -= 1
        }
        let baseIsScriptBase =
            classIndex + 3 < tokens.count && tokens[classIndex + 2].text == ":"
            && (tokens[classIndex + 3].text == "ScriptBase")
        if !baseIsScriptBase {
            findings.append(
                context.fileFinding(
                    "In \(script.path), class Script does not derive from ScriptBase. Declare it as `public class Script : ScriptBase`.",
                    file: script.path, line: at.line, column: at.column, signature: "base"))
        }
        if !modifiers.contains("public") {
            findings.append(
                context.fileFinding(
                    "In \(script.path), class Script is not public. Declare it as `public class Script : ScriptBase`.",
                    file: script.path, line: at.line, column: at.column, signature: "public"))
        }
        let overridesExecute = tokens.indices.contains { index in
            tokens[index].text == "ExecuteAsync" && index + 1 < tokens.count && tokens[index + 1].text == "("
                && tokens[max(0, index - 6)..<index].contains { $0.text == "override" }
        }
        if !overridesExecute {
            findings.append(
                context.fileFinding(
                    "In \(script.path), class Script does not override ExecuteAsync, the method the connector runtime calls. Add `public override async Task<HttpResponseMessage> ExecuteAsync()`.",
                    file: script.path, line: at.line, column: at.column, signature: "execute"))
        }
        return findings
    }

    /// The namespaces a connector script may import.
    static let scriptAllowedNamespaces: Set<String> = [
        "System", "System.Collections", "System.Collections.Generic", "System.Diagnostics", "System.IO",
        "System.IO.Compression", "System.Linq", "System.Net", "System.Net.Http", "System.Net.Http.Headers",
        "System.Net.Security", "System.Security.Authentication", "System.Security.Cryptography", "System.Text",
        "System.Text.RegularExpressions", "System.Threading", "System.Threading.Tasks", "System.Web", "System.Xml",
        "System.Xml.Linq", "System.Drawing", "System.Drawing.Drawing2D", "System.Drawing.Imaging",
        "Microsoft.Extensions.Logging", "Newtonsoft.Json", "Newtonsoft.Json.Linq",
        // Where ScriptBase lives in Microsoft's local test harness; the runtime provides it.
        "Microsoft.PowerPlatform.Connectors.CustomCode.CSharp",
    ]

    static let csxNamespaces = Rule(
        RuleDescription(
            id: "csx-namespaces", severity: .error, stage: PolicyStage.stageName,
            summary: "The script's `using` directives name only the namespaces the connector runtime provides.",
            source:
                "Certification docs, write-code: the supported namespaces (System, System.Collections(.Generic), Diagnostics, IO(.Compression), Linq, Net, Net.Http(.Headers), Net.Security, Security.Authentication, Security.Cryptography, Text(.RegularExpressions), Threading(.Tasks), Web, Xml(.Linq), Drawing(.Drawing2D, .Imaging), Microsoft.Extensions.Logging, Newtonsoft.Json(.Linq)). Also allowed: Microsoft.PowerPlatform.Connectors.CustomCode.CSharp, ScriptBase's own namespace, used by 4 certified scripts. `using static` and aliases are checked by the namespace of the type they name. 2 of the 60 certified scripts import System.Runtime.Remoting.Contexts.",
            fix: "Remove the using directive, or replace what it provides with an allowed namespace.",
            triggering: [
                .minimal(["script.csx": "using System.Runtime.Remoting.Contexts;\n" + PolicyFilesScriptExamples.valid]).at("script.csx:1")
            ],
            nonTriggering: [
                .minimal(),
                .minimal([
                    "script.csx": "using static System.Math;\nusing Json = Newtonsoft.Json.JsonConvert;\n// using System.Reflection;\n"
                        + PolicyFilesScriptExamples.valid
                ]),
            ])
    ) { context in
        var findings: [Finding] = []
        for script in PolicyFilesCSharp.scripts(context.package) {
            for directive in PolicyFilesCSharp(script.bytes).usingDirectives {
                let name = directive.name
                var allowed = scriptAllowedNamespaces.contains(name)
                if !allowed && (directive.isStatic || directive.isAlias), let dot = name.lastIndex(of: ".") {
                    allowed = scriptAllowedNamespaces.contains(String(name[..<dot]))  // a type in an allowed namespace
                }
                guard !allowed else { continue }
                let at = PolicyFilesText.position(of: directive.offset, in: script.bytes)
                findings.append(
                    context.fileFinding(
                        "\(script.path) imports \(name), which the connector runtime does not provide. Remove `using \(name);` and use only the supported namespaces (System, System.Net.Http, System.Linq, Newtonsoft.Json, ...).",
                        file: script.path, line: at.line, column: at.column, signature: name))
            }
        }
        return findings
    }

    static let csxNoHttpClient = Rule(
        RuleDescription(
            id: "csx-no-httpclient", severity: .warning, stage: PolicyStage.stageName,
            summary: "The script sends requests through this.Context.SendAsync, not a new HttpClient.",
            source:
                "Certification docs, write-code: \"use this.Context.SendAsync\"; creating an HttpClient is discouraged and \"we'll block this in the future\". A warning until it is blocked.",
            fix: "Build an HttpRequestMessage and send it with `await this.Context.SendAsync(request, this.CancellationToken)`.",
            triggering: [
                .minimal([
                    "script.csx": PolicyFilesScriptExamples.valid.replacingOccurrences(
                        of: "return await", with: "var client = new HttpClient();\n        return await")
                ]).at("script.csx:11")
            ],
            nonTriggering: [
                .minimal(), .minimal(["script.csx": PolicyFilesScriptExamples.valid + "// new HttpClient() is not used\n"]),
            ])
    ) { context in
        var findings: [Finding] = []
        for script in PolicyFilesCSharp.scripts(context.package) {
            let code = PolicyFilesCSharp(script.bytes)
            let tokens = code.tokens
            for index in tokens.indices where tokens[index].text == "new" {
                guard let (name, next) = code.qualifiedName(from: index + 1),
                    name == "HttpClient" || name.hasSuffix(".HttpClient"), next < tokens.count, ["(", "{"].contains(tokens[next].text)
                else { continue }
                let at = PolicyFilesText.position(of: tokens[index].offset, in: script.bytes)
                findings.append(
                    context.fileFinding(
                        "\(script.path) creates an HttpClient (`new \(name)`). Send requests with this.Context.SendAsync instead: the connector runtime handles them, and new HttpClient instances are to be blocked.",
                        file: script.path, line: at.line, column: at.column, signature: "new-httpclient"))
            }
        }
        return findings
    }
}

enum PolicyFilesScriptExamples {
    static let valid = """
        using System.Net.Http;
        using System.Threading.Tasks;
        using Newtonsoft.Json.Linq;

        public class Script : ScriptBase
        {
            public override async Task<HttpResponseMessage> ExecuteAsync()
            {
                // Comments may say anything: using System.Reflection; new HttpClient()
                var note = "using System.Reflection; new HttpClient()";
                return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
            }
        }

        """
}
