import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct RuleIndexTests {
    /// The index must pick exactly the rule a first-match scan picks, whatever the rules.
    @Test func agreesWithAFirstMatchScan() {
        var random = SplitMix64(seed: 7)
        let here = SourceLocation(file: "t", line: 1, column: 1)
        let tenants: [JSONValue] = ["a", "b", "c", "d"]
        let qualities: [JSONValue] = ["economy", "standard", "premium"]
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        for _ in 0..<200 {
            let rules = (0..<12).map { position -> Rule in
                var conditions: [Condition] = []
                switch random.next() % 5 {
                case 0: conditions.append(Condition(field: .metadata("tenant"), tests: [.eq(pick(tenants))], location: here))
                case 1: conditions.append(Condition(field: .quality, tests: [.oneOf([pick(qualities), pick(qualities)])], location: here))
                case 2: conditions.append(Condition(field: .durationSeconds, tests: [.gte(Double(random.next() % 60))], location: here))
                case 3:
                    conditions.append(Condition(field: .metadata("tenant"), tests: [.noneOf([pick(tenants)])], location: here))
                    conditions.append(Condition(field: .quality, tests: [.eq(pick(qualities))], location: here))
                default: break
                }
                return Rule(name: "r\(position)", conditions: conditions, plan: [], strategy: .ordered, location: here)
            }
            let index = RuleIndex(rules)
            // The planner's form: the request's quality is a tier, found by position.
            let tiers = ["economy", "standard", "premium"]
            let tiered = RuleIndex(rules, tiers: tiers)
            for _ in 0..<20 {
                var values: [RequestField: JSONValue] = [.quality: pick(qualities), .durationSeconds: .int(Int(random.next() % 70))]
                if random.next() % 4 != 0 { values[.metadata("tenant")] = pick(tenants) }
                let holds = { (position: Int) in rules[position].conditions.allSatisfy { $0.holds(for: values[$0.field]) } }
                let scanned = rules.indices.first(where: holds)
                #expect(index.first(value: { values[$0] }, matches: holds) == scanned)
                let tier = tiers.firstIndex { JSONValue.string($0) == values[.quality] }
                #expect(tiered.first(tier: tier, value: { values[$0] }, matches: holds) == scanned)
            }
        }
    }
}
