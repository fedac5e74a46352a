import OrderedCollections

/// Finished results by ``CacheKey``, each kept for `ttl` and at most `maxEntries` of them,
/// least recently used first out. Pure: `now` is an argument.
public struct ResultCache: Sendable {
    public let settings: CacheSettings
    private var entries: OrderedDictionary<CacheKey, (stored: Timestamp, result: ExecutionResult)> = [:]

    public init(settings: CacheSettings) {
        self.settings = settings
    }

    public var count: Int { entries.count }

    /// A result stored less than `ttl` ago; a hit becomes the most recently used.
    public mutating func lookup(_ key: CacheKey, at now: Timestamp) -> ExecutionResult? {
        guard let entry = entries.removeValue(forKey: key) else { return nil }
        guard now.millisecondsSinceEpoch - entry.stored.millisecondsSinceEpoch < settings.ttl.milliseconds else { return nil }
        entries[key] = entry
        return entry.result
    }

    /// Keeps a successful result on the tier the request asked for; failures and downgrades
    /// are never cached, so a degraded answer is not served again once the provider is back.
    public mutating func store(_ result: ExecutionResult, for key: CacheKey, requestedTier: String, at now: Timestamp) {
        guard result.status == .succeeded, result.tier == requestedTier, settings.maxEntries > 0 else { return }
        entries.removeValue(forKey: key)
        entries[key] = (now, result)
        if entries.count > settings.maxEntries { entries.removeFirst(entries.count - settings.maxEntries) }
    }
}

/// `cache: {ttl: 24h, max_entries: 10000}` in a policy.
public struct CacheSettings: Sendable, Hashable {
    public var ttl: Duration
    public var maxEntries: Int

    public init(ttl: Duration, maxEntries: Int) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }
}

extension ExecutionResult {
    /// The same result served again from the cache: it costs nothing and made no attempt.
    public func servedFromCache(requestID: String?) -> ExecutionResult {
        var copy = self
        copy.requestID = requestID
        copy.cost = .zero
        copy.attempts = 0
        copy.fallbackUsed = false
        return copy
    }
}
