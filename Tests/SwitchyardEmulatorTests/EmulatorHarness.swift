import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SwitchyardCore
import SwitchyardEmulator

/// Runs emulators for the tests and talks to them over real loopback HTTP.
enum EmulatorHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Tests read the emulator's behaviour, not its request log.
    static let logger = Logger(label: "switchyard.emulator.tests") { _ in SwiftLogNoOpLogHandler() }

    /// Decodes a scenario, failing the test on any diagnostic.
    static func scenario(_ yaml: String) throws -> Scenario {
        let result = Scenario.load(text: yaml, path: "test-scenario.yaml", knownProviders: EmulatedProvider.allCases.map(\.id))
        guard let scenario = result.scenario, result.diagnostics.isEmpty else {
            throw HarnessError("scenario: \(result.diagnostics.map(\.description).joined(separator: "\n"))")
        }
        return scenario
    }

    /// Jobs that end 50 ms after acceptance, for every provider: long enough to be seen
    /// queued or running, short enough that polling to the end takes no time.
    static let quickJobs = """
        providers:
          veo3: {latency: 50ms}
          runway: {latency: 50ms}
          nano-banana: {latency: 50ms}
        """

    /// Runs an emulator on a free loopback port for the duration of `body`.
    static func withEmulator<T>(
        _ scenarioYAML: String = quickJobs, clock: some Clock<Duration> = ContinuousClock(),
        _ body: (EmulatorEndpoint) async throws -> T
    ) async throws -> T {
        let emulator = ProviderEmulator(scenario: try scenario(scenarioYAML), clock: clock, logger: logger)
        return try await emulator.withRunning(body)
    }

    /// One HTTP answer, read whole.
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var text: String
        var json: JSONValue? { try? JSONValue.parse(text) }
    }

    /// Sends one request with the shared client; `timeout` bounds the whole exchange.
    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil, timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    /// The shipped example photo, base64.
    static let photoBase64: String = {
        let data = (try? Data(contentsOf: repositoryRoot.appendingPathComponent("examples/photo.png"))) ?? Data()
        return data.base64EncodedString()
    }()
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
