import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardRuntime

/// `--config DIR`, shared by every command that reads a config.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The directory holding routes/ and providers.d/.", completion: .directory)
    var config: String = "."

    /// Loads and validates the config; prints every diagnostic to stderr. Throws exit 1 on errors.
    func load(reportWarnings: Bool = true) throws -> (Config, [Diagnostic]) {
        let files: [ConfigFile]
        do {
            files = try ConfigDirectory.read(config, relativeNames: config == "." || config == "./")
        } catch {
            Terminal.standardError.writeLine(error.description)
            throw ExitStatus.invalidInput.exitCode
        }
        let environment = ProcessInfo.processInfo.environment
        let result = ConfigLoader.load(files, environment: environment)
        var diagnostics = result.diagnostics
        if let loaded = result.config {
            diagnostics += loaded.missingSecrets(environment: environment) { path in
                FileManager.default.isReadableFile(atPath: resolve(path))
            }
        }
        if reportWarnings || diagnostics.hasErrors {
            for diagnostic in diagnostics.sortedByLocation() { Terminal.standardError.writeLine(diagnostic.description) }
        }
        guard let loaded = result.config else {
            let errors = diagnostics.errors.count
            Terminal.standardError.writeLine("\(errors) error\(errors == 1 ? "" : "s") in \(config)")
            throw ExitStatus.invalidInput.exitCode
        }
        return (loaded, diagnostics)
    }

    /// Secret file paths are relative to the config directory.
    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (config as NSString).appendingPathComponent(path)
    }
}
