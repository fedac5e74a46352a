import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardRuntime

/// `switchyard lint`: what is valid but probably wrong.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find shadowed rules, unreachable providers, unsatisfiable plan entries, unbounded worst cases and untested rules.",
        discussion: """
            Reads the policy tests (routes/*.test.yaml under --config) to find policies and rules
            that no test case reaches; files with errors are skipped (`switchyard test` shows them).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Exit 1 when there is any finding.")
    var strict = false

    func run() throws {
        let (config, _) = try options.load(reportWarnings: false)
        let findings = Linter(config: config).lint(tests: testCases(config))
        for finding in findings { Terminal.standardError.writeLine(finding.description) }
        let output: JSONValue = ["findings": .array(findings.map(\.json))]
        Terminal.standardOutput.writeLine(output.jsonString(prettyPrinted: true))
        Terminal.standardError.writeLine("\(findings.count) finding\(findings.count == 1 ? "" : "s")")
        Terminal.flushAll()
        if strict, !findings.isEmpty { throw ExitStatus.invalidInput.exitCode }
    }

    /// Every case of the policy tests that load without errors.
    private func testCases(_ config: Config) -> [PolicyTestCase] {
        var cases: [PolicyTestCase] = []
        var skipped: [String] = []
        for path in ConfigDirectory.policyTests(options.config, relativeNames: options.config == "." || options.config == "./") {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
                let file = PolicyTestFile.load(text: text, path: path, config: config).file
            else {
                skipped.append(path)
                continue
            }
            cases += file.cases
        }
        if !skipped.isEmpty {
            Terminal.standardError.writeLine(
                "note: skipped policy tests with errors (`switchyard test` shows them): \(skipped.joined(separator: ", "))")
        }
        return cases
    }
}
