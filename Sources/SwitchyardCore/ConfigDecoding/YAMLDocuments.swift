/// Parses a YAML file into its documents for the strict decoders (configs and scenarios).
enum YAMLDocuments {
    /// The file's documents; a syntax error is reported at its position, an empty file as such.
    static func parse(_ text: String, path: String, collector: DiagnosticCollector) -> [YAMLNode] {
        let start = SourceLocation(file: path, line: 1, column: 1)
        switch YAMLComposer.documents(text) {
        case .success(let documents):
            if documents.isEmpty { collector.error("the file is empty", at: start, code: "empty") }
            return documents
        case .failure(let failure):
            let location = failure.mark.map { SourceLocation(file: path, line: $0.line, column: $0.column) } ?? start
            collector.error(failure.message, at: location, code: "yaml-syntax")
            return []
        }
    }
}
