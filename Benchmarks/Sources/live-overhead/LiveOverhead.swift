import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardCore
import SwitchyardRuntime
import Synchronization

// Switchyard's live adapter against the bare client, on the LiteLLM anchor's mock upstream
// (../shared/anchors/litellm/mock_upstream.py, started by scripts/bench-live), with the anchor's
// workload: N requests by C concurrent workers, closed loop, repeated R times with the
// scenarios interleaved so machine noise hits all of them alike. CPU is this process's user +
// system time (every thread, the HTTP client's event loops included) divided by N.
//
//   live-overhead MOCK_URL [N] [C] [R] [SCENARIO]   prints one JSON object per scenario run, one
//   per line; SCENARIO runs that one alone (for profiling it)

@main
struct LiveOverhead {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: live-overhead MOCK_URL [N] [C] [R] [SCENARIO]\n".utf8))
            exit(2)
        }
        let total = arguments.count > 2 ? Int(arguments[2]) ?? 5000 : 5000
        let concurrency = arguments.count > 3 ? Int(arguments[3]) ?? 32 : 32
        let repeats = arguments.count > 4 ? Int(arguments[4]) ?? 3 : 3
        let only = arguments.count > 5 ? arguments[5] : nil
        let bench = try Bench(mock: arguments[1], concurrency: concurrency)
        for round in 0..<repeats {
            for scenario in bench.scenarios() where only == nil || scenario.name == only {
                try await bench.control(primaryFails: scenario.primaryFails)
                _ = try await bench.load(200, concurrency: concurrency, scenario.call)
                let cpuStart = processCPUSeconds()
                let start = ContinuousClock.now
                var latencies = try await bench.load(total, concurrency: concurrency, scenario.call)
                let seconds = (ContinuousClock.now - start).seconds
                let cpu = processCPUSeconds() - cpuStart
                latencies.sort()
                let line: JSONValue = [
                    "scenario": .string(scenario.name), "repeat": .int(round), "n": .int(total), "concurrency": .int(concurrency),
                    "rps": .double((Double(total) / seconds).rounded()),
                    "p50_ms": .double((latencies[latencies.count / 2] * 1e5).rounded() / 100),
                    "p99_ms": .double((latencies[latencies.count * 99 / 100] * 1e5).rounded() / 100),
                    "cpu_us_per_req": .double((cpu / Double(total) * 1e7).rounded() / 10),
                ]
                print(line.jsonString())
            }
        }
        try await bench.control(primaryFails: false)
        try await bench.shutdown()
    }

    /// This process's user + system time, every thread.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// The clients, the config and the request, shared by every scenario.
struct Bench: Sendable {
    let mock: String
    let config: Config
    let environment: [String: String]
    let transport: HTTPTransport
    let client: HTTPClient
    let planner: Planner
    let request = Request(id: "bench", user: "user_1", kind: .image, prompt: "ping")
    let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}"#

    init(mock: String, concurrency: Int) throws {
        self.mock = mock
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Configs/openai-mock").path
        environment = ["MOCK_BASE_URL": mock, "MOCK_API_KEY": "sk-primary"]
        let loaded = ConfigLoader.load(try ConfigDirectory.read(directory), environment: environment)
        guard let config = loaded.config else { throw Failure(description: loaded.diagnostics.map(\.description).joined(separator: "\n")) }
        self.config = config
        planner = Planner(config: config)
        transport = HTTPTransport(connectionsPerHost: concurrency)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    func makeExecutor() -> LiveExecutor {
        LiveExecutor(
            config: config, transport: transport, secrets: SecretStore(environment: environment, baseDirectory: "."),
            gates: ProviderGates(config: config, now: LiveExecutor.now), cache: CacheStore(config: config))
    }

    /// One chat completion straight to the mock, as the anchor's `direct_aiohttp` makes it: POST,
    /// read the whole body, parse it. Returns the status.
    func direct(_ deployment: String) async throws -> UInt {
        var call = HTTPClientRequest(url: "\(mock)/\(deployment)/v1/chat/completions")
        call.method = .POST
        call.headers.add(name: "Content-Type", value: "application/json")
        call.headers.add(name: "Authorization", value: "Bearer sk-\(deployment)")
        call.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(call, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        _ = try JSONValue.parse(bytes: bytes.readableBytesView)
        return response.status.code
    }

    /// Each round gets fresh scenarios, and each routed scenario its own executor, so no breaker
    /// carries failures from one run into the next.
    func scenarios() -> [(name: String, primaryFails: Bool, call: @Sendable () async throws -> Void)] {
        let (healthy, failing) = (makeExecutor(), makeExecutor())
        return [
            ("direct", false, { guard try await direct("primary") == 200 else { throw Failure(description: "primary failed") } }),
            // The bare client doing the fallback by hand: the same two calls a routed request makes.
            (
                "direct_fallback", true,
                {
                    guard try await direct("primary") != 200, try await direct("fallback1") == 200 else {
                        throw Failure(description: "no fallback")
                    }
                }
            ),
            (
                "switchyard", false,
                {
                    let result = await healthy.run(plan: try planner.plan(request).get(), request: request, image: nil) { _ in }
                    guard result.status == .succeeded, result.attempts == 1 else { throw Failure(description: "\(result)") }
                }
            ),
            (
                "switchyard_fallback", true,
                {
                    let result = await failing.run(plan: try planner.plan(request).get(), request: request, image: nil) { _ in }
                    // Two upstream calls, primary then fallback: a breaker that skipped the primary would halve the work.
                    guard result.status == .succeeded, result.fallbackUsed, result.attempts == 2 else { throw Failure(description: "\(result)") }
                }
            ),
        ]
    }

    /// Sets the mock's failure rule for `primary` (rate 0 clears it) and zeroes its counters.
    func control(primaryFails: Bool) async throws {
        for path in ["/_reset", "/_fail?deployment=primary&status=500&rate=\(primaryFails ? 1 : 0)"] {
            var call = HTTPClientRequest(url: mock + path)
            call.method = .POST
            _ = try await client.execute(call, timeout: .seconds(5)).body.collect(upTo: 1 << 20)
        }
    }

    /// `count` calls by `concurrency` workers, closed loop; the latency of each, in seconds.
    func load(_ count: Int, concurrency: Int, _ call: @escaping @Sendable () async throws -> Void) async throws -> [Double] {
        let next = Counter()
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    while next.take() < count {
                        let start = ContinuousClock.now
                        try await call()
                        latencies.append((ContinuousClock.now - start).seconds)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    func shutdown() async throws {
        try await client.shutdown()
        try await transport.shutdown()
    }
}

struct Failure: Error, CustomStringConvertible { let description: String }

/// Hands out request numbers to the workers.
final class Counter: Sendable {
    private let value = Mutex(0)

    func take() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
