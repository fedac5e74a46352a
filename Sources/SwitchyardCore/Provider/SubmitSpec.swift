/// How a job is submitted, and how the answer is read.
public struct SubmitSpec: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// The submit answer holds a job to poll.
        case async
        /// The submit answer holds the result.
        case sync
    }

    public var request: HTTPRequestSpec
    public var mode: Mode
    /// Statuses that mean "accepted"; any other is an error.
    public var acceptedStatuses: [Int]
    /// Where the job id is, for async submits.
    public var jobID: JSONPath?
    /// URLs the provider returns for the job (fal's `status_url`, Replicate's `urls.get`).
    public var returnedURLs: ReturnedURLs
    /// A header carrying the same key on every resubmit of one request, when the API has one.
    public var idempotencyHeader: String?
}

public struct ReturnedURLs: Sendable, Hashable {
    public var poll: JSONPath?
    public var result: JSONPath?
    public var cancel: JSONPath?

    public init(poll: JSONPath? = nil, result: JSONPath? = nil, cancel: JSONPath? = nil) {
        self.poll = poll
        self.result = result
        self.cancel = cancel
    }
}
