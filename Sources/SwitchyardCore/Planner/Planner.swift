import OrderedCollections

/// Turns a request and a world snapshot into an ordered fallback plan. Pure: the random draw
/// for `strategy: weighted` is an argument, and nothing is read or written.
public struct Planner: Sendable {
    public let config: Config
    private let retryProfiles: [String: RetryProfile]

    public init(config: Config) {
        self.config = config
        var profiles: [String: RetryProfile] = [:]
        for policy in config.policies { profiles[policy.id] = RetryProfile(policy.onError) }
        self.retryProfiles = profiles
    }

    /// Plans one request.
    /// - Parameters:
    ///   - draw: a uniform random number in [0, 1) for weighted rules; ignored otherwise.
    public func plan(_ request: Request, state: WorldState = .empty, draw: Double = 0) -> Result<Plan, RequestErrors> {
        guard let policy = config.policies.first(where: { matches($0.match, request) }) else {
            let kinds = config.policies.compactMap(\.match.kind?.rawValue)
            return .failure(
                RequestErrors([
                    RequestError(
                        field: "kind",
                        message:
                            "no policy takes \(request.kind.rawValue) requests (policies take: \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))",
                        code: "no_policy")
                ]))
        }
        let tierName: String
        switch validate(request, against: policy) {
        case .failure(let errors): return .failure(errors)
        case .success(let name): tierName = name
        }
        guard
            let rule = policy.rules.first(where: { rule in
                rule.conditions.allSatisfy { $0.holds(for: value(of: $0.field, in: request, tier: tierName)) }
            })
        else {
            return .failure(
                RequestErrors([RequestError(field: "", message: "no rule of policy '\(policy.id)' matches this request", code: "no_rule")]))
        }

        let requestedRank = policy.tierRank(tierName) ?? 0
        var entries: [PlanEntry] = []
        var weights: [Int] = []
        var excluded: [Exclusion] = []
        entries.reserveCapacity(rule.plan.count)
        for spec in rule.plan {
            let entryTierName = spec.tier ?? tierName
            guard let provider = config.provider(spec.provider), let tier = policy.tier(named: entryTierName) else { continue }
            let params = OutputParameters(
                resolution: tier.resolution, bitrateKbps: tier.bitrateKbps, fps: tier.fps, aspectRatio: request.aspectRatio,
                durationSeconds: request.durationSeconds)
            let cost = provider.pricing.cost(seconds: request.durationSeconds ?? 0, tier: tier.name, resolution: tier.resolution)
            if let reason = exclusion(provider: provider, tier: tier, cost: cost, request: request, policy: policy, state: state) {
                excluded.append(Exclusion(provider: provider.id, tier: tier.name, reason: reason.0, detail: reason.1))
                continue
            }
            entries.append(
                PlanEntry(
                    provider: provider.id, tier: tier.name, params: params, estimatedCost: cost, currency: provider.pricing.currency,
                    downgrade: (policy.tierRank(tier.name) ?? requestedRank) < requestedRank))
            weights.append(spec.weight)
        }
        order(&entries, weights: weights, by: rule.strategy, draw: draw)
        return .success(
            Plan(
                requestID: request.id, policy: policy.id, rule: rule.name, tier: tierName, strategy: rule.strategy, entries: entries,
                excluded: excluded, worstCase: worstCase(of: entries, policy: policy),
                currency: policy.currency ?? entries.first?.currency ?? excluded.first.flatMap { config.provider($0.provider)?.pricing.currency }))
    }

