/// Finds a policy's first matching rule without testing every rule in turn.
///
/// Each rule with an equality test (`eq` or `in`) is filed under that field's values; the
/// rest are tested in order. A request looks up its own value of each indexed field, so a
/// policy with a thousand tenant rules tests only the few rules that can match.
struct RuleIndex: Sendable {
    private struct FieldIndex: Sendable {
        var field: RequestField
        /// Value → rule positions, ascending.
        var rules: [JSONValue: [Int]]
    }

    private var fields: [FieldIndex] = []
    /// Rules with no equality test, ascending.
    private var unindexed: [Int] = []

    init(_ rules: [Rule]) {
        var byField: [RequestField: [JSONValue: [Int]]] = [:]
        var order: [RequestField] = []
        for (position, rule) in rules.enumerated() {
            guard let (field, values) = Self.key(of: rule) else {
                unindexed.append(position)
                continue
            }
            if byField[field] == nil { order.append(field) }
            for value in Set(values) { byField[field, default: [:]][value, default: []].append(position) }
        }
        fields = order.map { FieldIndex(field: $0, rules: byField[$0] ?? [:]) }
    }

    /// The first condition with a finite set of allowed values, and those values.
    private static func key(of rule: Rule) -> (RequestField, [JSONValue])? {
        for condition in rule.conditions {
            for test in condition.tests {
                switch test {
                case .eq(let value): return (condition.field, [value])
                case .oneOf(let values): return (condition.field, values)
                default: continue
                }
            }
        }
        return nil
    }

    /// The position of the first rule for which `matches` holds.
    /// - Parameters:
    ///   - value: the request's value of a field (nil when it has none).
    func first(value: (RequestField) -> JSONValue?, matches: (Int) -> Bool) -> Int? {
        var best = Int.max
        for position in unindexed {
            if position >= best { break }
            if matches(position) {
                best = position
                break
            }
        }
        for index in fields {
            guard let key = value(index.field), let candidates = index.rules[key] else { continue }
            for position in candidates {
                if position >= best { break }
                if matches(position) {
                    best = position
                    break
                }
            }
        }
        return best == .max ? nil : best
    }
}
