/// What every node of one file shares while it is decoded.
struct DecodingContext {
    /// The file path as the caller named it, for diagnostics.
    let file: String
    /// Environment variables for `${env:NAME}` substitution.
    let variables: [String: String]
    let diagnostics: DiagnosticCollector
}
