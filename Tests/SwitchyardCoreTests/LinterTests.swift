import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct LinterTests {
    func findings(_ policy: String, providers: [String: String] = ["providers.d/alpha.yaml": descriptorYAML()]) throws -> [String] {
        let result = load(providers: providers, policies: ["routes/demo.yaml": policy])
        let config = try #require(result.config, "\(result.rendered)")
        return Linter(config: config).lint().map(\.description)
    }

    let fullTable = """
        on_error:
          429: {action: retry, attempts: 1, then: fallback}
          5xx: fallback
          timeout: fallback
          connection: fallback
          job_failed: fallback
          content_policy: {action: fail, message: "No."}
          4xx: {action: fail, message: "No."}
        limits: {max_attempts: 10, deadline: 2h, max_cost_per_request: 100}
        """

    /// The shipped tests reach every rule; leave some cases out and the rules only they reach
    /// are reported, and with no case at all, the policy is.
    @Test func rulesAndPoliciesNoTestCaseReachesAreReported() throws {
        let config = try shippedConfig()
        let path = "routes/talkingphoto.test.yaml"
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
        let cases = try #require(PolicyTestFile.load(text: text, path: path, config: config).file).cases
        func untested(_ cases: [PolicyTestCase]) -> [String] {
            Linter(config: config).lint(tests: cases).filter { $0.code.hasPrefix("untested") }.map(\.description)
        }
        #expect(untested(cases).isEmpty)
        let withoutPremium = cases.filter { $0.request.quality != "premium" }
        #expect(untested(withoutPremium).count == 1)
        #expect(
            untested(withoutPremium).first?.contains("no policy test case reaches rule 'premium' of policy 'talkingphoto' [untested-rule]") == true)
        #expect(
            untested([]) == [
                "routes/talkingphoto.yaml:3:1: warning: no policy test case reaches policy 'talkingphoto'; add cases to a routes/*.test.yaml file (docs/policy-tests.md) [untested-policy]"
            ])
    }

    @Test func shippedConfigHasOneRealFinding() throws {
        let findings = Linter(config: try shippedConfig()).lint().map(\.description)
        #expect(
            findings == [
                "routes/talkingphoto.yaml:22:18: warning: 'runway' can never serve rule 'premium': tier premium needs 60 fps; its maximum is 30 fps [unsatisfiable-entry]"
            ])
    }

    @Test func shadowedRules() throws {
        let policy = """
            policy: demo
            match: {kind: video}
            tiers: {economy: {resolution: 720p}, standard: {resolution: 1080p}}
            default_tier: standard
            rules:
              - name: long
                when: {duration_s: {gte: 30}}
                plan: [alpha]
              - name: longer
                when: {duration_s: {gt: 40}, quality: economy}
                plan: [alpha]
              - name: everything
                plan: [alpha]
              - name: never
                when: {quality: standard}
                plan: [alpha]
            \(fullTable)
            """
        let found = try findings(policy)
        #expect(
            found.contains(
                "routes/demo.yaml:9:5: warning: rule 'longer' can never match: every request it matches is taken first by rule 'long' (line 6) [shadowed-rule]"
            ))
        #expect(
            found.contains(
                "routes/demo.yaml:14:5: warning: rule 'never' can never match: every request it matches is taken first by rule 'everything' (line 12) [shadowed-rule]"
            ))
        #expect(found.contains { $0.contains("[no-catch-all]") })
        #expect(!found.contains { $0.contains("'everything' can never match") })
    }

    @Test func unreachableProviders() throws {
        let found = try findings(
            policyYAML(extra: fullTable),
            providers: ["providers.d/alpha.yaml": descriptorYAML(), "providers.d/beta.yaml": descriptorYAML(id: "beta")])
        #expect(
            found == [
                "providers.d/beta.yaml:1:1: warning: provider 'beta' is in no plan of any policy, so no request can reach it [unreachable-provider]"
            ])
    }

    @Test func entriesThatCanNeverServe() throws {
        let shortOnly = descriptorYAML(id: "short", durations: "[4, 6, 8]")
        let policy = policyYAML(plan: "[alpha, short]", extra: fullTable + "\nconstraints: {durations: {min: 15, max: 60}}")
        let found = try findings(policy, providers: ["providers.d/alpha.yaml": descriptorYAML(), "providers.d/short.yaml": shortOnly])
        #expect(
            found == [
                "routes/demo.yaml:9:19: warning: 'short' can never serve rule 'all': it makes 4, 6, 8 s, the policy allows 15–60 s [unsatisfiable-entry]"
            ])
    }

    @Test func outcomesLeftToTheDefault() throws {
        let found = try findings(policyYAML(extra: "on_error:\n  5xx: fallback\n  4xx: {action: fail, message: \"No.\"}\nlimits: {max_attempts: 10}"))
        #expect(found.contains("routes/demo.yaml:11:3: warning: on_error has no row for timeout; the default applies: fall back [default-action]"))
        #expect(
            found.contains(
                "routes/demo.yaml:12:3: warning: '4xx: fail' also covers 429, so rate-limited attempts fail instead of retrying; add a 429 or rate_limited row [class-covers-rate-limit]"
            ))
        #expect(found.filter { $0.contains("[default-action]") }.count == 4)
    }

    @Test func worstCasesAboveTheLimits() throws {
        let table = fullTable.replacingOccurrences(
            of: "limits: {max_attempts: 10, deadline: 2h, max_cost_per_request: 100}",
            with: "limits: {max_attempts: 1, deadline: 1m, max_cost_per_request: 1}")
        let found = try findings(policyYAML(extra: table + "\nconstraints: {durations: {min: 15, max: 60}}"))
        #expect(
            found.contains {
                $0.contains("retries × fallbacks can reach 2 attempts (up to 2 per provider); max_attempts stops them at 1 [worst-case-attempts]")
            })
        #expect(found.contains { $0.contains("the deadline stops it at 1m [worst-case-time]") })
        #expect(found.contains { $0.contains("a 60 s request could cost") && $0.contains("[worst-case-cost]") })
        let ignored = try findings(
            policyYAML(
                extra: table
                    + "\nconstraints: {durations: {min: 15, max: 60}}\nlint: {ignore: [worst-case-attempts, worst-case-time, worst-case-cost]}"))
        #expect(ignored.isEmpty)
    }

    @Test func overlappingPolicies() throws {
        let second = policyYAML(extra: fullTable).replacingOccurrences(of: "policy: demo", with: "policy: other")
        let result = load(policies: ["routes/a.yaml": policyYAML(extra: fullTable), "routes/b.yaml": second])
        let config = try #require(result.config)
        #expect(
            Linter(config: config).lint().map(\.description) == [
                "routes/b.yaml:2:8: warning: policy 'other' overlaps policy 'demo' (routes/a.yaml:1:1), which comes first and takes every request both match [overlapping-policies]"
            ])
        let disjoint = second.replacingOccurrences(of: "match: {kind: video}", with: "match: {kind: video, metadata: {product: b}}")
        let first = policyYAML(extra: fullTable).replacingOccurrences(
            of: "match: {kind: video}", with: "match: {kind: video, metadata: {product: a}}")
        let separate = try #require(load(policies: ["routes/a.yaml": first, "routes/b.yaml": disjoint]).config)
        #expect(Linter(config: separate).lint().isEmpty)
    }

    @Test func unknownLintCodesAreErrors() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "lint: {ignore: [shadowed-rules]}")])
        #expect(result.rendered.first?.contains("unknown lint finding 'shadowed-rules'; did you mean 'shadowed-rule'?") == true)
    }
}
