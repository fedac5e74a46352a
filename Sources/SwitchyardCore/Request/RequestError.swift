/// A request the planner cannot take, with the field at fault.
public struct RequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field path, such as `duration_s` or `image.base64`; empty for the whole request.
    public var field: String
    public var message: String
    /// Stable, snake_case: `missing_field`, `invalid_field`, `out_of_range`, `no_policy`, ...
    public var code: String

    public init(field: String, message: String, code: String) {
        self.field = field
        self.message = message
        self.code = code
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}
