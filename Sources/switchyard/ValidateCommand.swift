import ArgumentParser
import SwitchyardCore

/// `switchyard validate`: decode and check the whole config, start nothing.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every policy and provider descriptor; print located errors.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let (config, diagnostics) = try options.load()
        let summary: JSONValue = [
            "valid": true,
            "policies": .array(config.policies.map { .string($0.id) }),
            "providers": .array(config.providers.map { .string($0.id) }),
            "warnings": .array(diagnostics.warnings.map(\.json)),
        ]
        Terminal.standardOutput.writeLine(summary.jsonString(prettyPrinted: true))
        Terminal.standardError.writeLine(
            "\(options.config): valid: \(config.policies.count) polic\(config.policies.count == 1 ? "y" : "ies"), \(config.providers.count) provider\(config.providers.count == 1 ? "" : "s"), \(diagnostics.warnings.count) warning\(diagnostics.warnings.count == 1 ? "" : "s")"
        )
        Terminal.flushAll()
    }
}

extension Diagnostic {
    var json: JSONValue {
        [
            "file": .string(location.file), "line": .int(location.line), "column": .int(location.column),
            "severity": .string(severity.rawValue), "code": .string(code), "message": .string(message),
        ]
    }
}
