import Foundation
import OrderedCollections
import Testing

@testable import SwitchyardCore

/// Regressions from the review of the execution machine: each was a crash or a wrong action.
@Suite struct ExecutionReviewTests {
    let config: Config
    let planner: Planner

    init() throws {
        config = try shippedConfig()
        planner = Planner(config: config)
    }

    func run(traceID: String? = nil, id: String? = "req-1", respond: (OutboundCall, Int) -> ScriptedRun.Reply) throws -> ScriptedRun {
        let request = Request(
            id: id, user: "user_123", kind: .video, prompt: "Hello", image: ImageInput(source: .path("examples/photo.png"), bytes: 2_000_000),
            durationSeconds: 30, quality: "standard", aspectRatio: AspectRatio(width: 16, height: 9))
        let plan = try planner.plan(request).get()
        var run = try ScriptedRun(plan: plan, request: request, config: config)
        run.run(respond: respond)
        return run
    }

    @Test func aHugeReportedDurationIsClampedNotATrap() throws {
        let run = try run { call, count in
            if call.provider == "veo3", call.purpose == .poll {
                return ProviderReplies.json(200, ["status": "completed", "video_url": "https://v", "duration_s": 1e300])
            }
            return ProviderReplies.success(call, count)
        }
        #expect(run.result?.status == .succeeded)
        #expect(run.result?.cost == Money(decimal: "0.15")!.times(86_400))
    }

    @Test func aRetryAfterDateFarAwayIsIgnoredOrCapped() {
        let now = Timestamp(millisecondsSinceEpoch: 0)
        #expect(RetryAfter.parseHeader("Wed, 21 Oct 99999999999999999 07:28:00 GMT", now: now) == nil)
        #expect(RetryAfter.parseHeader("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == .seconds(86_400))
    }

    @Test func backoffStopsGrowingAtItsCap() {
        #expect(Execution.grown(.seconds(5), by: 10, steps: 1_000, cap: .seconds(30)) == .seconds(30))
        #expect(Execution.grown(.seconds(1), by: 2, steps: 3, cap: .seconds(60)) == .seconds(8))
    }

    @Test func aJobThatTimesOutFallsBackInsteadOfResubmitting() throws {
        var shortPolls = try shippedConfig()
        var providers = shortPolls.providers
        providers[providers.firstIndex { $0.id == "veo3" }!].poll?.timeout = .seconds(60)
        shortPolls = Config(providers: providers, policies: shortPolls.policies)
        let request = Request(
            id: "r", user: "u", kind: .video, prompt: "Hello", image: ImageInput(source: .path("p.png"), bytes: 1_000), durationSeconds: 30,
            quality: "standard", aspectRatio: AspectRatio(width: 16, height: 9))
        let plan = try Planner(config: shortPolls).plan(request).get()
        var run = try ScriptedRun(plan: plan, request: request, config: shortPolls)
        run.run { call, count in
            call.provider == "veo3" && call.purpose == .poll
                ? ProviderReplies.json(200, ["status": "processing"]) : ProviderReplies.success(call, count)
        }
        #expect(run.submits == ["veo3", "runway"])
        #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["code"] == "job_timeout")
    }

    @Test func aLostJobIsAJobFailureNotTheUsersFault() throws {
        let run = try run { call, count in
            call.provider == "veo3" && call.purpose == .poll ? ProviderReplies.status(404) : ProviderReplies.success(call, count)
        }
        #expect(run.result?.provider == "runway")
        #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["job_failed"])
    }

    @Test func aFailedResultFetchIsRetriedNotAbandoned() throws {
        let request = Request(
            id: "r", user: "u", kind: .video, prompt: "Hello", image: ImageInput(source: .path("p.png"), bytes: 1_000), durationSeconds: 30,
            quality: "standard", aspectRatio: AspectRatio(width: 16, height: 9))
        let state = WorldState(providers: ["veo3": .init(available: false), "runway": .init(available: false)])
        let plan = try planner.plan(request, state: state).get()
        var run = try ScriptedRun(plan: plan, request: request, config: config)
        run.run { call, count in
            call.purpose == .result && count == 0 ? ProviderReplies.status(503) : ProviderReplies.success(call, count)
        }
        #expect(run.result?.provider == "nano-banana")
        #expect(run.submits == ["nano-banana"])
        #expect(run.sent.filter { $0.call.purpose == .result }.count == 2)
    }

    @Test func theIdempotencyKeyIsPerRequestEvenWithoutAnID() throws {
        let request = Request(
            kind: .video, prompt: "Hello", image: ImageInput(source: .path("p.png"), bytes: 1_000), durationSeconds: 30, quality: "standard",
            aspectRatio: AspectRatio(width: 16, height: 9))
        let plan = try planner.plan(
            Request(
                user: "u", kind: .video, prompt: "Hello", image: request.image, durationSeconds: 30, quality: "standard",
                aspectRatio: request.aspectRatio)
        ).get()
        var keys: [String] = []
        for trace in ["trace-a", "trace-b"] {
            var execution = try #require(Execution(plan: plan, request: request, config: config, image: ScriptedRun.photo, traceID: trace))
            for case .send(let call) in execution.start(at: ScriptedRun.start) {
                keys += call.headers.filter { $0.name == "Idempotency-Key" }.map(\.value)
            }
        }
        #expect(keys == ["trace-a-veo3", "trace-b-veo3"])
    }
}
