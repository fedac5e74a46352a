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
    private var providers: [String: ProviderTotals] = [:]
    private var failures: [String: Int] = [:]

    struct ProviderTotals {
        var attempts = 0
        var succeeded = 0
        var failed = 0
        var cost = Money.zero
    }

    mutating func recordAttempt(_ provider: String) { providers[provider, default: ProviderTotals()].attempts += 1 }

    mutating func recordFailedAttempt(_ provider: String) { providers[provider, default: ProviderTotals()].failed += 1 }

    mutating func recordRejected(code: String) {
        failed += 1
        failures[code, default: 0] += 1
        latency.record(0)
    }

    mutating func record(_ result: ExecutionResult, latency: Duration, queueWait: Duration, cacheHit: Bool) {
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
            if let provider = result.provider, !cacheHit {
                providers[provider, default: ProviderTotals()].succeeded += 1
                providers[provider, default: ProviderTotals()].cost += result.cost
            }
        case .failed:
            failed += 1
            failures[result.failureCode ?? "failed", default: 0] += 1
        }
    }

    /// The summary JSON's content; keys sorted where they are names, so equal runs print equal.
    func summary(currency fallbackCurrency: String?) -> SimulationSummary {
        let currency = currency ?? fallbackCurrency
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

/// What `simulate` prints: deterministic for a given seed and input.
public struct SimulationSummary: Sendable, Hashable {
    public let json: JSONValue
    public let requests: Int
    public let succeeded: Int
    public let failed: Int
}
