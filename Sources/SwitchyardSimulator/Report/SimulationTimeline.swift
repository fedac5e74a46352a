public import SwitchyardCore

/// Outcomes over virtual time, in constant memory however long the traffic runs.
///
/// The run's length is not known in advance, so the timeline starts with one-second intervals
/// and, when a request arrives past the last of `capacity` intervals, merges adjacent ones into
/// the next width of a fixed ladder (1 s, 5 s, 10 s, 30 s, 1 m, 5 m, … 1 d, then doubling).
/// Merging only adds counts together, so totals stay exact and the result depends on the
/// arrivals alone. Each request counts in the interval it arrived in, so a chart shows what
/// happened to the traffic that came in during an outage.
public struct SimulationTimeline: Sendable, Hashable {
    /// What happened to the requests that arrived in one interval.
    public struct Bucket: Sendable, Hashable {
        public var requests = 0
        /// Succeeded, after a fallback or not, from the cache or not.
        public var succeeded = 0
        /// Succeeded through a provider other than the plan's first choice.
        public var fallbackUsed = 0
        public var failed = 0
        public var cacheHits = 0
        public var cost = Money.zero
        /// Successes per provider, indexed like ``SimulationTimeline/providers``; cache hits are
        /// no provider's.
        public var served: [Int]
        /// What the successes cost, per provider, indexed the same way.
        public var costByProvider: [Money]

        init(providers: Int) {
            served = Array(repeating: 0, count: providers)
            costByProvider = Array(repeating: .zero, count: providers)
        }

        mutating func add(_ other: Bucket) {
            requests += other.requests
            succeeded += other.succeeded
            fallbackUsed += other.fallbackUsed
            failed += other.failed
            cacheHits += other.cacheHits
            cost += other.cost
            for index in served.indices {
                served[index] += other.served[index]
                costByProvider[index] += other.costByProvider[index]
            }
        }
    }

    /// Interval widths in milliseconds; each divides the next, so widening merges whole
    /// intervals. Past the last, widths double.
    static let ladder: [Int64] = [
        1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
    ]

    /// Provider ids in a stable order: the order of each bucket's `served`.
    public let providers: [String]
    /// The most intervals kept; a request past the last makes them wider.
    public let capacity: Int
    /// The width of every interval, in virtual milliseconds.
    public private(set) var width: Int64 = ladder[0]
    /// From time 0 to the interval of the latest arrival.
    public private(set) var buckets: [Bucket] = []
    /// The latest arrival, in milliseconds from the start: how long the traffic ran.
    public private(set) var lastArrival: Int64 = 0
    private let index: [String: Int]

    /// - Parameters:
    ///   - providers: every provider that may serve a request; others are not counted per provider.
    ///   - capacity: at most this many intervals (at least 5, so a widening always fits).
    public init(providers: [String], capacity: Int = 180) {
        self.providers = providers
        self.capacity = max(capacity, 5)
        var index: [String: Int] = [:]
        for (position, id) in providers.enumerated() { index[id] = position }
        self.index = index
    }

    /// The interval width as a duration.
    public var interval: Duration { .milliseconds(width) }

    /// A request that finished; `arrival` is its arrival time from the start, in milliseconds.
    mutating func record(_ result: ExecutionResult, cacheHit: Bool, arrival: Int64) {
        record(result, cacheHit: cacheHit, arrival: arrival, column: result.provider.flatMap { index[$0] })
    }

    /// ``record(_:cacheHit:arrival:)`` with the provider's position in ``providers`` known.
    mutating func record(_ result: ExecutionResult, cacheHit: Bool, arrival: Int64, column: Int?) {
        let position = slot(for: arrival)
        buckets[position].requests += 1
        guard result.status == .succeeded else {
            buckets[position].failed += 1
            return
        }
        buckets[position].succeeded += 1
        buckets[position].cost += result.cost
        if result.fallbackUsed { buckets[position].fallbackUsed += 1 }
        if cacheHit {
            buckets[position].cacheHits += 1
        } else if let column {
            buckets[position].served[column] += 1
            buckets[position].costByProvider[column] += result.cost
        }
    }

    /// A request that failed without a result: rejected before it was planned.
    mutating func recordRejected(arrival: Int64) {
        let position = slot(for: arrival)
        buckets[position].requests += 1
        buckets[position].failed += 1
    }

    /// The bucket for a time, widening the intervals and growing the list as needed.
    private mutating func slot(for arrival: Int64) -> Int {
        let time = max(arrival, 0)
        lastArrival = max(lastArrival, time)
        while time / width >= Int64(capacity) { widen() }
        let position = Int(time / width)
        while buckets.count <= position { buckets.append(Bucket(providers: providers.count)) }
        return position
    }

    private mutating func widen() {
        let next = Self.ladder.first { $0 > width } ?? width.multipliedReportingOverflow(by: 2).partialValue
        let factor = Int(next / width)
        var merged: [Bucket] = []
        merged.reserveCapacity(capacity)
        var start = 0
        while start < buckets.count {
            var bucket = buckets[start]
            for position in (start + 1)..<min(start + factor, buckets.count) { bucket.add(buckets[position]) }
            merged.append(bucket)
            start += factor
        }
        buckets = merged
        width = next
    }

    /// Every bucket added together: the same totals as the summary's.
    public var total: Bucket {
        var total = Bucket(providers: providers.count)
        for bucket in buckets { total.add(bucket) }
        return total
    }
}
