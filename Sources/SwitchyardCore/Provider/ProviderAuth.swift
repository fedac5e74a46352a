/// How a provider authenticates: the secret rendered into a header or a query parameter.
public struct ProviderAuth: Sendable, Hashable {
    public enum Placement: Sendable, Hashable {
        case header(String)
        case query(String)
    }

    public var placement: Placement
    /// Reads only `{{secret}}`: `Bearer {{secret}}`, `Key {{secret}}`.
    public var value: Template
    public var secret: SecretReference
    /// Where the secret reference is written.
    public var secretLocation: SourceLocation
}
