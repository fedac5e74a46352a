import OrderedCollections
public import SwitchyardCore

/// Running totals of a simulation, in constant memory.
struct SimulationStatistics {
    var requests = 0
    private var succeeded = 0
    private var failed = 0
    private var fallbackUsed = 0
    private var cacheHits = 0
    private var attempts = 0
    private var cost = Money.zero
    private var currency: String?
    private var latency = LatencyHistogram()
    private var queueWait = LatencyHistogram()
    /// Per provider, by its position in the config (the simulator's order), so counting an
    /// attempt hashes no id; `counted` says which have been counted at all, as the summary
    /// lists only those.
    private var totals: [ProviderTotals]
    private var counted: [Bool]
    private let ids: [String]
    private let positions: [String: Int]
    /// Each provider's column in the timeline, which orders them by id.
    private let columns: [Int]
    private var failures: [String: Int] = [:]
    /// What the report shows besides the summary; constant memory like the rest.
    private var timeline: SimulationTimeline
    /// Failed attempts by provider, then by what went wrong ("HTTP 500", "timeout").
    private var attemptFailures: [String: [String: Int]] = [:]
    /// Calls a provider's gate turned away (open circuit, limits), by provider, then by reason.
    private var skippedAttempts: [String: [String: Int]] = [:]
    /// Providers left out of plans, by provider, then by reason code.
    private var exclusions: [String: [String: Int]] = [:]
    private var knownProviders: [String]

    /// Whether the report's own tallies are kept (timeline, failure and exclusion reasons):
    /// the summary needs none of them.
    let keepsReport: Bool

    /// - Parameters:
    ///   - providers: every provider of the config, in config order (the positions the
    ///     simulator counts by), so the report lists idle ones too.
    ///   - keepsReport: keep what only the report shows.
    init(providers: [String] = [], keepsReport: Bool = true) {
        self.keepsReport = keepsReport
        knownProviders = providers.sorted()
        timeline = SimulationTimeline(providers: knownProviders)
        ids = providers
        totals = Array(repeating: ProviderTotals(), count: providers.count)
        counted = Array(repeating: false, count: providers.count)
        var positions: [String: Int] = [:]
        for (position, id) in providers.enumerated() where positions[id] == nil { positions[id] = position }
        self.positions = positions
        var column: [String: Int] = [:]
        for (position, id) in knownProviders.enumerated() where column[id] == nil { column[id] = position }
        columns = providers.map { column[$0]! }
    }

    /// The totals of every provider counted so far, by id.
    private var providers: [String: ProviderTotals] {
        var providers: [String: ProviderTotals] = [:]
        for position in ids.indices where counted[position] { providers[ids[position], default: ProviderTotals()] = totals[position] }
        return providers
    }

    struct ProviderTotals {
        var attempts = 0
        var succeeded = 0
        var failed = 0
        var cost = Money.zero
        var servedAfterFallback = 0
    }

    /// - Parameter position: the provider's position in the config.
    mutating func recordAttempt(at position: Int) {
        totals[position].attempts += 1
        counted[position] = true
    }

    /// - Parameter reason: what went wrong, for the report ("HTTP 500", "timeout").
    mutating func recordFailedAttempt(_ provider: String, reason: String) {
        if let position = positions[provider] {
            totals[position].failed += 1
            counted[position] = true
        }
        if keepsReport { attemptFailures[provider, default: [:]][reason, default: 0] += 1 }
    }

    mutating func recordSkippedAttempt(_ provider: String, reason: String) {
        if keepsReport { skippedAttempts[provider, default: [:]][reason, default: 0] += 1 }
    }

    mutating func recordExclusions(_ excluded: [Exclusion]) {
        guard keepsReport else { return }
        for exclusion in excluded { exclusions[exclusion.provider, default: [:]][exclusion.reason.rawValue, default: 0] += 1 }
    }

    /// - Parameter arrival: when the request arrived, in milliseconds from the start.
    mutating func recordRejected(code: String, arrival: Int64) {
        failed += 1
        failures[code, default: 0] += 1
        latency.record(0)
        if keepsReport { timeline.recordRejected(arrival: arrival) }
    }

    /// - Parameter arrival: when the request arrived, in milliseconds from the start.
    ///   - position: where the provider that served it sits in the config; nil for a cache hit.
    mutating func record(_ result: ExecutionResult, latency: Duration, queueWait: Duration, cacheHit: Bool, arrival: Int64, position: Int?) {
        if keepsReport {
            timeline.record(
                result, cacheHit: cacheHit, arrival: arrival, column: cacheHit || result.provider == nil ? nil : position.map { columns[$0] })
        }
        self.latency.record(latency.milliseconds)
        self.queueWait.record(queueWait.milliseconds)
        attempts += result.attempts
        if cacheHit { cacheHits += 1 }
        if result.fallbackUsed { fallbackUsed += 1 }
        if currency == nil { currency = result.currency }
        switch result.status {
        case .succeeded:
            succeeded += 1
            cost += result.cost
            // A cache hit made no call, so it is no provider's success.
            if result.provider != nil, !cacheHit, let position {
                Self.count(success: result, in: &totals[position])
                counted[position] = true
            }
        case .failed:
            failed += 1
            failures[result.failureCode ?? "failed", default: 0] += 1
        }
    }

