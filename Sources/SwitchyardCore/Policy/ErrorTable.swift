/// A policy's `on_error` table: what to do with each kind of failed attempt.
///
/// Lookup order, most specific first: a provider error code (from a descriptor's code map),
/// the exact status, a built-in outcome (`rate_limited`, `timeout`, `connection`,
/// `job_failed`, `content_policy`), the status class, then ``ErrorTable/defaults``.
public struct ErrorTable: Sendable, Hashable {
    public var entries: [Entry]

    public struct Entry: Sendable, Hashable {
        public var key: OutcomeKey
        public var action: ErrorAction
        public var location: SourceLocation?
    }

    public init(entries: [Entry] = []) { self.entries = entries }

    /// Outcomes the engine itself produces, beside statuses and provider codes. `bad_response`
    /// is an answer that breaks the descriptor's contract: not JSON, no job id, no output.
    public static let builtInOutcomes = ["rate_limited", "timeout", "connection", "job_failed", "content_policy", "bad_response"]

    /// The documented default for outcomes a policy leaves out: 429 retries once after
    /// Retry-After then falls back; 5xx, timeout, connection error and a job that fails after
    /// acceptance fall back; content policy fails; any other 4xx fails.
    public static let defaults = ErrorTable(entries: [
        Entry(key: .outcome("rate_limited"), action: .retry(RetryAction(attempts: 1, delay: .retryAfter, then: .fallback)), location: nil),
        Entry(key: .statusClass(5), action: .fallback, location: nil),
        Entry(key: .outcome("timeout"), action: .fallback, location: nil),
        Entry(key: .outcome("connection"), action: .fallback, location: nil),
        Entry(key: .outcome("job_failed"), action: .fallback, location: nil),
        // A provider that answers with something unreadable (no job id, malformed JSON) is broken.
        Entry(key: .outcome("bad_response"), action: .fallback, location: nil),
        Entry(
            key: .outcome("content_policy"),
            action: .fail(FailAction(message: "The request was declined by the provider's content policy.", code: "content_policy")),
            location: nil),
        Entry(
            key: .statusClass(4),
            action: .fail(FailAction(message: "The provider rejected the request.", code: "request_rejected")), location: nil),
    ])

    /// The action for an outcome, and the entry that gave it (nil entry location: the default).
    /// - Parameters:
    ///   - status: the HTTP status, when the outcome came with one.
    ///   - outcomes: outcome names, most specific first (mapped provider codes, then built-in).
    public func resolve(status: Int?, outcomes: [String]) -> Entry? {
        var outcomes = outcomes
        // A 429 is a rate limit whether or not the descriptor says so.
        if status == 429, !outcomes.contains("rate_limited") { outcomes.append("rate_limited") }
        for table in [self, Self.defaults] {
            if let entry = table.lookup(status: status, outcomes: outcomes) { return entry }
        }
        return nil
    }

    private func lookup(status: Int?, outcomes: [String]) -> Entry? {
        let builtIn = outcomes.filter(Self.builtInOutcomes.contains)
        for outcome in outcomes where !Self.builtInOutcomes.contains(outcome) {
            if let entry = entries.first(where: { $0.key == .outcome(outcome) }) { return entry }
        }
        if let status, let entry = entries.first(where: { $0.key == .status(status) }) { return entry }
        for outcome in builtIn {
            if let entry = entries.first(where: { $0.key == .outcome(outcome) }) { return entry }
        }
        if let status, let entry = entries.first(where: { $0.key == .statusClass(status / 100) }) { return entry }
        return nil
    }
}

/// A key of the error table.
public enum OutcomeKey: Sendable, Hashable, CustomStringConvertible {
    case status(Int)
    case statusClass(Int)
    /// A built-in outcome or a provider error code.
    case outcome(String)

    public var description: String {
        switch self {
        case .status(let code): "\(code)"
        case .statusClass(let digit): "\(digit)xx"
        case .outcome(let name): name
        }
    }
}

/// What to do with a failed attempt.
public enum ErrorAction: Sendable, Hashable {
    case retry(RetryAction)
    case fallback
    case fail(FailAction)
}

/// Retry the same provider, then fall back or fail.
public struct RetryAction: Sendable, Hashable {
    public enum Delay: Sendable, Hashable {
        /// The provider's Retry-After hint; `interval` when it gives none.
        case retryAfter
        case fixed
        case exponential
    }

    public enum Then: Sendable, Hashable {
        case fallback
        case fail(FailAction)
    }

    public var attempts: Int
    public var delay: Delay
    /// The fixed delay, the first exponential delay, or the wait when no Retry-After is given.
    public var interval: Duration
    public var factor: Double
    public var jitter: Double
    public var maxDelay: Duration
    public var then: Then

    public init(
        attempts: Int, delay: Delay, interval: Duration = .seconds(1), factor: Double = 2, jitter: Double = 0,
        maxDelay: Duration = .seconds(60), then: Then
    ) {
        self.attempts = attempts
        self.delay = delay
        self.interval = interval
        self.factor = factor
        self.jitter = jitter
        self.maxDelay = maxDelay
        self.then = then
    }

    /// The longest total wait all retries can add, for worst-case bounds.
    public var worstCaseDelay: Duration {
        var total: Duration = .zero
        var next = interval
        for _ in 0..<attempts {
            switch delay {
            case .retryAfter: total += maxDelay
            case .fixed: total += min(interval * (1 + jitter), maxDelay)
            case .exponential:
                total += min(next * (1 + jitter), maxDelay)
                // Stop growing at the cap, so many attempts cannot overflow.
                next = min(next * factor, maxDelay)
            }
        }
        return total
    }
}

/// Fail the request with a message for the user and a stable code for machines.
public struct FailAction: Sendable, Hashable {
    public var message: String
    /// snake_case, stable across releases.
    public var code: String
}
