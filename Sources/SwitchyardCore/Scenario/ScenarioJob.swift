/// An accepted job's life under a scenario: when it was accepted, how long it takes, and how
/// it ends, so that any later poll can tell its state.
///
/// A job is queued for the first fifth of its latency, running until the latency has passed,
/// then succeeded or failed. A job canceled before it ends stays canceled.
public struct ScenarioJob: Sendable, Hashable {
    /// Time since the scenario started.
    public var acceptedAt: Duration
    public var latency: Duration
    /// nil: the job succeeds.
    public var failure: ScenarioFault.JobFailure?
    /// When it was canceled, if it was.
    public var canceledAt: Duration?

    public init(acceptedAt: Duration, latency: Duration, failure: ScenarioFault.JobFailure? = nil, canceledAt: Duration? = nil) {
        self.acceptedAt = acceptedAt
        self.latency = latency
        self.failure = failure
        self.canceledAt = canceledAt
    }

    /// When the job ends, unless canceled first.
    public var endsAt: Duration { acceptedAt + latency }

    /// The job's state at `now`.
    public func state(at now: Duration) -> JobState {
        if let canceledAt, canceledAt < endsAt, now >= canceledAt { return .canceled }
        if now >= endsAt { return failure == nil ? .succeeded : .failed }
        // Divided natively: `Duration / Int` goes through generic integer code.
        return now < acceptedAt + Duration(attoseconds: latency.attoseconds / 5) ? .queued : .running
    }

    /// Progress in [0, 1], for providers that report it.
    public func progress(at now: Duration) -> Double {
        guard latency > .zero else { return 1 }
        let done = (now - acceptedAt) / latency
        return Swift.min(Swift.max(done, 0), 1)
    }

    /// True once the job has ended, whichever way: nothing more will happen to it.
    public func isFinished(at now: Duration) -> Bool {
        switch state(at: now) {
        case .queued, .running: false
        case .succeeded, .failed, .canceled: true
        }
    }
}
