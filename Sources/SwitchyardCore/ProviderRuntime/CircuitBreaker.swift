import DequeModule

/// Keeps a failing provider out of plans: it opens after `consecutiveFailures` failures in a
/// row, or when the failure rate over `window` reaches `failureRate` (with at least
/// `minimumCalls` calls); after `cooldown` it lets one probe through (half-open), which closes
/// it on success and reopens it on failure.
public struct CircuitBreaker: Sendable {
    public enum State: Sendable, Hashable {
        case closed
        case open(until: Timestamp)
        /// `probe`: when the probe in flight started, if one is.
        case halfOpen(probe: Timestamp?)
    }

    public let settings: CircuitBreakerSettings
    public private(set) var state: State = .closed
    private var consecutive = 0
    private var recent: Deque<(at: Timestamp, failed: Bool)> = []
    /// How many of `recent` failed, kept as calls enter and leave the window: counting them on
    /// every failure cost time in proportion to the traffic.
    private var recentFailures = 0

    public init(settings: CircuitBreakerSettings) {
        self.settings = settings
    }

    /// Whether a call may go now; in half-open state only one probe at a time.
    public mutating func allow(at now: Timestamp) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(probe: now)
            return true
        case .halfOpen(let probe):
            // A probe that never reported back (abandoned by a deadline) expires after a cooldown.
            if let probe, now < probe + settings.cooldown { return false }
            state = .halfOpen(probe: now)
            return true
        }
    }

    /// For the planner's world state: open (and not yet due for a probe) means unavailable.
    public func isAvailable(at now: Timestamp) -> Bool {
        switch state {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen(let probe): probe.map { now >= $0 + settings.cooldown } ?? true
        }
    }

    public mutating func record(failed: Bool, at now: Timestamp) {
        recent.append((now, failed))
        if failed { recentFailures += 1 }
        let window = settings.window.milliseconds
        while let first = recent.first, now.millisecondsSinceEpoch - first.at.millisecondsSinceEpoch > window {
            if first.failed { recentFailures -= 1 }
            recent.removeFirst()
        }
        consecutive = failed ? consecutive + 1 : 0
        switch state {
        case .halfOpen:
            if failed { trip(at: now) } else { reset() }
        case .open:
            break
        case .closed:
            guard failed else { return }
            let rateTripped = recent.count >= settings.minimumCalls && Double(recentFailures) / Double(recent.count) >= settings.failureRate
            if consecutive >= settings.consecutiveFailures || rateTripped { trip(at: now) }
        }
    }

    /// The provider answered without saying anything of its health: a probe closes the circuit.
    public mutating func recordAnswered(at now: Timestamp) {
        if case .halfOpen = state { reset() }
    }

    /// Why the circuit is open, for exclusions and logs.
    public func reason(at now: Timestamp) -> String? {
        guard case .open(let until) = state, now < until else { return nil }
        return TimeSpan.format(.milliseconds(until.millisecondsSinceEpoch - now.millisecondsSinceEpoch), after: "circuit open for ", before: " more")
    }

    /// Opens the circuit now, for its cooldown: what enough failures do, and what a driver does
    /// to start from a snapshot in which the provider is down.
    public mutating func trip(at now: Timestamp) {
        state = .open(until: now + settings.cooldown)
        consecutive = 0
        recent.removeAll()
        recentFailures = 0
    }

    private mutating func reset() {
        state = .closed
        consecutive = 0
        recent.removeAll()
        recentFailures = 0
    }
}

/// A provider's breaker thresholds (`circuit_breaker:` in its descriptor).
public struct CircuitBreakerSettings: Sendable, Hashable {
    public var consecutiveFailures: Int
    public var failureRate: Double
    public var window: Duration
    public var minimumCalls: Int
    public var cooldown: Duration

    public init(
        consecutiveFailures: Int = 5, failureRate: Double = 0.5, window: Duration = .seconds(60), minimumCalls: Int = 10,
        cooldown: Duration = .seconds(30)
    ) {
        self.consecutiveFailures = consecutiveFailures
        self.failureRate = failureRate
        self.window = window
        self.minimumCalls = minimumCalls
        self.cooldown = cooldown
    }
}
