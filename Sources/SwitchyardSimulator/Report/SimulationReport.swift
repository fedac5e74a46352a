public import SwitchyardCore

/// What `simulate --report` shows: the summary's totals plus what a summary cannot hold (the
/// timeline, the latency distribution, the reasons behind fallbacks and failures). Gathered in
/// constant memory during the run, so a report costs the same for a million requests as for ten.
public struct SimulationReport: Sendable {
    /// The run's totals, equal to the summary's.
    public struct Totals: Sendable, Hashable {
        public var requests = 0
        public var succeeded = 0
        public var failed = 0
        public var fallbackUsed = 0
        public var cacheHits = 0
        public var attempts = 0
        public var cost = Money.zero
        public var currency: String?

        /// What a finished request cost on average, failures included, as the summary's `cost.mean`.
        public var meanCost: Double { requests == 0 ? 0 : cost.doubleValue / Double(requests) }
    }

    /// One provider's part in the run.
    public struct Provider: Sendable, Hashable {
        public var id: String
        /// Calls granted a slot, retries included.
        public var attempts = 0
        public var succeeded = 0
        /// Attempts that ended in an error.
        public var failed = 0
        public var cost = Money.zero
        /// Requests it served after their first choice failed or was left out.
        public var servedAfterFallback = 0
    }

    /// A count under a name, such as a failure code.
    public struct Tally: Sendable, Hashable {
        public var name: String
        public var count: Int
    }

    /// A count of something that happened to one provider, such as "HTTP 500" or "unavailable".
    public struct ProviderTally: Sendable, Hashable {
        public var provider: String
        public var reason: String
        public var count: Int
    }

    /// Latency from arrival to outcome, as percentiles and as a histogram of equal bins.
    public struct Latency: Sendable, Hashable {
        public var count = 0
        public var p50: Int64 = 0
        public var p90: Int64 = 0
        public var p99: Int64 = 0
        public var max: Int64 = 0
        /// Counts in bins of `binWidth` milliseconds from 0.
        public var bins: [Int] = []
        public var binWidth: Int64 = 1
        /// Values past the last bin: the long tail, shown as one bar.
        public var beyond = 0
    }

    /// A line of the report's header saying where an input came from.
    public struct Input: Sendable, Hashable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var seed: UInt64
    public var totals: Totals
    /// Every provider of the config, sorted by id: the order of colours and of `timeline`'s columns.
    public var providers: [Provider]
    public var timeline: SimulationTimeline
    public var latency: Latency
    /// The 99th percentile of the time spent queued at providers' limits, in milliseconds.
    public var queueWaitP99: Int64
    /// The policy's failure codes, most frequent first.
    public var failuresByCode: [Tally]
    /// Failed attempts by provider and what went wrong, most frequent first: why requests
    /// retried and fell back.
    public var failedAttempts: [ProviderTally]
    /// Calls a provider's gate turned away (circuit open, concurrency or rate limit reached
    /// after the policy's queueing), by provider and reason, most frequent first: fallbacks
    /// without a call.
    public var skippedAttempts: [ProviderTally]
    /// Providers left out of plans, by reason, most frequent first: fallbacks that happened
    /// before any call.
    public var exclusions: [ProviderTally]
    /// Where the inputs came from (scenario, traffic, config), set by the caller. Paths belong
    /// here, never in the summary: the report is for people.
    public var inputs: [Input] = []
}
