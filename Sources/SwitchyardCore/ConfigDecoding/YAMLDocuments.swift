import Yams

/// Parses a YAML file into its documents for the strict decoders (configs and scenarios).
enum YAMLDocuments {
    /// The file's documents; a syntax error is reported at its position, an empty file as such.
    static func parse(_ text: String, path: String, collector: DiagnosticCollector) -> [Node] {
        let start = SourceLocation(file: path, line: 1, column: 1)
        do {
            // The basic resolver types nothing: ConfigNode reads plain scalars itself, and
            // Yams' default resolver spends most of a load matching tag regexes. An explicit
            // encoding spares a read of the process environment per file.
            var sequence = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
            var nodes: [Node] = []
            while let node = sequence.next() { nodes.append(node) }
            // The sequence stops at a syntax error and keeps it.
            if let error = sequence.error { throw error }
            if nodes.isEmpty { collector.error("the file is empty", at: start, code: "empty") }
            return nodes
        } catch let error as YamlError {
            let (message, mark) = describe(error)
            collector.error(message, at: mark.map { SourceLocation(file: path, line: $0.line, column: $0.column) } ?? start, code: "yaml-syntax")
        } catch {
            collector.error("cannot parse YAML: \(error)", at: start, code: "yaml-syntax")
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
