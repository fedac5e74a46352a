import Hummingbird
public import Logging
public import ServiceLifecycle
public import SwitchyardCore

/// An HTTP server on the loopback interface that speaks the APIs of the shipped provider
/// descriptors, each under `/<provider-id>` on one port, and misbehaves as a ``Scenario`` scripts.
///
/// Credentials and request bodies are checked as the real APIs check them; jobs end after a
/// latency drawn from the scenario, on the injected clock. Every run starts afresh: no jobs,
/// the scenario's windows measured from the moment it listens, its draws from the seed.
///
/// ```swift
/// let emulator = ProviderEmulator(scenario: scenario, logger: logger)
/// try await emulator.withRunning { endpoint in
///     // endpoint.baseURL(for: .veo3) == "http://127.0.0.1:PORT/veo3"
/// }
/// ```
public struct ProviderEmulator: Service {
    public let scenario: Scenario
    public let configuration: EmulatorConfiguration
    private let timing: EmulatorTiming
    private let logger: Logger
    private let onListening: @Sendable (EmulatorEndpoint) async -> Void

    /// - Parameters:
    ///   - scenario: faults and job latencies; the default has no faults and 2 s jobs.
    ///   - configuration: the port and the accepted keys.
    ///   - clock: drives job completion, fault windows, delays and holds.
    ///   - logger: one line per call at `info`, with the fault it met.
    ///   - onListening: called once the port is bound, before any request is taken.
    public init(
        scenario: Scenario = Scenario(), configuration: EmulatorConfiguration = EmulatorConfiguration(),
        clock: some Clock<Duration> = ContinuousClock(), logger: Logger,
        onListening: @escaping @Sendable (EmulatorEndpoint) async -> Void = { _ in }
    ) {
        self.scenario = scenario
        self.configuration = configuration
        self.timing = EmulatorTiming(clock)
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the task is canceled or a graceful shutdown is requested.
    public func run() async throws {
        try await serve(onListening: onListening)
    }

    /// Runs the emulator while `body` runs, then stops it.
    ///
    /// - Parameter body: receives the endpoint once the emulator listens.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or why the emulator could not start (a port in use).
    public func withRunning<T>(_ body: (EmulatorEndpoint) async throws -> T) async throws -> T {
        let (endpoints, continuation) = AsyncStream.makeStream(of: EmulatorEndpoint.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await serve { endpoint in
                    continuation.yield(endpoint)
                    continuation.finish()
                }
            }
            var iterator = endpoints.makeAsyncIterator()
            guard let endpoint = await iterator.next() else {
                // The server ended before it listened: surface its error.
                try await group.next()
                throw EmulatorError.stoppedBeforeListening
            }
            do {
                let value = try await body(endpoint)
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    private func serve(onListening: @escaping @Sendable (EmulatorEndpoint) async -> Void) async throws {
        let state = EmulatorState(scenario: scenario)
        let pipeline = CallPipeline(state: state, timing: timing, configuration: configuration, logger: logger)
        let router = Router(context: EmulatorRequestContext.self)
        let apis: [any ProviderAPI] = [Veo3API(), RunwayAPI(), FalQueueAPI()]
        for api in apis {
            api.register(on: router.group(RouterPath(api.provider.id)), pipeline: pipeline)
        }
        let configuration = configuration
        let timing = timing
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let endpoint = EmulatorEndpoint(port: channel.localAddress?.port ?? configuration.port, keys: configuration.keys)
                state.start(at: timing.now(), origin: endpoint.origin)
                await onListening(endpoint)
            },
            logger: logger)
        try await application.run()
    }
}

/// Why an emulator could not serve.
public struct EmulatorError: Error, CustomStringConvertible, Sendable, Hashable {
    private enum Code: Sendable, Hashable {
        case stoppedBeforeListening
    }

    private let code: Code

    /// The server stopped before it bound its port.
    public static let stoppedBeforeListening = EmulatorError(code: .stoppedBeforeListening)

    public var description: String {
        switch code {
        case .stoppedBeforeListening: "the emulator stopped before it listened"
        }
    }
}
