/// One provider's scripted behaviour: how long its jobs take and which faults it injects.
public struct ScenarioProvider: Sendable, Hashable {
    /// The provider id, as in `providers.d`.
    public var id: String
    /// The time from acceptance to the end of a job.
    public var latency: LatencyDistribution
    /// In file order: the order matters to ``fault(for:at:draw:)``.
    public var faults: [ScenarioFault] { didSet { triggers = faults.map(\.trigger) } }
    /// When each fault fires, read on every call.
    private var triggers: [ScenarioFault.Trigger]
    /// Where the entry is written, for diagnostics about it; nil for a default entry.
    public var location: SourceLocation?

    public init(id: String, latency: LatencyDistribution = .default, faults: [ScenarioFault] = [], location: SourceLocation? = nil) {
        self.id = id
        self.latency = latency
        self.faults = faults
        self.location = location
        triggers = faults.map(\.trigger)
    }

    /// The fault one call meets, or nil when it is answered normally.
    ///
    /// The faults that apply to `call` and whose window holds `elapsed` are taken in file order
    /// with their probabilities p1, p2, ...; the first fault k with `draw < p1 + ... + pk` wins.
    /// One uniform draw thus picks at most one fault, each with its own probability while the
    /// running sum stays within 1; once the sum reaches 1 the later faults can no longer fire.
    /// Faults outside their window or for other calls take no share.
    ///
    /// - Parameters:
    ///   - call: which request of the provider's API is being answered.
    ///   - elapsed: time since the scenario started (the emulator's start, the simulation's 0).
    ///   - draw: a uniform draw in [0, 1).
    public func fault(for call: ProviderCallKind, at elapsed: Duration, draw: Double) -> ScenarioFault? {
        faultIndex(for: call, at: elapsed, draw: draw).map { faults[$0] }
    }

    /// ``fault(for:at:draw:)`` as the fault's position in ``faults``: the same draw, and no
    /// fault copied out for a driver that reads it in place.
    public func faultIndex(for call: ProviderCallKind, at elapsed: Duration, draw: Double) -> Int? {
        triggers.withUnsafeBufferPointer { triggers -> Int? in
            var cumulative = 0.0
            for index in triggers.indices where triggers[index].applies(to: call, at: elapsed) {
                cumulative += triggers[index].probability
                if draw < cumulative { return index }
            }
            return nil
        }
    }

    /// The faults that can fire for `call` at `elapsed`, in order.
    public func activeFaults(for call: ProviderCallKind, at elapsed: Duration) -> [ScenarioFault] {
        faults.filter { $0.applies(to: call, at: elapsed) }
    }
}

/// What a scripted provider does with one call: the fault it meets, and for a submit it
/// accepts, the job it starts.
public struct ScenarioOutcome: Sendable, Hashable {
    /// nil: answered normally, at once.
    public var fault: ScenarioFault?
    /// The accepted job of a submit; nil for other calls and for submits a fault refuses.
    public var job: ScenarioJob?

    public init(fault: ScenarioFault?, job: ScenarioJob?) {
        self.fault = fault
        self.job = job
    }
}

extension ScenarioProvider {
    /// The outcome of one call arriving at `elapsed`, with the draws taken in the documented
    /// order: one for the fault, then, for a submit that is accepted, one for the job's latency.
    ///
    /// A submit is accepted when it meets no fault, a slow-response fault or a job failure; the
    /// job starts once the fault's delay has passed. This is what the emulator does with a
    /// valid request, so the simulator and the emulator agree draw for draw.
    public func outcome(of call: ProviderCallKind, at elapsed: Duration, draws: inout SplitMix64) -> ScenarioOutcome {
        let index = faultIndex(for: call, at: elapsed, draw: draws.nextUnit())
        let job = call == .submit ? job(afterFault: index, at: elapsed, draws: &draws) : nil
        return ScenarioOutcome(fault: index.map { faults[$0] }, job: job)
    }

    /// The second half of ``outcome(of:at:draws:)`` for a submit that met the fault at
    /// `index` (nil for none): the job it starts, with the latency draw, or nil when the fault
    /// refuses it.
    public func job(afterFault index: Int?, at elapsed: Duration, draws: inout SplitMix64) -> ScenarioJob? {
        let failure: ScenarioFault.JobFailure?
        var delay = Duration.zero
        if let index {
            switch faults[index].effect {
            case .respond: failure = nil
            case .jobFailure(let scripted): failure = scripted
            case .status, .hang, .connectionReset, .malformedJSON, .contentPolicy: return nil
            }
            delay = faults[index].delay
        } else {
            failure = nil
        }
        return ScenarioJob(acceptedAt: elapsed + delay, latency: latency.sample(draws.nextUnit()), failure: failure)
    }
}
