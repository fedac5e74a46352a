import Benchmark
import Foundation
import SwitchyardCore
import SwitchyardRuntime
import SwitchyardSimulator

// Simulator throughput and memory: the shipped config under generated traffic where one call
// in ten fails (500s, timeouts, resets, failed jobs), at 100 thousand and 1 million requests.
// Peak memory should not grow with the traffic: only requests in flight are held.

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private let shippedConfig: Config = {
    guard let files = try? ConfigDirectory.read(repositoryRoot.path, relativeNames: true) else { fatalError("cannot read the shipped config") }
    let result = ConfigLoader.load(files)
    guard let config = result.config else { fatalError(result.diagnostics.map(\.description).joined(separator: "\n")) }
    return config
}()

/// One arrival a second, within what the shipped limits serve, so requests in flight stay
/// bounded; every prompt is distinct, so the cache never answers.
private func tenPercentFaults(count: Int) -> Scenario {
    let text = """
        seed: 42
        arrivals:
          process: poisson
          rate_per_s: 1
          count: \(count)
          users: 10000
          mix:
            - weight: 3
              request: {user: "user_{user}", kind: video, prompt: "Welcome, customer {n}", image: {path: photo.png, bytes: 800000},
                        duration_s: 30, quality: standard, aspect_ratio: "16:9"}
            - weight: 1
              request: {user: "user_{user}", kind: video, prompt: "Promo {n}", image: {path: photo.png, bytes: 800000},
                        duration_s: 20, quality: economy, aspect_ratio: "9:16"}
            - weight: 1
              request: {user: "user_{user}", kind: video, prompt: "Premium {n}", image: {path: photo.png, bytes: 800000},
                        duration_s: 15, quality: premium, aspect_ratio: "1:1"}
        providers:
          veo3:
            latency: {distribution: exponential, mean: 20s}
            faults: &faults
              - {status: 500, probability: 0.05}
              - {error: timeout, probability: 0.02}
              - {error: connection, probability: 0.02}
              - {job_failure: render_crash, probability: 0.01}
          runway:
            latency: {distribution: lognormal, p50: 30s, p99: 2m}
            faults: *faults
          nano-banana:
            latency: {distribution: uniform, min: 5s, max: 15s}
            faults: *faults
        """
    guard let scenario = Scenario.load(text: text, path: "bench.yaml", knownProviders: shippedConfig.providers.map(\.id)).scenario else {
        fatalError("the benchmark scenario does not load")
    }
    return scenario
}

private func simulate(_ scenario: Scenario) -> SimulationSummary {
    // No report is written: only the summary, as `simulate` without `--report`.
    var simulator = Simulator(config: shippedConfig, scenario: scenario, keepsReport: false)
    let summary = simulator.run(ArrivalStream(scenario: scenario))
    precondition(summary.requests == scenario.arrivals?.count, "\(summary)")
    return summary
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, .throughput], timeUnits: .milliseconds,
        maxDuration: .seconds(60), maxIterations: 5)

    for count in [100_000, 1_000_000] {
        let scenario = tenPercentFaults(count: count)
        // Throughput is in simulations per second; requests per second is that times `count`.
        Benchmark("Simulator: \(count / 1000)k requests, 10% faults", configuration: .init(maxIterations: count < 1_000_000 ? 5 : 3)) {
            benchmark in
            blackHole(simulate(scenario))
        }
    }
}
