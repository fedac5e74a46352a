import Dispatch

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
        // Merged in file order, so the outcome is the same as decoding one file after another.
        for file in decodeEach(files, environment: environment) {
            collector.append(file.diagnostics)
            providers += file.providers
            policies += file.policies
            brokenProviderFiles += file.brokenProviderFiles
        }
        let config = Config(providers: providers, policies: policies)
        ConfigValidator(config: config, brokenProviderFiles: brokenProviderFiles, diagnostics: collector).validate()
        let diagnostics = collector.diagnostics.sortedByLocation()
        return Result(config: diagnostics.hasErrors ? nil : config, diagnostics: diagnostics)
    }

    /// What one file decodes to, before the checks that span files.
    private struct DecodedFile: Sendable {
        var providers: [ProviderDescriptor] = []
        var policies: [Policy] = []
        /// The file's path, once per document that failed (or once for an empty file).
        var brokenProviderFiles: [String] = []
        var diagnostics: [Diagnostic] = []
    }

    /// Decodes the files on every core. Files are independent until validation, and parsing
    /// and decoding them is nearly all of a large config's load time.
    private static func decodeEach(_ files: [ConfigFile], environment: [String: String]) -> [DecodedFile] {
        var decoded = [DecodedFile](repeating: DecodedFile(), count: files.count)
        decoded.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own slot, so the writes never overlap.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: files.count) { index in
                slots[index] = decode(files[index], environment: environment)
            }
        }
        return decoded
    }

    private static func decode(_ file: ConfigFile, environment: [String: String]) -> DecodedFile {
        var decoded = DecodedFile()
        let collector = DiagnosticCollector()
        let context = DecodingContext(file: file.path, variables: environment, diagnostics: collector)
        let documents = YAMLDocuments.parse(file.text, path: file.path, collector: collector)
        if documents.isEmpty, file.role == .provider { decoded.brokenProviderFiles.append(file.path) }
        for document in documents {
            let root = ConfigNode(node: document, context: context, trail: nil)
            switch file.role {
            case .provider:
                if let provider = ProviderDescriptor.decode(root) {
                    decoded.providers.append(provider)
                } else {
                    decoded.brokenProviderFiles.append(file.path)
                }
            case .policy: Policy.decode(root).map { decoded.policies.append($0) }
            }
        }
        decoded.diagnostics = collector.diagnostics
        return decoded
    }
}
