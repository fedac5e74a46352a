import Foundation
import OrderedCollections
import Testing

@testable import SwitchyardCore

/// The execution machine against the shipped talking-photo policy, with scripted providers.
@Suite struct ExecutionTests {
    let config: Config
    let planner: Planner

    init() throws {
        config = try shippedConfig()
        planner = Planner(config: config)
    }

    func request(duration: Int = 30) -> Request {
        Request(
            id: "req-1", user: "user_123", kind: .video, prompt: "Hello, I am your new assistant",
            image: ImageInput(source: .path("examples/photo.png"), bytes: 2_000_000), durationSeconds: duration, quality: "standard",
            aspectRatio: AspectRatio(width: 16, height: 9), features: ["lip_sync": true])
    }

    func run(
        state: WorldState = .empty, duration: Int = 30, options: Execution.Options = Execution.Options(),
        respond: (OutboundCall, Int) -> ScriptedRun.Reply
    ) throws -> ScriptedRun {
        let request = request(duration: duration)
        let plan = try planner.plan(request, state: state).get()
        var run = try ScriptedRun(plan: plan, request: request, config: config, options: options)
        run.run(respond: respond)
        return run
    }

    /// The first provider fails with `reply` on every submit; the rest succeed.
    func failing(_ provider: String, with reply: ScriptedRun.Reply) -> (OutboundCall, Int) -> ScriptedRun.Reply {
        { call, count in call.provider == provider && call.purpose == .submit ? reply : ProviderReplies.success(call, count) }
    }

    @Test func happyPathPollsTheJobAndExtractsTheResult() throws {
        let run = try run(respond: ProviderReplies.success)
        let result = try #require(run.result)
        #expect(result.status == .succeeded)
        #expect(result.provider == "veo3")
        #expect(result.outputs["video_url"] == "https://cdn.veo3/v-1.mp4")
        #expect(result.outputs["thumbnail_url"] == "https://cdn.veo3/v-1.jpg")
        #expect(result.outputs["quality_metrics"] == ["vmaf": 93.1])
        #expect(result.cost == Money(decimal: "4.50"))
        #expect(result.attempts == 1)
        #expect(!result.fallbackUsed)
        #expect(run.eventNames == ["attempt_started", "job_accepted", "job_state", "job_state", "result"])

        let submit = try #require(run.sent.first?.call)
        #expect(submit.method == .POST)
        #expect(submit.url == "https://api.veo3.ai/v1/videos")
        #expect(submit.headers.contains { $0.name == "Idempotency-Key" && $0.value == "req-1-veo3" })
        let body = try JSONValue.parse(try #require(submit.body))
        #expect(body["duration_s"] == 30)
        #expect(body["lip_sync"] == true)
        #expect(body["image"] == ["data": "aGVsbG8=", "mime_type": "image/png"])
        #expect(body["resolution"] == "1080p")
        #expect(run.sent[1].call.url == "https://api.veo3.ai/v1/videos/v-1")
        // The first poll waits the descriptor's initial interval (5 s ± 20 %).
        let firstPollDelay = run.sent[1].at.millisecondsSinceEpoch - ScriptedRun.start.millisecondsSinceEpoch
        #expect((4_000...6_000).contains(firstPollDelay))
    }

    @Test func everyPollOfAJobIsTheSameCallWithItsOwnID() throws {
        let run = try run(respond: ProviderReplies.success)
        let polls = run.sent.map(\.call).filter { $0.purpose == .poll }
        #expect(polls.count >= 2)
        #expect(Set(polls.map(\.url)) == ["https://api.veo3.ai/v1/videos/v-1"])
        #expect(Set(polls.map(\.id)).count == polls.count)
    }

    /// What the simulator asks for: no URLs, headers or bodies, and no decision events, with
    /// the same decisions, results and counters.
    @Test func withoutRenderingOrLoggingTheRunDecidesTheSame() throws {
        let replies: [(OutboundCall, Int) -> ScriptedRun.Reply] = [
            ProviderReplies.success, failing("veo3", with: ProviderReplies.status(500)),
            failing("veo3", with: .rejected("circuit open for 10s more")),
        ]
        for respond in replies {
            let full = try run(respond: respond)
            let lean = try run(options: Execution.Options(rendersCalls: false, logsDecisions: false), respond: respond)
            #expect(lean.result == full.result)
            #expect(lean.events.isEmpty)
            #expect(
                lean.sent.map { "\($0.at) \($0.call.provider) \($0.call.purpose) \($0.call.id)" }
                    == full.sent.map { "\($0.at) \($0.call.provider) \($0.call.purpose) \($0.call.id)" })
            #expect(lean.sent.allSatisfy { $0.call.url.isEmpty && $0.call.headers.isEmpty && $0.call.body == nil })
            #expect(lean.signals.map { "\($0.0) \($0.1)" } == full.signals.map { "\($0.0) \($0.1)" })
            // Without outputs kept, the same result but for them.
            let bare = try run(options: Execution.Options(rendersCalls: false, logsDecisions: false, keepsOutputs: false), respond: respond)
            var expected = full.result
            expected?.outputs = [:]
            #expect(bare.result == expected)
        }
    }

