/// One finding about a config or a request: an error that stops the load, or a warning.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// A stable identifier of the kind of finding, such as `unknown-key` or `shadowed-rule`.
    public var code: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, code: String) {
        self.severity = severity
        self.location = location
        self.message = message
        self.code = code
    }

    /// `path:line:column: error: message`, the format compilers use, so editors can jump to it.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    /// Sorted by file, line and column; the order diagnostics are reported in.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            a.element.location == b.element.location ? a.offset < b.offset : a.element.location < b.element.location
        }.map(\.element)
    }

    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
