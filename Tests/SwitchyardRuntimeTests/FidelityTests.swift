import Foundation
import OrderedCollections
import SwitchyardCore
import SwitchyardRuntime
import SwitchyardSimulator
import Testing

/// One engine, two worlds: the same scenario run live through the emulator and through the
/// simulator gives the same outcomes, within sampling error.
@Suite struct FidelityTests {
    /// Faults on every provider, each mapped by the policy to a different path: fallback after
    /// a 500 or a failed job, fallback after a reset connection, a failure with its own code.
    static let scenario = """
        seed: 5
        providers:
          veo3:
            latency: 50ms
            faults:
              - {status: 500, probability: 0.3}
              - {job_failure: render_crash, probability: 0.1}
          runway:
            latency: 50ms
            faults:
              - {error: connection, probability: 0.25}
          nano-banana:
            latency: 50ms
            faults:
              - {status: 402, probability: 0.15}
        """

    static let photoBytes = Int64(
        (try? FileManager.default.attributesOfItem(atPath: RuntimeHarness.repositoryRoot.appendingPathComponent("examples/photo.png").path)[.size]
            as? Int) ?? 0)

    /// Request `index` of the mix: economy, standard and premium, durations 15 to 60 s, a prompt
    /// and a user of its own so that neither the cache nor a budget depends on timing.
    static func request(_ index: Int) -> Request {
        var request = RuntimeHarness.request(
            id: "r\(index)", duration: 15 + index % 46, quality: ["economy", "standard", "standard", "premium"][index % 4])
        request.prompt = "Clip number \(index)"
        request.user = "user_\(index)"
        request.image?.bytes = photoBytes
        return request
    }

    /// Breakers and rate limits react to timing, which the two worlds do not share; the
    /// comparison is of the fault and error-table paths, so both are switched off in both.
    static func untimed(_ provider: inout ProviderDescriptor) {
        provider.circuitBreaker.consecutiveFailures = 1_000_000
        provider.circuitBreaker.minimumCalls = 1_000_000
        provider.limits.requestsPerMinute = nil
        provider.limits.maxConcurrent = nil
    }

    /// `succeeded:veo3`, `failed:payment_required`, …
    static func outcome(_ result: ExecutionResult) -> String {
        result.status == .succeeded ? "succeeded:\(result.provider ?? "?")" : "failed:\(result.failureCode ?? "?")"
    }

    @Test func liveAndSimulatedOutcomesAgree() async throws {
        let liveCount = 240
        let (live, config) = try await RuntimeHarness.withRuntime(Self.scenario, adjust: Self.untimed) { runtime in
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                var outcomes: [String: Int] = [:]
                var next = 0
                func add() {
                    let index = next
                    next += 1
                    group.addTask { Self.outcome(try await runtime.run(Self.request(index)).result) }
                }
                for _ in 0..<8 { add() }
                while let outcome = try await group.next() {
                    outcomes[outcome, default: 0] += 1
                    if next < liveCount { add() }
                }
                return outcomes
            }
            return (outcomes, runtime.config)
        }
        #expect(live.values.reduce(0, +) == liveCount)

        // The simulation runs many more requests of the same mix, so its shares are the
        // reference and the live counts carry the sampling error.
        let simulatedCount = 24_000
        var simulator = Simulator(config: config, scenario: try #require(Scenario.load(text: Self.scenario, path: "fidelity.yaml").scenario))
        var simulated: [String: Int] = [:]
        let traffic = (0..<simulatedCount).lazy.map { SimulatedArrival(at: .milliseconds(Int64($0) * 100), request: Self.request($0)) }
        _ = simulator.run(traffic) { event in
            guard event.event == "result" else { return }
            let status = event.fields["status"]?.stringValue
            let key =
                status == "succeeded"
                ? "succeeded:\(event.fields["provider"]?.stringValue ?? "?")" : "failed:\(event.fields["code"]?.stringValue ?? "?")"
            simulated[key, default: 0] += 1
        }
        #expect(simulated.values.reduce(0, +) == simulatedCount)
        // Nothing happens live that the simulation never does.
        #expect(Set(live.keys).isSubset(of: simulated.keys), "live-only outcomes: \(Set(live.keys).subtracting(simulated.keys))")
        // Every path the scenario scripts shows up in the reference.
        #expect(Set(simulated.keys).isSuperset(of: ["succeeded:veo3", "succeeded:runway", "succeeded:nano-banana", "failed:payment_required"]))

        // Each outcome's live count is binomial(n, p): within 4.5 standard deviations (a false
        // alarm about once in 150,000 runs per outcome), plus one for the reference's own error.
        for key in Set(simulated.keys).union(live.keys).sorted() {
            let p = Double(simulated[key] ?? 0) / Double(simulatedCount)
            let expected = p * Double(liveCount)
            let tolerance = 4.5 * (Double(liveCount) * p * (1 - p)).squareRoot() + 1
            let observed = Double(live[key] ?? 0)
            #expect(
                abs(observed - expected) <= tolerance,
                "\(key): live \(Int(observed)) of \(liveCount), simulated share \(p) → \(expected) ± \(tolerance)")
        }
    }
}
