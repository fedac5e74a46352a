/// Which rules and error-table rows of each policy a run of test cases exercised: a rule when it
/// matched a case's request, a row when it decided one of a case's failed attempts. What no
/// case reaches is policy no test guards.
public struct PolicyTestCoverage: Sendable {
    public struct Item: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            case rule
            case errorRow = "on_error"
        }

        public var policy: String
        public var kind: Kind
        /// The rule's name, or the row's key as written (`429`, `5xx`, `timeout`).
        public var name: String
        public var location: SourceLocation?
        /// How many cases reached it.
        public var cases: Int

        /// `rule 'premium'`, `on_error row '429'`.
        public var label: String { kind == .rule ? "rule '\(name)'" : "on_error row '\(name)'" }
    }

    /// Per policy in config order: its rules, then its error-table rows, in file order.
    public private(set) var items: [Item]

    public init(config: Config) {
        items = config.policies.flatMap { policy in
            policy.rules.map { Item(policy: policy.id, kind: .rule, name: $0.name, location: $0.location, cases: 0) }
                + policy.onError.entries.map {
                    Item(policy: policy.id, kind: .errorRow, name: $0.key.description, location: $0.location, cases: 0)
                }
        }
    }

    /// Counts what one case reached; a row that decided several attempts counts once.
    public mutating func record(_ observed: PolicyTestObservation) {
        guard let policy = observed.policy else { return }
        let rows = Set(observed.errorRows.filter(\.fromPolicy).map(\.key))
        for index in items.indices where items[index].policy == policy {
            switch items[index].kind {
            case .rule: if items[index].name == observed.rule { items[index].cases += 1 }
            case .errorRow: if rows.contains(items[index].name) { items[index].cases += 1 }
            }
        }
    }

    /// Rules and rows no case reached.
    public var uncovered: [Item] { items.filter { $0.cases == 0 } }

    /// `talkingphoto: rules 3/3, on_error rows 9/10`, one line per policy.
    public var summary: [String] {
        var policies: [String] = []
        for item in items where !policies.contains(item.policy) { policies.append(item.policy) }
        return policies.map { policy in
            let mine = items.filter { $0.policy == policy }
            func count(_ kind: Item.Kind) -> String {
                let all = mine.filter { $0.kind == kind }
                return "\(all.filter { $0.cases > 0 }.count)/\(all.count)"
            }
            return "\(policy): rules \(count(.rule)), on_error rows \(count(.errorRow))"
        }
    }
}
