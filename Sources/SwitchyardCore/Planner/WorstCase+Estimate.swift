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
        _ providers: some Sequence<(attemptTime: Duration, cost: Money)>, retries: RetryProfile, limits: PolicyLimits
    ) -> WorstCase {
        let perProvider = 1 + retries.maxRetries
        let attemptCap = limits.maxAttempts ?? .max
        var uncappedAttempts = 0
        var uncappedTime: Duration = .zero
        var attempts = 0
        var cost = Money.zero
        for provider in providers {
            uncappedAttempts += perProvider
            // Added up rather than multiplied: `Duration * Int` is a 128-bit multiply, and this
            // runs for every entry of every plan. `perProvider` is a handful of attempts.
            for _ in 0..<perProvider { uncappedTime += provider.attemptTime }
            uncappedTime += retries.maxRetryDelay
            let counted = min(perProvider, attemptCap - attempts)
            if counted > 0 {
                attempts += counted
                cost += provider.cost.times(counted)
            }
        }
        return WorstCase(
            attempts: attempts, uncappedAttempts: uncappedAttempts, wallTime: limits.deadline.map { min($0, uncappedTime) } ?? uncappedTime,
            uncappedWallTime: uncappedTime, cost: cost)
    }
}
