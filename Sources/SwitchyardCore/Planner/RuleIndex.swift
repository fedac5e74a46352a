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
        /// For `quality`, the rules filed under each tier's name, by tier position: the planner
        /// knows the request's tier by position, so it need not hash its name.
        var byTier: [[Int]]
    }

    private var fields: [FieldIndex] = []
    /// Rules with no equality test, ascending.
    private var unindexed: [Int] = []

    /// - Parameters:
    ///   - tiers: the policy's tier names, in order.
    init(_ rules: [Rule], tiers: [String] = []) {
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
        fields = order.map { field in
            let rules = byField[field] ?? [:]
            let byTier = field == .quality ? tiers.map { rules[.string($0)] ?? [] } : []
            return FieldIndex(field: field, rules: rules, byTier: byTier)
        }
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
    ///   - tier: the position of the tier whose name is the request's `quality`, if known. It
    ///     must name the same tier as `value(.quality)`: rules indexed by quality are found by it.
    ///   - value: the request's value of a field (nil when it has none).
    func first(tier: Int? = nil, value: (RequestField) -> JSONValue?, matches: (Int) -> Bool) -> Int? {
        var best = Int.max
        for position in unindexed {
            if position >= best { break }
            if matches(position) {
                best = position
                break
            }
        }
        // By index, so each field's index is read in place rather than copied.
        for fieldPosition in fields.indices {
            var index: FieldIndex { _read { yield fields[fieldPosition] } }
            let candidates: [Int]
            if let tier, case .quality = index.field, index.byTier.indices.contains(tier) {
                candidates = index.byTier[tier]
            } else {
                guard let key = value(index.field), let found = index.rules[key] else { continue }
                candidates = found
            }
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
