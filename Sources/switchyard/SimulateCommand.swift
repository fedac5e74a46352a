import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardSimulator

/// `switchyard simulate`: runs traffic through the policy against scripted providers, on a
/// virtual clock, and prints a summary.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate traffic under a scenario: the same planner and execution machines, a virtual clock, no network.",
        discussion: """
            Prints one JSON summary on stdout: requests, outcomes, per-provider attempts and cost,
            failure codes, latency and queue-wait percentiles. The same seed and inputs give the
            same summary and decisions, byte for byte, whatever output flags are given. With
            --report, also writes a self-contained HTML page of charts. When stderr is a terminal,
            a progress bar shows there while the simulation runs.
            """)

    @OptionGroup var options: ConfigOptions

    @Option(
        help: "JSON lines, one request each, with an optional `at` (seconds from the start). Optional when the scenario has `arrivals`.",
        completion: .file())
    var traffic: String?

    @Option(help: "The scenario: provider faults and job latencies (docs/scenarios.md).", completion: .file())
    var scenario: String

    @Option(help: "Overrides the scenario's seed.")
    var seed: UInt64?

    @Option(help: "Write every decision to this JSON-lines file.", completion: .file())
    var decisions: String?

    @Option(
        help: "Write a self-contained HTML report (outcomes, provider share, cost and latency charts, failure reasons) to this file.",
        completion: .file())
    var report: String?

    @Option(help: "The world at time 0, as for `plan --state`: providers down or disabled, budgets spent.", completion: .file())
    var state: String?

    func run() throws {
        let (config, _) = try options.load(reportWarnings: false)
        let loaded = Scenario.load(text: try readInput(scenario), path: scenario, knownProviders: config.providers.map(\.id))
        for diagnostic in loaded.diagnostics { Terminal.standardError.writeLine(diagnostic.description) }
        guard let script = loaded.scenario else { throw ExitStatus.invalidInput.exitCode }
        guard traffic != nil || script.arrivals != nil else {
            Terminal.standardError.writeLine("error: no traffic: give --traffic FILE.jsonl, or 'arrivals:' in the scenario (\(scenario))")
            throw ExitStatus.usage.exitCode
        }
        let lines = try traffic.map { path -> TrafficLines in
            guard let reader = LineReader(path: path) else {
                Terminal.standardError.writeLine("\(path): error: cannot open the file")
                throw ExitStatus.invalidInput.exitCode
            }
            return TrafficLines(reader: reader, label: path)
        }
        let writer = try decisions.map { path -> DecisionLogWriter in
            // A fresh file per run: reruns must give identical files.
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return try DecisionLogWriter(path: path)
        }
        // Fail before a long run, not after it; an earlier report stays until the new one is whole.
        if let report, !Self.canWrite(report) {
            Terminal.standardError.writeLine("\(report): error: cannot create the report")
            throw ExitStatus.invalidInput.exitCode
        }
        let world = try state.map { try readWorldState($0, config: config) } ?? .empty
        var simulator = Simulator(config: config, scenario: script, seed: seed, state: world, keepsReport: report != nil)
        let arrivals = ArrivalStream(file: lines?.makeIterator(), scenario: simulator.scenario)
        let progress = ProgressBar(total: traffic == nil ? script.arrivals?.count : nil)
        let summary = simulator.run(
            arrivals, decisions: writer.map { writer in { writer.write($0) } }, progress: progress.map { bar in { bar.update($0) } })
        progress?.finish()
        writer?.close()
        Terminal.standardOutput.writeLine(summary.json.jsonString(prettyPrinted: true))
        Terminal.standardError.writeLine("\(summary.requests) requests: \(summary.succeeded) succeeded, \(summary.failed) failed")
        if let report { try writeReport(simulator.report(), to: report) }
        Terminal.flushAll()
        if let bad = lines?.badLines.value, bad > 0 {
            Terminal.standardError.writeLine("\(bad) traffic lines had errors and were skipped")
            Terminal.flushAll()
            throw ExitStatus.invalidInput.exitCode
        }
    }
}

extension SimulateCommand {
    /// Whether `path` can be written, checked without touching a file already there.
    static func canWrite(_ path: String) -> Bool {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) { return !isDirectory.boolValue && files.isWritableFile(atPath: path) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return files.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue && files.isWritableFile(atPath: directory)
    }

    /// Renders the report and writes it; the page names its inputs, which the summary never does.
    private func writeReport(_ report: SimulationReport, to path: String) throws {
        var report = report
        report.inputs = [.init("scenario", scenario)]
        if let traffic { report.inputs.append(.init("traffic", traffic)) }
        if let state { report.inputs.append(.init("state", state)) }
        report.inputs.append(.init("config", options.config))
        let html = ReportRenderer().html(report)
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            Terminal.standardError.writeLine("\(path): error: cannot write the report: \(error.localizedDescription)")
            throw ExitStatus.invalidInput.exitCode
        }
        Terminal.standardError.writeLine("report: \(path)")
    }
}

/// Traffic read lazily from JSON lines: a line without `at` arrives with the line before it.
/// Lines are read and parsed on a second thread, ahead of the simulator, which would otherwise
/// spend a quarter of its time parsing.
struct TrafficLines: Sequence {
    let reader: LineReader
    let label: String
    /// False on a second pass over the same file, whose errors were already reported.
    var reportErrors = true
    /// Counted as lines are parsed; a class so the caller sees it after the run. Written on the
    /// parsing thread, so read only once the iterator has ended: its end is handed over under a
    /// lock, after every write.
    let badLines = Counter()

    final class Counter { var value = 0 }

    func makeIterator() -> Iterator { Iterator(parser: Prefetched(Parser(lines: self))) }

    /// A concrete type rather than `Prefetched<Parser>` itself: the simulator, generic over its
    /// traffic, calls `next()` through the conformance, which for a generic type runs unspecialized.
    struct Iterator: IteratorProtocol {
        let parser: Prefetched<Parser>

        func next() -> SimulatedArrival? { parser.next() }
    }

    /// Reads and parses the lines, reporting bad ones as it goes.
    struct Parser: IteratorProtocol {
        let lines: TrafficLines
        var number = 0
        var last: Duration = .zero

        mutating func next() -> SimulatedArrival? {
            while let line = lines.reader.next() {
                number += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                let json: JSONValue
                do {
                    json = try JSONValue.parse(line)
                } catch {
                    report("not valid JSON: \(error)")
                    continue
                }
                if let at = json["at"]?.doubleValue, at.isFinite, at >= 0 { last = Swift.max(last, .milliseconds(Int64((at * 1000).rounded()))) }
                switch Request.decode(json) {
                case .success(var request):
                    if request.id == nil { request.id = "line-\(number)" }
                    return SimulatedArrival(at: last, request: request)
                case .failure(let errors):
                    report("\(errors)")
                }
            }
            return nil
        }

        private func report(_ message: String) {
            lines.badLines.value += 1
            if lines.reportErrors { Terminal.standardError.writeLine("\(lines.label):\(number): error: \(message)") }
        }
    }
}
