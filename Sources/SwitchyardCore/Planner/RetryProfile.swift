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

    /// The longest one provider can take when every retry runs: each attempt, and the wait.
    func worstTime(attemptTime: Duration) -> Duration {
        var time: Duration = .zero
        // Added up rather than multiplied: `Duration * Int` is a 128-bit multiply, and the
        // attempts are a handful. Worked out once per config (the planner's and the linter's).
        for _ in 0...maxRetries { time += attemptTime }
        return time + maxRetryDelay
    }
}
