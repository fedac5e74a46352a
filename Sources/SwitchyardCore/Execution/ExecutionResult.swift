public import OrderedCollections

/// How a request ended.
public struct ExecutionResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case succeeded, failed
    }

    public var requestID: String?
    public var status: Status
    /// The provider that served it, when it succeeded.
    public var provider: String?
    public var tier: String?
    /// Named outputs (`video_url`, `thumbnail_url`, ...), from the descriptor's `result.outputs`.
    public var outputs: JSONObject
    /// What the successful attempt cost; failed attempts are not charged.
    public var cost: Money
    public var currency: String?
    /// Every call that tried to start a job: first tries and retries, across providers.
    public var attempts: Int
    /// True when a provider other than the rule's first choice served the request, whether the
    /// first choice failed or was left out of the plan.
    public var fallbackUsed: Bool
    /// For failures: a stable snake_case code and a message for the user.
    public var failureCode: String?
    public var message: String?

    /// A request that failed with `action`'s code and message.
    public static func failure(requestID: String?, action: FailAction, currency: String?, attempts: Int = 0) -> ExecutionResult {
        ExecutionResult(
            requestID: requestID, status: .failed, provider: nil, tier: nil, outputs: [:], cost: .zero, currency: currency, attempts: attempts,
            fallbackUsed: false, failureCode: action.code, message: action.message)
    }
}
