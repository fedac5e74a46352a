import Foundation
import Testing

@testable import SwitchyardCore

/// Decoding scenario files: the documented shapes, and a located error for every mistake.
@Suite struct ScenarioLoadingTests {
    static let issueExample = """
        seed: 7
        providers:
          veo3:
            latency: {distribution: exponential, mean: 40s}
            faults:
              - {status: 500, probability: 1.0, from: 0s, until: 1h}
              - {status: 429, retry_after: 2s, probability: 0.1}
              - {error: timeout, probability: 0.05}
              - {error: connection, probability: 0.05}
              - {job_failure: "SAFETY.INPUT", probability: 0.02}
        """

    func load(_ text: String, known: [String]? = ["veo3", "runway", "nano-banana"]) -> Scenario.LoadResult {
        Scenario.load(text: text, path: "scenario.yaml", knownProviders: known)
    }

    func errors(_ text: String, known: [String]? = ["veo3", "runway", "nano-banana"]) -> [String] {
        load(text, known: known).diagnostics.map(\.description)
    }

    @Test func theIssueExampleDecodes() throws {
        let result = load(Self.issueExample)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let scenario = try #require(result.scenario)
        #expect(scenario.seed == 7)
        let veo3 = scenario.provider("veo3")
        #expect(veo3.latency == .exponential(mean: .seconds(40)))
        #expect(veo3.location == SourceLocation(file: "scenario.yaml", line: 3, column: 3))
        #expect(
            veo3.faults.map(\.effect) == [
                .status(.init(status: 500)), .status(.init(status: 429, retryAfter: .seconds(2))), .hang(hold: ScenarioFault.defaultHold),
                .connectionReset, .jobFailure(.init(code: "SAFETY.INPUT")),
            ])
        #expect(veo3.faults.map(\.probability) == [1.0, 0.1, 0.05, 0.05, 0.02])
        #expect(veo3.faults[0].window == ScenarioWindow(from: .zero, until: .seconds(3600)))
        #expect(veo3.faults[1].window == .always)
        #expect(veo3.faults.allSatisfy { $0.calls == [.submit] && $0.delay == .zero })
        #expect(veo3.faults[2].location == SourceLocation(file: "scenario.yaml", line: 8, column: 9))
    }

    @Test func theExampleInTheDocsDecodes() throws {
        let docs = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/scenarios.md"), encoding: .utf8)
        let start = try #require(docs.range(of: "```yaml\n"))
        let end = try #require(docs.range(of: "```", range: start.upperBound..<docs.endIndex))
        let result = load(String(docs[start.upperBound..<end.lowerBound]))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let scenario = try #require(result.scenario)
        #expect(scenario.providers.map(\.id) == ["veo3", "runway", "nano-banana"])
        #expect(scenario.provider("veo3").faults[0].window == ScenarioWindow(from: .seconds(600), until: .seconds(4200)))
        #expect(scenario.provider("nano-banana").latency == .fixed(.seconds(8)))
    }

    @Test func everyFaultKindAndDistributionDecodes() throws {
        let result = load(
            """
            x-outage: &outage {from: 10m, until: 70m}
            providers:
              veo3:
                latency: 3s
                faults:
                  - {delay: 3s, probability: 0.2}
                  - {error: malformed_json, probability: 0.1, on: poll}
                  - {error: content_policy, message: "Flagged", probability: 0.1}
                  - {error: timeout, hold: 500ms, probability: 0.1, on: [poll, result]}
                  - {status: 503, code: overloaded, message: "Try later", delay: 1s, probability: 0.5, <<: *outage}
              runway:
                latency: {distribution: lognormal, p50: 30s, p99: 2m}
                faults:
                  - {job_failure: SAFETY.INPUT.IMAGE, message: "Image flagged"}
              nano-banana:
                latency: {distribution: uniform, min: 5s, max: 15s}
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let scenario = try #require(result.scenario)
        #expect(scenario.seed == 0)
        let veo3 = scenario.provider("veo3")
        #expect(veo3.latency == .fixed(.seconds(3)))
        #expect(veo3.faults[0].effect == .respond && veo3.faults[0].delay == .seconds(3))
        #expect(veo3.faults[1].effect == .malformedJSON && veo3.faults[1].calls == [.poll])
        #expect(veo3.faults[2].effect == .contentPolicy(message: "Flagged"))
        #expect(veo3.faults[3].effect == .hang(hold: .milliseconds(500)) && veo3.faults[3].calls == [.poll, .result])
        #expect(veo3.faults[4].effect == .status(.init(status: 503, code: "overloaded", message: "Try later")))
        #expect(veo3.faults[4].window == ScenarioWindow(from: .seconds(600), until: .seconds(4200)))
        #expect(veo3.faults[4].delay == .seconds(1))
        let runway = scenario.provider("runway")
        #expect(runway.latency == .lognormal(p50: .seconds(30), p99: .seconds(120)))
        #expect(
            runway.faults == [
                ScenarioFault(
                    effect: .jobFailure(.init(code: "SAFETY.INPUT.IMAGE", message: "Image flagged")), probability: 1,
                    location: runway.faults.first?.location)
            ])
        #expect(scenario.provider("nano-banana").latency == .uniform(min: .seconds(5), max: .seconds(15)))
        #expect(scenario.provider("other") == ScenarioProvider(id: "other"))
    }

    @Test func unknownKeysGetSuggestions() {
        #expect(errors("seed: 1\nprovders: {}") == ["scenario.yaml:2:1: error: unknown key 'provders'; did you mean 'providers'?"])
        #expect(
            errors("providers:\n  veo3:\n    faults:\n      - {status: 500, probabilty: 0.5}") == [
                "scenario.yaml:4:23: error: unknown key 'probabilty' in 'providers.veo3.faults[0]'; did you mean 'probability'?"
            ])
        #expect(
            errors("providers:\n  veo3: {latncy: 2s}") == [
                "scenario.yaml:2:10: error: unknown key 'latncy' in 'providers.veo3'; did you mean 'latency'?"
            ])
        #expect(
            errors("providers:\n  veo3:\n    latency: {distribution: uniform, min: 1s, mean: 2s}") == [
                "scenario.yaml:3:14: error: missing required key 'max' in 'providers.veo3.latency'",
                "scenario.yaml:3:47: error: unknown key 'mean' in 'providers.veo3.latency'; did you mean 'min'?",
            ])
    }

    @Test func unknownProvidersAreErrorsOnlyWhenTheCallerKnowsTheIds() {
        let text = "providers:\n  veo: {latency: 1s}"
        #expect(
            errors(text) == [
                "scenario.yaml:2:3: error: unknown provider 'veo' in the scenario; did you mean 'veo3'? (known providers: nano-banana, runway, veo3)"
            ])
        #expect(errors(text, known: nil).isEmpty)
    }

    @Test func valuesAreCheckedWhereTheyAreWritten() {
        let cases: [(String, String)] = [
            ("- {status: 500, probability: 1.5}", "4:36: error: 'providers.veo3.faults[0].probability' must be at most 1.0, got 1.5"),
            ("- {status: 200}", "4:18: error: 'providers.veo3.faults[0].status' must be at least 400, got 200"),
            (
                "- {status: 500, delay: 2 secs}",
                "4:30: error: malformed duration \"2 secs\" for 'providers.veo3.faults[0].delay'; write a number with a unit: 300s, 5m, 1h, 250ms"
            ),
            ("- {status: 500, from: 1h, until: 30m}", "4:40: error: 'until' (30m) must be later than 'from' (1h)"),
            (
                "- {error: hang}",
                "4:17: error: unknown value \"hang\" for 'providers.veo3.faults[0].error'; expected one of timeout, connection, malformed_json, content_policy"
            ),
            (
                "- {error: conection}",
                "4:17: error: unknown value \"conection\" for 'providers.veo3.faults[0].error'; expected one of timeout, connection, malformed_json, content_policy; did you mean 'connection'?"
            ),
            ("- {error: timeout, retry_after: 2s}", "4:39: error: 'retry_after' applies only to a 'status' fault"),
            ("- {error: connection, hold: 2s}", "4:35: error: 'hold' applies only to an 'error: timeout' fault"),
            ("- {error: timeout, hold: 2h}", "4:32: error: 'hold' must be at most 1h, got 2h"),
            ("- {job_failure: X, on: poll}", "4:30: error: a 'job_failure' fault applies to 'submit' only: the job is accepted, then fails"),
            ("- {job_failure: ''}", "4:23: error: 'job_failure' must not be empty"),
            ("- {status: 500, error: timeout}", "4:9: error: a fault has one of 'status', 'error' or 'job_failure', not 'status' and 'error'"),
            ("- {probability: 0.5}", "4:9: error: a fault needs one of 'status', 'error' or 'job_failure', or just a 'delay' for a slow response"),
            (
                "- {status: 500, on: [submit, pol]}",
                "4:36: error: unknown value \"pol\" for 'providers.veo3.faults[0].on[1]'; expected one of submit, poll, result, cancel; did you mean 'poll'?"
            ),
            ("- {status: 500, on: []}", "4:27: error: 'on' must name at least one of submit, poll, result, cancel"),
            ("- {status: 500, code: x, message: y, retry_after: 1s}", ""),
        ]
        for (fault, expected) in cases {
            let found = errors("providers:\n  veo3:\n    faults:\n      \(fault)")
            if expected.isEmpty {
                #expect(found.isEmpty, "\(fault)")
            } else {
                #expect(found == ["scenario.yaml:\(expected)"], "\(fault)")
            }
        }
    }

    @Test func latencyMistakesAreLocated() {
        let cases: [(String, String)] = [
            (
                "{distribution: normal, mean: 2s}",
                "3:29: error: unknown value \"normal\" for 'providers.veo3.latency.distribution'; expected one of fixed, uniform, exponential, lognormal"
            ),
            ("{mean: 2s}", "3:14: error: missing required key 'distribution' in 'providers.veo3.latency'"),
            ("{distribution: lognormal, p50: 10s, p99: 5s}", "3:55: error: 'p99' (5s) must not be less than 'p50' (10s) in 'providers.veo3.latency'"),
            ("{distribution: lognormal, p50: 0s, p99: 5s}", "3:45: error: 'providers.veo3.latency.p50' must be longer than 0"),
            ("{distribution: uniform, min: 5s, max: 1s}", "3:52: error: 'max' (1s) must not be less than 'min' (5s) in 'providers.veo3.latency'"),
            ("[1s]", "3:14: error: expected a mapping such as {distribution: exponential, mean: 40s} or a duration for 'providers.veo3.latency'"),
            ("forever", "3:14: error: malformed duration \"forever\" for 'providers.veo3.latency'; write a number with a unit: 300s, 5m, 1h, 250ms"),
        ]
        for (latency, expected) in cases {
            #expect(errors("providers:\n  veo3:\n    latency: \(latency)") == ["scenario.yaml:\(expected)"], "\(latency)")
        }
    }

    @Test func documentMistakesAreLocated() {
        #expect(errors("") == ["scenario.yaml:1:1: error: the file is empty"])
        #expect(errors("seed: -1") == ["scenario.yaml:1:7: error: 'seed' must be at least 0, got -1"])
        #expect(errors("- seed: 1") == ["scenario.yaml:1:1: error: expected a mapping for the document, got a list"])
        #expect(errors("providers: [veo3]") == ["scenario.yaml:1:12: error: expected a mapping for 'providers', got a list"])
        #expect(errors("seed: 1\nseed: 2").first?.hasPrefix("scenario.yaml:") == true)
        let syntax = errors("providers:\n  veo3: {latency: 2s\n")
        #expect(syntax.count == 1 && syntax[0].hasPrefix("scenario.yaml:3:1: error: YAML syntax:"), "\(syntax)")
        #expect(load("seed: 1\n---\nseed: 2").scenario == nil)
    }

    @Test func everyErrorOfAFileIsReportedAtOnce() {
        let found = errors(
            """
            seed: x
            providers:
              veo3:
                latency: {distribution: exponential, mean: soon}
                faults:
                  - {status: 999, probability: 2}
            """)
        #expect(found.count == 4, "\(found)")
        #expect(found.map { $0.split(separator: ":")[1] } == ["1", "4", "6", "6"])
    }

    @Test func aFaultCrowdedOutOfTheDrawIsAWarning() throws {
        let result = load(
            """
            providers:
              veo3:
                faults:
                  - {status: 500, probability: 0.6}
                  - {status: 503, probability: 0.4}
                  - {error: connection, probability: 0.1}
                  - {error: timeout, probability: 0.1, on: poll}
                  - {status: 502, probability: 0.1, from: 1h}
            """)
        #expect(result.scenario != nil)
        #expect(
            result.diagnostics.map(\.description) == [
                "scenario.yaml:6:9: warning: this fault can never fire: the faults before it, active at all times, already take the whole draw",
                "scenario.yaml:8:9: warning: this fault can never fire: the faults before it, active at all times, already take the whole draw",
            ])
    }
}
