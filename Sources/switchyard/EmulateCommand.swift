import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardEmulator
import UnixSignals

/// `switchyard emulate`: the shipped providers' APIs on a loopback port, misbehaving as a
/// scenario scripts, so `generate` and the tests can run without a network or a real key.
struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Serve emulated veo3, runway and nano-banana APIs on 127.0.0.1, with scripted faults.",
        discussion: """
            Once listening, prints `export NAME=VALUE` lines for the base URLs and keys the shipped
            descriptors read, so a shell can `eval "$(switchyard emulate ...)"` or source them; logs
            one line per call on stderr. Serves until interrupted (SIGINT or SIGTERM).
            Scenario format: docs/scenarios.md.
            """)

    @Option(help: "The loopback port; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "A scenario file: job latencies and faults per provider.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String?

    @Option(help: "A config directory whose provider ids the scenario may name (default: the emulated ones).", completion: .directory)
    var config: String?

    /// A stop takes at most this long, however many requests a scenario holds open.
    static let shutdownLimit: Duration = .seconds(5)

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
    }

    func run() async throws {
        let scenario = try loadScenario()
        var logger = Logger(label: "switchyard.emulate") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        let emulator = ProviderEmulator(scenario: scenario, configuration: EmulatorConfiguration(port: port), logger: logger) { endpoint in
            for line in endpoint.exportLines { Terminal.standardOutput.writeLine(line) }
            Terminal.standardOutput.flush()
            Terminal.standardError.writeLine(
                "switchyard emulate: \(EmulatedProvider.allCases.map(\.id).joined(separator: ", ")) on \(endpoint.origin) (seed \(scenario.seed)); interrupt to stop"
            )
            Terminal.standardError.flush()
        }
        var configuration = ServiceGroupConfiguration(services: [emulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = Self.shutdownLimit
        configuration.maximumCancellationDuration = Self.shutdownLimit
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            Terminal.standardError.writeLine("switchyard emulate: error: cannot serve on 127.0.0.1:\(port): \(error)")
            Terminal.flushAll()
            throw ExitStatus.invalidInput.exitCode
        }
        Terminal.standardError.writeLine("switchyard emulate: stopped")
        Terminal.flushAll()
    }

    /// The scenario file, decoded strictly; every diagnostic on stderr, exit 1 on errors.
    private func loadScenario() throws -> Scenario {
        guard let path = scenario else { return Scenario() }
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.standardError.writeLine("\(path): error: cannot read the scenario file")
            Terminal.flushAll()
            throw ExitStatus.invalidInput.exitCode
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Terminal.standardError.writeLine("\(path):1:1: error: the file is not UTF-8 text")
            Terminal.flushAll()
            throw ExitStatus.invalidInput.exitCode
        }
        let emulated = EmulatedProvider.allCases.map(\.id)
        var known = emulated
        if let config {
            let (loaded, _) = try ConfigOptions.parse(["--config", config]).load(reportWarnings: false)
            known += loaded.providers.map(\.id).filter { !emulated.contains($0) }
        }
        let result = Scenario.load(text: text, path: path, knownProviders: known)
        var diagnostics = result.diagnostics
        for provider in result.scenario?.providers ?? [] where !emulated.contains(provider.id) {
            if let location = provider.location {
                diagnostics.append(
                    Diagnostic(
                        .warning, at: location, "provider '\(provider.id)' is not emulated; its entry matters to the simulator only",
                        code: "not-emulated"))
            }
        }
        for diagnostic in diagnostics.sortedByLocation() { Terminal.standardError.writeLine(diagnostic.description) }
        guard let loaded = result.scenario else {
            let errors = diagnostics.errors.count
            Terminal.standardError.writeLine("\(errors) error\(errors == 1 ? "" : "s") in \(path)")
            Terminal.flushAll()
            throw ExitStatus.invalidInput.exitCode
        }
        Terminal.flushAll()
        return loaded
    }
}
