/// Accumulates the diagnostics of one load, so that every error of a config is reported at
/// once instead of stopping at the first.
///
/// A reference type because the decoding helpers hand it down through every level of the
/// tree; it is created per load and never shared across tasks.
final class DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []

    func error(_ message: String, at location: SourceLocation, code: String) {
        diagnostics.append(Diagnostic(.error, at: location, message, code: code))
    }

    func warning(_ message: String, at location: SourceLocation, code: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message, code: code))
    }
}
