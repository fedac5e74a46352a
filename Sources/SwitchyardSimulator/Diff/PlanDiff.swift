public import OrderedCollections
public import SwitchyardCore

/// What changing the config does to the plans of the same traffic: request by request, the
/// plan the baseline makes against the plan the new config makes, in constant memory (a
/// bounded sample of changed requests is kept).
public struct PlanDiff {
    private let before: Planner
    private let after: Planner
    private let state: WorldState
    private var draws: SplitMix64
    private let sampleLimit: Int

    public private(set) var requests = 0
    public private(set) var planChanged = 0
    public private(set) var firstProviderChanged = 0
    private var ruleChanged = 0
    private var rejected = (before: 0, after: 0)
    private var unserved = (before: 0, after: 0)
    private var projectedCost = (before: Money.zero, after: Money.zero)
    private var currency: String?
    /// Requests whose first provider moved, by `from → to`.
    private var moves: [String: Int] = [:]
    private var samples: [JSONValue] = []

    /// - Parameters:
    ///   - state: the world both configs plan in.
    ///   - seed: seeds the draws of weighted rules; both configs get the same draw per request.
    ///   - sampleLimit: how many changed requests to keep, the first in traffic order.
    public init(before: Config, after: Config, state: WorldState = .empty, seed: UInt64 = 0, sampleLimit: Int = 10) {
        self.before = Planner(config: before)
        self.after = Planner(config: after)
        self.state = state
        draws = SplitMix64(seed: seed ^ 0x5EED_0002)
        self.sampleLimit = sampleLimit
        currency = after.policies.first?.currency ?? before.policies.first?.currency
    }

    public mutating func add(_ request: Request) {
        requests += 1
        let draw = draws.nextUnit()
        let old = before.plan(request, state: state, draw: draw)
        let new = after.plan(request, state: state, draw: draw)
        let oldPlan = try? old.get()
        let newPlan = try? new.get()
        if oldPlan == nil { rejected.before += 1 }
        if newPlan == nil { rejected.after += 1 }
        if oldPlan?.entries.isEmpty ?? false { unserved.before += 1 }
        if newPlan?.entries.isEmpty ?? false { unserved.after += 1 }
        projectedCost.before += oldPlan?.entries.first?.estimatedCost ?? .zero
        projectedCost.after += newPlan?.entries.first?.estimatedCost ?? .zero
        if currency == nil { currency = newPlan?.currency ?? oldPlan?.currency }
        if oldPlan?.rule != newPlan?.rule || oldPlan?.policy != newPlan?.policy { ruleChanged += 1 }

        let oldFirst = oldPlan?.entries.first?.provider
        let newFirst = newPlan?.entries.first?.provider
        // A request left with no provider on one side only counts as changed.
        let changed = Self.route(oldPlan) != Self.route(newPlan) || (oldPlan == nil) != (newPlan == nil)
        if oldFirst != newFirst {
            firstProviderChanged += 1
            moves["\(oldFirst ?? "none") → \(newFirst ?? "none")", default: 0] += 1
        }
        guard changed else { return }
        planChanged += 1
        if samples.count < sampleLimit {
            samples.append(["request_id": request.id.map(JSONValue.string) ?? .null, "before": Self.summary(old), "after": Self.summary(new)])
        }
    }

    /// The providers and tiers in order: what a plan change means.
    private static func route(_ plan: Plan?) -> [String] {
        plan?.entries.map { "\($0.provider)/\($0.tier)" } ?? []
    }

    private static func summary(_ outcome: Result<Plan, RequestErrors>) -> JSONValue {
        switch outcome {
        case .failure(let errors):
            return ["rejected": .array(errors.errors.map { .string($0.code) })]
        case .success(let plan):
            var object: JSONObject = ["rule": .string(plan.rule)]
            object["plan"] = .array(
                plan.entries.map { entry in
                    ["provider": .string(entry.provider), "tier": .string(entry.tier), "estimated_cost": entry.estimatedCost.json]
                })
            if !plan.excluded.isEmpty {
                object["excluded"] = .array(plan.excluded.map { ["provider": .string($0.provider), "reason": .string($0.reason.rawValue)] })
            }
            return .object(object)
        }
    }

    /// The plan half of `diff`'s JSON; keys in a fixed order, names sorted, so equal runs print equal.
    public var json: JSONObject {
        var moved = JSONObject()
        for key in moves.keys.sorted() { moved[key] = .int(moves[key]!) }
        var cost: JSONObject = ["before": projectedCost.before.json, "after": projectedCost.after.json]
        cost["currency"] = currency.map(JSONValue.string) ?? .null
        return [
            "requests": .int(requests),
            "plan_changed": .int(planChanged),
            "first_provider_changed": .int(firstProviderChanged),
            "rule_changed": .int(ruleChanged),
            "first_provider_moves": .object(moved),
            "rejected": ["before": .int(rejected.before), "after": .int(rejected.after)],
            "no_provider": ["before": .int(unserved.before), "after": .int(unserved.after)],
            "projected_cost": .object(cost),
            "samples": .array(samples),
        ]
    }
}
