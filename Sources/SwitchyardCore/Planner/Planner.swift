import OrderedCollections

/// Turns a request and a world snapshot into an ordered fallback plan. Pure: the random draw
/// for `strategy: weighted` is an argument, and nothing is read or written.
///
/// Everything that depends only on the config (provider and tier positions, rule indexes,
/// retry bounds) is resolved once here, so planning a request does no lookups by name and
/// allocates only the plan it returns.
public struct Planner: Sendable {
    public let config: Config
    private let compiled: [CompiledPolicy]

    public init(config: Config) {
        self.config = config
        self.compiled = config.policies.map { CompiledPolicy($0, config: config) }
    }

    /// Plans one request.
    /// - Parameters:
    ///   - draw: a uniform random number in [0, 1) for weighted rules; ignored otherwise.
    public func plan(_ request: Request, state: WorldState = .empty, draw: Double = 0) -> Result<Plan, RequestErrors> {
        // By index, so each policy's match is read in place: `firstIndex(where:)` hands the
        // closure a copy of every policy it tries.
        guard let policyIndex = config.policies.indices.first(where: { matches(config.policies[$0].match, request) }) else {
            let kinds = config.policies.compactMap(\.match.kind?.rawValue)
            let taken = kinds.isEmpty ? "none" : kinds.joined(separator: ", ")
            return .failure(
                RequestErrors([
                    RequestError(
                        field: "kind", message: "no policy takes \(request.kind.rawValue) requests (policies take: \(taken))", code: "no_policy")
                ]))
        }
        let compiled = compiled[policyIndex]
        // Borrowed from `compiled`, never copied out: a policy holds many references.
        var policy: Policy { _read { yield compiled.policy } }
        let tierIndex: Int
        switch validate(request, against: compiled) {
        case .failure(let errors): return .failure(errors)
        case .success(let index): tierIndex = index
        }
        let tierName = policy.tiers[tierIndex].name
        guard
            let ruleIndex = compiled.rules.first(
                tier: tierIndex, value: { value(of: $0, in: request, tier: tierName) },
                matches: { position in
                    policy.rules[position].conditions.allSatisfy { $0.holds(for: value(of: $0.field, in: request, tier: tierName)) }
                })
        else {
            return .failure(
                RequestErrors([RequestError(field: "", message: "no rule of policy '\(policy.id)' matches this request", code: "no_rule")]))
        }
        let strategy = policy.rules[ruleIndex].strategy
        let candidates = compiled.entries[ruleIndex]

        // Without a duration a per-second price cannot be estimated, so caps and budgets could not hold.
        if request.durationSeconds == nil, let perSecond = candidates.first(where: { $0.provider.pricing.unit == .perOutputSecond }) {
            return .failure(
                RequestErrors([
                    RequestError(
                        field: "duration_s", message: "missing; provider '\(perSecond.provider.id)' prices per output second", code: "missing_field")
                ]))
        }
        // The user's spending is looked up once, not for each candidate.
        let spent = policy.budget == nil ? .zero : request.user.flatMap { state.spentToday.isEmpty ? nil : state.spentToday[$0] } ?? .zero
        var entries: [PlanEntry] = []
        entries.reserveCapacity(candidates.count)
        var weights: [Int] = []
        var excluded: [Exclusion] = []
        var cheapest: (provider: String, cost: Money)?
        var uncappedTime: Duration = .zero
        for candidate in candidates {
            let entryTier = candidate.tier ?? tierIndex
            // Borrowed in place, not copied: a tier holds its name and source location.
            var tier: Tier { _read { yield policy.tiers[entryTier] } }
            let provider = candidate.provider
            let cost = provider.pricing.cost(seconds: request.durationSeconds ?? 0, tier: tier.name, resolution: tier.resolution)
            if cost < cheapest?.cost ?? .max { cheapest = (provider.id, cost) }
            if let (reason, detail) = exclusion(
                provider: provider, tierMismatch: candidate.tierMismatches[entryTier], cost: cost, request: request, policy: compiled,
                spent: spent, state: state)
            {
                excluded.append(Exclusion(provider: provider.id, tier: tier.name, reason: reason, detail: detail))
                continue
            }
            entries.append(
                PlanEntry(
                    provider: provider.id, tier: tier.name,
                    params: OutputParameters(
                        resolution: tier.resolution, bitrateKbps: tier.bitrateKbps, fps: tier.fps, aspectRatio: request.aspectRatio,
                        durationSeconds: request.durationSeconds),
                    estimatedCost: cost, currency: provider.pricing.currency, downgrade: entryTier < tierIndex,
                    attemptTimeout: provider.attemptTime))
            uncappedTime += candidate.worstTime
            if strategy == .weighted { weights.append(candidate.weight) }
        }
        order(&entries, weights: weights, by: strategy, draw: draw)
        let worst = WorstCase.estimate(
            costs: entries.lazy.map(\.estimatedCost), uncappedTime: uncappedTime, retries: compiled.retryProfile, limits: policy.limits)
        return .success(
            Plan(
                requestID: request.id, policy: policy.id, rule: policy.rules[ruleIndex].name, tier: tierName, strategy: strategy, entries: entries,
                excluded: excluded, worstCase: worst, currency: policy.currency ?? compiled.currency,
                firstChoice: firstChoice(candidates, strategy: strategy, cheapest: cheapest?.provider, draw: draw)))
    }

