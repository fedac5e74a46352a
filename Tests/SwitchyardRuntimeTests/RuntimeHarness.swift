import Foundation
import Logging
import OrderedCollections
import SwitchyardCore
import SwitchyardEmulator
import SwitchyardRuntime
import Synchronization

/// Runs requests through the live runtime against the provider emulator on a loopback port.
enum RuntimeHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let logger = Logger(label: "switchyard.runtime.tests") { _ in SwiftLogNoOpLogHandler() }

    /// Every provider's jobs end 50 ms after acceptance, unless the scenario says otherwise.
    static let quickJobs = """
        providers:
          veo3: {latency: 50ms}
          runway: {latency: 50ms}
          nano-banana: {latency: 50ms}
        """

    /// Starts an emulator with `scenario`, and hands `body` the shipped config pointed at it.
    /// Poll intervals are shortened so tests do not wait for the descriptors' 5 s.
    static func withEmulator<T>(
        _ scenario: String = quickJobs, adjust: (inout ProviderDescriptor) -> Void = { _ in },
        _ body: (Config, [String: String]) async throws -> T
    ) async throws -> T {
        let loaded = Scenario.load(text: scenario, path: "test.yaml", knownProviders: EmulatedProvider.allCases.map(\.id))
        guard let parsed = loaded.scenario, !loaded.diagnostics.hasErrors else {
            throw HarnessError(loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let emulator = ProviderEmulator(scenario: parsed, logger: logger)
        return try await emulator.withRunning { endpoint in
            let environment = Dictionary(uniqueKeysWithValues: endpoint.environment.map { ($0.name, $0.value) })
            let result = ConfigLoader.load(shippedFiles(), environment: environment)
            guard var config = result.config else { throw HarnessError(result.diagnostics.map(\.description).joined(separator: "\n")) }
            var providers = config.providers
            for index in providers.indices {
                providers[index].poll?.interval = Backoff(initial: .milliseconds(20), max: .milliseconds(50))
                adjust(&providers[index])
            }
            config = Config(providers: providers, policies: config.policies)
            return try await body(config, environment)
        }
    }

    static func shippedFiles() -> [ConfigFile] {
        (try? ConfigDirectory.read(repositoryRoot.path, relativeNames: true)) ?? []
    }

    static let photo = ImageInput(source: .path(repositoryRoot.appendingPathComponent("examples/photo.png").path))

    static func request(id: String = "req-1", duration: Int = 30, quality: String = "standard") -> Request {
        Request(
            id: id, user: "user_123", kind: .video, prompt: "Hello, I am your new assistant", image: photo, durationSeconds: duration,
            quality: quality,
            aspectRatio: AspectRatio(width: 16, height: 9), voice: ["speed": 1.0, "pitch": 0.0], features: ["lip_sync": true])
    }

    /// One run's outcome and decision log.
    struct Run {
        var result: ExecutionResult
        var events: [DecisionEvent]
        var actions: [String] { events.filter { $0.event == "action" }.compactMap { $0.fields["action"]?.stringValue } }
        var log: String { events.map(\.jsonLine).joined(separator: "\n") }
    }

    /// A live runtime for `config`, shared by the requests a test sends through it.
    struct Runtime: Sendable {
        let config: Config
        let executor: LiveExecutor
        let gates: ProviderGates
        let transport: HTTPTransport

        init(config: Config, environment: [String: String], maxResponseBytes: Int = 8 << 20) {
            self.config = config
            transport = HTTPTransport(maxResponseBytes: maxResponseBytes)
            gates = ProviderGates(config: config, now: LiveExecutor.now)
            executor = LiveExecutor(
                config: config, transport: transport, secrets: SecretStore(environment: environment, baseDirectory: "."), gates: gates,
                cache: CacheStore(config: config))
        }

        /// Plans (with `down` marked unavailable and the breakers' view) and runs one request.
        func run(_ request: Request = RuntimeHarness.request(), down: [String] = []) async throws -> Run {
            var request = request
            var image: ResolvedImage?
            if let input = request.image {
                image = try await ImageResolver(transport: transport).resolve(input)
                request.image?.bytes = image?.bytes
            }
            var state = gates.worldState()
            for id in down { state.providers[id] = .init(available: false) }
            let plan = try Planner(config: config).plan(request, state: state).get()
            let events = Mutex<[DecisionEvent]>([.plan(plan, at: LiveExecutor.now())])
            let result = await executor.run(plan: plan, request: request, image: image) { event in events.withLock { $0.append(event) } }
            return Run(result: result, events: events.withLock { $0 })
        }

        func shutdown() async throws { try await transport.shutdown() }
    }

    /// Runs `body` with a runtime against an emulator, and shuts the client down after.
    static func withRuntime<T>(
        _ scenario: String = quickJobs, maxResponseBytes: Int = 8 << 20, adjust: (inout ProviderDescriptor) -> Void = { _ in },
        _ body: (Runtime) async throws -> T
    ) async throws -> T {
        try await withEmulator(scenario, adjust: adjust) { config, environment in
            let runtime = Runtime(config: config, environment: environment, maxResponseBytes: maxResponseBytes)
            do {
                let value = try await body(runtime)
                try await runtime.shutdown()
                return value
            } catch {
                try? await runtime.shutdown()
                throw error
            }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
