/// A requests-per-minute limiter: up to `capacity` calls at once, refilled continuously.
/// A provider's 429 empties it until the provider's Retry-After has passed.
public struct TokenBucket: Sendable, Hashable {
    public let capacity: Double
    private let perMillisecond: Double
    private var tokens: Double
    private var updated: Timestamp
    private var blockedUntil: Timestamp?

    public init(requestsPerMinute: Int, at now: Timestamp) {
        capacity = Double(requestsPerMinute)
        perMillisecond = Double(requestsPerMinute) / 60_000
        tokens = capacity
        updated = now
    }

    /// Takes a token when one is available.
    public mutating func tryAcquire(at now: Timestamp) -> Bool {
        refill(at: now)
        if let blockedUntil, now < blockedUntil { return false }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token will be there (now, if one is).
    public mutating func nextToken(at now: Timestamp) -> Timestamp {
        refill(at: now)
        // Tokens accrue from whichever is later: now, or the end of a throttle.
        let start = max(now, blockedUntil ?? now, updated)
        let available = min(capacity, tokens + Double(start.millisecondsSinceEpoch - updated.millisecondsSinceEpoch) * perMillisecond)
        guard available < 1 else { return start }
        let wait = ((1 - available) / perMillisecond).rounded(.up)
        return Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + Int64(wait))
    }

    /// After a 429: no calls until `until`, and the bucket starts empty then.
    public mutating func throttle(until: Timestamp, at now: Timestamp) {
        refill(at: now)
        tokens = 0
        blockedUntil = max(blockedUntil ?? until, until)
        // Empty when the block lifts, refilling from then: no burst at the provider.
        updated = max(updated, blockedUntil ?? until)
    }

    private mutating func refill(at now: Timestamp) {
        let elapsed = Double(max(0, now.millisecondsSinceEpoch - updated.millisecondsSinceEpoch))
        tokens = min(capacity, tokens + elapsed * perMillisecond)
        updated = max(updated, now)
    }
}
