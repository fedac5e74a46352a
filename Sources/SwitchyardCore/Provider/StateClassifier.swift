import OrderedCollections

/// A poll's state rules compiled for their most common shape: every rule reads the same
/// member of the answer (`$.status`) and tests it against strings or for presence. The job's
/// state is then one member lookup and a scan of a few strings, instead of a JSONPath
/// evaluation and a test per rule; the first matching rule wins, as in the rules' own order.
/// nil for rules of any other shape, which the execution evaluates one by one.
struct StateClassifier: Sendable, Hashable {
    /// The one member every rule reads.
    let member: String
    /// Each string value some rule tests for, with the first rule it matches.
    let values: [Value]
    /// The first `exists: true` rule and the first `exists: false` rule.
    let firstPresent: Int?
    let firstAbsent: Int?

    init?(_ rules: [StateRule]) {
        guard let first = rules.first, let member = first.path.singleMember else { return nil }
        var values: [Value] = []
        var firstPresent: Int?
        var firstAbsent: Int?
        for (index, rule) in rules.enumerated() {
            guard rule.path == first.path else { return nil }
            let tested: [JSONValue]
            switch rule.test {
            case .equals(let value): tested = [value]
            case .oneOf(let list): tested = list
            case .exists(true):
                firstPresent = firstPresent ?? index
                tested = []
            case .exists(false):
                firstAbsent = firstAbsent ?? index
                tested = []
            }
            for value in tested {
                // Numbers, booleans and null compare by JSON's rules, not a string's.
                guard case .string(let text) = value else { return nil }
                if !values.contains(where: { $0.value == text }) { values.append(Value(value: text, rule: index)) }
            }
        }
        self.member = member
        self.values = values
        self.firstPresent = firstPresent
        self.firstAbsent = firstAbsent
    }

    /// The position of the first rule `body` matches; `.unknown` when the answer holds a value
    /// of a kind these rules cannot tell apart, for the caller to evaluate in full.
    func classify(_ body: JSONValue) -> Match {
        guard case .object(let object) = body, let value = object[member], !value.isNull else { return .rule(firstAbsent) }
        guard case .string(let text) = value else { return .unknown }
        // A string that no rule names matches only a presence test.
        let named = values.first { $0.value == text }?.rule
        switch (named, firstPresent) {
        case (let named?, let present?): return .rule(min(named, present))
        case (let named?, nil): return .rule(named)
        case (nil, let present): return .rule(present)
        }
    }

    enum Match {
        /// The first matching rule, or nil for none.
        case rule(Int?)
        case unknown
    }

    struct Value: Sendable, Hashable {
        let value: String
        let rule: Int
    }
}
