import Foundation
import NIOHTTP1
import SwitchyardCore
import SwitchyardEmulator
import Testing

/// `switchyard emulate` as a user runs it: the built binary, its stdout and its exit.
@Suite(.timeLimit(.minutes(1))) struct EmulateCommandTests {
    /// The CLI beside the test bundle in the products directory.
    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("switchyard"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("switchyard"),
            EmulatorHarness.repositoryRoot.appendingPathComponent(".build/debug/switchyard"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    @Test func itPrintsTheSixExportsServesAndStopsOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["emulate", "--port", "0"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Bounds the test even if the emulator never prints: ending it ends the read below.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            process.terminate()
        }
        defer {
            watchdog.cancel()
            if process.isRunning { process.terminate() }
        }

        let lines = await Task.detached { Self.readLines(6, from: output.fileHandleForReading) }.value
        #expect(lines.count == 6, "\(lines)")
        var environment: [String: String] = [:]
        for line in lines {
            let assignment = try #require(line.hasPrefix("export ") ? line.dropFirst("export ".count) : nil, "\(line)")
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            environment[parts[0]] = parts[1]
        }
        #expect(
            environment.keys.sorted() == [
                "NANO_BANANA_API_BASE_URL", "NANO_BANANA_API_KEY", "RUNWAY_API_BASE_URL", "RUNWAY_API_KEY", "VEO3_API_BASE_URL", "VEO3_API_KEY",
            ])
        let base = try #require(environment["RUNWAY_API_BASE_URL"])
        #expect(base.hasPrefix("http://127.0.0.1:") && base.hasSuffix("/runway"))

        let key = try #require(environment["RUNWAY_API_KEY"])
        let reply = try await EmulatorHarness.send(
            .GET, "\(base)/v1/tasks/00000000-0000-4000-8000-000000000000",
            headers: [("Authorization", "Bearer \(key)"), ("X-Runway-Version", "2024-11-06")])
        #expect(reply.status == 404)
        #expect(reply.json?["error"] == "Task not found.")

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("runway poll GET /runway/v1/tasks/00000000-0000-4000-8000-000000000000 -> 404"), "\(log)")
        #expect(log.hasSuffix("switchyard emulate: stopped\n"), "\(log)")
    }

    @Test func aBrokenScenarioIsReportedWithPositionsAndExitsOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-emulate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("outage.yaml")
        try Data("providers:\n  runwya:\n    faults: [{status: 503, probability: 2}]\n".utf8).write(to: file)

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["emulate", "--scenario", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(stdout.isEmpty)
        #expect(
            stderr.split(separator: "\n").map(String.init) == [
                "\(file.path):2:3: error: unknown provider 'runwya' in the scenario; did you mean 'runway'? (known providers: nano-banana, runway, veo3)",
                "\(file.path):3:41: error: 'providers.runwya.faults[0].probability' must be at most 1.0, got 2",
                "2 errors in \(file.path)",
            ])
    }

    /// Reads until `count` lines or the end of the stream.
    private static func readLines(_ count: Int, from handle: FileHandle) -> [String] {
        var buffer = Data()
        while buffer.filter({ $0 == UInt8(ascii: "\n") }).count < count {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n").prefix(count).map(String.init)
    }
}
