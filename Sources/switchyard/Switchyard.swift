import ArgumentParser
import Foundation

/// The `switchyard` command line: a thin shell over SwitchyardCore that reads files and the
/// environment, calls the pure core, and writes JSON to stdout and diagnostics to stderr.
@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "A configuration-driven router for generative-media APIs.",
        discussion: """
            Exit codes: 0 success, 1 invalid input or config, 2 usage error, 3 the request failed.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, LintCommand.self, PlanCommand.self, GenerateCommand.self, EmulateCommand.self, SimulateCommand.self,
            TestCommand.self, DiffCommand.self,
        ])

    /// Runs the command, mapping usage errors to exit code 2 as the CLI contract says.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Terminal.standardError.write(fullMessage(for: error) + "\n")
                Terminal.flushAll()
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            Terminal.flushAll()
            exit(withError: error)
        }
    }
}

/// The process exit statuses of the CLI contract.
enum ExitStatus: Int32 {
    case success = 0
    case invalidInput = 1
    case usage = 2
    case requestFailed = 3

    var exitCode: ExitCode { ExitCode(rawValue) }
}