    private static func count(success result: ExecutionResult, in totals: inout ProviderTotals) {
        totals.succeeded += 1
        totals.cost += result.cost
        if result.fallbackUsed { totals.servedAfterFallback += 1 }
    }

    /// The summary JSON's content; keys sorted where they are names, so equal runs print equal.
    func summary(currency fallbackCurrency: String?) -> SimulationSummary {
        let currency = currency ?? fallbackCurrency
        let providers = self.providers
        var byProvider = JSONObject()
        for id in providers.keys.sorted() {
            let totals = providers[id]!
            byProvider[id] = [
                "attempts": .int(totals.attempts), "succeeded": .int(totals.succeeded), "failed": .int(totals.failed), "cost": totals.cost.json,
            ]
        }
        var failuresByCode = JSONObject()
        for code in failures.keys.sorted() { failuresByCode[code] = .int(failures[code]!) }
        let finished = succeeded + failed
        let seconds = { (milliseconds: Int64) in JSONValue.double(Double(milliseconds) / 1000) }
        var costObject: JSONObject = [
            "total": cost.json, "mean": finished == 0 ? .double(0) : .double((cost.doubleValue / Double(finished) * 1e6).rounded() / 1e6),
        ]
        costObject["currency"] = currency.map(JSONValue.string) ?? .null
        let json: JSONObject = [
            "requests": .int(requests),
            "succeeded": .int(succeeded),
            "failed": .int(failed),
            "fallback_used": .int(fallbackUsed),
            "by_provider": .object(byProvider),
            "failures_by_code": .object(failuresByCode),
            "cost": .object(costObject),
            "latency_s": [
                "mean": .double((latency.mean).rounded() / 1000), "p50": seconds(latency.percentile(0.5)), "p90": seconds(latency.percentile(0.9)),
                "p99": seconds(latency.percentile(0.99)), "max": seconds(latency.max),
            ],
            "queue_wait_s": ["mean": .double((queueWait.mean).rounded() / 1000), "p99": seconds(queueWait.percentile(0.99))],
            "attempts_per_request": .double(finished == 0 ? 0 : (Double(attempts) / Double(finished) * 1000).rounded() / 1000),
            "cache_hits": .int(cacheHits),
        ]
        return SimulationSummary(json: .object(json), requests: requests, succeeded: succeeded, failed: failed)
    }
}

extension SimulationStatistics {
    /// Everything the HTML report shows, from the same totals as the summary.
    func report(currency fallbackCurrency: String?, seed: UInt64) -> SimulationReport {
        let requestTotals = SimulationReport.Totals(
            requests: succeeded + failed, succeeded: succeeded, failed: failed, fallbackUsed: fallbackUsed, cacheHits: cacheHits, attempts: attempts,
            cost: cost, currency: currency ?? fallbackCurrency)
        let providers = self.providers
        let ids = Set(knownProviders).union(providers.keys).sorted()
        let rows = ids.map { id in
            let totals = providers[id] ?? ProviderTotals()
            return SimulationReport.Provider(
                id: id, attempts: totals.attempts, succeeded: totals.succeeded, failed: totals.failed, cost: totals.cost,
                servedAfterFallback: totals.servedAfterFallback)
        }
        // Equal bins to a round limit a little past the p99, five to a tick of the axis.
        let p99 = latency.percentile(0.99)
        // Clamped far below Int64's range (1e15 ms is 31,000 years), so no latency a scenario can
        // script makes the conversions below trap.
        let target = Swift.min(Swift.max(Double(p99) * 1.2, 1000), 1e15)
        let step = Int64(ChartScale.niceStep(target / 8))
        let limit = step * Int64((target / Double(step)).rounded(.up))
        let binned = latency.bins(upTo: limit, count: Int(limit / step) * 5)
        let distribution = SimulationReport.Latency(
            count: latency.count, p50: latency.percentile(0.5), p90: latency.percentile(0.9), p99: p99, max: latency.max, bins: binned.bins,
            binWidth: step / 5, beyond: binned.beyond)
        return SimulationReport(
            seed: seed, totals: requestTotals, providers: rows, timeline: timeline, latency: distribution, queueWaitP99: queueWait.percentile(0.99),
            failuresByCode: Self.ranked(failures), failedAttempts: Self.ranked(attemptFailures), skippedAttempts: Self.ranked(skippedAttempts),
            exclusions: Self.ranked(exclusions))
    }

    private static func ranked(_ counts: [String: Int]) -> [SimulationReport.Tally] {
        counts.map { SimulationReport.Tally(name: $0.key, count: $0.value) }.sorted { ($1.count, $0.name) < ($0.count, $1.name) }
    }

    private static func ranked(_ counts: [String: [String: Int]]) -> [SimulationReport.ProviderTally] {
        counts.flatMap { provider, reasons in reasons.map { SimulationReport.ProviderTally(provider: provider, reason: $0.key, count: $0.value) } }
            .sorted { ($1.count, $0.provider, $0.reason) < ($0.count, $1.provider, $1.reason) }
    }
}

/// What `simulate` prints: deterministic for a given seed and input.
public struct SimulationSummary: Sendable, Hashable {
    public let json: JSONValue
    public let requests: Int
    public let succeeded: Int
    public let failed: Int
}
