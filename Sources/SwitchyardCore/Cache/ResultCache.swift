import DequeModule

/// Finished results by ``CacheKey``, each kept for `ttl` and at most `maxEntries` of them,
/// least recently used first out. Pure: `now` is an argument.
///
/// Lookups and stores are O(1) amortized: recency is a queue of (key, stamp) pairs where a use
/// appends a fresh pair and leaves the old one stale, skipped when eviction reaches it. The
/// queue is compacted when stale pairs outnumber live ones, so it stays within twice the entries.
public struct ResultCache: Sendable {
    public let settings: CacheSettings
    private var entries: [CacheKey: Entry] = [:]
    private var recency: Deque<(key: CacheKey, stamp: UInt64)> = []
    private var nextStamp: UInt64 = 0

    private struct Entry: Sendable {
        var stored: Timestamp
        var result: ExecutionResult
        /// The stamp of this key's latest pair in `recency`.
        var stamp: UInt64
    }

    public init(settings: CacheSettings) {
        self.settings = settings
    }

    public var count: Int { entries.count }

    /// A result stored less than `ttl` ago; a hit becomes the most recently used.
    public mutating func lookup(_ key: CacheKey, at now: Timestamp) -> ExecutionResult? {
        guard let entry = entries[key] else { return nil }
        guard now.millisecondsSinceEpoch - entry.stored.millisecondsSinceEpoch < settings.ttl.milliseconds else {
            entries[key] = nil
            return nil
        }
        let stamp = touch(key)
        entries[key]?.stamp = stamp
        return entry.result
    }

    /// Keeps a successful result on the tier the request asked for; failures and downgrades
    /// are never cached, so a degraded answer is not served again once the provider is back.
    public mutating func store(_ result: ExecutionResult, for key: CacheKey, requestedTier: String, at now: Timestamp) {
        guard result.status == .succeeded, result.tier == requestedTier, settings.maxEntries > 0 else { return }
        let stamp = touch(key)
        entries[key] = Entry(stored: now, result: result, stamp: stamp)
        while entries.count > settings.maxEntries, let oldest = recency.popFirst() {
            if let index = entries.index(forKey: oldest.key), entries.values[index].stamp == oldest.stamp { entries.remove(at: index) }
        }
    }

    /// Marks `key` as the most recently used and returns its new stamp.
    private mutating func touch(_ key: CacheKey) -> UInt64 {
        nextStamp += 1
        recency.append((key, nextStamp))
        if recency.count > 2 * max(entries.count, 16) {
            recency = Deque(recency.filter { entries[$0.key]?.stamp == $0.stamp || $0.stamp == nextStamp })
        }
        return nextStamp
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
