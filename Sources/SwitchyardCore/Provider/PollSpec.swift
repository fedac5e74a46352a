/// How an accepted job is polled until it ends.
public struct PollSpec: Sendable, Hashable {
    public var request: HTTPRequestSpec
    public var interval: Backoff
    /// How long a job may run before it counts as timed out.
    public var timeout: Duration
    /// Ordered: the first rule that matches the poll answer gives the job's state.
    public var states: [StateRule] { didSet { classifier = StateClassifier(states) } }
    /// The rules compiled, when they all test one member of the answer: read on every poll.
    private(set) var classifier: StateClassifier?

    public init(request: HTTPRequestSpec, interval: Backoff, timeout: Duration, states: [StateRule]) {
        self.request = request
        self.interval = interval
        self.timeout = timeout
        self.states = states
        classifier = StateClassifier(states)
    }
}

/// Exponential backoff with jitter: `initial`, times `factor` each step, at most `max`,
/// each delay varied by up to ±`jitter` (a fraction).
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var max: Duration
    public var factor: Double
    public var jitter: Double

    public init(initial: Duration, max: Duration, factor: Double = 1, jitter: Double = 0) {
        self.initial = initial
        self.max = max
        self.factor = factor
        self.jitter = jitter
    }
}

/// The lifecycle state of a provider job.
public enum JobState: String, Sendable, Hashable, CaseIterable {
    case queued, running, succeeded, failed, canceled
}

/// `{path: $.status, in: [RUNNING], is: running}`.
public struct StateRule: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        case oneOf([JSONValue])
        case equals(JSONValue)
        case exists(Bool)

        /// Whether the value at the rule's path (nil when there is none) passes.
        func matches(_ value: JSONValue?) -> Bool {
            switch self {
            case .oneOf(let values):
                guard let value else { return false }
                for candidate in values where candidate == value { return true }
                return false
            case .equals(let expected):
                guard let value else { return false }
                return value == expected
            case .exists(let expected):
                return (value != nil && value != .null) == expected
            }
        }
    }

    public var path: JSONPath
    public var test: Test
    public var state: JobState
    /// The outcome a `failed` state stands for, such as `content_policy`; `job_failed` when nil.
    public var code: String?
    public var location: SourceLocation
}
