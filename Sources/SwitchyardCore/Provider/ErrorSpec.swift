/// How to read a provider's errors: where the message and code are, which statuses and codes
/// mean what, and where the retry hint is.
public struct ErrorSpec: Sendable, Hashable {
    /// Tried in order; the first that finds a string is the message.
    public var messagePaths: [JSONPath]
    public var codePaths: [JSONPath]
    /// Status or class → outcome name, such as `422: content_policy`.
    public var statusMap: [StatusRule]
    /// Provider error code glob → outcome name, such as `SAFETY.*: content_policy`.
    public var codeMap: [CodeRule]
    public var retryAfter: [RetryAfterSource]

    public init(
        messagePaths: [JSONPath] = [], codePaths: [JSONPath] = [], statusMap: [StatusRule] = [],
        codeMap: [CodeRule] = [], retryAfter: [RetryAfterSource] = []
    ) {
        self.messagePaths = messagePaths
        self.codePaths = codePaths
        self.statusMap = statusMap
        self.codeMap = codeMap
        self.retryAfter = retryAfter
    }

    public struct StatusRule: Sendable, Hashable {
        public var status: StatusPattern
        public var outcome: String
    }

    public struct CodeRule: Sendable, Hashable {
        public var pattern: GlobPattern
        public var outcome: String
    }

    /// The outcome a provider error code maps to, by the first matching glob.
    public func outcome(forCode code: String) -> String? {
        codeMap.first { $0.pattern.matches(code) }?.outcome
    }

    /// The outcome a status maps to: an exact status first, then its class.
    public func outcome(forStatus status: Int) -> String? {
        statusMap.first { $0.status == .exact(status) }?.outcome
            ?? statusMap.first { $0.status.matches(status) }?.outcome
    }
}

/// Where a provider says how long to wait: a header (seconds or an HTTP date) or a body value
/// such as Gemini's `"37s"`.
public enum RetryAfterSource: Sendable, Hashable {
    case header(String)
    case body(JSONPath)
}
