/// Accumulates the diagnostics of one load, so that every error of a config is reported at
/// once instead of stopping at the first.
///
/// A reference type because the decoding helpers hand it down through every level of the
/// tree; each file being decoded has its own, and none is shared across threads.
final class DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []

    func error(_ message: String, at location: SourceLocation, code: String) {
        diagnostics.append(Diagnostic(.error, at: location, message, code: code))
    }

    /// Adds diagnostics collected elsewhere, such as while one file was decoded on another thread.
    func append(_ collected: [Diagnostic]) {
        diagnostics += collected
    }

    func warning(_ message: String, at location: SourceLocation, code: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message, code: code))
    }
}
