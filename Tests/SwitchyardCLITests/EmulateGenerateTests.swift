import Foundation
import Testing

/// The whole live path as a user runs it: `switchyard emulate` in one process, sourced
/// exports, `switchyard generate` in another.
@Suite struct EmulateGenerateTests {
    /// A running emulator and the environment it printed.
    final class Emulator {
        let process = Process()
        var environment: [String: String] = [:]

        init(scenario: URL) throws {
            process.executableURL = CLIRunner.binary
            process.arguments = ["emulate", "--port", "0", "--scenario", scenario.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The six exports arrive together once the server listens.
            var text = ""
            let handle = output.fileHandleForReading
            while text.components(separatedBy: "\n").filter({ $0.hasPrefix("export ") }).count < 6 {
                let chunk = handle.availableData
                guard !chunk.isEmpty else { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            for line in text.split(separator: "\n") where line.hasPrefix("export ") {
                let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
                if pair.count == 2 { environment[String(pair[0])] = String(pair[1]) }
            }
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The shipped config with polls every 100 ms instead of every few seconds.
    func quickConfig() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.copyShippedConfig()
        for name in ["veo3", "runway", "nano-banana"] {
            let file = directory.url.appendingPathComponent("providers.d/\(name).yaml")
            let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
                of: #"interval: \{initial: [0-9]+s, max: [0-9]+s"#, with: "interval: {initial: 100ms, max: 200ms", options: .regularExpression)
            try Data(text.utf8).write(to: file)
        }
        return directory
    }

    func generate(_ scenario: String, log: URL? = nil) throws -> (CLIRunner.Output, [String: Any]) {
        let directory = try quickConfig()
        let scenarioFile = try directory.write("scenario.yaml", scenario)
        let emulator = try Emulator(scenario: scenarioFile)
        defer { emulator.stop() }
        #expect(emulator.environment.count == 6)
        var arguments = ["generate", "--config", directory.url.path, "examples/requests/talking-photo.json"]
        if let log { arguments.insert(contentsOf: ["--log", log.path], at: 1) }
        let output = try CLIRunner.run(arguments, environment: emulator.environment)
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
        return (output, json)
    }

    @Test func generateFallsBackFromAFailingVeo3ToRunway() throws {
        let logDirectory = try TemporaryDirectory()
        let log = logDirectory.url.appendingPathComponent("decisions.jsonl")
        let (output, result) = try generate(
            """
            providers:
              veo3: {faults: [{status: 500}]}
              runway: {latency: 100ms}
            """, log: log)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(result["status"] as? String == "succeeded")
        #expect(result["provider"] as? String == "runway")
        #expect(result["fallback_used"] as? Bool == true)
        #expect(result["attempts"] as? Int == 2)
        #expect((result["video_url"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        #expect(output.stderr.contains("veo3: HTTP 500"))
        let events = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        // The log tells the whole story; how many job_state lines depends on when polls land.
        let story = events.compactMap { $0["event"] as? String }.filter { $0 != "job_state" }
        #expect(story == ["plan", "attempt_started", "attempt_outcome", "action", "attempt_started", "job_accepted", "result"])
        #expect(events.contains { $0["event"] as? String == "action" && $0["action"] as? String == "fallback" })
        let logText = try String(contentsOf: log, encoding: .utf8)
        #expect(!logText.contains("emulator-veo3-key") && !output.stdout.contains("emulator-") && !output.stderr.contains("emulator-veo3-key"))
    }

    @Test func generateFailsAPaymentRequiredWithTheUpgradeMessage() throws {
        let (output, result) = try generate("providers:\n  veo3: {faults: [{status: 402}]}\n")
        #expect(output.status == 3)
        #expect(result["code"] as? String == "payment_required")
        #expect(output.stderr.contains("Please upgrade your plan to generate more videos."))
    }
}
