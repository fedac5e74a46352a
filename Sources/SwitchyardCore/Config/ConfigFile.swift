/// One config file's text, handed to the core by whoever read it.
public struct ConfigFile: Sendable, Hashable {
    public enum Role: Sendable, Hashable {
        /// `routes/*.yaml`
        case policy
        /// `providers.d/*.yaml`
        case provider
    }

    /// The path used in diagnostics.
    public var path: String
    public var text: String
    public var role: Role

    public init(path: String, text: String, role: Role) {
        self.path = path
        self.text = text
        self.role = role
    }
}
