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
