import ArgumentParser
import Foundation
import OrderedCollections
import SwitchyardCore
import SwitchyardRuntime
import SwitchyardSimulator

/// `switchyard test`: policy tests, like `opa test`. Each case's request runs through the
/// planner and the simulator; every expectation that does not hold is one line.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run policy tests: requests with the plans and outcomes the policy must give them.",
        discussion: """
            Reads routes/*.test.yaml under --config, or the files given. Each case's request is planned \
            and simulated (no network, a virtual clock) under its state and scenario. Prints one line per \
            failed expectation, FILE:LINE: FAIL name: expected X, got Y, then "N passed, N failed" on \
            stdout.

            Exit 0 when every case passes, 1 when any fails or a file is invalid, 2 on usage errors. \
            The format is in docs/policy-tests.md.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var options: ConfigOptions

    @Flag(name: [.short, .long], help: "List passing cases too.")
    var verbose = false

    @Flag(help: "Report the rules and error-table rows that no case reaches.")
    var coverage = false

    @Option(help: "text (default) or json: one JSON report on stdout.")
    var format: Format = .text

    @Option(name: .customLong("run"), help: "Run only the cases whose name contains this text.")
    var only: String?

    @Option(help: "Write every decision of every case run to this JSON-lines file (request ids are test-N).", completion: .file())
    var decisions: String?

    @Argument(help: "Test files (default: routes/*.test.yaml under --config).", completion: .file())
    var files: [String] = []

    func run() throws {
        let (config, _) = try options.load(reportWarnings: false)
        let paths =
            files.isEmpty ? ConfigDirectory.policyTests(options.config, relativeNames: options.config == "." || options.config == "./") : files
        guard !paths.isEmpty else {
            Terminal.standardError.writeLine(
                "\(options.config): error: no policy tests: no routes/*.test.yaml here; name test files or pass --config DIR")
            throw ExitStatus.invalidInput.exitCode
        }
        let runner = PolicyTestRunner(config: config)
        let writer = try decisions.map { path -> DecisionLogWriter in
            // A fresh file per run, as `simulate` writes it.
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return try DecisionLogWriter(path: path)
        }
        defer { writer?.close() }
        var tally = PolicyTestCoverage(config: config)
        var passed = 0
        var failed = 0
        var invalid = 0
        var reports: [JSONValue] = []
        for path in paths {
            guard let text = readTestFile(path) else {
                invalid += 1
                continue
            }
            let loaded = PolicyTestFile.load(text: text, path: path, config: config)
            for diagnostic in loaded.diagnostics { Terminal.standardError.writeLine(diagnostic.description) }
            guard let file = loaded.file else {
                invalid += 1
                let errors = loaded.diagnostics.errors.count
                Terminal.standardError.writeLine("\(errors) error\(errors == 1 ? "" : "s") in \(path)")
                continue
            }
            for testCase in file.cases where only.map(testCase.name.contains) ?? true {
                let (failures, observed) = runner.run(testCase, decisions: writer.map { writer in { writer.write($0) } })
                tally.record(observed)
                if failures.isEmpty {
                    passed += 1
                    if verbose, format == .text { Terminal.standardOutput.writeLine("\(path):\(testCase.location.line): PASS \(testCase.name)") }
                } else {
                    failed += 1
                    if format == .text {
                        for failure in failures { Terminal.standardOutput.writeLine(failure.description) }
                    }
                }
                reports.append(report(testCase, file: path, failures: failures, observed: observed))
            }
        }
        switch format {
        case .text:
            if coverage {
                for item in tally.uncovered {
                    Terminal.standardOutput.writeLine("\(item.location.map { "\($0.file):\($0.line)" } ?? item.policy): not covered: \(item.label)")
                }
                for line in tally.summary { Terminal.standardOutput.writeLine("coverage: \(line)") }
            }
            Terminal.standardOutput.writeLine("\(passed) passed, \(failed) failed")
        case .json:
            var object: JSONObject = [
                "passed": .int(passed), "failed": .int(failed), "invalid_files": .int(invalid), "cases": .array(reports),
            ]
            if coverage { object["coverage"] = .array(tally.items.map(\.json)) }
            Terminal.standardOutput.writeLine(JSONValue.object(object).jsonString(prettyPrinted: true))
            Terminal.standardError.writeLine("\(passed) passed, \(failed) failed")
        }
        if let only, passed + failed == 0, invalid == 0 {
            Terminal.standardError.writeLine("error: no test case's name contains \"\(only)\"")
            invalid += 1
        }
        Terminal.flushAll()
        if failed > 0 || invalid > 0 { throw ExitStatus.invalidInput.exitCode }
    }

    private func report(_ testCase: PolicyTestCase, file: String, failures: [PolicyTestFailure], observed: PolicyTestObservation) -> JSONValue {
        [
            "file": .string(file), "line": .int(testCase.location.line), "name": .string(testCase.name), "passed": .bool(failures.isEmpty),
            "failures": .array(failures.map { ["line": .int($0.location.line), "message": .string($0.message)] }),
            "observed": observed.json,
        ]
    }

    /// The file's text, or nil after an error line: the other files still run.
    private func readTestFile(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.standardError.writeLine("\(path): error: cannot read the file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Terminal.standardError.writeLine("\(path):1:1: error: the file is not UTF-8 text")
            return nil
        }
        return text
    }
}

extension PolicyTestCoverage.Item {
    fileprivate var json: JSONValue {
        var object: JSONObject = ["policy": .string(policy), "kind": .string(kind.rawValue), "name": .string(name), "cases": .int(cases)]
        if let location {
            object["file"] = .string(location.file)
            object["line"] = .int(location.line)
        }
        return .object(object)
    }
}
