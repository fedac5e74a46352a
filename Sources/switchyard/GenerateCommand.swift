import ArgumentParser
import Foundation
import OrderedCollections
import SwitchyardCore
import SwitchyardRuntime

/// `switchyard generate`: runs one request live, through the plan's providers.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Run one request against the providers, following the policy's plan and error table.",
        discussion: """
            Progress goes to stderr; the result JSON to stdout. Exit 3 when the request fails,
            with the policy's message for the user.
            """)

    @OptionGroup var options: ConfigOptions

    @Option(help: "A JSON world snapshot, as for plan (users' spending, providers marked down).", completion: .file())
    var state: String?

    @Option(help: "Append every decision to this JSON-lines log.", completion: .file())
    var log: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    @Argument(help: "The request (JSON), or - for stdin.", completion: .file())
    var request: String

    func run() async throws {
        let (config, _) = try options.load(reportWarnings: false)
        let text = try readInput(request)
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            Terminal.standardError.writeLine("\(request): error: not valid JSON: \(error)")
            throw ExitStatus.invalidInput.exitCode
        }
        var parsed: Request
        switch Request.decode(json) {
        case .success(let value): parsed = value
        case .failure(let errors): throw reject(errors)
        }
        if parsed.id == nil { parsed.id = "req-\(UInt32.random(in: 0...UInt32.max))" }

        let transport = HTTPTransport()
        let result: ExecutionResult
        do {
            result = try await execute(parsed, config: config, transport: transport)
        } catch {
            try? await transport.shutdown()
            throw error
        }
        try await transport.shutdown()

        Terminal.standardOutput.writeLine(Self.output(result).jsonString(prettyPrinted: true))
        Terminal.flushAll()
        if result.status == .failed {
            Terminal.standardError.writeLine("\(request): request failed (\(result.failureCode ?? "failed")): \(result.message ?? "")")
            Terminal.flushAll()
            throw ExitStatus.requestFailed.exitCode
        }
    }

    /// Reads the image, plans with the breakers' view of the world, and runs the plan.
    private func execute(_ request: Request, config: Config, transport: HTTPTransport) async throws -> ExecutionResult {
        var parsed = request
        var image: ResolvedImage?
        if let input = parsed.image {
            do {
                image = try await ImageResolver(transport: transport).resolve(input)
                parsed.image?.bytes = image?.bytes
            } catch {
                throw reject(RequestErrors([RequestError(field: "image", message: "\(error)", code: "image_unreadable")]))
            }
        }

        let gates = ProviderGates(config: config, now: LiveExecutor.now)
        var world = try state.map { try readWorldState($0, config: config) } ?? WorldState()
        for (id, status) in gates.worldState().providers { world.providers[id] = status }
        let plan: Plan
        switch Planner(config: config).plan(parsed, state: world, draw: Double.random(in: 0..<1)) {
        case .success(let value): plan = value
        case .failure(let errors): throw reject(errors)
        }

        let writer = try log.map(DecisionLogWriter.init(path:))
        let sink = DecisionSink(writer: writer, progress: quiet ? nil : Terminal.standardError)
        sink.write(.plan(plan, at: LiveExecutor.now()))
        let executor = LiveExecutor(
            config: config, transport: transport,
            secrets: SecretStore(environment: ProcessInfo.processInfo.environment, baseDirectory: options.config), gates: gates,
            cache: CacheStore(config: config))
        let result = await executor.run(plan: plan, request: parsed, image: image) { sink.write($0) }
        sink.close()
        return result
    }

    /// The result as `generate` prints it.
    static func output(_ result: ExecutionResult) -> JSONValue {
        var object: JSONObject = ["status": .string(result.status.rawValue), "request_id": result.requestID.map(JSONValue.string) ?? .null]
        if let provider = result.provider { object["provider"] = .string(provider) }
        if let tier = result.tier { object["tier"] = .string(tier) }
        for (name, value) in result.outputs { object[name] = value }
        object["cost"] = result.cost.json
        if let currency = result.currency { object["currency"] = .string(currency) }
        object["attempts"] = .int(result.attempts)
        object["fallback_used"] = .bool(result.fallbackUsed)
        if let code = result.failureCode { object["code"] = .string(code) }
        if let message = result.message { object["message"] = .string(message) }
        return .object(object)
    }

    private func reject(_ errors: RequestErrors) -> ExitCode {
        for error in errors.errors { Terminal.standardError.writeLine("\(request): error: \(error)") }
        Terminal.standardOutput.writeLine(errors.json.jsonString(prettyPrinted: true))
        Terminal.flushAll()
        return ExitStatus.invalidInput.exitCode
    }
}

/// Writes decisions to the log file and a line of progress per step to stderr.
final class DecisionSink: @unchecked Sendable {
    private let writer: DecisionLogWriter?
    private let progress: Terminal?
    // The executor calls from one task at a time; the lock keeps a stray call safe.
    private let lock = NSLock()

    init(writer: DecisionLogWriter?, progress: Terminal?) {
        self.writer = writer
        self.progress = progress
    }

    func write(_ event: DecisionEvent) {
        lock.lock()
        defer { lock.unlock() }
        writer?.write(event)
        if let progress, let line = Self.describe(event) {
            progress.writeLine(line)
            progress.flush()
        }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        writer?.close()
    }

    /// One line for people, or nil for events that add nothing to watch.
    static func describe(_ event: DecisionEvent) -> String? {
        let fields = event.fields
        let provider = fields["provider"]?.stringValue ?? ""
        switch event.event {
        case "plan":
            let entries = fields["plan"]?.arrayValue?.compactMap { $0["provider"]?.stringValue } ?? []
            return "plan: \(entries.joined(separator: " → "))"
        case "attempt_started":
            return "\(provider): attempt \(fields["attempt"]?.jsonString() ?? "?") (\(fields["tier"]?.stringValue ?? ""))"
        case "attempt_skipped":
            return "\(provider): skipped: \(fields["reason"]?.stringValue ?? "")"
        case "job_accepted":
            return "\(provider): job \(fields["job_id"]?.stringValue ?? "") accepted"
        case "job_state":
            return "\(provider): \(fields["state"]?.stringValue ?? "")"
        case "attempt_outcome":
            let outcome = fields["status"].map { "HTTP \($0.jsonString())" } ?? fields["outcome"]?.arrayValue?.last?.stringValue ?? "failed"
            return "\(provider): \(outcome)\(fields["message"]?.stringValue.map { ": \($0)" } ?? "")"
        case "action":
            let action = fields["action"]?.stringValue ?? ""
            let delay = fields["delay_s"].map { " in \($0.jsonString()) s" } ?? ""
            return "  → \(action)\(delay) (on_error \(fields["matched"]?.stringValue ?? ""), \(fields["source"]?.stringValue ?? ""))"
        case "result":
            return fields["status"]?.stringValue == "succeeded"
                ? "done: \(provider), \(fields["cost"]?.jsonString() ?? "") \(fields["currency"]?.stringValue ?? "")"
                : "failed: \(fields["code"]?.stringValue ?? "")"
        default:
            return nil
        }
    }
}
