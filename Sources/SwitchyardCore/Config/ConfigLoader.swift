import Yams

/// Decodes and validates a whole config: every file, then the references between them.
///
/// Pure: it takes file texts and an environment map, and returns the config together with
/// every diagnostic, sorted by file and line.
public enum ConfigLoader {
    public struct Result: Sendable {
        /// nil when any error was found.
        public var config: Config?
        public var diagnostics: [Diagnostic]
    }

    public static func load(_ files: [ConfigFile], environment: [String: String] = [:]) -> Result {
        let collector = DiagnosticCollector()
        var providers: [ProviderDescriptor] = []
        var policies: [Policy] = []
        var brokenProviderFiles: [String] = []
        for file in files {
            let context = DecodingContext(file: file.path, variables: environment, diagnostics: collector)
            let documents = documents(of: file, collector: collector)
            if documents.isEmpty, file.role == .provider { brokenProviderFiles.append(file.path) }
            for document in documents {
                let root = ConfigNode(node: document, context: context, trail: nil)
                switch file.role {
                case .provider:
                    if let provider = ProviderDescriptor.decode(root) {
                        providers.append(provider)
                    } else {
                        brokenProviderFiles.append(file.path)
                    }
                case .policy: Policy.decode(root).map { policies.append($0) }
                }
            }
        }
        let config = Config(providers: providers, policies: policies)
        ConfigValidator(config: config, brokenProviderFiles: brokenProviderFiles, diagnostics: collector).validate()
        let diagnostics = collector.diagnostics.sortedByLocation()
        return Result(config: diagnostics.hasErrors ? nil : config, diagnostics: diagnostics)
    }

    /// Parses one file into its YAML documents; a syntax error is reported at its position.
    private static func documents(of file: ConfigFile, collector: DiagnosticCollector) -> [Node] {
        do {
            // The basic resolver types nothing: ConfigNode reads plain scalars itself, and
            // Yams' default resolver spends most of a load matching tag regexes. An explicit
            // encoding spares a read of the process environment per file.
            var sequence = try Yams.compose_all(yaml: file.text, .basic, .default, .utf8)
            var nodes: [Node] = []
            while let node = sequence.next() { nodes.append(node) }
            // The sequence stops at a syntax error and keeps it.
            if let error = sequence.error { throw error }
            if nodes.isEmpty {
                collector.error("the file is empty", at: SourceLocation(file: file.path, line: 1, column: 1), code: "empty")
            }
            return nodes
        } catch let error as YamlError {
            let (message, mark) = describe(error)
            collector.error(message, at: SourceLocation(file: file.path, line: mark?.line ?? 1, column: mark?.column ?? 1), code: "yaml-syntax")
        } catch {
            collector.error("cannot parse YAML: \(error)", at: SourceLocation(file: file.path, line: 1, column: 1), code: "yaml-syntax")
        }
        return []
    }

    private static func describe(_ error: YamlError) -> (String, Mark?) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return ("YAML syntax: \(problem)\(context.map { " \($0.text)" } ?? "")", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ("duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in a mapping", context.mark)
        case .reader(let problem, _, _, _):
            return ("cannot read the file: \(problem)", nil)
        default:
            return ("YAML error: \(error)", nil)
        }
    }
}
