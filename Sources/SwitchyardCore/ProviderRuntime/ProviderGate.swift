/// Everything that decides whether a call to one provider may go now: its circuit breaker, its
/// requests-per-minute bucket and its concurrency cap. Pure, fed `now`; the live runtime holds
/// one per provider behind a lock, the simulator one per simulated provider.
public struct ProviderGate: Sendable {
    public enum Decision: Sendable, Hashable {
        case proceed
        /// Ask again at `until`, or when a slot frees if nil.
        case wait(until: Timestamp?)
        case reject(reason: String)
    }

    public let provider: String
    public private(set) var breaker: CircuitBreaker
    private var bucket: TokenBucket?
    private let maxConcurrent: Int?
    public private(set) var inFlight = 0

    public init(provider: ProviderDescriptor, at now: Timestamp) {
        self.provider = provider.id
        breaker = CircuitBreaker(settings: provider.circuitBreaker)
        bucket = provider.limits.requestsPerMinute.map { TokenBucket(requestsPerMinute: $0, at: now) }
        maxConcurrent = provider.limits.maxConcurrent
    }

    /// Whether a job may start now.
    /// - Parameters:
    ///   - waitingSince: when the call first asked.
    ///   - queueing: the policy's choice at capacity.
    public mutating func request(at now: Timestamp, waitingSince: Timestamp, queueing: QueuePolicy) -> Decision {
        if let reason = breaker.reason(at: now) { return .reject(reason: reason) }
        let full = maxConcurrent.map { inFlight >= $0 } ?? false
        var tokenAt: Timestamp?
        if !full, var bucket {
            let ready = bucket.nextToken(at: now)
            self.bucket = bucket
            if ready > now { tokenAt = ready }
        }
        if full || tokenAt != nil {
            // Only a refusal says which limit: a call that waits builds no text.
            var limit: String { full ? "max_concurrent \(maxConcurrent ?? 0)" : "its rate limit" }
            switch queueing {
            case .skip:
                return .reject(reason: "at \(limit)")
            case .queue(let maxWait):
                let waited = Duration.milliseconds(now.millisecondsSinceEpoch - waitingSince.millisecondsSinceEpoch)
                if waited >= maxWait { return .reject(reason: "waited \(TimeSpan.format(maxWait)) at \(limit)") }
                let giveUp = waitingSince + maxWait
                return .wait(until: tokenAt.map { min($0, giveUp) } ?? giveUp)
            }
        }
        guard breaker.allow(at: now) else { return .reject(reason: "circuit half-open, probe in flight") }
        if var bucket {
            _ = bucket.tryAcquire(at: now)
            self.bucket = bucket
        }
        inFlight += 1
        return .proceed
    }

    /// An attempt that started with `.proceed` has ended.
    public mutating func release() {
        inFlight = max(0, inFlight - 1)
    }

    /// How a call went.
    public mutating func record(_ signal: ProviderSignal, at now: Timestamp) {
        switch signal {
        case .success: breaker.record(failed: false, at: now)
        case .failure: breaker.record(failed: true, at: now)
        case .rateLimited(let retryAfter):
            // A throttle is the limiter's business, not an outage; but the provider is up.
            breaker.recordAnswered(at: now)
            bucket?.throttle(until: now + (retryAfter ?? .seconds(1)), at: now)
        case .answered:
            breaker.recordAnswered(at: now)
        }
    }

    /// Opens the circuit now, as if the provider had just failed enough calls.
    public mutating func tripBreaker(at now: Timestamp) { breaker.trip(at: now) }

    /// For the planner: unavailable while the circuit is open.
    public func status(at now: Timestamp) -> WorldState.ProviderStatus {
        breaker.reason(at: now).map { WorldState.ProviderStatus(available: false, reason: $0) } ?? WorldState.ProviderStatus()
    }
}

/// What a request does when a provider is at its concurrency or rate limit (`concurrency:` in
/// the policy).
public enum QueuePolicy: Sendable, Hashable {
    /// Wait up to this long for room, then move on to the next provider.
    case queue(maxWait: Duration)
    /// Move on at once.
    case skip

    public static let `default` = QueuePolicy.queue(maxWait: .seconds(10))
}
