import Foundation
import Testing

/// `simulate --report` as the built binary runs it on the bundled examples.
@Suite struct SimulateReportTests {
    static let arguments = ["simulate", "--traffic", "examples/traffic-2h.jsonl", "--scenario", "examples/scenarios/veo3-outage.yaml"]

    @Test func theReportChangesNeitherTheSummaryNorTheDecisions() throws {
        let directory = try TemporaryDirectory()
        let plainDecisions = directory.url.appendingPathComponent("plain.jsonl")
        let reportDecisions = directory.url.appendingPathComponent("report.jsonl")
        let report = directory.url.appendingPathComponent("out/report.html")
        try FileManager.default.createDirectory(at: report.deletingLastPathComponent(), withIntermediateDirectories: true)
        let plain = try CLIRunner.run(Self.arguments + ["--decisions", plainDecisions.path])
        let reported = try CLIRunner.run(Self.arguments + ["--decisions", reportDecisions.path, "--report", report.path])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(reported.status == 0, "\(reported.stderr)")
        #expect(reported.stdout == plain.stdout)
        #expect(try Data(contentsOf: reportDecisions) == Data(contentsOf: plainDecisions))
        #expect(reported.stderr.contains("report: \(report.path)"))
        // Not a terminal: no progress bar, no escape sequences.
        #expect(!reported.stderr.contains("\u{1B}") && !reported.stderr.contains("\r"))
        #expect(!reported.stderr.contains("simulating"))

        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
        #expect(html.contains("examples/scenarios/veo3-outage.yaml"))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        let requests = try #require(summary["requests"] as? Int)
        #expect(requests == 2_000)
        #expect(html.contains("<div class=\"value\">2,000</div>"))
    }

    @Test func theSameInputsGiveTheSameReportByteForByte() throws {
        let directory = try TemporaryDirectory()
        let first = directory.url.appendingPathComponent("a.html")
        let second = directory.url.appendingPathComponent("b.html")
        let arguments = ["simulate", "--traffic", "examples/traffic.jsonl", "--scenario", "examples/scenarios/veo3-outage.yaml", "--report"]
        let a = try CLIRunner.run(arguments + [first.path])
        let b = try CLIRunner.run(arguments + [second.path])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
    }

    /// A run that fails keeps the last report: it is replaced only once the new one is whole.
    @Test func aFailedRunLeavesTheEarlierReportAlone() throws {
        let directory = try TemporaryDirectory()
        let report = directory.url.appendingPathComponent("report.html")
        try Data("earlier report".utf8).write(to: report)
        let badState = directory.url.appendingPathComponent("state.json")
        try Data("{not json".utf8).write(to: badState)
        let output = try CLIRunner.run(Self.arguments + ["--state", badState.path, "--report", report.path])
        #expect(output.status != 0)
        #expect(try String(contentsOf: report, encoding: .utf8) == "earlier report")
        let directoryReport = try CLIRunner.run(Self.arguments + ["--report", directory.url.path])
        #expect(directoryReport.status == 1)
        #expect(directoryReport.stderr.contains("cannot create the report"))
    }

    @Test func aReportThatCannotBeWrittenFailsBeforeTheRun() throws {
        let output = try CLIRunner.run(Self.arguments + ["--report", "/nonexistent/switchyard/report.html"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("/nonexistent/switchyard/report.html: error: cannot create the report"))
        #expect(output.stdout.isEmpty)
    }
}
