extension WorstCase {
    /// The bounds of trying providers in order when every retry and every fallback runs.
    ///
    /// The planner passes its plan in order; the linter passes each provider's dearest cost,
    /// dearest first, for a bound that holds whatever order failures come in.
    /// - Parameters:
    ///   - providers: per provider, the longest one attempt can take and its cost.
    ///   - retries: the policy's retry bounds per provider.
    ///   - limits: `max_attempts` and `deadline` cap the result.
    static func estimate(
        _ providers: some Collection<(attemptTime: Duration, cost: Money)>, retries: RetryProfile, limits: PolicyLimits
    ) -> WorstCase {
        var uncappedTime: Duration = .zero
        for provider in providers { uncappedTime += retries.worstTime(attemptTime: provider.attemptTime) }
        return estimate(costs: providers.lazy.map(\.cost), uncappedTime: uncappedTime, retries: retries, limits: limits)
    }

    /// The same bounds, from the time every provider's attempts take together, which does not
    /// depend on their order, so the planner adds it up from times it works out once per config.
    /// Inlined, so the planner reads each cost from its entries in place rather than copying
    /// every entry out through a generic call.
    /// - Parameters:
    ///   - costs: per provider, in the order they are tried, what one attempt costs.
    ///   - uncappedTime: the sum of ``RetryProfile/worstTime(attemptTime:)`` over the providers.
    @inline(__always)
    static func estimate(costs: some Sequence<Money>, uncappedTime: Duration, retries: RetryProfile, limits: PolicyLimits) -> WorstCase {
        let perProvider = 1 + retries.maxRetries
        let attemptCap = limits.maxAttempts ?? .max
        var uncappedAttempts = 0
        var attempts = 0
        var cost = Money.zero
        for providerCost in costs {
            uncappedAttempts += perProvider
            let counted = min(perProvider, attemptCap - attempts)
            if counted > 0 {
                attempts += counted
                cost += providerCost.times(counted)
            }
        }
        return WorstCase(
            attempts: attempts, uncappedAttempts: uncappedAttempts, wallTime: limits.deadline.map { min($0, uncappedTime) } ?? uncappedTime,
            uncappedWallTime: uncappedTime, cost: cost)
    }
}
