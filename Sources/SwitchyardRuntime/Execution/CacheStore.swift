public import SwitchyardCore

/// The process's result caches, one per policy that declares `cache:`.
public actor CacheStore {
    private var caches: [String: ResultCache] = [:]

    public init(config: Config) {
        for policy in config.policies {
            if let settings = policy.cache { caches[policy.id] = ResultCache(settings: settings) }
        }
    }

    public func lookup(_ key: CacheKey, policy: String, at now: Timestamp) -> ExecutionResult? {
        caches[policy]?.lookup(key, at: now)
    }

    public func store(_ result: ExecutionResult, for key: CacheKey, policy: String, requestedTier: String, at now: Timestamp) {
        caches[policy]?.store(result, for: key, requestedTier: requestedTier, at: now)
    }
}
