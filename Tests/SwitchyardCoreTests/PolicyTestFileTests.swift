import Foundation
import OrderedCollections
import SwitchyardRuntime
import Testing

@testable import SwitchyardCore

/// Decoding policy test files: the documented shapes, and a located error for every mistake.
@Suite struct PolicyTestFileTests {
    static let request =
        "{kind: video, user: u1, prompt: hi, image: {url: https://example.com/p.jpg}, duration_s: 30, quality: standard, aspect_ratio: \"16:9\"}"

    func load(_ text: String) throws -> PolicyTestFile.LoadResult {
        PolicyTestFile.load(text: text, path: "t.test.yaml", config: try shippedConfig())
    }

    func errors(_ text: String) throws -> [String] {
        try load(text).diagnostics.map(\.description)
    }

    @Test func theShippedTestsDecode() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("routes/talkingphoto.test.yaml"), encoding: .utf8)
        let result = PolicyTestFile.load(text: text, path: "routes/talkingphoto.test.yaml", config: try shippedConfig())
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let file = try #require(result.file)
        #expect(file.cases.count >= 20)
        #expect(Set(file.cases.map(\.name)).count == file.cases.count)
    }

    @Test func testFilesAreFoundBesideThePoliciesAndNeverLoadedAsPolicies() throws {
        #expect(ConfigDirectory.policyTests(repositoryRoot.path, relativeNames: true) == ["routes/talkingphoto.test.yaml"])
        #expect(!shippedFiles().contains { $0.path.hasSuffix(".test.yaml") })
        #expect(ConfigDirectory.isPolicyTest("a.test.yml") && !ConfigDirectory.isPolicyTest("test.yaml"))
    }

    @Test func everyExpectationDecodesAtItsLine() throws {
        let text = """
            tests:
              - name: all of them
                request: \(Self.request)
                expect:
                  policy: talkingphoto
                  rule: default
                  plan: [veo3, {provider: nano-banana, tier: economy}]
                  excluded: {runway: cost_cap}
                  outcome: {failed: payment_required, message: "Please upgrade"}
                  cost: {min: 0, max: 10}
                  attempts: 2
                  elapsed: {min: 2s, max: 1m}
                  fallback_used: false
                  on_error: [429, 5xx]
            """
        let result = try load(text)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let testCase = try #require(result.file?.cases.first)
        #expect(testCase.request.id == "test-1")
        #expect(testCase.location.line == 2)
        #expect(
            testCase.expectations.map(\.kind) == [
                .policy("talkingphoto"), .rule("default"),
                .plan([PlannedProvider(provider: "veo3"), PlannedProvider(provider: "nano-banana", tier: "economy")]),
                .excluded([ExpectedExclusion(provider: "runway", reason: .costCap)]),
                .outcome(.failed(code: "payment_required", message: "Please upgrade")), .cost(min: .zero, max: Money(decimal: "10")),
                .attempts(2), .elapsed(min: .seconds(2), max: .seconds(60)), .fallbackUsed(false), .onError(["429", "5xx"]),
            ])
        #expect(testCase.expectations.map(\.location.line) == Array(5...14))
        #expect(testCase.expectations.allSatisfy { $0.location.column == 7 })
    }

    @Test func outcomesHaveShortForms() throws {
        func outcome(_ yaml: String) throws -> ExpectedOutcome? {
            let result = try load("tests: [{name: x, request: \(Self.request), expect: {outcome: \(yaml)}}]")
            guard case .outcome(let outcome) = result.file?.cases.first?.expectations.first?.kind else { return nil }
            return outcome
        }
        #expect(try outcome("succeeded") == .succeeded(provider: nil))
        #expect(try outcome("{succeeded: runway}") == .succeeded(provider: "runway"))
        #expect(try outcome("failed") == .failed(code: nil, message: nil))
        #expect(try outcome("{rejected: out_of_range}") == .rejected(code: "out_of_range"))
        #expect(try outcome("{succeeded: veo3, failed: x}") == nil)
    }

    @Test func anchorsAndMergeKeysShareRequests() throws {
        let text = """
            x-base: &base {kind: video, user: u1, prompt: hi, duration_s: 30, quality: standard}
            tests:
              - name: merged
                request: {<<: *base, quality: premium, duration_s: 20}
                expect: {rule: premium}
            """
        let result = try load(text)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let request = try #require(result.file?.cases.first?.request)
        #expect(request.quality == "premium")
        #expect(request.durationSeconds == 20)
        #expect(request.user == "u1")
    }

    @Test func unknownKeysGetDidYouMean() throws {
        let text = """
            tests:
              - name: typo
                request: \(Self.request)
                expect:
                  outcom: succeeded
                  rule: default
            """
        #expect(try errors(text) == ["t.test.yaml:5:7: error: unknown key 'outcom' in 'tests[0].expect'; did you mean 'outcome'?"])
    }

    @Test func badRequestFieldsAreReportedAtTheirLine() throws {
        let text = """
            tests:
              - name: typo
                request:
                  kind: video
                  qualty: standard
                  duration_s: long
                expect: {rule: default}
            """
        #expect(
            try errors(text) == [
                "t.test.yaml:5:15: error: 'tests[0].request.qualty': unknown field; did you mean 'quality'?",
                "t.test.yaml:6:19: error: 'tests[0].request.duration_s': expected a whole number of seconds from 1 to 86400, got \"long\"",
            ])
    }

    @Test func namesTheConfigDoesNotKnowAreErrors() throws {
        let text = """
            tests:
              - name: names
                request: \(Self.request)
                state: {providers: {veo: {available: false}}}
                expect:
                  rule: defualt
                  plan: [veo3, runwya]
                  excluded: {runway: costcap}
                  on_error: [5xx, 4o4]
            """
        #expect(
            try errors(text) == [
                "t.test.yaml:4:30: error: 'tests[0].state.providers.veo': unknown provider; did you mean 'veo3'?",
                "t.test.yaml:6:13: error: unknown rule 'defualt' in 'tests[0].expect.rule'; did you mean 'default'? (known: default, economy, premium)",
                "t.test.yaml:7:20: error: unknown provider 'runwya' in 'tests[0].expect.plan[1]'; did you mean 'runway'? (known: nano-banana, runway, veo3)",
                "t.test.yaml:8:26: error: unknown value \"costcap\" for 'tests[0].expect.excluded.runway'; expected one of disabled, unavailable, capability, cost_cap, budget; did you mean 'cost_cap'?",
                "t.test.yaml:9:23: error: unknown error-table row '4o4' in 'tests[0].expect.on_error[1]'; did you mean '401'? (known: 401, 402, 413, 429, 4xx, 5xx, bad_response, connection, content_policy, job_failed, rate_limited, timeout)",
            ])
    }

    @Test func scenarioErrorsKeepTheirPathsAndArrivalsAreRefused() throws {
        let text = """
            tests:
              - name: faults
                request: \(Self.request)
                scenario: {providers: {veo3: {faults: [{status: 500, probability: 2}]}}}
                expect: {outcome: succeeded}
              - name: traffic
                request: \(Self.request)
                scenario:
                  arrivals: {process: uniform, rate_per_s: 1, count: 3, mix: []}
                expect: {outcome: succeeded}
            """
        let found = try errors(text)
        #expect(found.contains("t.test.yaml:4:71: error: 'tests[0].scenario.providers.veo3.faults[0].probability' must be at most 1.0, got 2"))
        #expect(found.contains("t.test.yaml:9:17: error: a test case runs its one request; 'arrivals' has no place in 'tests[1].scenario'"))
    }

    @Test func structuralMistakesAreErrors() throws {
        #expect(try errors("tests: []") == ["t.test.yaml:1:8: error: 'tests' needs at least one case: {name, request, expect}"])
        #expect(
            try errors("tests: [{name: x, request: \(Self.request), expect: {}}]").first?.contains("'tests[0].expect' needs at least one of") == true)
        let duplicate = """
            tests:
              - {name: same, request: \(Self.request), expect: {rule: default}}
              - {name: same, request: \(Self.request), expect: {rule: default}}
            """
        #expect(try errors(duplicate) == ["t.test.yaml:3:5: error: duplicate test name 'same' (first at line 2); names identify failures"])
        let cost = "tests: [{name: x, request: \(Self.request), expect: {cost: {min: 5, max: 1}}}]"
        #expect(try errors(cost).first?.hasSuffix("error: 'max' (1.00) must not be less than 'min' (5.00) in 'tests[0].expect.cost'") == true)
        #expect(try errors("tests: [{name: x, expect: {rule: default}}]") == ["t.test.yaml:1:9: error: missing required key 'request' in 'tests[0]'"])
    }
}

