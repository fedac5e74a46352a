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
        limits: {max_concurrent: 2, timeout: 2h}
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
        // c = 2, lambda = 0.1/s, mean job 10 s: rho = 0.5, Wq = 3.33 s. The sample mean of
        // M/M/c waits converges slowly (successive waits are correlated): at 100,000 requests
        // its standard error is about 2.5%, and 1.6% once the formula is taken at the run's
        // own arrival rate and mean job time, which removes the inputs' share of the noise.
        let count = 100_000
        let scenario = try #require(
            Scenario.load(
                text: """
                    seed: 42
                    arrivals:
                      process: poisson
                      rate_per_s: 0.1
                      count: \(count)
                      mix: [{request: {kind: video, prompt: "clip {n}", duration_s: 10, aspect_ratio: "16:9"}}]
                    providers:
                      solo: {latency: {distribution: exponential, mean: 10s}}
                    """, path: "mmc.yaml"
            ).scenario)
        var simulator = Simulator(config: config, scenario: scenario)
        let summary = simulator.run(ArrivalStream(scenario: simulator.scenario))
        #expect(summary.succeeded == count)
        let wait = try #require(summary.json["queue_wait_s"]?["mean"]?.doubleValue)
        let latency = try #require(summary.json["latency_s"]?["mean"]?.doubleValue)

        let nominal = Self.erlangCWait(servers: 2, arrivalRate: 0.1, meanService: 10)
        #expect(abs(nominal - 10.0 / 3) < 1e-9)
        var arrivals = scenario.arrivals!.makeIterator(seed: scenario.seed)
        var last = Duration.zero
        while let arrival = arrivals.next() { last = arrival.at }
        let arrivalRate = Double(count) / (Double(last.milliseconds) / 1000)
        // A sync job holds its slot from the grant to the answer: latency = wait + job time.
        let realized = Self.erlangCWait(servers: 2, arrivalRate: arrivalRate, meanService: latency - wait)
        #expect(abs(wait - realized) / realized < 0.05, "simulated \(wait) s, Erlang C \(realized) s at the run's own rates")
        #expect(abs(wait - nominal) / nominal < 0.08, "simulated \(wait) s, Erlang C \(nominal) s")
    }
}
