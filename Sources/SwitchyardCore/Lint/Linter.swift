/// Finds what is legal but probably wrong in a valid config: rules that can never match,
/// providers nothing reaches, plan entries that can never serve, outcomes left to the default,
/// worst cases above the policy's limits, policies that compete for the same requests, and,
/// given the policy tests, policies and rules that no test case reaches.
public struct Linter: Sendable {
    public let config: Config

    /// Every finding code, for `lint: {ignore: [...]}` in a policy.
    public static let codes = [
        "shadowed-rule", "no-catch-all", "unreachable-provider", "unsatisfiable-entry", "default-action",
        "class-covers-rate-limit", "worst-case-attempts", "worst-case-time", "worst-case-cost", "overlapping-policies",
        "untested-policy", "untested-rule",
    ]

    public init(config: Config) { self.config = config }

    /// Warnings, sorted by location.
    /// - Parameter tests: every case of the policy tests, when they were read; a case covers the
    ///   policy and rule the planner gives its request.
    public func lint(tests: [PolicyTestCase]? = nil) -> [Diagnostic] {
        let covered = tests.map(coverage)
        var findings: [Diagnostic] = []
        for (index, policy) in config.policies.enumerated() {
            var own: [Diagnostic] = []
            if let covered { own += untested(policy, covered: covered) }
            own += shadowedRules(policy)
            own += unsatisfiableEntries(policy)
            own += defaultActions(policy)
            own += worstCases(policy)
            own += overlaps(policy, earlier: config.policies[..<index])
            findings += own.filter { !policy.lintIgnore.contains($0.code) }
        }
        findings += unreachableProviders()
        return findings.sortedByLocation()
    }

    /// The policy and rule of each case's plan, as `policy/rule` and `policy`.
    private func coverage(_ cases: [PolicyTestCase]) -> Set<String> {
        let planner = Planner(config: config)
        var covered: Set<String> = []
        for testCase in cases {
            guard case .success(let plan) = planner.plan(testCase.request, state: testCase.state) else { continue }
            covered.insert(plan.policy)
            covered.insert("\(plan.policy)/\(plan.rule)")
        }
        return covered
    }

    /// A policy no case reaches, or else its rules no case reaches: the tests say nothing of them.
    private func untested(_ policy: Policy, covered: Set<String>) -> [Diagnostic] {
        guard covered.contains(policy.id) else {
            return [
                warning(
                    "no policy test case reaches policy '\(policy.id)'; add cases to a routes/*.test.yaml file (docs/policy-tests.md)",
                    at: policy.location, "untested-policy")
            ]
        }
        return policy.rules.filter { !covered.contains("\(policy.id)/\($0.name)") }.map {
            warning("no policy test case reaches rule '\($0.name)' of policy '\(policy.id)'", at: $0.location, "untested-rule")
        }
    }

    private func warning(_ message: String, at location: SourceLocation, _ code: String) -> Diagnostic {
        Diagnostic(.warning, at: location, "\(message) [\(code)]", code: code)
    }