/// Checking expectations against what a request's decision events show.
@Suite struct PolicyExpectationCheckTests {
    static let at = SourceLocation(file: "t.test.yaml", line: 9, column: 7)

    static func event(_ name: String, _ fields: JSONObject) -> DecisionEvent {
        DecisionEvent(timestamp: Timestamp(millisecondsSinceEpoch: 0), event: name, requestID: "test-1", fields: fields)
    }

    /// A request planned on veo3 then runway (nano-banana excluded), where veo3 answered 503
    /// and runway served it.
    static let fellBack = PolicyTestObservation(events: [
        event(
            "plan",
            [
                "policy": "talkingphoto", "rule": "default",
                "plan": [["provider": "veo3", "tier": "standard"], ["provider": "runway", "tier": "standard"]],
                "excluded": [["provider": "nano-banana", "tier": "economy", "reason": "capability", "detail": "too big"]],
            ]),
        event("action", ["matched": "5xx", "source": "policy", "action": "fallback"]),
        DecisionEvent(
            timestamp: Timestamp(millisecondsSinceEpoch: 5_000), event: "result", requestID: "test-1",
            fields: ["status": "succeeded", "provider": "runway", "cost": 6.0, "currency": "INR", "attempts": 2, "fallback_used": true]),
    ])

    func check(_ kind: PolicyExpectation.Kind, _ observed: PolicyTestObservation = fellBack) -> String? {
        PolicyExpectation(kind, at: Self.at).check(observed)
    }

