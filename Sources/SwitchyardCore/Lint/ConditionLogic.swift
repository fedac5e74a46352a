/// Conservative reasoning about condition sets: "does every request that passes these also
/// pass those?" and "can any request pass both?". When unsure, the answers are the ones that
/// produce no lint finding.
enum ConditionLogic {
    /// True when every request matching `narrow` also matches `broad`.
    static func covers(_ broad: [Condition], _ narrow: [Condition]) -> Bool {
        broad.allSatisfy { condition in
            let narrowTests = narrow.filter { $0.field == condition.field }.flatMap(\.tests)
            return condition.tests.allSatisfy { implied($0, by: narrowTests) }
        }
    }

    /// True when no request can match both sets.
    static func disjoint(_ a: [Condition], _ b: [Condition]) -> Bool {
        for x in a {
            for y in b where x.field == y.field {
                if let xs = allowedValues(x.tests), let ys = allowedValues(y.tests), xs.isDisjoint(with: ys) { return true }
            }
        }
        return false
    }

    /// The finite set of values the tests allow, when they pin one down.
    private static func allowedValues(_ tests: [Condition.Test]) -> Set<JSONValue>? {
        var result: Set<JSONValue>?
        for test in tests {
            let values: Set<JSONValue>
            switch test {
            case .eq(let value): values = [value]
            case .oneOf(let list): values = Set(list)
            default: continue
            }
            result = result.map { $0.intersection(values) } ?? values
        }
        return result
    }

    private static func implied(_ test: Condition.Test, by tests: [Condition.Test]) -> Bool {
        if let values = allowedValues(tests) {
            // A finite set of values implies a test when every value passes it.
            return values.allSatisfy { Condition(field: .kind, tests: [test], location: .init(file: "", line: 0, column: 0)).holds(for: $0) }
        }
        return tests.contains { other in
            switch (test, other) {
            case (.exists(true), .exists(true)), (.exists(true), .gt), (.exists(true), .gte), (.exists(true), .lt), (.exists(true), .lte):
                return true
            case (.exists(false), .exists(false)): return true
            case (.gt(let a), .gt(let b)): return b >= a
            case (.gt(let a), .gte(let b)): return b > a
            case (.gte(let a), .gte(let b)), (.gte(let a), .gt(let b)): return b >= a
            case (.lt(let a), .lt(let b)): return b <= a
            case (.lt(let a), .lte(let b)): return b < a
            case (.lte(let a), .lte(let b)), (.lte(let a), .lt(let b)): return b <= a
            case (.noneOf(let excluded), .noneOf(let more)): return Set(excluded).isSubset(of: Set(more))
            default: return false
            }
        }
    }
}
