/// What every node of one file shares while it is decoded. A class, because every node
/// carries it and copying one reference is cheaper than copying three.
final class DecodingContext {
    /// The file path as the caller named it, for diagnostics.
    let file: String
    /// Environment variables for `${env:NAME}` substitution.
    let variables: [String: String]
    let diagnostics: DiagnosticCollector

    init(file: String, variables: [String: String], diagnostics: DiagnosticCollector) {
        self.file = file
        self.variables = variables
        self.diagnostics = diagnostics
    }
}