    @Test func expectationsThatHoldPass() {
        #expect(check(.policy("talkingphoto")) == nil)
        #expect(check(.rule("default")) == nil)
        #expect(check(.plan([PlannedProvider(provider: "veo3"), PlannedProvider(provider: "runway", tier: "standard")])) == nil)
        #expect(check(.excluded([ExpectedExclusion(provider: "nano-banana", reason: .capability)])) == nil)
        #expect(check(.outcome(.succeeded(provider: "runway"))) == nil)
        #expect(check(.outcome(.succeeded(provider: nil))) == nil)
        #expect(check(.cost(min: .zero, max: Money(decimal: "6"))) == nil)
        #expect(check(.attempts(2)) == nil)
        #expect(check(.fallbackUsed(true)) == nil)
        #expect(check(.onError(["5xx"])) == nil)
        #expect(check(.elapsed(min: .seconds(5), max: .seconds(5))) == nil)
    }

    @Test func eachFailureSaysWhatWasExpectedAndWhatHappened() {
        #expect(check(.rule("premium")) == "expected rule 'premium', got 'default'")
        #expect(
            check(.plan([PlannedProvider(provider: "veo3"), PlannedProvider(provider: "nano-banana", tier: "economy")]))
                == "expected plan [veo3, nano-banana (economy)], got [veo3 (standard), runway (standard)]")
        #expect(check(.plan([PlannedProvider(provider: "runway")])) == "expected plan [runway], got [veo3, runway]")
        #expect(check(.excluded([])) == "expected excluded {}, got {nano-banana: capability}")
        #expect(check(.outcome(.succeeded(provider: "veo3"))) == "expected succeeded via veo3, got succeeded via runway")
        #expect(
            check(.outcome(.failed(code: "payment_required", message: "Please upgrade")))
                == "expected failed with payment_required \"Please upgrade\", got succeeded via runway")
        #expect(check(.cost(min: nil, max: Money(decimal: "5"))) == "expected cost at most 5.00, got 6.00 INR")
        #expect(check(.cost(min: Money(decimal: "4.5"), max: Money(decimal: "4.5"))) == "expected cost 4.50, got 6.00 INR")
        #expect(check(.attempts(1)) == "expected 1 attempts, got 2")
        #expect(check(.elapsed(min: nil, max: .seconds(2))) == "expected elapsed at most 2s, got 5s")
        #expect(check(.elapsed(min: .seconds(6), max: nil)) == "expected elapsed at least 6s, got 5s")
        #expect(check(.fallbackUsed(false)) == "expected fallback_used false, got true")
        #expect(check(.onError(["429", "5xx"])) == "expected error-table rows [429, 5xx], got [5xx]")
    }

    @Test func aRejectedRequestHasNoPlan() {
        let rejected = PolicyTestObservation(events: [
            Self.event(
                "request_rejected",
                ["errors": [["field": "duration_s", "code": "out_of_range", "message": "90 s is outside the policy's 15–60 s"]]])
        ])
        #expect(check(.outcome(.rejected(code: "out_of_range")), rejected) == nil)
        #expect(
            check(.rule("default"), rejected)
                == "expected rule 'default', got no plan (rejected (out_of_range: duration_s: 90 s is outside the policy's 15–60 s))")
        #expect(
            check(.outcome(.succeeded(provider: nil)), rejected)
                == "expected succeeded, got rejected (out_of_range: duration_s: 90 s is outside the policy's 15–60 s)")
    }

    @Test func failuresPrintAsFileLineFail() {
        let testCase = PolicyTestCase(
            name: "veo3 first", request: Request(kind: .video), expectations: [PolicyExpectation(.rule("premium"), at: Self.at)],
            location: SourceLocation(file: "t.test.yaml", line: 2, column: 5))
        #expect(
            testCase.failures(for: Self.fellBack).map(\.description) == [
                "t.test.yaml:9: FAIL veo3 first: expected rule 'premium', got 'default'"
            ])
    }

    @Test func coverageCountsRulesAndPolicyRows() throws {
        var coverage = PolicyTestCoverage(config: try shippedConfig())
        coverage.record(Self.fellBack)
        #expect(coverage.summary == ["talkingphoto: rules 1/3, on_error rows 1/10"])
        #expect(coverage.uncovered.map(\.label).prefix(2) == ["rule 'economy'", "rule 'premium'"])
        #expect(coverage.items.first { $0.name == "5xx" }?.cases == 1)
    }
}
