import ArgumentParser
import Foundation
import OrderedCollections
import SwitchyardCore

/// `switchyard plan`: the ordered fallback plan for a request, and why each provider is in or out.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Explain the plan a request would get, without calling any provider.",
        discussion: """
            With --batch, reads JSON lines (one request each, simulator traffic lines too) and
            writes one plan per line; a bad line gets an error line naming its line number.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @OptionGroup var options: ConfigOptions

    @Option(help: "A JSON world snapshot: provider availability and users' spending today.", completion: .file())
    var state: String?

    @Option(help: "Append each decision to this JSON-lines log.", completion: .file())
    var log: String?

    @Option(help: "Seed for the random draws of weighted rules.")
    var seed: UInt64 = 1

    @Option(help: "json (default) or text, an explanation for people.")
    var format: Format = .json

    @Flag(help: "Read JSON lines, one request each, and write one plan per line.")
    var batch = false

    @Argument(help: "The request (JSON), or - for stdin.", completion: .file())
    var request: String

    func run() throws {
        let (config, _) = try options.load(reportWarnings: false)
        let planner = Planner(config: config)
        let world = try readState(config)
        let logWriter = try log.map(DecisionLogWriter.init(path:))
        var random = SplitMix64(seed: seed)
        defer {
            logWriter?.close()
            Terminal.flushAll()
        }
        if batch {
            let ok = try runBatch(planner: planner, world: world, log: logWriter, random: &random)
            Terminal.flushAll()
            if !ok { throw ExitStatus.invalidInput.exitCode }
            return
        }
        let text = try readInput(request)
        let outcome = plan(text: text, planner: planner, world: world, log: logWriter, draw: random.nextUnit())
        switch outcome {
        case .failure(let errors):
            for error in errors.errors { Terminal.standardError.writeLine("\(request): error: \(error)") }
            Terminal.standardOutput.writeLine(errors.json.jsonString(prettyPrinted: true))
            throw ExitStatus.invalidInput.exitCode
        case .success(let plan):
            switch format {
            case .json: Terminal.standardOutput.writeLine(plan.json.jsonString(prettyPrinted: true))
            case .text: Terminal.standardOutput.write(PlanExplanation.text(plan))
            }
            if plan.entries.isEmpty {
                Terminal.standardError.writeLine("\(request): error: no provider can serve this request; every candidate was excluded")
                throw ExitStatus.requestFailed.exitCode
            }
        }
    }

    /// Returns false when any line was bad.
    private func runBatch(planner: Planner, world: WorldState, log: DecisionLogWriter?, random: inout SplitMix64) throws -> Bool {
        guard let reader = LineReader(path: request) else {
            Terminal.standardError.writeLine("\(request): error: cannot open the file")
            throw ExitStatus.invalidInput.exitCode
        }
        var lineNumber = 0
        var bad = 0
        // One buffer for every output line: each is written into it, then copied to stdout's.
        let output = JSONByteWriter(capacity: 4096)
        func writeLine(_ body: (JSONByteWriter) -> Void) {
            output.removeAll()
            body(output)
            output.raw("\n")
            Terminal.standardOutput.write(bytes: output.bytes)
        }
        while let line = reader.next() {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            switch plan(
                text: line, planner: planner, world: world, log: log, draw: random.nextUnit(),
                defaultID: "line-\(lineNumber)")
            {
            case .success(let plan) where format == .text:
                Terminal.standardOutput.writeLine(PlanExplanation.text(plan))
            case .success(let plan):
                writeLine { plan.writeJSON(to: $0) }
            case .failure(let errors):
                bad += 1
                writeLine { errors.writeJSON(line: lineNumber, to: $0) }
                Terminal.standardError.writeLine("\(request):\(lineNumber): error: \(errors)")
            }
        }
        if bad > 0 { Terminal.standardError.writeLine("\(bad) of \(lineNumber) lines had errors") }
        return bad == 0
    }

    private func plan(
        text: String, planner: Planner, world: WorldState, log: DecisionLogWriter?, draw: Double, defaultID: String? = nil
    ) -> Result<Plan, RequestErrors> {
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            let errors = RequestErrors([RequestError(field: "", message: "not valid JSON: \(error)", code: "invalid_json")])
            log?.write(.rejected(requestID: defaultID, errors: errors, at: .now))
            return .failure(errors)
        }
        var outcome = Request.decode(json).flatMap { request -> Result<Plan, RequestErrors> in
            var request = request
            if request.id == nil { request.id = defaultID }
            if let failure = ImageFiles.measure(&request) { return .failure(failure) }
            return planner.plan(request, state: world, draw: draw)
        }
        if case .success(let plan) = outcome, plan.requestID == nil, let defaultID {
            var plan = plan
            plan.requestID = defaultID
            outcome = .success(plan)
        }
        if let log {
            switch outcome {
            case .success(let plan): log.write(.plan(plan, at: .now))
            case .failure(let errors): log.write(.rejected(requestID: json["id"]?.stringValue ?? defaultID, errors: errors, at: .now))
            }
        }
        return outcome
    }

    private func readState(_ config: Config) throws -> WorldState {
        try state.map { try readWorldState($0, config: config) } ?? .empty
    }
}

/// Reads a `--state` file: a JSON world snapshot.
func readWorldState(_ path: String, config: Config) throws -> WorldState {
    let text = try readInput(path)
    do {
        let json = try JSONValue.parse(text)
        switch WorldState.decode(json, knownProviders: config.providers.map(\.id)) {
        case .success(let world): return world
        case .failure(let errors):
            for error in errors.errors { Terminal.standardError.writeLine("\(path): error: \(error)") }
            throw ExitStatus.invalidInput.exitCode
        }
    } catch let error as JSONParseError {
        Terminal.standardError.writeLine("\(path):\(error.line):\(error.column): error: \(error.message)")
        throw ExitStatus.invalidInput.exitCode
    }
}

/// Reads a whole file, or stdin for `-`.
func readInput(_ path: String) throws -> String {
    let data: Data?
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        data = FileManager.default.contents(atPath: path)
    }
    guard let data else {
        Terminal.standardError.writeLine("\(path): error: cannot read the file")
        throw ExitStatus.invalidInput.exitCode
    }
    guard let text = String(data: data, encoding: .utf8) else {
        Terminal.standardError.writeLine("\(path): error: the file is not UTF-8 text")
        throw ExitStatus.invalidInput.exitCode
    }
    return text
}

extension Timestamp {
    static var now: Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
