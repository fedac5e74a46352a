import Foundation
import Testing

/// `diff` as a product team runs it: the shipped config against a one-rule change.
@Suite struct DiffCommandTests {
    /// The shipped config with Runway moved before Veo3 in the default rule.
    func runwayFirst() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.copyShippedConfig()
        let policy = directory.url.appendingPathComponent("routes/talkingphoto.yaml")
        let text = try String(contentsOf: policy, encoding: .utf8)
        let changed = text.replacingOccurrences(
            of: "  - name: default\n    plan:\n      - veo3\n      - runway", with: "  - name: default\n    plan:\n      - runway\n      - veo3")
        #expect(changed != text, "the shipped default rule changed shape; update this test")
        try Data(changed.utf8).write(to: policy)
        return directory
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aReorderedRuleChangesTheFirstProviderOfTheRequestsItMatches() throws {
        let new = try runwayFirst()
        let arguments = [
            "diff", "--config", new.url.path, "--against", ".", "--traffic", "examples/traffic-2h.jsonl", "--scenario",
            "examples/scenarios/veo3-outage.yaml", "--samples", "3",
        ]
        let output = try CLIRunner.run(arguments)
        #expect(output.status == 0, "\(output.stderr)")
        let report = try json(output.stdout)
        #expect(report["requests"] as? Int == 2000)
        let changed = try #require(report["plan_changed"] as? Int)
        #expect(changed > 0 && changed < 2000)
        #expect(report["first_provider_changed"] as? Int == changed)
        #expect((report["first_provider_moves"] as? [String: Int]) == ["veo3 → runway": changed])
        let cost = try #require(report["projected_cost"] as? [String: Any])
        #expect(try #require(cost["after"] as? Double) > (try #require(cost["before"] as? Double)))
        let samples = try #require(report["samples"] as? [[String: Any]])
        #expect(samples.count == 3)
        let first = try #require(samples.first)
        #expect(((first["before"] as? [String: Any])?["plan"] as? [[String: Any]])?.first?["provider"] as? String == "veo3")
        #expect(((first["after"] as? [String: Any])?["plan"] as? [[String: Any]])?.first?["provider"] as? String == "runway")
        let success = try #require(report["success_rate"] as? [String: Double])
        #expect(success["before"] != nil && success["after"] != nil)
        #expect(output.stderr.contains("plan changed") && output.stderr.contains("success rate"))
        // The same run twice prints the same report.
        #expect(try CLIRunner.run(arguments).stdout == output.stdout)
    }

    @Test func aConfigComparedWithItselfChangesNothing() throws {
        let output = try CLIRunner.run([
            "diff", "--config", ".", "--against", ".", "--traffic", "examples/traffic.jsonl", "--scenario", "examples/scenarios/veo3-outage.yaml",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try json(output.stdout)
        #expect(report["plan_changed"] as? Int == 0)
        #expect(report["first_provider_changed"] as? Int == 0)
        #expect((report["samples"] as? [Any])?.isEmpty == true)
        let success = try #require(report["success_rate"] as? [String: Double])
        #expect(success["before"] == success["after"])
        let simulation = try #require(report["simulation"] as? [String: Any])
        #expect(NSDictionary(dictionary: simulation["before"] as? [String: Any] ?? [:]).isEqual(to: simulation["after"] as? [String: Any] ?? [:]))
    }

    @Test func withoutAScenarioOnlyPlansAreCompared() throws {
        let new = try runwayFirst()
        let output = try CLIRunner.run(["diff", "--config", new.url.path, "--against", ".", "--traffic", "examples/traffic.jsonl"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try json(output.stdout)
        #expect(report["success_rate"] == nil && report["simulation"] == nil)
        #expect(report["requests"] as? Int == 5)
        let usage = try CLIRunner.run(["diff", "--config", new.url.path, "--against", "."])
        #expect(usage.status == 2)
    }
}