    /// A completed job whose answer lacks the primary output fails the attempt, whether the
    /// result keeps its outputs or not (the simulator without a decision log keeps none).
    @Test func aResultWithoutItsPrimaryOutputFailsKeptOrNot() throws {
        let noVideo: (OutboundCall, Int) -> ScriptedRun.Reply = { call, count in
            guard call.provider == "veo3", call.purpose == .poll, count > 0 else { return ProviderReplies.success(call, count) }
            return ProviderReplies.json(200, ["status": "completed", "thumbnail_url": "https://cdn.veo3/v-1.jpg"])
        }
        var results: [ExecutionResult?] = []
        for keepsOutputs in [true, false] {
            let run = try run(options: Execution.Options(keepsOutputs: keepsOutputs), respond: noVideo)
            #expect(run.events.contains { $0.event == "attempt_outcome" && $0.jsonLine.contains("the result has no video_url") })
            results.append(run.result)
        }
        #expect(results[0]?.provider == "runway" && results[1]?.provider == "runway")
        #expect(results[1]?.outputs == [:])
    }

    /// A call whose template reads a value the request lacks is skipped, rendered or not.
    @Test func aCallThatCannotRenderIsSkippedEvenUnrendered() throws {
        var providers = config.providers
        let runway = try #require(providers.firstIndex { $0.id == "runway" })
        providers[runway].mappings[0].table.removeValue(forKey: "16:9")
        let config = Config(providers: providers, policies: self.config.policies)
        let request = request()
        let plan = try Planner(config: config).plan(request, state: .empty).get()
        #expect(plan.entries.map(\.provider).contains("runway"))
        var skipped: [String] = []
        for options in [Execution.Options(), Execution.Options(rendersCalls: false)] {
            var run = try ScriptedRun(plan: plan, request: request, config: config, options: options)
            run.run(respond: failing("veo3", with: ProviderReplies.status(500)))
            #expect(!run.sent.contains { $0.call.provider == "runway" })
            let skip = try #require(run.events.first { $0.event == "attempt_skipped" })
            skipped.append(skip.fields["reason"]?.stringValue ?? "")
        }
        #expect(skipped.count == 2 && skipped[0] == skipped[1])
        #expect(skipped[0].contains("'ratio'"))
    }

