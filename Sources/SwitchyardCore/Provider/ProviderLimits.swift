/// A provider's own limits, enforced per provider by the runtime's limiters.
public struct ProviderLimits: Sendable, Hashable {
    public var requestsPerMinute: Int?
    public var maxConcurrent: Int?
    /// How long one call (or one job, for async providers without a poll timeout) may take.
    public var timeout: Duration
    public var requestsPerDay: Int?

    public static let defaultTimeout: Duration = .seconds(300)

    public init(requestsPerMinute: Int? = nil, maxConcurrent: Int? = nil, timeout: Duration = defaultTimeout, requestsPerDay: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.maxConcurrent = maxConcurrent
        self.timeout = timeout
        self.requestsPerDay = requestsPerDay
    }
}
