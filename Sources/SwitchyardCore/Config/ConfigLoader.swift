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
            let documents = YAMLDocuments.parse(file.text, path: file.path, collector: collector)
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
}