    /// What the strategy would put first among all of the rule's candidates.
    private func firstChoice(_ candidates: [CompiledPolicy.Candidate], strategy: Strategy, cheapest: String?, draw: Double) -> String? {
        switch strategy {
        case .ordered: candidates.first?.provider.id
        case .cheapest: cheapest
        case .weighted: WeightedOrder.permute(candidates, weights: candidates.map(\.weight), draw: draw).first?.provider.id
        }
    }

    /// Checks the request against the policy; returns the position of the tier it will be served on.
    private func validate(_ request: Request, against compiled: CompiledPolicy) -> Result<Int, RequestErrors> {
        var policy: Policy { _read { yield compiled.policy } }
        var errors: [RequestError] = []
        if request.kind != .audio, Self.isBlank(request.prompt ?? "") {
            errors.append(
                RequestError(field: "prompt", message: "missing; write what the \(request.kind.rawValue) should say or show", code: "missing_field"))
        }
        var tierIndex: Int?
        var tierNames: [String] { policy.tiers.map(\.name) }
        if let quality = request.quality {
            tierIndex = policy.tierRank(quality)
            if tierIndex == nil {
                errors.append(
                    RequestError(
                        field: "quality",
                        message:
                            "unknown quality \"\(quality)\"\(Suggestion.hint(for: quality, in: tierNames)) (policy '\(policy.id)' offers \(tierNames.joined(separator: ", ")))",
                        code: "unknown_quality"))
            }
        } else if let name = policy.defaultTier {
            tierIndex = policy.tierRank(name)
        } else {
            errors.append(
                RequestError(
                    field: "quality", message: "missing; policy '\(policy.id)' offers \(tierNames.joined(separator: ", ")) and has no default_tier",
                    code: "missing_field"))
        }
        if let allowed = policy.constraints.durations {
            if let duration = request.durationSeconds {
                if !allowed.contains(duration) {
                    errors.append(RequestError(field: "duration_s", message: "\(duration) s is outside the allowed \(allowed)", code: "out_of_range"))
                }
            } else {
                errors.append(RequestError(field: "duration_s", message: "missing; policy '\(policy.id)' allows \(allowed)", code: "missing_field"))
            }
        }
        if let allowed = policy.constraints.aspectRatios, let ratio = request.aspectRatio, !allowed.contains(ratio) {
            errors.append(
                RequestError(
                    field: "aspect_ratio",
                    message: "\(ratio) is not allowed; policy '\(policy.id)' allows \(allowed.map(\.description).joined(separator: ", "))",
                    code: "unsupported_aspect_ratio"))
        }
        if policy.budget != nil, request.user == nil {
            errors.append(RequestError(field: "user", message: "missing; policy '\(policy.id)' has a per-user daily budget", code: "missing_field"))
        }
        guard errors.isEmpty, let tierIndex else { return .failure(RequestErrors(errors)) }
        return .success(tierIndex)
    }

