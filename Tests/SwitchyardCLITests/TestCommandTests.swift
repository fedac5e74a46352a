import Foundation
import Testing

/// `switchyard test` as a built binary: the shipped policy tests, failing and invalid files.
@Suite struct TestCommandTests {
    static let request =
        "{kind: video, user: u1, prompt: hi, image: {url: https://example.com/p.jpg}, duration_s: 30, quality: standard, aspect_ratio: \"16:9\"}"

    @Test func theShippedPolicyTestsPass() throws {
        let output = try CLIRunner.run(["test"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        let last = try #require(lines.last)
        #expect(last.hasSuffix(" passed, 0 failed"), "\(output.stdout)")
        #expect((Int(last.prefix { $0.isNumber }) ?? 0) >= 20)
        #expect(!output.stdout.contains("FAIL"))
    }

    @Test func theShippedTestsCoverEveryRuleAndErrorRow() throws {
        let output = try CLIRunner.run(["test", "--coverage"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(!output.stdout.contains("not covered"), "\(output.stdout)")
        #expect(output.stdout.contains("coverage: talkingphoto: rules 3/3, on_error rows 10/10\n"))
    }

    @Test func aFailingCaseIsOneLinePerExpectationAndExitsOne() throws {
        let directory = try TemporaryDirectory()
        try directory.copyShippedConfig()
        try directory.write(
            "routes/wrong.test.yaml",
            """
            tests:
              - name: standard goes to veo3
                request: \(Self.request)
                expect:
                  rule: default
                  plan: [runway, veo3, nano-banana]
                  outcome: {succeeded: veo3}
              - name: 402 fails with a message
                request: \(Self.request)
                scenario: {providers: {veo3: {faults: [{status: 402}]}}}
                expect:
                  outcome: {failed: payment_required, message: "Pay up."}
            """)
        let output = try CLIRunner.run(["test", "--verbose", "--config", directory.url.path, "--coverage"])
        #expect(output.status == 1, "\(output.stderr)")
        let path = directory.url.appendingPathComponent("routes/wrong.test.yaml").path
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(path):6: FAIL standard goes to veo3: expected plan [runway, veo3, nano-banana], got [veo3, runway, nano-banana]"))
        #expect(
            lines.contains(
                "\(path):12: FAIL 402 fails with a message: expected failed with payment_required \"Pay up.\", got failed with payment_required \"Please upgrade your plan to generate more videos.\""
            ))
        let passing = lines.filter { $0.contains(": PASS ") }
        #expect(passing.count >= 20)
        let shipped = directory.url.appendingPathComponent("routes/talkingphoto.test.yaml").path
        #expect(passing.allSatisfy { $0.hasPrefix(shipped + ":") })
        #expect(passing.contains { $0.hasSuffix(": PASS standard requests try veo3, then runway, then nano-banana downgraded to economy") })
        #expect(lines.last == "\(passing.count) passed, 2 failed")
        #expect(lines.contains("coverage: talkingphoto: rules 3/3, on_error rows 10/10"))
    }

    @Test func namedFilesRunAloneAndJSONReportsEachCase() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "one.test.yaml",
            "tests: [{name: fine, request: \(Self.request), expect: {outcome: {succeeded: veo3}, cost: 4.50}}]")
        let output = try CLIRunner.run(["test", "--format", "json", file.path])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["passed"] as? Int == 1)
        #expect(report["failed"] as? Int == 0)
        let cases = try #require(report["cases"] as? [[String: Any]])
        #expect(cases.map { $0["name"] as? String } == ["fine"])
        let observed = try #require(cases.first?["observed"] as? [String: Any])
        #expect(observed["rule"] as? String == "default")
        #expect((observed["outcome"] as? [String: Any])?["succeeded"] as? String == "veo3")
        #expect(observed["attempts"] as? Int == 1)
        #expect(output.stderr.contains("1 passed, 0 failed"))
    }

    @Test func runPicksCasesByNameAndDecisionsShowWhatHappened() throws {
        let scratch = try TemporaryDirectory()
        let log = scratch.url.appendingPathComponent("decisions.jsonl").path
        let output = try CLIRunner.run(["test", "--verbose", "--run", "5xx", "--decisions", log])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("routes/talkingphoto.test.yaml:") == true)
        #expect(lines.first?.hasSuffix(": PASS a 5xx falls back to the next provider at once") == true)
        #expect(lines.last == "1 passed, 0 failed")
        let events = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(events.first?.contains(#""event":"plan""#) == true)
        #expect(events.contains { $0.contains(#""event":"action""#) && $0.contains(#""matched":"5xx""#) })
        #expect(events.last?.contains(#""event":"result""#) == true)
    }

    @Test func anInvalidTestFileGetsLocatedErrorsAndExitOne() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "bad.test.yaml",
            """
            tests:
              - name: typo
                request: \(Self.request)
                expect: {outcom: succeeded}
            """)
        let output = try CLIRunner.run(["test", file.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(file.path):4:14: error: unknown key 'outcom' in 'tests[0].expect'; did you mean 'outcome'?"))
        #expect(output.stderr.contains("1 error in \(file.path)"))
        #expect(output.stdout.hasSuffix("0 passed, 0 failed\n"))
    }

    @Test func aMissingFileIsAnErrorButTheOthersStillRun() throws {
        let output = try CLIRunner.run(["test", "routes/talkingphoto.test.yaml", "routes/nothing.test.yaml"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("routes/nothing.test.yaml: error: cannot read the file"))
        #expect(output.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(!output.stdout.hasPrefix("0 passed"))
    }

    @Test func aRunFilterThatMatchesNothingIsAnError() throws {
        let output = try CLIRunner.run(["test", "--run", "no such case"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("error: no test case's name contains \"no such case\""))
    }

    @Test func validateIgnoresTestFilesInRoutes() throws {
        let directory = try TemporaryDirectory()
        try directory.copyShippedConfig()
        try directory.write("routes/broken.test.yaml", "tests: [{this is not a policy")
        let output = try CLIRunner.run(
            ["validate", "--config", directory.url.path], environment: ["VEO3_API_KEY": "k1", "RUNWAY_API_KEY": "k2", "NANO_BANANA_API_KEY": "k3"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("valid: 1 policy, 3 providers"))
    }

    @Test func noTestFilesIsAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "routes/p.yaml", try String(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("routes/talkingphoto.yaml"), encoding: .utf8))
        for name in ["veo3", "runway", "nano-banana"] {
            try directory.write(
                "providers.d/\(name).yaml",
                try String(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("providers.d/\(name).yaml"), encoding: .utf8))
        }
        let output = try CLIRunner.run(["test", "--config", directory.url.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("error: no policy tests"))
    }
}
