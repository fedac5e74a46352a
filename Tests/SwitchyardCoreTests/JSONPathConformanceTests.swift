import Foundation
import SwitchyardCore
import Testing

/// Runs the whole JSONPath Compliance Test Suite (RFC 9535) from `shared/conformance/jsonpath`.
struct JSONPathConformanceTests {
    /// `shared/` sits beside the package root, in the development checkout and in CI alike.
    static let suiteURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // now Tests/SwitchyardCoreTests
        .deletingLastPathComponent()  // now Tests
        .deletingLastPathComponent()  // now the package root
        .deletingLastPathComponent()  // now the directory holding shared/
        .appendingPathComponent("shared/conformance/jsonpath/cts.json")

    static func loadCases() throws -> [JSONValue] {
        let data = try Data(contentsOf: suiteURL)
        let suite = try JSONValue.parse(bytes: data)
        return try #require(suite["tests"]?.arrayValue)
    }

    @Test func everyComplianceCasePasses() throws {
        let cases = try Self.loadCases()
        #expect(cases.count == 703)
        var failures: [String] = []
        for testCase in cases {
            let name = testCase["name"]?.stringValue ?? "?"
            let selector = try #require(testCase["selector"]?.stringValue)
            if let problem = Self.check(testCase, selector: selector) {
                failures.append("\(name) [\(selector)]: \(problem)")
            }
        }
        #expect(
            failures.isEmpty, "\(failures.count) of \(cases.count) cases failed:\n\(failures.joined(separator: "\n"))")
    }

    /// Returns a description of what went wrong, or nil when the case passes.
    static func check(_ testCase: JSONValue, selector: String) -> String? {
        let path: JSONPath
        do {
            path = try JSONPath(selector)
        } catch {
            return testCase["invalid_selector"] == true ? nil : "unexpected compile error \(error)"
        }
        if testCase["invalid_selector"] == true { return "compiled, but the selector is invalid" }
        guard let document = testCase["document"] else { return "case has no document" }

        let values = path.select(document)
        let located = path.selectLocated(document)
        let paths = located.map { JSONValue.string($0.path) }
        if located.map(\.value) != values { return "select and selectLocated disagree" }
        if path.first(document) != values.first { return "first() is not the first selected value" }

        var expectations: [(values: JSONValue, paths: JSONValue?)] = []
        if let result = testCase["result"] {
            expectations.append((result, testCase["result_paths"]))
        } else if let results = testCase["results"]?.arrayValue {
            let resultPaths = testCase["results_paths"]?.arrayValue
            for (index, result) in results.enumerated() {
                expectations.append((result, resultPaths?[index]))
            }
        }
        let matched = expectations.contains { expected in
            expected.values == .array(values) && (expected.paths.map { $0 == .array(paths) } ?? true)
        }
        if matched { return nil }
        return "got \(JSONValue.array(values).jsonString()) at \(JSONValue.array(paths).jsonString())"
    }
}