    /// The unrendered check resolves fixed names once per template (a mask), the others by
    /// name: a header reading what the request lacks skips every call with the same reason.
    @Test(arguments: ["request_id", "{{request_id}}-{{metadata.team}}", "{{metadata.team}}-{{request_id}}", "metadata.team", "job.id"])
    func aHeaderReadingAMissingValueSkipsTheCallRenderedOrNot(_ header: String) throws {
        let text = header.contains("{{") ? header : "{{\(header)}}"
        let scope = TemplateScope(names: ["request_id", "job.id"], openPrefixes: ["metadata."])
        let template = try Template(string: text, scope: scope)
        var providers = config.providers
        for index in providers.indices { providers[index].headers.append(HeaderTemplate(name: "X-Test", value: template)) }
        let config = Config(providers: providers, policies: self.config.policies)
        var request = request()
        request.id = nil
        let plan = try Planner(config: config).plan(request, state: .empty).get()
        var reasons: [String] = []
        for options in [Execution.Options(), Execution.Options(rendersCalls: false)] {
            var run = try ScriptedRun(plan: plan, request: request, config: config, options: options)
            run.run(respond: ProviderReplies.success)
            #expect(run.sent.isEmpty)
            let skips = run.events.filter { $0.event == "attempt_skipped" }
            #expect(skips.count == plan.entries.count)
            reasons += skips.map { $0.fields["reason"]?.stringValue ?? "" }
        }
        // The first missing one in the template's order.
        let first = header.hasPrefix("{{") ? String(header.dropFirst(2).prefix { $0 != "}" }) : header
        #expect(reasons == Array(repeating: "template variable '\(first)' has no value for this request", count: 2 * plan.entries.count))
    }

    @Test func serverErrorFallsBackToTheNextProvider() throws {
        let run = try run(respond: failing("veo3", with: ProviderReplies.status(503)))
        let result = try #require(run.result)
        #expect(result.provider == "runway")
        #expect(result.fallbackUsed)
        #expect(result.attempts == 2)
        #expect(result.cost == Money(decimal: "6.00"))
        #expect(run.actions == ["fallback"])
        #expect(run.signals.first { $0.provider == "veo3" }?.signal == .failure)
        // Runway's body renders its own shapes: a data URI, a mapped ratio, an integer duration.
        let runwaySubmit = try #require(run.sent.first { $0.call.provider == "runway" }?.call)
        let body = try JSONValue.parse(try #require(runwaySubmit.body))
        #expect(
            body == [
                "model": "gen4_turbo", "promptImage": "data:image/png;base64,aGVsbG8=", "promptText": "Hello, I am your new assistant",
                "ratio": "1280:720", "duration": 30,
            ])
        #expect(runwaySubmit.headers.contains { $0.name == "X-Runway-Version" && $0.value == "2024-11-06" })
    }

    @Test func rateLimitRetriesAfterTheProvidersDelayThenFallsBack() throws {
        let limited = ProviderReplies.status(429, headers: [("Retry-After", "7")])
        let run = try run(respond: failing("veo3", with: limited))
        #expect(run.submits == ["veo3", "veo3", "veo3", "runway"])
        #expect(run.actions == ["retry", "retry", "fallback"])
        let veo3Submits = run.sent.filter { $0.call.provider == "veo3" && $0.call.purpose == .submit }.map(\.at.millisecondsSinceEpoch)
        #expect(veo3Submits[1] - veo3Submits[0] == 7_000)
        #expect(veo3Submits[2] - veo3Submits[1] == 7_000)
        #expect(run.signals.first?.signal == .rateLimited(retryAfter: .seconds(7)))
        #expect(run.result?.provider == "runway")
        #expect(run.result?.attempts == 4)
    }

    @Test func rateLimitThenSuccessStaysOnTheProvider() throws {
        let run = try run { call, count in
            call.provider == "veo3" && call.purpose == .submit && count == 0
                ? ProviderReplies.status(429, headers: [("Retry-After", "2")]) : ProviderReplies.success(call, count)
        }
        #expect(run.result?.provider == "veo3")
        #expect(run.result?.attempts == 2)
        #expect(run.result?.fallbackUsed == false)
    }

    @Test func paymentRequiredFailsWithThePolicysMessage() throws {
        let run = try run(respond: failing("veo3", with: ProviderReplies.status(402)))
        let result = try #require(run.result)
        #expect(result.status == .failed)
        #expect(result.failureCode == "payment_required")
        #expect(result.message == "Please upgrade your plan to generate more videos.")
        #expect(run.submits == ["veo3"])
    }

