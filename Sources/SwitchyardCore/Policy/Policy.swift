/// A routing policy from `routes/<name>.yaml`: which requests it takes, its quality tiers, its
/// rules (first match wins), its limits and its error table.
public struct Policy: Sendable {
    public var id: String
    public var description: String?
    public var match: PolicyMatch
    /// Ordered from lowest to highest quality; a plan entry on a lower tier is a downgrade.
    public var tiers: [Tier]
    /// The tier of a request that names none.
    public var defaultTier: String?
    public var constraints: RequestConstraints
    public var rules: [Rule]
    public var limits: PolicyLimits
    public var budget: Budget?
    /// What a request does when a provider is at its concurrency or rate limit.
    public var queueing: QueuePolicy
    /// Results kept for identical requests; nil when the policy does not cache.
    public var cache: CacheSettings?
    /// The currency of caps and budgets; every planned provider must price in it.
    public var currency: String?
    public var onError: ErrorTable
    /// Lint findings the policy's authors have acknowledged, by code.
    public var lintIgnore: Set<String>
    public var location: SourceLocation

    public func tier(named name: String) -> Tier? { tiers.first { $0.name == name } }

    public func tierRank(_ name: String) -> Int? { tiers.firstIndex { $0.name == name } }
}

/// Which requests a policy takes.
public struct PolicyMatch: Sendable, Hashable {
    public var kind: MediaKind?
    /// All must hold; fields are `metadata.<key>`.
    public var conditions: [Condition]
    public var location: SourceLocation
}

/// A quality tier: the output parameters a provider is asked for.
public struct Tier: Sendable, Hashable {
    public var name: String
    public var resolution: Resolution?
    public var bitrateKbps: Int?
    public var fps: Int?
    public var location: SourceLocation
}

/// What a request must satisfy before any provider is considered.
public struct RequestConstraints: Sendable, Hashable {
    public var durations: DurationSupport?
    public var aspectRatios: [AspectRatio]?
    public var location: SourceLocation?

    public init(durations: DurationSupport? = nil, aspectRatios: [AspectRatio]? = nil, location: SourceLocation? = nil) {
        self.durations = durations
        self.aspectRatios = aspectRatios
        self.location = location
    }
}

/// Limits across one request's whole execution.
public struct PolicyLimits: Sendable, Hashable {
    public var maxCostPerRequest: Money?
    /// Across every retry and fallback, so retries × fallbacks stay bounded.
    public var maxAttempts: Int?
    public var deadline: Duration?
    public var location: SourceLocation?

    public init(maxCostPerRequest: Money? = nil, maxAttempts: Int? = nil, deadline: Duration? = nil, location: SourceLocation? = nil) {
        self.maxCostPerRequest = maxCostPerRequest
        self.maxAttempts = maxAttempts
        self.deadline = deadline
        self.location = location
    }
}

/// A per-user spending limit per day.
public struct Budget: Sendable, Hashable {
    public var dailyPerUser: Money
    public var location: SourceLocation
}
