import Foundation
import OrderedCollections
import Testing

@testable import SwitchyardCore
@testable import SwitchyardRuntime

/// The live runtime against the provider emulator over real loopback HTTP: each shipped
/// descriptor end to end, the talking-photo error table, caches, gates and hostile answers.
@Suite struct LiveExecutionTests {
    typealias Harness = RuntimeHarness

    @Test(arguments: ["veo3", "runway", "nano-banana"])
    func eachShippedDescriptorRunsEndToEnd(provider: String) async throws {
        try await Harness.withRuntime { runtime in
            let others = ["veo3", "runway", "nano-banana"].filter { $0 != provider }
            let run = try await runtime.run(down: others)
            #expect(run.result.status == .succeeded, "\(run.log)")
            #expect(run.result.provider == provider)
            let video = try #require(run.result.outputs["video_url"]?.stringValue)
            #expect(video.hasPrefix("http://127.0.0.1:") && video.contains("/\(provider)/files/"))
            #expect(run.result.attempts == 1)
            #expect(run.events.map(\.event).contains("job_accepted"))
            if provider == "veo3" { #expect(run.result.outputs["thumbnail_url"] != nil) }
        }
    }

    @Test func aServerErrorFallsBackFromVeo3ToRunway() async throws {
        let scenario = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{status: 500}]}")
        try await Harness.withRuntime(scenario) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "runway", "\(run.log)")
            #expect(run.result.fallbackUsed)
            #expect(run.result.attempts == 2)
            #expect(run.result.cost == Money(decimal: "6.00"))
            #expect(run.actions == ["fallback"])
            let outcome = try #require(run.events.first { $0.event == "attempt_outcome" })
            #expect(outcome.fields["status"] == 500)
        }
    }

    @Test func aRateLimitIsRetriedAfterRetryAfter() async throws {
        // A seed whose first draw for veo3 hits the 429 and whose second does not: the first
        // submit is throttled and the retry goes through, however long the test takes to start.
        let seed = try #require(
            (0..<1_000).first { seed in
                var draws = Scenario(seed: UInt64(seed)).drawStream(for: "veo3")
                return draws.nextUnit() < 0.5 && draws.nextUnit() >= 0.5
            })
        let scenario =
            "seed: \(seed)\n"
            + Harness.quickJobs.replacingOccurrences(
                of: "veo3: {latency: 50ms}", with: "veo3: {latency: 50ms, faults: [{status: 429, retry_after: 1s, probability: 0.5}]}")
        try await Harness.withRuntime(scenario) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "veo3", "\(run.log)")
            #expect(run.result.attempts == 2)
            let action = try #require(run.events.first { $0.event == "action" })
            #expect(action.fields["action"] == "retry")
            #expect(action.fields["delay_s"] == 1.0)
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["retry_after_s"] == 1.0)
        }
    }

    @Test func paymentRequiredFailsWithTheUpgradeMessage() async throws {
        let scenario = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{status: 402}]}")
        try await Harness.withRuntime(scenario) { runtime in
            let run = try await runtime.run()
            #expect(run.result.status == .failed)
            #expect(run.result.failureCode == "payment_required")
            #expect(run.result.message == "Please upgrade your plan to generate more videos.")
        }
    }

    /// The talking-photo error table, row by row, as the emulator answers Veo3's submit.
    @Test(arguments: [(401, "provider_auth_failed"), (402, "payment_required"), (413, "image_too_large"), (422, "request_rejected")])
    func statusRowsFailWithThePolicysCode(status: Int, code: String) async throws {
        let scenario = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{status: \(status)}]}")
        try await Harness.withRuntime(scenario) { runtime in
            let run = try await runtime.run()
            #expect(run.result.failureCode == code, "\(run.log)")
            #expect(run.result.attempts == 1)
        }
    }

    @Test func aRefusedConnectionFallsBackAtOnce() async throws {
        // Nothing listens on port 9 of the loopback interface.
        try await Harness.withRuntime(adjust: { if $0.id == "veo3" { $0.baseURL = "http://127.0.0.1:9/veo3" } }) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "runway", "\(run.log)")
            #expect(run.actions == ["fallback"])
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["connection"])
        }
    }

    @Test func unauthorizedFailsAndNoSecretIsEverWritten() async throws {
        try await Harness.withEmulator { config, environment in
            var wrong = environment
            wrong["VEO3_API_KEY"] = "sk-wrong-secret-123"
            let runtime = Harness.Runtime(config: config, environment: wrong)
            let run = try await runtime.run()
            try await runtime.shutdown()
            #expect(run.result.failureCode == "provider_auth_failed", "\(run.log)")
            let everything = run.log + GenerateOutput.json(run.result)
            for secret in ["sk-wrong-secret-123", "emulator-runway-key", "emulator-nano-banana-key", "emulator-veo3-key"] {
                #expect(!everything.contains(secret))
            }
        }
    }

    @Test func connectionResetsAndHangsFallBack() async throws {
        let reset = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{error: connection}]}")
        try await Harness.withRuntime(reset) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "runway", "\(run.log)")
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["connection"])
        }
        // A hang outlives the call timeout (shortened here): the policy retries once, then falls back.
        let hang = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{error: timeout, hold: 10s}]}")
        try await Harness.withRuntime(hang, adjust: { if $0.id == "veo3" { $0.limits.timeout = .milliseconds(300) } }) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "runway", "\(run.log)")
            #expect(run.actions == ["retry", "fallback"])
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["timeout"])
        }
    }

    @Test func anAcceptedJobThatFailsFallsBackAndAContentRefusalFailsFast() async throws {
        let failing = Harness.quickJobs.replacingOccurrences(
            of: "veo3: {latency: 50ms}", with: "veo3: {latency: 50ms, faults: [{job_failure: render_crash}]}")
        try await Harness.withRuntime(failing) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "runway", "\(run.log)")
            #expect(run.events.contains { $0.event == "job_accepted" && $0.fields["provider"] == "veo3" })
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["job_failed"])
        }
        let refused = Harness.quickJobs.replacingOccurrences(
            of: "runway: {latency: 50ms}", with: "runway: {latency: 50ms, faults: [{job_failure: SAFETY.INPUT.TEXT}]}")
        try await Harness.withRuntime(refused) { runtime in
            let run = try await runtime.run(down: ["veo3"])
            #expect(run.result.failureCode == "content_policy", "\(run.log)")
            #expect(!run.events.contains { $0.event == "attempt_started" && $0.fields["provider"] == "nano-banana" })
        }
    }

    @Test func anIdenticalRequestIsServedFromTheCache() async throws {
        try await Harness.withRuntime { runtime in
            let first = try await runtime.run(Harness.request(id: "a"))
            let second = try await runtime.run(Harness.request(id: "b"))
            #expect(first.result.cost == Money(decimal: "4.50"))
            #expect(second.result.status == .succeeded)
            #expect(second.result.requestID == "b")
            #expect(second.result.cost == .zero)
            #expect(second.result.outputs == first.result.outputs)
            #expect(second.events.map(\.event) == ["plan", "cache_hit"])
        }
    }

    @Test func anOversizeImageIsNeverSent() async throws {
        // The runtime measures the photo (2.5 kB) before planning: over a 1 kB limit,
        // nano-banana is excluded, and no call is made at all.
        try await Harness.withRuntime(adjust: { if $0.id == "nano-banana" { $0.capabilities.maxInputBytes = ByteSize(bytes: 1_000) } }) { runtime in
            let run = try await runtime.run(down: ["veo3", "runway"])
            #expect(run.result.failureCode == "no_provider_available", "\(run.log)")
            let excluded = try #require(run.events.first?.fields["excluded"]?.arrayValue?.first { $0["provider"] == "nano-banana" })
            #expect(excluded["reason"] == "capability")
            #expect(!run.events.contains { $0.event == "attempt_started" })
        }
    }

    @Test func hostileAnswersAreBadResponses() async throws {
        let malformed = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{error: malformed_json}]}")
        try await Harness.withRuntime(malformed) { runtime in
            let run = try await runtime.run()
            #expect(run.result.provider == "runway", "\(run.log)")
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["bad_response"])
        }
        // An answer over the transport's size limit is dropped, not kept.
        try await Harness.withRuntime(maxResponseBytes: 16) { runtime in
            let run = try await runtime.run()
            #expect(run.result.status == .failed, "\(run.log)")
            #expect(run.events.filter { $0.event == "attempt_outcome" }.allSatisfy { $0.fields["outcome"] == ["bad_response"] })
        }
    }

    @Test func repeatedFailuresOpenTheCircuitAndThePlannerStopsPlanningIt() async throws {
        let scenario = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {faults: [{status: 503}]}")
        try await Harness.withRuntime(scenario, adjust: { $0.circuitBreaker.consecutiveFailures = 2 }) { runtime in
            for index in 0..<2 { _ = try await runtime.run(Harness.request(id: "r\(index)", duration: 20 + index)) }
            let state = runtime.gates.worldState()
            #expect(state.providers["veo3"]?.available == false)
            let run = try await runtime.run(Harness.request(id: "r3", duration: 40))
            #expect(run.result.provider == "runway")
            #expect(run.result.fallbackUsed)
            #expect(!run.events.contains { $0.event == "attempt_started" && $0.fields["provider"] == "veo3" })
        }
    }

    @Test func atTheConcurrencyCapSkipGoesElsewhereAndQueueWaits() async throws {
        let slow = Harness.quickJobs.replacingOccurrences(of: "veo3: {latency: 50ms}", with: "veo3: {latency: 600ms}")
        let capped: (inout ProviderDescriptor) -> Void = { if $0.id == "veo3" { $0.limits.maxConcurrent = 1 } }
        for (queueing, secondProvider) in [(QueuePolicy.skip, "runway"), (.queue(maxWait: .seconds(5)), "veo3")] {
            try await Harness.withEmulator(slow, adjust: capped) { config, environment in
                var policies = config.policies
                policies[0].queueing = queueing
                let runtime = Harness.Runtime(config: Config(providers: config.providers, policies: policies), environment: environment)
                async let first = runtime.run(Harness.request(id: "first", duration: 20))
                try await Task.sleep(for: .milliseconds(100))
                let second = try await runtime.run(Harness.request(id: "second", duration: 21))
                #expect(try await first.result.provider == "veo3")
                #expect(second.result.provider == secondProvider, "\(second.log)")
                try await runtime.shutdown()
            }
        }
    }
}