    @Test func everyRowOfTheErrorTable() throws {
        let expectations: [(ScriptedRun.Reply, [String], String?)] = [
            (ProviderReplies.status(401), ["veo3"], "provider_auth_failed"),
            (ProviderReplies.status(413), ["veo3"], "image_too_large"),
            (ProviderReplies.status(500), ["veo3", "runway"], nil),
            (.transport(.connection), ["veo3", "runway"], nil),
            (.hang, ["veo3", "veo3", "runway"], nil),
            (ProviderReplies.status(404), ["veo3"], "request_rejected"),
        ]
        for (reply, submits, code) in expectations {
            let run = try run(respond: failing("veo3", with: reply))
            #expect(run.submits == submits)
            #expect(run.result?.failureCode == code)
        }
    }

    @Test func timeoutRetriesOnceAfterTheFixedDelay() throws {
        let run = try run(respond: failing("veo3", with: .hang))
        let veo3 = run.sent.filter { $0.call.provider == "veo3" }.map(\.at.millisecondsSinceEpoch)
        // The call timeout (60 s) passes, then the fixed 2 s delay.
        #expect(veo3[1] - veo3[0] == 62_000)
        #expect(run.actions == ["retry", "fallback"])
    }

    @Test func anAcceptedJobThatFailsFallsBack() throws {
        let run = try run { call, count in
            if call.provider == "veo3", call.purpose == .poll {
                return ProviderReplies.json(200, ["status": "failed", "error": ["code": "render_crash", "message": "GPU fault"]])
            }
            return ProviderReplies.success(call, count)
        }
        #expect(run.result?.provider == "runway")
        let outcome = try #require(run.events.first { $0.event == "attempt_outcome" })
        #expect(outcome.fields["outcome"] == ["job_failed"])
        #expect(outcome.fields["code"] == "render_crash")
        #expect(outcome.fields["message"] == "GPU fault")
    }

    @Test func aContentPolicyFailureFailsFast() throws {
        let run = try run { call, count in
            if call.provider == "veo3", call.purpose == .poll {
                return ProviderReplies.json(200, ["status": "failed", "error": ["code": "safety.face_blocked", "message": "blocked"]])
            }
            return ProviderReplies.success(call, count)
        }
        #expect(run.result?.failureCode == "content_policy")
        #expect(run.submits == ["veo3"])
        // A refusal is not an outage: the breaker hears that the provider answered.
        #expect(run.signals.map(\.signal) == [.answered])
    }

    @Test func maxAttemptsCapsRetriesTimesFallbacks() throws {
        let run = try run { call, count in ProviderReplies.status(429, headers: [("Retry-After", "1")]) }
        #expect(run.submits == ["veo3", "veo3", "veo3", "runway", "runway", "runway"])
        #expect(run.result?.failureCode == "attempts_exhausted")
        #expect(run.result?.attempts == 6)
    }

    @Test func theDeadlineEndsAJobThatNeverFinishes() throws {
        let run = try run { call, count in
            call.purpose == .poll ? ProviderReplies.json(200, ["status": "processing"]) : ProviderReplies.success(call, count)
        }
        #expect(run.result?.failureCode == "deadline_exceeded")
        #expect(run.now.millisecondsSinceEpoch - ScriptedRun.start.millisecondsSinceEpoch == 15 * 60 * 1000)
        #expect(run.sent.contains { $0.call.purpose == .cancel && $0.call.method == .DELETE && $0.call.url == "https://api.veo3.ai/v1/videos/v-1" })
    }

