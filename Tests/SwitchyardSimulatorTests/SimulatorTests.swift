import Foundation
import OrderedCollections
import SwitchyardRuntime
import Testing

@testable import SwitchyardCore
@testable import SwitchyardSimulator

@Suite struct SimulatorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func config() throws -> Config {
        let result = ConfigLoader.load(try ConfigDirectory.read(root.path, relativeNames: true))
        return try #require(result.config, "\(result.diagnostics)")
    }

    static func scenario(_ yaml: String) throws -> Scenario {
        try #require(Scenario.load(text: yaml, path: "test.yaml").scenario)
    }

    static func traffic(_ count: Int, every seconds: Double = 1, quality: String = "standard") -> [SimulatedArrival] {
        (0..<count).map { index in
            SimulatedArrival(
                at: .milliseconds(Int64(Double(index) * seconds * 1000)),
                request: Request(
                    id: "r\(index)", user: "user_\(index % 50)", kind: .video, prompt: "Hello \(index)",
                    image: ImageInput(source: .path("examples/photo.png"), bytes: 2_536), durationSeconds: 20 + index % 40, quality: quality,
                    aspectRatio: AspectRatio(width: 16, height: 9)))
        }
    }

    func run(_ scenario: String, traffic: [SimulatedArrival], config: Config? = nil) throws -> (SimulationSummary, [String]) {
        var simulator = Simulator(config: try config ?? Self.config(), scenario: try Self.scenario(scenario))
        var lines: [String] = []
        let summary = simulator.run(traffic) { lines.append($0.jsonLine) }
        return (summary, lines)
    }

    @Test func healthyProvidersServeEveryRequestFromTheFirstChoice() throws {
        let (summary, _) = try run("providers:\n  veo3: {latency: 30s}\n", traffic: Self.traffic(20))
        #expect(summary.succeeded == 20)
        #expect(summary.json["fallback_used"] == 0)
        #expect(summary.json["by_provider"]?["veo3"]?["succeeded"] == 20)
        #expect(summary.json["attempts_per_request"] == 1.0)
        // A 30 s job is seen done at the first poll after it: 5 s, then × 1.5 each time.
        let p50 = try #require(summary.json["latency_s"]?["p50"]?.doubleValue)
        #expect(p50 >= 30 && p50 <= 40)
    }

    @Test func anOutageFallsBackAndCountsEveryFailedAttempt() throws {
        let (summary, _) = try run("providers:\n  veo3: {faults: [{status: 500}]}\n  runway: {latency: 20s}\n", traffic: Self.traffic(30))
        #expect(summary.succeeded == 30)
        #expect(summary.json["fallback_used"] == 30)
        #expect(summary.json["by_provider"]?["veo3"]?["failed"] == summary.json["by_provider"]?["veo3"]?["attempts"])
        // Runway serves what its cost cap allows; longer requests go on to nano-banana.
        let runway = try #require(summary.json["by_provider"]?["runway"]?["succeeded"]?.doubleValue)
        let nano = summary.json["by_provider"]?["nano-banana"]?["succeeded"]?.doubleValue ?? 0
        #expect(runway + nano == 30)
        #expect(runway > 0)
    }

    @Test func theSameSeedGivesTheSameRunByteForByte() throws {
        let scenario = """
            seed: 11
            providers:
              veo3:
                latency: {distribution: exponential, mean: 40s}
                faults:
                  - {status: 429, retry_after: 2s, probability: 0.2}
                  - {error: timeout, probability: 0.05}
                  - {job_failure: render_crash, probability: 0.1}
              runway: {latency: {distribution: lognormal, p50: 60s, p99: 3m}}
            """
        let a = try run(scenario, traffic: Self.traffic(200, every: 0.5))
        let b = try run(scenario, traffic: Self.traffic(200, every: 0.5))
        #expect(a.0.json.jsonString() == b.0.json.jsonString())
        #expect(a.1 == b.1)
        let other = try run(scenario.replacingOccurrences(of: "seed: 11", with: "seed: 12"), traffic: Self.traffic(200, every: 0.5))
        #expect(other.1 != a.1)
        // Without a decision log, answers carry shared URLs and no events are built: the same run.
        var quiet = Simulator(config: try Self.config(), scenario: try Self.scenario(scenario))
        #expect(quiet.run(Self.traffic(200, every: 0.5)).json.jsonString() == a.0.json.jsonString())
        // With one, each job's answers name it.
        #expect(a.1.contains { $0.contains("sim://") && !$0.contains("/-/") })
    }

    @Test func anInitialOutageLastsOneCooldownAndADisabledProviderStaysOut() throws {
        let config = try Self.config()
        let cooldown = try #require(config.provider("veo3")?.circuitBreaker.cooldown)
        let scenario = try Self.scenario("providers:\n  veo3: {latency: 10s}\n  runway: {latency: 10s}\n")
        // One request at 0 and one after veo3's cooldown.
        let traffic = [Self.traffic(1)[0], SimulatedArrival(at: cooldown + .seconds(1), request: Self.traffic(2)[1].request)]
        let state = WorldState(providers: ["veo3": .init(available: false, reason: "paged at 03:00")])
        var simulator = Simulator(config: config, scenario: scenario, state: state)
        var plans: [DecisionEvent] = []
        _ = simulator.run(traffic) { if $0.event == "plan" { plans.append($0) } }
        #expect(plans.count == 2)
        #expect(plans[0].fields["excluded"]?.arrayValue?.first?["provider"] == "veo3")
        #expect(plans[0].fields["excluded"]?.arrayValue?.first?["detail"]?.stringValue?.contains("paged at 03:00") == true)
        #expect(plans[1].fields["plan"]?.arrayValue?.first?["provider"] == "veo3")

        var operatorSwitch = Simulator(config: config, scenario: scenario, state: WorldState(providers: ["veo3": .init(disabled: true)]))
        let summary = operatorSwitch.run(traffic)
        #expect(summary.json["by_provider"]?["veo3"] == nil)
        #expect(summary.succeeded == 2)
    }

    @Test func budgetsSpentInTheInitialStateCountAgainstTheFirstDay() throws {
        let config = try Self.config()
        let scenario = try Self.scenario("providers:\n  veo3: {latency: 10s}\n")
        let traffic = Self.traffic(1)
        var fresh = Simulator(config: config, scenario: scenario)
        #expect(fresh.run(traffic).succeeded == 1)
        let user = try #require(traffic[0].request.user)
        var spent = Simulator(config: config, scenario: scenario, state: WorldState(spentToday: [user: Money(100)!]))
        var reasons: [String] = []
        let summary = spent.run(traffic) { event in
            for excluded in event.fields["excluded"]?.arrayValue ?? [] { reasons.append(excluded["reason"]?.stringValue ?? "") }
        }
        #expect(summary.json["failures_by_code"]?["no_provider_available"] == 1)
        #expect(!reasons.isEmpty && reasons.allSatisfy { $0 == "budget" })
    }

    @Test func requestsQueueAtTheConcurrencyCap() throws {
        var config = try Self.config()
        var providers = config.providers
        providers[providers.firstIndex { $0.id == "veo3" }!].limits.maxConcurrent = 1
        config = Config(providers: providers, policies: config.policies)
        let burst = Self.traffic(3, every: 0)
        let (summary, _) = try run("providers:\n  veo3: {latency: 4s}\n", traffic: burst, config: config)
        #expect(summary.json["by_provider"]?["veo3"]?["succeeded"] == 3)
        let wait = try #require(summary.json["queue_wait_s"]?["mean"]?.doubleValue)
        #expect(wait > 0)
    }

    @Test func synthesizedAnswersReadBackThroughEveryDescriptor() throws {
        var descriptors = try Self.config().providers
        let examples = Self.root.appendingPathComponent("examples/providers.d")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted().map {
            ConfigFile(path: $0, text: try String(contentsOf: examples.appendingPathComponent($0), encoding: .utf8), role: .provider)
        }
        descriptors += try #require(ConfigLoader.load(files).config).providers
        for descriptor in descriptors {
            let synthesizer = ResponseSynthesizer(provider: descriptor)
            let accepted = try #require(synthesizer.accepted(jobID: "job-7").body.json)
            if let path = descriptor.submit.jobID { #expect(path.first(accepted) == "job-7", "\(descriptor.id)") }
            // A shared id and URLs stand wherever a job's own do.
            let shared = try #require(synthesizer.accepted(jobID: nil).body.json)
            if let path = descriptor.submit.jobID { #expect(path.first(shared) == "-", "\(descriptor.id)") }
            let urls = descriptor.submit.returnedURLs
            for path in [urls.poll, urls.result, urls.cancel].compactMap({ $0 }) {
                #expect((path.first(accepted) != nil) == (path.first(shared) != nil), "\(descriptor.id) \(path)")
            }
            for state in [JobState.queued, .running, .succeeded, .failed] where descriptor.poll?.states.contains(where: { $0.state == state }) == true
            {
                guard let body = synthesizer.poll(state, jobID: "job-7", failure: nil, seconds: nil).body.json else { continue }
                let matched = descriptor.poll?.states.first { rule in
                    let value = rule.path.first(body)
                    switch rule.test {
                    case .oneOf(let values): return value.map(values.contains) ?? false
                    case .equals(let expected): return value == expected
                    case .exists(let present): return (value != nil && value != .null) == present
                    }
                }
                #expect(matched?.state == state, "\(descriptor.id) \(state)")
            }
            // Shared URLs stand in the same places: the answers differ only in their texts.
            #expect(
                Self.shape(synthesizer.accepted(jobID: "job-7").body.json)
                    == Self.shape(synthesizer.accepted(jobID: nil).body.json), "\(descriptor.id)")
            #expect(
                Self.shape(synthesizer.result(jobID: "j", seconds: 30).body.json)
                    == Self.shape(synthesizer.result(jobID: nil, seconds: 30).body.json), "\(descriptor.id)")
            for jobID in ["j", nil] {
                let final =
                    descriptor.result.fetch == nil
                    ? synthesizer.poll(.succeeded, jobID: jobID, failure: nil, seconds: nil)
                    : synthesizer.result(jobID: jobID, seconds: nil)
                #expect(descriptor.result.outputs.first.flatMap { $0.path.first(final.body.json ?? .null) } != nil, "\(descriptor.id)")
            }
        }
    }

    /// A body with every string emptied: where things are, not what they say.
    static func shape(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .string?: .string("")
        case .array(let items)?: .array(items.map { shape($0)! })
        case .object(let members)?: .object(members.mapValues { shape($0)! })
        default: value
        }
    }

    @Test func latencyPercentilesAreWithinOnePercent() {
        var histogram = LatencyHistogram()
        for value in 1...10_000 { histogram.record(Int64(value)) }
        #expect(abs(Double(histogram.percentile(0.5)) - 5_000) / 5_000 < 0.01)
        #expect(abs(Double(histogram.percentile(0.99)) - 9_900) / 9_900 < 0.01)
        #expect(histogram.max == 10_000)
        #expect(histogram.mean == 5_000.5)
    }
}