/// The generate command's JSON, as a string, for secret scans.
enum GenerateOutput {
    static func json(_ result: ExecutionResult) -> String {
        var object: [String: JSONValue] = ["status": .string(result.status.rawValue)]
        for (name, value) in result.outputs { object[name] = value }
        object["message"] = result.message.map(JSONValue.string) ?? .null
        return JSONValue.object(.init(uniqueKeysWithValues: object.sorted { $0.key < $1.key })).jsonString()
    }
}

@Suite struct OriginTests {
    @Test func traceIDsAreThirtyTwoHexDigitsAndDiffer() {
        var system = SystemRandomNumberGenerator()
        let ids = (0..<100).map { _ in LiveExecutor.makeTraceID(using: &system) }
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        #expect(Set(ids).count == ids.count)
    }

    @Test func secretsGoOnlyToTheProvidersOwnOrigin() {
        #expect(LiveExecutor.origin(of: "https://queue.fal.run/requests/1/status") == LiveExecutor.origin(of: "https://queue.fal.run"))
        #expect(LiveExecutor.origin(of: "http://attacker.example/x") != LiveExecutor.origin(of: "https://queue.fal.run"))
        #expect(LiveExecutor.origin(of: "https://queue.fal.run:8443/x") != LiveExecutor.origin(of: "https://queue.fal.run"))
    }
}
