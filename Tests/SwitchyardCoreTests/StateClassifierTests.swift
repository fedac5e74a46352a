import OrderedCollections
import Testing

@testable import SwitchyardCore

/// The compiled state rules must pick exactly the rule the rules themselves pick in order.
@Suite struct StateClassifierTests {
    static let here = SourceLocation(file: "test.yaml", line: 1, column: 1)

    static func rule(_ path: String, _ test: StateRule.Test, _ state: JobState, code: String? = nil) throws -> StateRule {
        StateRule(path: try JSONPath(path), test: test, state: state, code: code, location: here)
    }

    /// What the execution does without a classifier: the first rule whose test holds.
    static func reference(_ rules: [StateRule], _ body: JSONValue) -> Int? {
        rules.firstIndex { rule in
            let value = rule.path.first(body)
            switch rule.test {
            case .oneOf(let values): return value.map(values.contains) ?? false
            case .equals(let expected): return value == expected
            case .exists(let present): return (value != nil && value != .null) == present
            }
        }
    }

    @Test func picksTheRuleTheRulesPickInOrder() throws {
        let ruleSets: [[StateRule]] = [
            [
                try Self.rule("$.status", .oneOf(["queued", "pending"]), .queued), try Self.rule("$.status", .oneOf(["running"]), .running),
                try Self.rule("$.status", .equals("completed"), .succeeded),
                try Self.rule("$.status", .equals("failed"), .failed, code: "job_failed"),
            ],
            // Presence tests mixed in, a value named twice, a bracketed path.
            [
                try Self.rule("$['state']", .equals("done"), .succeeded), try Self.rule("$['state']", .exists(false), .queued),
                try Self.rule("$['state']", .oneOf(["done", "boom"]), .failed), try Self.rule("$['state']", .exists(true), .running),
            ],
            [try Self.rule("$.s", .exists(true), .running), try Self.rule("$.s", .equals("x"), .succeeded)],
        ]
        let bodies: [JSONValue] = [
            [:], ["status": "queued"], ["status": "pending"], ["status": "running"], ["status": "completed"], ["status": "failed"],
            ["status": "other"], ["status": .null], ["status": 3], ["status": true], ["status": ["a": 1]], "completed", [1, 2],
            ["state": "done"], ["state": "boom"], ["state": "x"], ["state": .null], ["s": "x"], ["s": "y"], ["s": 0],
        ]
        for rules in ruleSets {
            let classifier = try #require(StateClassifier(rules))
            for body in bodies {
                switch classifier.classify(body) {
                case .rule(let index): #expect(index == Self.reference(rules, body), "\(body)")
                case .unknown: #expect(!body.isObjectWithString(classifier.member), "\(body)")
                }
            }
        }
    }

    @Test func rulesOfOtherShapesAreLeftToTheExecution() throws {
        // Two paths (fal's error-then-status), a number tested, a deeper path.
        #expect(StateClassifier([try Self.rule("$.error", .exists(true), .failed), try Self.rule("$.status", .equals("DONE"), .succeeded)]) == nil)
        #expect(StateClassifier([try Self.rule("$.code", .equals(200), .succeeded)]) == nil)
        #expect(StateClassifier([try Self.rule("$.job.status", .equals("done"), .succeeded)]) == nil)
        #expect(StateClassifier([]) == nil)
    }
}

extension JSONValue {
    fileprivate func isObjectWithString(_ member: String) -> Bool {
        guard case .object(let object) = self, case .string = object[member] else { return false }
        return true
    }
}