    /// Checks the request against the policy; returns the tier it will be served on.
    private func validate(_ request: Request, against policy: Policy) -> Result<String, RequestErrors> {
        var errors: [RequestError] = []
        if request.kind != .audio, (request.prompt ?? "").allSatisfy(\.isWhitespace) {
            errors.append(
                RequestError(field: "prompt", message: "missing; write what the \(request.kind.rawValue) should say or show", code: "missing_field"))
        }
        var tierName = request.quality ?? policy.defaultTier
        if let quality = request.quality, policy.tier(named: quality) == nil {
            let names = policy.tiers.map(\.name)
            errors.append(
                RequestError(
                    field: "quality",
                    message:
                        "unknown quality \"\(quality)\"\(Suggestion.hint(for: quality, in: names)); policy '\(policy.id)' offers \(names.joined(separator: ", "))",
                    code: "unknown_quality"))
            tierName = nil
        } else if tierName == nil {
            errors.append(
                RequestError(
                    field: "quality",
                    message: "missing; policy '\(policy.id)' offers \(policy.tiers.map(\.name).joined(separator: ", ")) and has no default_tier",
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
        guard errors.isEmpty, let tierName else { return .failure(RequestErrors(errors)) }
        return .success(tierName)
    }

    /// The first reason, in the documented order, that leaves the provider out.
    private func exclusion(
        provider: ProviderDescriptor, tier: Tier, cost: Money, request: Request, policy: Policy, state: WorldState
    ) -> (ExclusionReason, String)? {
        let status = state.providers[provider.id]
        if !provider.enabled { return (.disabled, "disabled in its descriptor (enabled: false)") }
        if let status, status.disabled { return (.disabled, "disabled in the world state\(status.reason.map { ": \($0)" } ?? "")") }
        if let status, !status.available { return (.unavailable, "unavailable in the world state\(status.reason.map { ": \($0)" } ?? "")") }
        if let detail = CapabilityCheck.mismatch(provider: provider, tier: tier, request: request) { return (.capability, detail) }
        if let cap = policy.limits.maxCostPerRequest, cost > cap {
            return (
                .costCap,
                "estimated \(cost) \(provider.pricing.currency) exceeds the policy's max_cost_per_request of \(cap) \(provider.pricing.currency)"
            )
        }
        if let budget = policy.budget, let user = request.user {
            let spent = state.spentToday[user] ?? .zero
            let remaining = budget.dailyPerUser - spent
            if cost > remaining {
                return (
                    .budget,
                    "estimated \(cost) \(provider.pricing.currency) exceeds \(user)'s remaining daily budget of \(max(remaining, .zero)) \(provider.pricing.currency) (spent \(spent) of \(budget.dailyPerUser))"
                )
            }
        }
        return nil
    }

    private func order(_ entries: inout [PlanEntry], weights: [Int], by strategy: Strategy, draw: Double) {
        switch strategy {
        case .ordered:
            return
        case .cheapest:
            // Stable: ties keep the written order.
            entries = entries.enumerated().sorted { a, b in
                a.element.estimatedCost == b.element.estimatedCost ? a.offset < b.offset : a.element.estimatedCost < b.element.estimatedCost
            }.map(\.element)
        case .weighted:
            entries = WeightedOrder.permute(entries, weights: weights, draw: draw)
        }
    }

    private func worstCase(of entries: [PlanEntry], policy: Policy) -> WorstCase {
        let profile = retryProfiles[policy.id] ?? RetryProfile(policy.onError)
        var uncappedAttempts = 0
        var uncappedTime: Duration = .zero
        var cappedAttempts = 0
        var cost = Money.zero
        let attemptCap = policy.limits.maxAttempts ?? .max
        for entry in entries {
            let attempts = 1 + profile.maxRetries
            uncappedAttempts += attempts
            let perAttempt = config.provider(entry.provider).map(Self.attemptTime) ?? ProviderLimits.defaultTimeout
            uncappedTime += perAttempt * attempts + profile.maxRetryDelay
            let counted = min(attempts, attemptCap - cappedAttempts)
            if counted > 0 {
                cappedAttempts += counted
                cost += entry.estimatedCost.times(counted)
            }
        }
        let wallTime = policy.limits.deadline.map { min($0, uncappedTime) } ?? uncappedTime
        return WorstCase(
            attempts: cappedAttempts, uncappedAttempts: uncappedAttempts, wallTime: wallTime, uncappedWallTime: uncappedTime, cost: cost)
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

/// The most one provider can be retried under a policy's error table (its own rows and the
/// defaults), and the longest those retries can wait.
struct RetryProfile: Sendable {
    var maxRetries: Int
    var maxRetryDelay: Duration

    init(_ table: ErrorTable) {
        var retries = 0
        var delay: Duration = .zero
        let overridden = Set(table.entries.map(\.key))
        for entry in table.entries + ErrorTable.defaults.entries.filter({ !overridden.contains($0.key) }) {
            if case .retry(let retry) = entry.action {
                retries = max(retries, retry.attempts)
                delay = max(delay, retry.worstCaseDelay)
            }
        }
        maxRetries = retries
        maxRetryDelay = delay
    }
}
