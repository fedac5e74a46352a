import Foundation
import OrderedCollections
import Testing

@testable import SwitchyardCore

@Suite struct PlannerTests {
    let planner: Planner

    init() throws {
        planner = Planner(config: try shippedConfig())
    }

    func request(
        duration: Int = 30, quality: String? = "standard", ratio: String = "16:9", bytes: Int64 = 2_000_000, user: String = "user_123",
        features: [String: Bool] = ["lip_sync": true]
    ) -> Request {
        Request(
            id: "req-1", user: user, kind: .video, prompt: "Hello, I am your new assistant",
            image: ImageInput(source: .url("https://example.com/photo.jpg"), bytes: bytes), durationSeconds: duration, quality: quality,
            aspectRatio: AspectRatio(parsing: ratio), features: features)
    }

    func plan(_ request: Request, state: WorldState = .empty, draw: Double = 0) throws -> Plan {
        try planner.plan(request, state: state, draw: draw).get()
    }

    @Test func standardThirtySecondsPlansAllThreeWithADowngrade() throws {
        let plan = try plan(request())
        #expect(plan.policy == "talkingphoto")
        #expect(plan.rule == "default")
        #expect(plan.entries.map(\.provider) == ["veo3", "runway", "nano-banana"])
        #expect(plan.entries.map(\.estimatedCost.description) == ["4.50", "6.00", "1.17"])
        #expect(plan.entries.map(\.tier) == ["standard", "standard", "economy"])
        #expect(plan.entries.map(\.downgrade) == [false, false, true])
        #expect(
            plan.entries[0].params
                == OutputParameters(
                    resolution: Resolution(lines: 1080), bitrateKbps: 4000, fps: 30, aspectRatio: AspectRatio(width: 16, height: 9),
                    durationSeconds: 30))
        #expect(plan.entries[2].params.resolution == Resolution(lines: 720))
        #expect(plan.excluded.isEmpty)
    }

    @Test func sixtySecondsExcludesRunwayForCostCap() throws {
        let plan = try plan(request(duration: 60))
        #expect(plan.entries.map(\.provider) == ["veo3", "nano-banana"])
        #expect(plan.entries.map(\.estimatedCost.description) == ["9.00", "2.34"])
        #expect(
            plan.excluded == [
                Exclusion(
                    provider: "runway", tier: "standard", reason: .costCap,
                    detail: "estimated 12.00 INR exceeds the policy's max_cost_per_request of 10.00 INR")
            ])
    }

    /// Every shipped provider's submit sends the aspect ratio: a request without one is planned
    /// nowhere, with the reason, instead of failing every attempt when the body cannot render.
    @Test func aFieldTheSubmitNeedsAndTheRequestLacksExcludesTheProvider() throws {
        var withoutRatio = request()
        withoutRatio.aspectRatio = nil
        let plan = try plan(withoutRatio)
        #expect(plan.entries.isEmpty)
        #expect(plan.excluded.map(\.reason) == [.capability, .capability, .capability])
        #expect(plan.excluded.first?.detail == "its submit call needs 'aspect_ratio'; the request has none")

        var withoutImage = request()
        withoutImage.image = nil
        #expect(try self.plan(withoutImage).excluded.first?.detail == "needs an input image; the request has none")
    }

    /// The check reads what the call really sends: provider-wide headers too, and an image sent
    /// by URL needs a request that gives a URL.
    @Test func requiredFieldsFollowHeadersAndImageURLs() throws {
        let byURL = descriptorYAML(id: "byurl", extra: "headers: {X-Campaign: \"{{metadata.campaign}}\"}")
            .replacingOccurrences(of: #"body: {prompt: "{{prompt}}""#, with: #"body: {image: "{{image.url}}", prompt: "{{prompt}}""#)
        let loaded = load(providers: ["providers.d/byurl.yaml": byURL], policies: ["routes/demo.yaml": policyYAML(plan: "[byurl]")])
        let planner = Planner(config: try #require(loaded.config, "\(loaded.rendered)"))
        var request = Request(
            kind: .video, prompt: "hi", image: ImageInput(source: .path("p.png"), bytes: 10), durationSeconds: 10,
            metadata: ["campaign": "spring"])
        #expect(try planner.plan(request).get().excluded.first?.detail == "needs the input image as a URL; the request gives a file or inline data")
        request.image = ImageInput(source: .url("https://example.com/p.png"), bytes: 10)
        #expect(try planner.plan(request).get().entries.map(\.provider) == ["byurl"])
        request.metadata = [:]
        #expect(try planner.plan(request).get().excluded.first?.detail == "its submit call needs 'metadata.campaign'; the request has none")
    }

    @Test func unavailableProviderIsExcluded() throws {
        let state = WorldState(providers: ["veo3": .init(available: false, reason: "circuit open")])
        let plan = try plan(request(), state: state)
        #expect(plan.entries.map(\.provider) == ["runway", "nano-banana"])
        #expect(plan.excluded.map(\.reason) == [.unavailable])
        #expect(plan.excluded.first?.detail == "unavailable in the world state: circuit open")
    }

    @Test func budgetExcludesWhatTheUserCannotAfford() throws {
        let state = WorldState(spentToday: ["user_123": Money(decimal: "98")!])
        let plan = try plan(request(), state: state)
        #expect(plan.entries.map(\.provider) == ["nano-banana"])
        #expect(plan.excluded.map(\.provider) == ["veo3", "runway"])
        #expect(plan.excluded.map(\.reason) == [.budget, .budget])
        #expect(plan.excluded[0].detail == "estimated 4.50 INR exceeds user_123's remaining daily budget of 2.00 INR (spent 98.00 of 100.00)")
    }

    @Test func capabilityExclusionsNameTheMismatch() throws {
        // A 10 MB image is over nano-banana's 5 MB but within the others'.
        var plan = try plan(request(bytes: 10_000_000))
        #expect(
            plan.excluded == [
                Exclusion(provider: "nano-banana", tier: "economy", reason: .capability, detail: "the image is 10MB; it accepts up to 5MB")
            ])
        // Premium needs 60 fps; runway tops out at 30.
        plan = try self.plan(request(quality: "premium"))
        #expect(plan.rule == "premium")
        #expect(plan.entries.map(\.provider) == ["veo3"])
        #expect(plan.excluded.map(\.detail) == ["tier premium needs 60 fps; its maximum is 30 fps"])
        // A feature no provider has.
        plan = try self.plan(request(features: ["lip_sync": true, "dance": true]))
        #expect(plan.entries.isEmpty)
        #expect(Set(plan.excluded.map(\.detail)) == ["feature dance is not supported"])
    }

    @Test func reasonsAreReportedInTheDocumentedOrder() throws {
        // Unavailable and over budget and over capability: unavailable wins.
        let state = WorldState(
            providers: ["nano-banana": .init(available: false), "runway": .init(disabled: true)], spentToday: ["user_123": Money(decimal: "99.99")!])
        let plan = try plan(request(bytes: 10_000_000), state: state)
        #expect(plan.excluded.map(\.reason) == [.budget, .disabled, .unavailable])
        #expect(plan.excluded.map(\.provider) == ["veo3", "runway", "nano-banana"])
    }

    @Test func costCapComesBeforeBudget() throws {
        // Runway at 60 s is both over the cap (12.00 > 10) and over a 1.00 remaining budget.
        let state = WorldState(spentToday: ["user_123": Money(decimal: "99")!])
        let plan = try plan(request(duration: 60), state: state)
        #expect(plan.excluded.first { $0.provider == "runway" }?.reason == .costCap)
        #expect(plan.excluded.first { $0.provider == "veo3" }?.reason == .budget)
    }

    @Test func capabilityComesBeforeCostCap() throws {
        // Runway at 60 s with a 20 MB image: over its 16 MB limit and over the cap.
        let plan = try plan(request(duration: 60, bytes: 20_000_000))
        #expect(plan.excluded.first { $0.provider == "runway" }?.reason == .capability)
    }

    @Test func absurdInputsAreErrorsNotCrashes() {
        let inputs: [JSONValue] = [
            ["kind": "video", "prompt": "x", "duration_s": 5_000_000_000_000],
            ["kind": "video", "prompt": "x", "duration_s": -5],
            ["kind": "video", "prompt": "x", "image": ["url": "https://a/b", "bytes": 1e19]],
            ["kind": "video", "prompt": "x", "image": ["url": "https://a/b", "bytes": -5]],
            ["kind": "video", "prompt": "x", "image": ["url": "https://a/b", "bytes": "huge"]],
        ]
        for json in inputs {
            guard case .failure(let errors) = Request.decode(json) else {
                Issue.record("accepted \(json.jsonString())")
                continue
            }
            #expect(errors.errors.count == 1)
        }
    }

    @Test func aPerSecondPriceNeedsADuration() throws {
        let config = try #require(load(policies: ["routes/demo.yaml": policyYAML()]).config)
        guard case .failure(let errors) = Planner(config: config).plan(Request(kind: .video, prompt: "x")) else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.errors.map(\.description) == ["duration_s: missing; provider 'alpha' prices per output second"])
    }

    @Test func disabledInTheDescriptorIsExcluded() throws {
        var config = try shippedConfig()
        config.providers[config.providers.firstIndex { $0.id == "runway" }!].enabled = false
        let plan = try Planner(config: Config(providers: config.providers, policies: config.policies)).plan(request()).get()
        #expect(plan.excluded.map(\.reason) == [.disabled])
        #expect(plan.excluded.first?.detail == "disabled in its descriptor (enabled: false)")
    }

    @Test func economyIsCheapestFirst() throws {
        let plan = try plan(request(quality: "economy"))
        #expect(plan.rule == "economy")
        #expect(plan.strategy == .cheapest)
        #expect(plan.entries.map(\.provider) == ["nano-banana", "veo3", "runway"])
        #expect(plan.entries.allSatisfy { !$0.downgrade })
    }

    @Test func weightedOrderFollowsTheDraw() throws {
        let weighted = """
            policy: demo
            match: {kind: video}
            tiers: {standard: {resolution: 1080p}}
            default_tier: standard
            rules:
              - name: split
                strategy: weighted
                plan: [{provider: alpha, weight: 3}, {provider: beta, weight: 1}]
            """
        let config = try #require(
            load(
                providers: ["providers.d/alpha.yaml": descriptorYAML(), "providers.d/beta.yaml": descriptorYAML(id: "beta")],
                policies: ["routes/demo.yaml": weighted]
            ).config)
        let planner = Planner(config: config)
        let base = Request(kind: .video, prompt: "x", durationSeconds: 10)
        #expect(try planner.plan(base, draw: 0.0).get().entries.map(\.provider) == ["alpha", "beta"])
        #expect(try planner.plan(base, draw: 0.74).get().entries.map(\.provider) == ["alpha", "beta"])
        #expect(try planner.plan(base, draw: 0.75).get().entries.map(\.provider) == ["beta", "alpha"])
        // Over many draws, alpha leads about three times in four.
        var random = SplitMix64(seed: 42)
        var alphaFirst = 0
        for _ in 0..<10_000 where try planner.plan(base, draw: random.nextUnit()).get().entries.first?.provider == "alpha" { alphaFirst += 1 }
        #expect((7_300...7_700).contains(alphaFirst))
    }

    @Test func invalidRequestsGetOneErrorPerField() {
        var bad = request(duration: 90, quality: "ultra")
        bad.prompt = "  "
        bad.aspectRatio = AspectRatio(width: 4, height: 3)
        guard case .failure(let errors) = planner.plan(bad) else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.errors.map(\.field) == ["prompt", "quality", "duration_s", "aspect_ratio"])
        #expect(errors.errors.map(\.code) == ["missing_field", "unknown_quality", "out_of_range", "unsupported_aspect_ratio"])
        #expect(errors.errors[2].message == "90 s is outside the allowed 15–60 s")
    }

    @Test func qualityDefaultsToThePolicyDefault() throws {
        #expect(try plan(request(quality: nil)).tier == "standard")
    }

    @Test func noPolicyForTheKind() {
        let result = planner.plan(Request(kind: .image, prompt: "cat"))
        guard case .failure(let errors) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.errors.map(\.code) == ["no_policy"])
    }

    @Test func worstCaseIsCappedByTheLimits() throws {
        let plan = try plan(request())
        // Up to 1 + 2 retries (429) on each of three providers: 9, capped at max_attempts 6.
        #expect(plan.worstCase.uncappedAttempts == 9)
        #expect(plan.worstCase.attempts == 6)
        #expect(plan.worstCase.wallTime == .seconds(15 * 60))
        #expect(plan.worstCase.uncappedWallTime > plan.worstCase.wallTime)
        #expect(plan.worstCase.cost.description == "31.50")
    }

    @Test func planJSONHasTheDocumentedFields() throws {
        let json = try plan(request(duration: 60)).json
        #expect(json["request_id"] == "req-1")
        #expect(json["policy"] == "talkingphoto")
        #expect(json["rule"] == "default")
        #expect(
            json["plan"]?.arrayValue?.first == [
                "provider": "veo3", "tier": "standard",
                "params": ["resolution": "1080p", "bitrate_kbps": 4000, "fps": 30, "aspect_ratio": "16:9", "duration_s": 60],
                "estimated_cost": 9.0, "currency": "INR", "downgrade": false, "attempt_timeout_s": 900.0,
            ])
        #expect(json["excluded"]?.arrayValue?.first?["reason"] == "cost_cap")
        #expect(json["worst_case"]?["attempts"] == 6)
    }

    @Test func requestDecodingReportsFieldErrors() {
        let json: JSONValue = ["kind": "video", "prompt": 3, "duration_s": 12.5, "image": ["path": "a.jpg", "url": "https://x"], "colour": "red"]
        guard case .failure(let errors) = Request.decode(json) else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.errors.map(\.field) == ["colour", "prompt", "duration_s", "image"])
        #expect(
            errors.errors.map(\.message) == [
                "unknown field", "expected a string, got number", "expected a whole number of seconds from 1 to 86400, got 12.5",
                "give only one of path, url or base64",
            ])
    }

    /// Keys are matched by length, then text: every known key reads, and a key of a known
    /// length that is no field is unknown.
    @Test func everyRequestFieldDecodes() throws {
        let json: JSONValue = [
            "id": "r", "user": "u", "kind": "video", "prompt": "p", "image": ["path": "a.png"], "duration_s": 20, "quality": "premium",
            "aspect_ratio": "9:16", "voice": ["speed": 1.2], "features": ["lip_sync": true], "metadata": ["team": "x"], "at": 1.5,
        ]
        let request = try Request.decode(json).get()
        #expect(request.id == "r" && request.user == "u" && request.prompt == "p" && request.durationSeconds == 20)
        #expect(request.quality == "premium" && request.aspectRatio == AspectRatio(width: 9, height: 16) && request.image != nil)
        #expect(request.voice["speed"] == 1.2 && request.features == ["lip_sync": true] && request.metadata["team"] == "x")
        for impostor in ["ix", "kine", "imago", "prompy", "qualitz", "featured", "duration_m", "aspect_ratiO"] {
            var fields = json.objectValue!
            fields[impostor] = 1
            guard case .failure(let errors) = Request.decode(.object(fields)) else {
                Issue.record("\(impostor) was accepted")
                continue
            }
            #expect(errors.errors.map(\.field) == [impostor])
        }
    }

    @Test func base64ImagesAreMeasured() throws {
        let json: JSONValue = ["kind": "video", "prompt": "p", "image": ["base64": "aGVsbG8=", "mime": "image/png"]]
        let request = try Request.decode(json).get()
        #expect(request.image?.bytes == 5)
    }

    @Test func worldStateDecodingRejectsUnknownProviders() {
        let json: JSONValue = ["providers": ["veo": ["available": false]], "budgets": ["u": ["spent_today": 98.0]]]
        guard case .failure(let errors) = WorldState.decode(json, knownProviders: ["veo3"]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.errors.map(\.description) == ["providers.veo: unknown provider; did you mean 'veo3'?"])
    }
}
