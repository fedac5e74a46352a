import Foundation
import Testing

@testable import SwitchyardCore
@testable import SwitchyardSimulator

/// The simulator against queueing theory: one synchronous provider with `c` slots, Poisson
/// arrivals, exponential job times and queueing at the cap is an M/M/c queue, whose mean wait
/// the Erlang C formula gives exactly.
@Suite struct QueueingTheoryTests {
    static let provider = """
        provider: solo
        kind: video
        base_url: https://solo.example.com
        auth: {header: Authorization, scheme: Bearer, secret: {env: SOLO_KEY}}
        pricing: {unit: per_request, price: 1, currency: INR}
        capabilities: {durations: {min: 1, max: 60}, aspect_ratios: ["16:9"], resolutions: [1080p], max_fps: 30}
        limits: {max_concurrent: 4, timeout: 2h}
        submit:
          path: /generate
          mode: sync
          body: {prompt: "{{prompt}}"}
        result:
          outputs: {video_url: $.url}
        """

    static let policy = """
        policy: queue
        match: {kind: video}
        tiers: {standard: {resolution: 1080p, fps: 30}}
        default_tier: standard
        rules: [{name: all, plan: [solo]}]
        limits: {max_attempts: 1, deadline: 48h}
        concurrency: {when_full: queue, max_wait: 48h}
        """

    /// The mean wait in queue of M/M/c: C(c, a) / (c mu - lambda), with a = lambda / mu.
    static func erlangCWait(servers c: Int, arrivalRate lambda: Double, meanService: Double) -> Double {
        let mu = 1 / meanService
        let a = lambda / mu
        let rho = a / Double(c)
        var term = 1.0  // a^k / k!
        var sum = 0.0
        for k in 0..<c {
            sum += term
            term *= a / Double(k + 1)
        }
        let waiting = term / (1 - rho)
        let probabilityOfWaiting = waiting / (sum + waiting)
        return probabilityOfWaiting / (Double(c) * mu - lambda)
    }

    @Test func meanQueueWaitMatchesErlangC() throws {
        let files = [
            ConfigFile(path: "providers.d/solo.yaml", text: Self.provider, role: .provider),
            ConfigFile(path: "routes/queue.yaml", text: Self.policy, role: .policy),
        ]
        let loaded = ConfigLoader.load(files, environment: ["SOLO_KEY": "k"])
        let config = try #require(loaded.config, "\(loaded.diagnostics)")
        let count = 20_000
        let scenario = try #require(
            Scenario.load(
                text: """
                    seed: 42
                    arrivals:
                      process: poisson
                      rate_per_s: 0.3
                      count: \(count)
                      mix: [{request: {kind: video, prompt: "clip {n}", duration_s: 10, aspect_ratio: "16:9"}}]
                    providers:
                      solo: {latency: {distribution: exponential, mean: 10s}}
                    """, path: "mmc.yaml"
            ).scenario)
        var simulator = Simulator(config: config, scenario: scenario)
        let summary = simulator.run(ArrivalStream(scenario: simulator.scenario))
        #expect(summary.succeeded == count)
        let simulated = try #require(summary.json["queue_wait_s"]?["mean"]?.doubleValue)
        // c = 4, a = 3, rho = 0.75: P(wait) = 13.5 / 26.5, Wq = 5.09 s.
        let theory = Self.erlangCWait(servers: 4, arrivalRate: 0.3, meanService: 10)
        #expect(abs(theory - 5.0943) < 0.001)
        print(summary.json.jsonString())
        #expect(abs(simulated - theory) / theory < 0.05, "simulated \(simulated) s, Erlang C \(theory) s")
    }
}
