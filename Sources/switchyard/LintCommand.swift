import ArgumentParser
import SwitchyardCore

/// `switchyard lint`: what is valid but probably wrong.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find shadowed rules, unreachable providers, unsatisfiable plan entries and unbounded worst cases.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Exit 1 when there is any finding.")
    var strict = false

    func run() throws {
        let (config, _) = try options.load(reportWarnings: false)
        let findings = Linter(config: config).lint()
        for finding in findings { Terminal.standardError.writeLine(finding.description) }
        let output: JSONValue = ["findings": .array(findings.map(\.json))]
        Terminal.standardOutput.writeLine(output.jsonString(prettyPrinted: true))
        Terminal.standardError.writeLine("\(findings.count) finding\(findings.count == 1 ? "" : "s")")
        Terminal.flushAll()
        if strict, !findings.isEmpty { throw ExitStatus.invalidInput.exitCode }
    }
}