    private func shadowedRules(_ policy: Policy) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for (j, later) in policy.rules.enumerated() {
            if let earlier = policy.rules[..<j].first(where: { ConditionLogic.covers($0.conditions, later.conditions) }) {
                findings.append(
                    warning(
                        "rule '\(later.name)' can never match: every request it matches is taken first by rule '\(earlier.name)' (line \(earlier.location.line))",
                        at: later.location, "shadowed-rule"))
            }
        }
        if let last = policy.rules.last, !last.conditions.isEmpty {
            findings.append(
                warning(
                    "the last rule '\(last.name)' has conditions, so requests that match no rule are rejected; end with a rule without 'when'",
                    at: last.location, "no-catch-all"))
        }
        return findings
    }

    private func unreachableProviders() -> [Diagnostic] {
        let referenced = Set(config.policies.flatMap { $0.rules.flatMap { $0.plan.map(\.provider) } })
        return config.providers.filter { !referenced.contains($0.id) }.map {
            warning("provider '\($0.id)' is in no plan of any policy, so no request can reach it", at: $0.location, "unreachable-provider")
        }
    }

    /// Tiers a request can still have when it reaches rule `index`: those its quality tests
    /// accept, minus those an earlier rule takes on quality alone.
    func reachableTiers(_ policy: Policy, ruleIndex index: Int) -> [Tier] {
        policy.tiers.filter { tier in
            let quality = JSONValue.string(tier.name)
            let rule = policy.rules[index]
            guard rule.conditions.filter({ $0.field == .quality }).allSatisfy({ $0.holds(for: quality) }) else { return false }
            return !policy.rules[..<index].contains { earlier in
                !earlier.conditions.isEmpty && earlier.conditions.allSatisfy { $0.field == .quality && $0.holds(for: quality) }
            }
        }
    }

    private func unsatisfiableEntries(_ policy: Policy) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for (index, rule) in policy.rules.enumerated() {
            let reachable = reachableTiers(policy, ruleIndex: index)
            for entry in rule.plan {
                guard let provider = config.provider(entry.provider) else { continue }
                let capabilities = provider.capabilities
                if let allowed = policy.constraints.durations, let offered = capabilities.durations {
                    let policyRange: ClosedRange<Int> =
                        switch allowed {
                        case .range(let range): range
                        case .set(let values): (values.min() ?? 0)...(values.max() ?? 0)
                        }
                    if !offered.overlaps(policyRange) {
                        findings.append(
                            warning(
                                "'\(provider.id)' can never serve rule '\(rule.name)': it makes \(offered), the policy allows \(allowed)",
                                at: entry.location,
                                "unsatisfiable-entry"))
                        continue
                    }
                }
                if let allowed = policy.constraints.aspectRatios, let offered = capabilities.aspectRatios, !allowed.contains(where: offered.contains)
                {
                    findings.append(
                        warning(
                            "'\(provider.id)' can never serve rule '\(rule.name)': it offers none of the policy's aspect ratios", at: entry.location,
                            "unsatisfiable-entry"))
                    continue
                }
                let tiers = entry.tier.flatMap { policy.tier(named: $0) }.map { [$0] } ?? reachable
                for tier in tiers {
                    if let problem = CapabilityCheck.tierMismatch(capabilities: capabilities, tier: tier) {
                        findings.append(
                            warning("'\(provider.id)' can never serve rule '\(rule.name)': \(problem)", at: entry.location, "unsatisfiable-entry"))
                    }
                }
            }
        }
        return findings
    }

    private func defaultActions(_ policy: Policy) -> [Diagnostic] {
        let keys = Set(policy.onError.entries.map(\.key))
        let checks: [(covered: Bool, outcome: String, action: String)] = [
            (
                keys.contains(.status(429)) || keys.contains(.outcome("rate_limited")) || keys.contains(.statusClass(4)), "rate limits (429)",
                "retry once after Retry-After, then fall back"
            ),
            (keys.contains(.statusClass(5)), "server errors (5xx)", "fall back"),
            (keys.contains(.outcome("timeout")), "timeout", "fall back"),
            (keys.contains(.outcome("connection")), "connection errors", "fall back"),
            (keys.contains(.outcome("job_failed")), "jobs that fail after acceptance (job_failed)", "fall back"),
            (keys.contains(.outcome("content_policy")), "content policy failures", "fail with code content_policy"),
            (keys.contains(.statusClass(4)), "other client errors (4xx)", "fail with code request_rejected"),
        ]
        let location = policy.onError.entries.first?.location ?? policy.location
        var findings = checks.filter { !$0.covered }.map {
            warning("on_error has no row for \($0.outcome); the default applies: \($0.action)", at: location, "default-action")
        }
        if keys.contains(.statusClass(4)), !keys.contains(.status(429)), !keys.contains(.outcome("rate_limited")),
            let entry = policy.onError.entries.first(where: { $0.key == .statusClass(4) }), case .fail = entry.action
        {
            findings.append(
                warning(
                    "'4xx: fail' also covers 429, so rate-limited attempts fail instead of retrying; add a 429 or rate_limited row",
                    at: entry.location ?? location, "class-covers-rate-limit"))
        }
        return findings
    }

    private func worstCases(_ policy: Policy) -> [Diagnostic] {
        let profile = RetryProfile(policy.onError)
        let perProvider = 1 + profile.maxRetries
        var worst: (attempts: Int, time: Duration, cost: Money, seconds: Int) = (0, .zero, .zero, 0)
        for (index, rule) in policy.rules.enumerated() {
            let reachable = reachableTiers(policy, ruleIndex: index)
            let providers = rule.plan.compactMap { entry in config.provider(entry.provider).map { (entry, $0) } }
            // The longest output the policy allows, else the longest any of these providers makes.
            let seconds = policy.constraints.durations?.maximum ?? providers.compactMap { $0.1.capabilities.durations?.maximum }.max() ?? 0
            let bounds = providers.map { entry, provider in
                let tiers = entry.tier.flatMap { policy.tier(named: $0) }.map { [$0] } ?? reachable
                let dearest = tiers.map { provider.pricing.cost(seconds: seconds, tier: $0.name, resolution: $0.resolution) }.max() ?? .zero
                return (attemptTime: Planner.attemptTime(provider), cost: dearest)
            }
            // Dearest first: the cost bound holds whatever order failures come in.
            let estimate = WorstCase.estimate(bounds.sorted { $0.cost > $1.cost }, retries: profile, limits: policy.limits)
            worst = (
                max(estimate.uncappedAttempts, worst.attempts), max(estimate.uncappedWallTime, worst.time), max(estimate.cost, worst.cost),
                max(seconds, worst.seconds)
            )
        }
        guard !policy.rules.isEmpty else { return [] }
        var findings: [Diagnostic] = []
        let at = policy.limits.location ?? policy.location
        if let cap = policy.limits.maxAttempts, worst.attempts > cap {
            findings.append(
                warning(
                    "retries × fallbacks can reach \(worst.attempts) attempts (up to \(perProvider) per provider); max_attempts stops them at \(cap)",
                    at: at,
                    "worst-case-attempts"))
        } else if policy.limits.maxAttempts == nil {
            findings.append(warning("no max_attempts: retries × fallbacks can reach \(worst.attempts) attempts", at: at, "worst-case-attempts"))
        }
        if let deadline = policy.limits.deadline, worst.time > deadline {
            findings.append(
                warning(
                    "if every attempt runs to its timeout, a request can take \(TimeSpan.format(worst.time)); the deadline stops it at \(TimeSpan.format(deadline))",
                    at: at, "worst-case-time"))
        }
        if let cap = policy.limits.maxCostPerRequest, worst.cost > cap {
            findings.append(
                warning(
                    "if every attempt were charged, a \(worst.seconds) s request could cost \(worst.cost); max_cost_per_request is \(cap)", at: at,
                    "worst-case-cost"))
        }
        return findings
    }

    private func overlaps(_ policy: Policy, earlier: ArraySlice<Policy>) -> [Diagnostic] {
        earlier.compactMap { other in
            if let a = policy.match.kind, let b = other.match.kind, a != b { return nil }
            guard !ConditionLogic.disjoint(policy.match.conditions, other.match.conditions) else { return nil }
            return warning(
                "policy '\(policy.id)' overlaps policy '\(other.id)' (\(other.location)), which comes first and takes every request both match",
                at: policy.match.location, "overlapping-policies")
        }
    }
}
