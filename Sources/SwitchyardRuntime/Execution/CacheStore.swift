public import SwitchyardCore
import Synchronization

/// The process's result caches, one per policy that declares `cache:`. Behind a lock, like
/// ``ProviderGates``: a lookup is a hash probe, not worth a hop to an actor.
public final class CacheStore: Sendable {
    private let caches: Mutex<[String: ResultCache]>

    public init(config: Config) {
        var caches: [String: ResultCache] = [:]
        for policy in config.policies {
            if let settings = policy.cache { caches[policy.id] = ResultCache(settings: settings) }
        }
        self.caches = Mutex(caches)
    }

    public func lookup(_ key: CacheKey, policy: String, at now: Timestamp) -> ExecutionResult? {
        caches.withLock { $0[policy]?.lookup(key, at: now) }
    }

    public func store(_ result: ExecutionResult, for key: CacheKey, policy: String, requestedTier: String, at now: Timestamp) {
        caches.withLock { $0[policy]?.store(result, for: key, requestedTier: requestedTier, at: now) }
    }
}
