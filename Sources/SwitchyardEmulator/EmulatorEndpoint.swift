/// Where a running emulator listens, and the environment that points the shipped descriptors at it.
public struct EmulatorEndpoint: Sendable, Hashable {
    /// One environment variable the shipped descriptors read.
    public struct Variable: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// Always the IPv4 loopback address: the emulator never listens beyond this machine.
    public var host: String
    public var port: Int
    /// The key each provider accepts.
    public var keys: [EmulatedProvider: String]

    public init(host: String = "127.0.0.1", port: Int, keys: [EmulatedProvider: String]) {
        self.host = host
        self.port = port
        self.keys = keys
    }

    /// `http://127.0.0.1:PORT`.
    public var origin: String { "http://\(host):\(port)" }

    /// The base URL of one provider, such as `http://127.0.0.1:PORT/veo3`.
    public func baseURL(for provider: EmulatedProvider) -> String { "\(origin)/\(provider.id)" }

    /// The base URLs, then the keys, of every emulated provider.
    public var environment: [Variable] {
        EmulatedProvider.allCases.map { Variable(name: $0.baseURLVariable, value: baseURL(for: $0)) }
            + EmulatedProvider.allCases.map { Variable(name: $0.keyVariable, value: keys[$0] ?? $0.defaultKey) }
    }

    /// `export NAME=VALUE` lines a shell can source; the values need no quoting.
    public var exportLines: [String] { environment.map { "export \($0.name)=\($0.value)" } }
}
