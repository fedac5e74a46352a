import AsyncHTTPClient
import Benchmark
import Foundation
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardEmulator
import SwitchyardRuntime

// The live adapter's overhead per request: one Veo3 job (submit, then poll until done) through
// Switchyard's runtime, against the same HTTP calls made directly with AsyncHTTPClient. Both
// talk to the provider emulator in this process, so CPU figures include the emulator's share
// in both cases; the difference between them is Switchyard's.

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private let quietLogger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

/// Jobs that are done as soon as they are accepted, so each request is exactly two calls.
private let instantJobs = Scenario.load(text: "providers:\n  veo3: {latency: 0s}\n", path: "bench.yaml").scenario!

private func shippedConfig(environment: [String: String]) -> Config {
    guard let files = try? ConfigDirectory.read(repositoryRoot.path, relativeNames: true) else { fatalError("cannot read the shipped config") }
    guard var config = ConfigLoader.load(files, environment: environment).config else { fatalError("the shipped config does not load") }
    // Poll at once, and never serve from the cache: every iteration makes both calls.
    var providers = config.providers
    for index in providers.indices { providers[index].poll?.interval = Backoff(initial: .zero, max: .zero) }
    var policies = config.policies
    for index in policies.indices { policies[index].cache = nil }
    config = Config(providers: providers, policies: policies)
    return config
}

private let photo = try! Data(contentsOf: repositoryRoot.appendingPathComponent("examples/photo.png"))

private let request = Request(
    id: "bench", user: "user_1", kind: .video, prompt: "Hello, I am your new assistant",
    image: ImageInput(source: .base64(data: photo.base64EncodedString(), mime: "image/png"), bytes: Int64(photo.count)), durationSeconds: 30,
    quality: "standard", aspectRatio: AspectRatio(width: 16, height: 9), voice: ["speed": 1.0, "pitch": 0.0], features: ["lip_sync": true])

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5),
        maxIterations: 2_000)

    Benchmark("Live: one Veo3 job through Switchyard (submit + poll)") { benchmark in
        try await ProviderEmulator(scenario: instantJobs, logger: quietLogger).withRunning { endpoint in
            let environment = Dictionary(uniqueKeysWithValues: endpoint.environment.map { ($0.name, $0.value) })
            let config = shippedConfig(environment: environment)
            let transport = HTTPTransport()
            let executor = LiveExecutor(
                config: config, transport: transport, secrets: SecretStore(environment: environment, baseDirectory: "."),
                gates: ProviderGates(config: config, now: LiveExecutor.now), cache: CacheStore(config: config))
            let planner = Planner(config: config)
            let image = ResolvedImage(base64: photo.base64EncodedString(), mime: "image/png", bytes: Int64(photo.count))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let plan = try planner.plan(request).get()
                let result = await executor.run(plan: plan, request: request, image: image) { blackHole($0) }
                precondition(result.status == .succeeded, "\(result)")
            }
            benchmark.stopMeasurement()
            try await transport.shutdown()
        }
    }

    Benchmark("Live: the same two calls made directly with AsyncHTTPClient") { benchmark in
        try await ProviderEmulator(scenario: instantJobs, logger: quietLogger).withRunning { endpoint in
            let base = endpoint.baseURL(for: .veo3)
            let key = endpoint.environment.first { $0.name == "VEO3_API_KEY" }!.value
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            // The body Switchyard renders for this request, built once: the baseline does no templating.
            let body = JSONValue.object([
                "prompt": "Hello, I am your new assistant", "image": ["data": .string(photo.base64EncodedString()), "mime_type": "image/png"],
                "duration_s": 30, "aspect_ratio": "16:9", "resolution": "1080p", "fps": 30, "bitrate_kbps": 4000, "lip_sync": true,
                "voice": ["speed": 1.0, "pitch": 0.0],
            ]).jsonString()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var submit = HTTPClientRequest(url: base + "/videos")
                submit.method = .POST
                submit.headers.add(name: "Authorization", value: "Bearer \(key)")
                submit.headers.add(name: "Content-Type", value: "application/json")
                submit.body = .bytes(ByteBuffer(string: body))
                let accepted = try await client.execute(submit, timeout: .seconds(10))
                let job = try JSONValue.parse(bytes: try await accepted.body.collect(upTo: 1 << 20).readableBytesView)
                var poll = HTTPClientRequest(url: base + "/videos/" + (job["job_id"]?.stringValue ?? ""))
                poll.headers.add(name: "Authorization", value: "Bearer \(key)")
                let done = try await client.execute(poll, timeout: .seconds(10))
                let status = try JSONValue.parse(bytes: try await done.body.collect(upTo: 1 << 20).readableBytesView)
                precondition(status["status"] == "completed", "\(status)")
            }
            benchmark.stopMeasurement()
            try await client.shutdown()
        }
    }
}
