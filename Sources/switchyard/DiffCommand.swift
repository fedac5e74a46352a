import ArgumentParser
import Foundation
import OrderedCollections
import SwitchyardCore
import SwitchyardSimulator

/// `switchyard diff`: what a config change does to the same traffic, before it ships.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two configs on the same traffic: changed plans, projected cost, and (with a scenario) simulated outcomes.",
        discussion: """
            Plans every request under the baseline (--against) and the new config (--config) and
            counts the requests whose plan or first provider changed, with the projected cost (each
            request's first choice) and a sample of changed requests. With --scenario it also
            simulates the traffic under both, with the same seed, and compares success rate, cost
            and latency. JSON on stdout, a short table on stderr.
            """)

    @OptionGroup var options: ConfigOptions

    @Option(help: "The baseline config directory to compare against.", completion: .directory)
    var against: String

    @Option(help: "JSON lines, one request each (optional when the scenario has `arrivals`).", completion: .file())
    var traffic: String?

    @Option(help: "Also simulate both configs under this scenario.", completion: .file())
    var scenario: String?

    @Option(help: "The world at time 0, as for `plan --state`.", completion: .file())
    var state: String?

    @Option(help: "Overrides the scenario's seed; also seeds weighted rules.")
    var seed: UInt64?

    @Option(help: "How many changed requests to show.")
    var samples: Int = 10

    func validate() throws {
        guard samples >= 0 else { throw ValidationError("--samples must not be negative") }
        guard traffic != nil || scenario != nil else { throw ValidationError("give --traffic FILE.jsonl, or a --scenario with arrivals") }
    }

    func run() throws {
        let (after, _) = try options.load(reportWarnings: false)
        var baselineOptions = options
        baselineOptions.config = against
        let (before, _) = try baselineOptions.load(reportWarnings: false)
        // Both configs must know the providers the scenario and the state name.
        let known = Array(Set(after.providers.map(\.id)).union(before.providers.map(\.id))).sorted()
        var script: Scenario?
        if let scenario {
            let loaded = Scenario.load(text: try readInput(scenario), path: scenario, knownProviders: known)
            for diagnostic in loaded.diagnostics { Terminal.standardError.writeLine(diagnostic.description) }
            guard var value = loaded.scenario else { throw ExitStatus.invalidInput.exitCode }
            if let seed { value.seed = seed }
            script = value
        }
        guard traffic != nil || script?.arrivals != nil else {
            Terminal.standardError.writeLine("error: no traffic: give --traffic FILE.jsonl, or 'arrivals:' in the scenario")
            throw ExitStatus.usage.exitCode
        }
        let world = try state.map { try readWorldState($0, config: after) } ?? .empty

        var plans = PlanDiff(before: before, after: after, state: world, seed: seed ?? script?.seed ?? 0, sampleLimit: samples)
        let badLines = try forEachArrival(script) { plans.add($0.request) }
        var report = plans.json
        if let script {
            var simulations: [SimulationSummary] = []
            for config in [before, after] {
                var simulator = Simulator(config: config, scenario: script, state: world, keepsReport: false)
                simulations.append(simulator.run(try arrivalStream(script)))
            }
            report["simulation"] = Self.comparison(before: simulations[0], after: simulations[1])
            report.merge(Self.headlines(before: simulations[0], after: simulations[1]), uniquingKeysWith: { $1 })
        }
        Terminal.standardOutput.writeLine(JSONValue.object(report).jsonString(prettyPrinted: true))
        Terminal.standardError.write(DiffTable.render(report))
        Terminal.flushAll()
        if badLines > 0 {
            Terminal.standardError.writeLine("\(badLines) traffic lines had errors and were skipped")
            Terminal.flushAll()
            throw ExitStatus.invalidInput.exitCode
        }
    }

    /// Runs `body` on every arrival; returns how many traffic lines were bad.
    private func forEachArrival(_ script: Scenario?, _ body: (SimulatedArrival) -> Void) throws -> Int {
        let lines = try trafficLines(reportErrors: true)
        var stream = ArrivalStream(file: lines?.makeIterator(), scenario: script ?? Scenario())
        while let arrival = stream.next() { body(arrival) }
        return lines?.badLines.value ?? 0
    }

    /// A fresh pass over the traffic, for one simulation; bad lines were reported by the plan pass.
    private func arrivalStream(_ script: Scenario) throws -> ArrivalStream<TrafficLines.Iterator> {
        ArrivalStream(file: try trafficLines(reportErrors: false)?.makeIterator(), scenario: script)
    }

    private func trafficLines(reportErrors: Bool) throws -> TrafficLines? {
        try traffic.map { path in
            guard let reader = LineReader(path: path) else {
                Terminal.standardError.writeLine("\(path): error: cannot open the file")
                throw ExitStatus.invalidInput.exitCode
            }
            return TrafficLines(reader: reader, label: path, reportErrors: reportErrors)
        }
    }

    /// The headline fields, at the top level: success rate, cost and latency, before and after.
    private static func headlines(before: SimulationSummary, after: SimulationSummary) -> JSONObject {
        func rate(_ summary: SimulationSummary) -> JSONValue {
            .double(summary.requests == 0 ? 0 : (Double(summary.succeeded) / Double(summary.requests) * 1e4).rounded() / 1e4)
        }
        return [
            "success_rate": ["before": rate(before), "after": rate(after)],
            "simulated_cost": ["before": before.json["cost"]?["total"] ?? .null, "after": after.json["cost"]?["total"] ?? .null],
            "latency_s": ["before": before.json["latency_s"] ?? .null, "after": after.json["latency_s"] ?? .null],
        ]
    }

    private static func comparison(before: SimulationSummary, after: SimulationSummary) -> JSONValue {
        ["before": before.json, "after": after.json]
    }
}
