import Foundation
import Testing

/// The CLI as a built binary: exit codes, stdout JSON, stderr diagnostics.
@Suite struct CLITests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func validateAcceptsTheShippedConfig() throws {
        let output = try CLIRunner.run(["validate"], environment: ["VEO3_API_KEY": "k1", "RUNWAY_API_KEY": "k2", "NANO_BANANA_API_KEY": "k3"])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try json(output.stdout)
        #expect(summary["valid"] as? Bool == true)
        #expect(summary["providers"] as? [String] == ["nano-banana", "runway", "veo3"])
        #expect(output.stderr.contains("valid: 1 policy, 3 providers, 0 warnings"))
    }

    @Test func missingSecretsAreWarningsThatNeverShowValues() throws {
        let output = try CLIRunner.run(
            ["validate"], environment: ["VEO3_API_KEY": "", "RUNWAY_API_KEY": "sk-very-secret", "NANO_BANANA_API_KEY": ""])
        #expect(output.status == 0)
        #expect(
            output.stderr.contains(
                "providers.d/veo3.yaml:10:11: warning: secret of provider 'veo3' is missing: environment variable VEO3_API_KEY is not set"))
        #expect(!output.stderr.contains("sk-very-secret") && !output.stdout.contains("sk-very-secret"))
    }

    @Test func aBrokenPolicyGetsLocatedErrorsAndExitOne() throws {
        let directory = try TemporaryDirectory()
        try directory.copyShippedConfig()
        let policy = directory.url.appendingPathComponent("routes/talkingphoto.yaml")
        var text = try String(contentsOf: policy, encoding: .utf8)
        text = text.replacingOccurrences(of: "deadline: 15m", with: "deadline: 15 mins").replacingOccurrences(of: "- runway\n", with: "- runwya\n")
        try Data(text.utf8).write(to: policy)
        let output = try CLIRunner.run(["validate", "--config", directory.url.path])
        #expect(output.status == 1)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        let prefix = directory.url.appendingPathComponent("routes/talkingphoto.yaml").path
        #expect(
            lines.contains(
                "\(prefix):26:9: error: unknown provider 'runwya' in the plan of rule 'default'; did you mean 'runway'? (known providers: nano-banana, runway, veo3)"
            ))
        #expect(lines.contains { $0.hasPrefix("\(prefix):31:13: error: malformed duration \"15 mins\"") })
        #expect(lines.last == "2 errors in \(directory.url.path)")
        #expect(output.stdout.isEmpty)
    }

    @Test func planPrintsTheDocumentedJSON() throws {
        let output = try CLIRunner.run(["plan", "examples/requests/standard-30s.json"])
        #expect(output.status == 0, "\(output.stderr)")
        let plan = try json(output.stdout)
        #expect(plan["policy"] as? String == "talkingphoto")
        #expect(plan["rule"] as? String == "default")
        let entries = try #require(plan["plan"] as? [[String: Any]])
        #expect(entries.map { $0["provider"] as? String } == ["veo3", "runway", "nano-banana"])
        #expect(entries.map { $0["estimated_cost"] as? Double } == [4.5, 6.0, 1.17])
        #expect(entries.map { $0["downgrade"] as? Bool } == [false, false, true])
        #expect((entries[2]["params"] as? [String: Any])?["resolution"] as? String == "720p")
        #expect(plan["excluded"] as? [Any] != nil)
        #expect((plan["worst_case"] as? [String: Any])?["attempts"] as? Int == 6)
    }

    @Test func planReadsStdinAndState() throws {
        let directory = try TemporaryDirectory()
        let state = try directory.write(
            "state.json", #"{"providers": {"veo3": {"available": false}}, "budgets": {"user_123": {"spent_today": 98.0}}}"#)
        let request = try String(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("examples/requests/standard-30s.json"), encoding: .utf8)
        let output = try CLIRunner.run(["plan", "--state", state.path, "-"], stdin: request)
        #expect(output.status == 0)
        let plan = try json(output.stdout)
        #expect((plan["plan"] as? [[String: Any]])?.map { $0["provider"] as? String } == ["nano-banana"])
        let excluded = try #require(plan["excluded"] as? [[String: Any]])
        #expect(excluded.map { $0["reason"] as? String } == ["unavailable", "budget"])
    }

    @Test func anEmptyPlanExitsThree() throws {
        let directory = try TemporaryDirectory()
        let state = try directory.write(
            "state.json", #"{"providers": {"veo3": {"available": false}, "runway": {"available": false}, "nano-banana": {"disabled": true}}}"#)
        let output = try CLIRunner.run(["plan", "--state", state.path, "examples/requests/standard-30s.json"])
        #expect(output.status == 3)
        #expect(output.stderr.contains("no provider can serve this request"))
        #expect(try json(output.stdout)["plan"] as? [Any] != nil)
    }

    @Test func aBadRequestNamesItsFieldsAndExitsOne() throws {
        let output = try CLIRunner.run(
            ["plan", "-"], stdin: #"{"kind": "video", "prompt": "hi", "user": "u", "duration_s": 90, "quality": "standrd"}"#)
        #expect(output.status == 1)
        #expect(output.stderr.contains("-: error: quality: unknown quality \"standrd\"; did you mean 'standard'?"))
        #expect(output.stderr.contains("-: error: duration_s: 90 s is outside the allowed 15–60 s"))
        let errors = try #require(try json(output.stdout)["errors"] as? [[String: Any]])
        #expect(errors.map { $0["field"] as? String } == ["quality", "duration_s"])
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLIRunner.run(["plan"]).status == 2)
        #expect(try CLIRunner.run(["frobnicate"]).status == 2)
        #expect(try CLIRunner.run(["plan", "--format", "yaml", "x.json"]).status == 2)
    }

    @Test func batchStreamsOnePlanPerLineAndReportsBadLines() throws {
        let lines = [
            #"{"id": "a", "user": "u1", "kind": "video", "prompt": "hi", "duration_s": 30, "quality": "standard", "at": 0.5}"#,
            #"{"id": "b", "user": "u1", "kind": "video", "prompt": "hi", "duration_s": 60}"#,
            "{not json",
            "",
            #"{"user": "u2", "kind": "video", "prompt": "hi", "duration_s": 20, "quality": "economy"}"#,
        ]
        let directory = try TemporaryDirectory()
        let log = directory.url.appendingPathComponent("decisions.jsonl")
        let output = try CLIRunner.run(["plan", "--batch", "--log", log.path, "-"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(output.status == 1)
        let results = try output.stdout.split(separator: "\n").map { try json(String($0)) }
        #expect(results.count == 4)
        #expect(results.map { $0["request_id"] as? String } == ["a", "b", nil, "line-5"])
        #expect(results[2]["line"] as? Int == 3)
        #expect(((results[2]["errors"] as? [[String: Any]])?.first?["code"]) as? String == "invalid_json")
        #expect(output.stderr.contains("-:3: error: not valid JSON"))
        #expect(output.stderr.contains("1 of 5 lines had errors"))

        let events = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { try json(String($0)) }
        #expect(events.map { $0["event"] as? String } == ["plan", "plan", "request_rejected", "plan"])
        #expect(events.allSatisfy { ($0["ts"] as? String)?.hasSuffix("Z") == true })
        #expect(events[0]["request_id"] as? String == "a")
        #expect(events[0]["rule"] as? String == "default")
        #expect(events[1]["excluded"] as? [Any] != nil)
    }

    @Test func textFormatExplainsThePlan() throws {
        let output = try CLIRunner.run(
            ["plan", "--format", "text", "-"],
            stdin:
                #"{"id": "r", "user": "u", "kind": "video", "prompt": "hi", "image": {"url": "https://example.com/a.png", "bytes": 1000}, "duration_s": 60, "aspect_ratio": "16:9"}"#
        )
        #expect(output.status == 0)
        #expect(output.stdout.contains("1. veo3        standard (1080p 30 fps 4000 kbps) 9.00 INR"))
        #expect(output.stdout.contains("- runway [cost_cap]: estimated 12.00 INR exceeds the policy's max_cost_per_request of 10.00 INR"))
    }

    @Test func lintReportsFindingsAndStrictFails() throws {
        let output = try CLIRunner.run(["lint"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("routes/talkingphoto.yaml:22:18: warning: 'runway' can never serve rule 'premium': tier premium needs 60 fps"))
        #expect(((try json(output.stdout))["findings"] as? [Any])?.count == 1)
        #expect(try CLIRunner.run(["lint", "--strict"]).status == 1)
    }

    @Test func aMissingConfigDirectoryIsAnInputError() throws {
        let output = try CLIRunner.run(["validate", "--config", "/nonexistent/switchyard"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("no such config directory"))
    }
}

/// `simulate` as a user runs it on the bundled examples.
@Suite struct SimulateCommandTests {
    @Test func simulatesTheBundledOutageDeterministically() throws {
        let directory = try TemporaryDirectory()
        let first = directory.url.appendingPathComponent("a.jsonl")
        let second = directory.url.appendingPathComponent("b.jsonl")
        let arguments = ["simulate", "--traffic", "examples/traffic.jsonl", "--scenario", "examples/scenarios/veo3-outage.yaml", "--decisions"]
        let a = try CLIRunner.run(arguments + [first.path])
        let b = try CLIRunner.run(arguments + [second.path])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
        for key in [
            "requests", "succeeded", "failed", "fallback_used", "by_provider", "failures_by_code", "cost", "latency_s", "queue_wait_s",
            "attempts_per_request", "cache_hits",
        ] {
            #expect(summary[key] != nil, "missing \(key)")
        }
        #expect(summary["requests"] as? Int == 5)
    }

    @Test func aScenarioCanGenerateItsOwnTrafficAndMergeItWithAFile() throws {
        let directory = try TemporaryDirectory()
        let scenario = try directory.write(
            "generated.yaml",
            """
            seed: 9
            arrivals:
              process: poisson
              rate_per_s: 2
              count: 300
              users: 40
              mix:
                - {weight: 1, request: {user: "u{user}", kind: video, prompt: "clip {n}", image: {path: x.png, bytes: 10}, duration_s: 20, aspect_ratio: "16:9"}}
            providers:
              veo3: {faults: [{status: 500, until: 1m}]}
            """)
        let generated = try CLIRunner.run(["simulate", "--scenario", scenario.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(generated.stdout.utf8)) as? [String: Any])
        #expect(summary["requests"] as? Int == 300)
        #expect((summary["fallback_used"] as? Int ?? 0) > 0)
        let merged = try CLIRunner.run(["simulate", "--scenario", scenario.path, "--traffic", "examples/traffic.jsonl"])
        #expect((try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any])?["requests"] as? Int == 305)
        let none = try CLIRunner.run(["simulate", "--scenario", "examples/scenarios/veo3-outage.yaml"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no traffic"))
    }

    @Test func badTrafficLinesAreReportedAndTheRestIsSimulated() throws {
        let directory = try TemporaryDirectory()
        let traffic = try directory.write(
            "traffic.jsonl",
            """
            {"at": 0, "user": "u", "kind": "video", "prompt": "hi", "image": {"path": "x.png", "bytes": 10}, "duration_s": 20}
            {"at": 1, "kind": "vidoe"}
            """)
        let output = try CLIRunner.run(["simulate", "--traffic", traffic.path, "--scenario", "examples/scenarios/veo3-outage.yaml"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(traffic.path):2: error:"))
        #expect((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["requests"] as? Int == 1)
    }

    /// The traffic is parsed on a second thread, a batch at a time: errors still come in line
    /// order, and every one is counted before the tally.
    @Test func badLinesAcrossManyBatchesAreReportedInOrder() throws {
        let directory = try TemporaryDirectory()
        let bad: [Int: String] = [3: #"{"at": 1, "kind": "#, 1_024: "[1, 2", 1_025: #"{"kind": "vidoe"}"#, 3_000: #"{"user": "u"}"#]
        let lines = (1...3_000).map { n in
            bad[n]
                ?? #"{"at": \#(n), "user": "u\#(n % 7)", "kind": "video", "prompt": "p", "image": {"path": "x.png", "bytes": 10}, "duration_s": 20}"#
        }
        let traffic = try directory.write("traffic.jsonl", lines.joined(separator: "\n") + "\n")
        let output = try CLIRunner.run(["simulate", "--traffic", traffic.path, "--scenario", "examples/scenarios/veo3-outage.yaml"])
        #expect(output.status == 1)
        let stderr = output.stderr.split(separator: "\n")
        #expect(stderr.count == 6, "\(output.stderr)")
        #expect(stderr.prefix(4).map { $0.dropFirst(traffic.path.count).prefix { $0 != " " } } == [":3:", ":1024:", ":1025:", ":3000:"])
        #expect(stderr.dropFirst(4).first?.hasPrefix("2996 requests: ") == true)
        #expect(stderr.last == "4 traffic lines had errors and were skipped")
        #expect((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["requests"] as? Int == 2_996)
    }
}
