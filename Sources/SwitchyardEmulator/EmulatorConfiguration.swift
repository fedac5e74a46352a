/// How a ``ProviderEmulator`` listens and which keys it accepts.
public struct EmulatorConfiguration: Sendable {
    /// The loopback port; 0 picks a free one, reported by ``EmulatorEndpoint/port``.
    public var port: Int
    /// The API key each provider accepts.
    public var keys: [EmulatedProvider: String]

    public init(port: Int = 0, keys: [EmulatedProvider: String] = [:]) {
        self.port = port
        var all: [EmulatedProvider: String] = [:]
        for provider in EmulatedProvider.allCases { all[provider] = keys[provider] ?? provider.defaultKey }
        self.keys = all
    }

    /// The key `provider` accepts.
    public func key(for provider: EmulatedProvider) -> String {
        keys[provider] ?? provider.defaultKey
    }
}
