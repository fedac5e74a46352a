/// What an ``Execution`` asks its driver to do.
public enum ExecutionCommand: Sendable, Hashable {
    /// Make this HTTP call and report its answer (or failure) as an event.
    case send(OutboundCall)
    /// Fire `.timer(id)` at `deadline`. Timers are never cancelled: the execution ignores the
    /// ones it no longer needs.
    case wait(until: Timestamp, TimerID)
    /// Append to the decision log.
    case log(DecisionEvent)
    /// Tell the provider's limiter and breaker how a call went.
    case report(provider: String, ProviderSignal)
    /// The attempt at this provider is over (its job ended or its submit failed): free its
    /// concurrency slot.
    case attemptEnded(provider: String)
    /// An attempt failed, and why, grouped by cause (`HTTP 500`, `timeout`,
    /// `job_failed (render_crash)`): for counters, whether or not the decision log is kept.
    case attemptFailed(provider: String, reason: String)
    /// A provider was passed over without a call (its gate turned the call away, the image was
    /// too large, a template had no value): for counters, like ``attemptFailed(provider:reason:)``.
    case attemptSkipped(provider: String, reason: String)
    /// The request is done; no more commands follow. Boxed: a result is the largest payload,
    /// and every command would otherwise be as large, moved in and out of buffers at each step.
    indirect case finish(ExecutionResult)
}

/// One HTTP request, rendered from a descriptor. Authentication is left to the driver, which
/// holds the secrets: the core never sees them.
public struct OutboundCall: Sendable, Hashable {
    public enum Purpose: String, Sendable, Hashable {
        case submit, poll, result, cancel
    }

    public var id: CallID
    public var provider: String
    public var purpose: Purpose
    public var method: HTTPRequestSpec.Method
    /// The URL, headers and body are empty when the execution was told not to render calls
    /// (``Execution/Options/rendersCalls``).
    public var url: String
    public var headers: [HeaderField]
    /// Serialized JSON, when the call has a body.
    public var body: String?
    /// The driver reports `.transportFailure(id, .timeout)` when no answer arrives in time.
    public var timeout: Duration

    public struct HeaderField: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// For drivers and tools that make calls of their own; executions render theirs.
    public init(
        id: CallID, provider: String, purpose: Purpose, method: HTTPRequestSpec.Method, url: String, headers: [HeaderField] = [],
        body: String? = nil, timeout: Duration
    ) {
        self.id = id
        self.provider = provider
        self.purpose = purpose
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// How a call went, for the provider's circuit breaker and rate limiter. A 429 counts against
/// the limiter, not as an outage.
public enum ProviderSignal: Sendable, Hashable {
    case success
    case failure
    case rateLimited(retryAfter: Duration?)
    /// The provider answered, but the answer says nothing of its health (a 4xx, a content
    /// refusal): it is up, which settles a half-open breaker's probe.
    case answered
}
