/// Where a secret comes from. The config holds only the reference; the value is read by a
/// driver when the provider is called, and never appears in any output.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    case environment(String)
    case file(String)

    /// Names the source, never the value: `env VEO3_API_KEY`.
    public var description: String {
        switch self {
        case .environment(let name): "env \(name)"
        case .file(let path): "file \(path)"
        }
    }
}

/// A secret reference with the position it was written at, for "missing secret" warnings.
public struct LocatedSecret: Sendable, Hashable {
    public var reference: SecretReference
    public var location: SourceLocation
    /// Whose secret it is: a provider id.
    public var owner: String
}