    @Test func theFalQueueShapeFollowsReturnedURLsAndBillsTheReportedLength() throws {
        let state = WorldState(providers: ["veo3": .init(available: false), "runway": .init(available: false)])
        let run = try run(state: state, respond: ProviderReplies.success)
        let result = try #require(run.result)
        #expect(result.provider == "nano-banana")
        #expect(result.fallbackUsed)
        #expect(result.outputs["video_url"] == "https://cdn.fal/n-1.mp4")
        // 29.4 s reported, billed as 30 whole seconds at 0.039.
        #expect(result.cost == Money(decimal: "1.17"))
        #expect(
            run.sent.map(\.call.url) == [
                "https://queue.fal.run/fal-ai/nano-banana/talking-photo", "http://fal.test/requests/n-1/status",
                "http://fal.test/requests/n-1/status",
                "http://fal.test/requests/n-1",
            ])
        #expect(run.sent[0].call.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
    }

    @Test func hostileAnswersAreBadResponses() throws {
        let replies: [ScriptedRun.Reply] = [
            ProviderReplies.json(202, ["queued": true]),
            .response(HTTPResponse(status: 202, body: .malformed("<html>"))),
            .response(HTTPResponse(status: 202, body: .tooLarge(limit: 1_048_576))),
        ]
        for reply in replies {
            let run = try run(respond: failing("veo3", with: reply))
            #expect(run.result?.provider == "runway")
            #expect(run.events.first { $0.event == "attempt_outcome" }?.fields["outcome"] == ["bad_response"])
        }
    }

    @Test func aRejectedCallIsSkippedWithoutCountingAsAnAttempt() throws {
        let run = try run(respond: failing("veo3", with: .rejected("circuit open")))
        #expect(run.result?.provider == "runway")
        #expect(run.result?.attempts == 1)
        #expect(run.eventNames.first == "attempt_started")
        #expect(run.eventNames.contains("attempt_skipped"))
    }

    @Test func anOversizeImageIsNeverSent() throws {
        let request = request()
        let plan = try planner.plan(request).get()
        var run = try ScriptedRun(
            plan: plan, request: request, config: config, image: ResolvedImage(base64: "", mime: "image/png", bytes: 17_000_000))
        run.run(respond: ProviderReplies.success)
        // 17 MB: over runway's 16 MB and nano-banana's 5 MB, within veo3's 200 MB.
        #expect(run.submits == ["veo3"])
        var big = try ScriptedRun(
            plan: plan, request: request, config: config, image: ResolvedImage(base64: "", mime: "image/png", bytes: 17_000_000))
        big.run(respond: failing("veo3", with: ProviderReplies.status(500)))
        #expect(big.submits == ["veo3"])
        #expect(big.result?.failureCode == "all_providers_failed")
        #expect(big.events.filter { $0.event == "attempt_skipped" }.count == 2)
    }

    @Test func theSameInputsGiveTheSameRun() throws {
        let a = try run(respond: failing("veo3", with: .hang))
        let b = try run(respond: failing("veo3", with: .hang))
        #expect(a.events.map(\.jsonLine) == b.events.map(\.jsonLine))
    }

    @Test func retryDelays() {
        let exponential = RetryAction(
            attempts: 5, delay: .exponential, interval: .seconds(1), factor: 2, jitter: 0, maxDelay: .seconds(5), then: .fallback)
        #expect(
            (0..<4).map { Execution.retryDelay(exponential, hint: nil, retryIndex: $0, draw: 0.5) } == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(5),
            ])
        let afterHint = RetryAction(attempts: 1, delay: .retryAfter, interval: .seconds(3), maxDelay: .seconds(60), then: .fallback)
        #expect(Execution.retryDelay(afterHint, hint: .seconds(90), retryIndex: 0, draw: 0) == .seconds(60))
        #expect(Execution.retryDelay(afterHint, hint: nil, retryIndex: 0, draw: 0) == .seconds(3))
        #expect(Execution.jittered(.seconds(10), by: 0.25, draw: 0) == .milliseconds(7_500))
        #expect(Execution.jittered(.seconds(10), by: 0.25, draw: 1) == .milliseconds(12_500))
    }

    @Test func retryAfterParsing() {
        let now = Timestamp(millisecondsSinceEpoch: 1_445_412_470_000)  // 2015-10-21T07:27:50Z
        #expect(RetryAfter.parseHeader("120", now: now) == .seconds(120))
        #expect(RetryAfter.parseHeader("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parseHeader("soon", now: now) == nil)
        #expect(RetryAfter.parseBody("37s") == .seconds(37))
        #expect(RetryAfter.parseBody("1.5s") == .milliseconds(1_500))
        #expect(RetryAfter.parseBody(12) == .seconds(12))
        #expect(RetryAfter.parseBody(-1) == nil)
    }
}