    /// Whether the text has no characters but whitespace. A printable ASCII byte first settles
    /// it without the Unicode property lookup `isWhitespace` makes for every character.
    private static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, (0x21...0x7E).contains(first) { return false }
        return text.allSatisfy(\.isWhitespace)
    }

    /// The first reason, in the documented order, that leaves the provider out.
    /// - Parameters:
    ///   - tierMismatch: why the provider cannot make the entry's tier at all, if it cannot.
    private func exclusion(
        provider: ProviderProfile, tierMismatch: String?, cost: Money, request: Request, policy compiled: CompiledPolicy, spent: Money,
        state: WorldState
    ) -> (ExclusionReason, String)? {
        var policy: Policy { _read { yield compiled.policy } }
        let status = state.providers.isEmpty ? nil : state.providers[provider.id]
        if !provider.enabled { return (.disabled, "disabled in its descriptor (enabled: false)") }
        if let status, status.disabled { return (.disabled, "disabled in the world state\(status.reason.map { ": \($0)" } ?? "")") }
        if let status, !status.available { return (.unavailable, "unavailable in the world state\(status.reason.map { ": \($0)" } ?? "")") }
        if let detail = CapabilityCheck.mismatch(
            kind: provider.kind, capabilities: provider.capabilities, requiredFields: provider.requiredFields, tierMismatch: tierMismatch,
            request: request)
        {
            return (.capability, detail)
        }
        let currency = provider.pricing.currency
        if let cap = policy.limits.maxCostPerRequest, cost > cap {
            return (.costCap, "estimated \(cost) \(currency) exceeds the policy's max_cost_per_request of \(cap) \(currency)")
        }
        if let budget = policy.budget, let user = request.user {
            let remaining = budget.dailyPerUser - spent
            if cost > remaining {
                return (
                    .budget,
                    "estimated \(cost) \(currency) exceeds \(user)'s remaining daily budget of \(max(remaining, .zero)) \(currency) (spent \(spent) of \(budget.dailyPerUser))"
                )
            }
        }
        return nil
    }

    private func order(_ entries: inout [PlanEntry], weights: [Int], by strategy: Strategy, draw: Double) {
        switch strategy {
        case .ordered:
            return
        case .cheapest where entries.count > 32:
            // Stable: ties keep the written order.
            entries = entries.enumerated().sorted { a, b in
                a.element.estimatedCost == b.element.estimatedCost ? a.offset < b.offset : a.element.estimatedCost < b.element.estimatedCost
            }.map(\.element)
        case .cheapest:
            // A plan's few entries: a stable insertion sort in place, swapping entries rather
            // than copying them into new arrays. Ties keep the written order.
            for index in entries.indices.dropFirst() {
                var position = index
                while position > 0, entries[position].estimatedCost < entries[position - 1].estimatedCost {
                    entries.swapAt(position, position - 1)
                    position -= 1
                }
            }
        case .weighted:
            entries = WeightedOrder.permute(entries, weights: weights, draw: draw)
        }
    }

    /// How long one attempt can take: the job's poll timeout for async providers, else the call timeout.
    static func attemptTime(_ provider: ProviderDescriptor) -> Duration {
        if provider.submit.mode == .async, let poll = provider.poll { return max(poll.timeout, provider.limits.timeout) }
        return provider.limits.timeout
    }

    func matches(_ match: PolicyMatch, _ request: Request) -> Bool {
        if let kind = match.kind, kind != request.kind { return false }
        return match.conditions.allSatisfy { $0.holds(for: value(of: $0.field, in: request, tier: nil)) }
    }

    /// The request's value of a condition field; nil when the request lacks it.
    func value(of field: RequestField, in request: Request, tier: String?) -> JSONValue? {
        switch field {
        case .kind: return .string(request.kind.rawValue)
        case .quality: return (tier ?? request.quality).map(JSONValue.string)
        case .durationSeconds: return request.durationSeconds.map(JSONValue.int)
        case .aspectRatio: return request.aspectRatio.map { .string($0.description) }
        case .user: return request.user.map(JSONValue.string)
        case .hasImage: return request.image == nil ? nil : .bool(true)
        case .imageBytes: return request.image?.bytes.map { .int(Int($0)) }
        case .voice(let key): return request.voice[key]
        case .feature(let key): return request.features[key].map(JSONValue.bool)
        case .metadata(let key): return request.metadata[key]
        }
    }
}

/// What the planner precomputes for one policy. A class, so planning borrows it instead of
/// copying the policy's many references for every request.
private final class CompiledPolicy: Sendable {
    struct Candidate: Sendable {
        var provider: ProviderProfile
        /// Position in `Policy.tiers`; nil for the request's tier.
        var tier: Int?
        var weight: Int
        /// Per tier position, why the provider cannot make that tier, whatever the request:
        /// worked out once here, not for every request.
        var tierMismatches: [String?]
        /// ``RetryProfile/worstTime(attemptTime:)`` at this provider.
        var worstTime: Duration
    }

    let policy: Policy
    let rules: RuleIndex
    /// Per rule, its plan with names resolved.
    let entries: [[Candidate]]
    let retryProfile: RetryProfile
    /// The providers' shared currency when the policy names none.
    let currency: String?

    init(_ policy: Policy, config: Config) {
        self.policy = policy
        rules = RuleIndex(policy.rules, tiers: policy.tiers.map(\.name))
        let retryProfile = RetryProfile(policy.onError)
        var profiles: [String: ProviderProfile] = [:]
        for provider in config.providers where profiles[provider.id] == nil { profiles[provider.id] = ProviderProfile(provider) }
        entries = policy.rules.map { rule in
            rule.plan.compactMap { spec in
                profiles[spec.provider].map { profile in
                    Candidate(
                        provider: profile, tier: spec.tier.flatMap(policy.tierRank), weight: spec.weight,
                        tierMismatches: policy.tiers.map { CapabilityCheck.tierMismatch(capabilities: profile.capabilities, tier: $0) },
                        worstTime: retryProfile.worstTime(attemptTime: profile.attemptTime))
                }
            }
        }
        self.retryProfile = retryProfile
        currency = entries.lazy.flatMap { $0 }.first?.provider.pricing.currency
    }
}

/// The parts of a descriptor the planner reads, behind one reference.
private final class ProviderProfile: Sendable {
    let id: String
    let kind: MediaKind
    let enabled: Bool
    let pricing: Pricing
    let capabilities: Capabilities
    let requiredFields: [RequiredField]
    /// The longest one attempt at this provider can take.
    let attemptTime: Duration

    init(_ provider: ProviderDescriptor) {
        id = provider.id
        kind = provider.kind
        enabled = provider.enabled
        pricing = provider.pricing
        capabilities = provider.capabilities
        requiredFields = provider.requiredRequestFields.compactMap(RequiredField.init)
        attemptTime = Planner.attemptTime(provider)
    }
}
