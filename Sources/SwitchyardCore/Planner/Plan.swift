/// The ordered fallback plan for one request, with the reason for every provider left out.
public struct Plan: Sendable, Hashable {
    public var requestID: String?
    public var policy: String
    public var rule: String
    /// The tier the request asked for (or the policy's default).
    public var tier: String
    public var strategy: Strategy
    /// In the order they will be tried.
    public var entries: [PlanEntry]
    public var excluded: [Exclusion]
    public var worstCase: WorstCase
    public var currency: String?
    /// The provider the rule would try first if nothing were excluded. When another provider
    /// serves the request, a fallback was used, even if the first choice never got a call.
    public var firstChoice: String?
}

/// One provider to try, on one tier.
public struct PlanEntry: Sendable, Hashable {
    public var provider: String
    public var tier: String
    public var params: OutputParameters
    public var estimatedCost: Money
    public var currency: String
    /// True when the tier is below the one the request asked for.
    public var downgrade: Bool
    /// The longest one attempt can take: the job's poll timeout, or the call timeout.
    public var attemptTimeout: Duration
}

/// The output the provider is asked for, from the tier and the request.
public struct OutputParameters: Sendable, Hashable {
    public var resolution: Resolution?
    public var bitrateKbps: Int?
    public var fps: Int?
    public var aspectRatio: AspectRatio?
    public var durationSeconds: Int?
}

/// A provider left out of the plan, and why.
public struct Exclusion: Sendable, Hashable {
    public var provider: String
    public var tier: String
    public var reason: ExclusionReason
    /// For people: "estimated 12.00 INR exceeds max_cost_per_request 10.00 INR".
    public var detail: String
}

/// Why a provider was left out. When several apply, the first in this order is reported.
public enum ExclusionReason: String, Sendable, Hashable, CaseIterable {
    case disabled
    case unavailable
    case capability
    case costCap = "cost_cap"
    case budget
}

/// What the plan costs if every retry and every fallback runs.
public struct WorstCase: Sendable, Hashable {
    /// Attempts across retries and fallbacks, after the policy's `max_attempts`.
    public var attempts: Int
    /// Before the cap: what retries × fallbacks would reach without it.
    public var uncappedAttempts: Int
    /// Wall time, after the policy's deadline.
    public var wallTime: Duration
    public var uncappedWallTime: Duration
    /// The sum of every capped attempt's estimated cost, as if each were charged.
    public var cost: Money
}
