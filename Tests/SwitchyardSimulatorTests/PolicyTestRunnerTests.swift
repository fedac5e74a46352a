import Foundation
import SwitchyardCore
import SwitchyardRuntime
import SwitchyardSimulator
import Testing

/// Policy test cases run through the simulator against the shipped config.
@Suite struct PolicyTestRunnerTests {
    func load(_ text: String, path: String = "t.test.yaml") throws -> (PolicyTestRunner, PolicyTestFile) {
        let config = try SimulatorTests.config()
        let result = PolicyTestFile.load(text: text, path: path, config: config)
        return (PolicyTestRunner(config: config), try #require(result.file, "\(result.diagnostics)"))
    }

    @Test func theShippedTestsPassAndCoverThePolicy() throws {
        let path = "routes/talkingphoto.test.yaml"
        let text = try String(contentsOf: SimulatorTests.root.appendingPathComponent(path), encoding: .utf8)
        let (runner, file) = try load(text, path: path)
        var coverage = PolicyTestCoverage(config: runner.config)
        for testCase in file.cases {
            let (failures, observed) = runner.run(testCase)
            coverage.record(observed)
            #expect(failures.isEmpty, "\(failures.map(\.description))")
        }
        #expect(coverage.uncovered.isEmpty, "\(coverage.uncovered.map(\.label))")
        #expect(coverage.summary == ["talkingphoto: rules 3/3, on_error rows 10/10"])
    }

    @Test func theExampleInTheDocsPasses() throws {
        let docs = try String(contentsOf: SimulatorTests.root.appendingPathComponent("docs/policy-tests.md"), encoding: .utf8)
        let start = try #require(docs.range(of: "```yaml\n"))
        let end = try #require(docs.range(of: "```", range: start.upperBound..<docs.endIndex))
        let (runner, file) = try load(String(docs[start.upperBound..<end.lowerBound]), path: "docs/policy-tests.md")
        #expect(file.cases.count == 2)
        for testCase in file.cases {
            #expect(runner.run(testCase).failures.isEmpty, "\(runner.run(testCase).failures.map(\.description))")
        }
    }

    @Test func aWrongExpectationSaysWhatTheSimulationDid() throws {
        let text = """
            tests:
              - name: veo3 down
                request: {kind: video, user: u1, prompt: hi, image: {url: https://example.com/p.jpg}, duration_s: 30, quality: standard, aspect_ratio: "16:9"}
                scenario: {providers: {veo3: {faults: [{status: 503}]}}}
                expect:
                  outcome: {succeeded: veo3}
                  on_error: []
                  cost: 6.00
            """
        let (runner, file) = try load(text)
        let (failures, observed) = runner.run(try #require(file.cases.first))
        #expect(
            failures.map(\.description) == [
                "t.test.yaml:6: FAIL veo3 down: expected succeeded via veo3, got succeeded via runway",
                "t.test.yaml:7: FAIL veo3 down: expected error-table rows [], got [5xx]",
            ])
        #expect(observed.result?.attempts == 2)
    }

    @Test func theSameCaseGivesTheSameObservation() throws {
        let text = """
            tests:
              - name: flaky
                request: {kind: video, user: u1, prompt: hi, image: {url: https://example.com/p.jpg}, duration_s: 30, aspect_ratio: "16:9"}
                scenario: {seed: 3, providers: {veo3: {faults: [{status: 500, probability: 0.5}, {error: timeout, probability: 0.3}]}}}
                expect: {outcome: succeeded}
            """
        let (runner, file) = try load(text)
        let testCase = try #require(file.cases.first)
        #expect(runner.observe(testCase) == runner.observe(testCase))
    }
}
