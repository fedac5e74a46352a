import DequeModule
import SwitchyardCore

/// One provider as the scenario scripts it: its gate (breaker, rate, concurrency), its draws,
/// and how it answers each call.
struct SimulatedProvider {
    /// What stays the same for the whole run, behind one reference, read in place on every
    /// call rather than copied with the provider's changing state.
    private final class Fixed: Sendable {
        let descriptor: ProviderDescriptor
        let script: ScenarioProvider
        let synthesizer: ResponseSynthesizer
        /// Job ids are `<provider>-<n>`.
        let jobPrefix: String

        init(descriptor: ProviderDescriptor, script: ScenarioProvider) {
            self.descriptor = descriptor
            self.script = script
            synthesizer = ResponseSynthesizer(provider: descriptor)
            jobPrefix = descriptor.id + "-"
        }

        /// The script's outcome for one call, in two halves read in place: the fault, then for
        /// a submit the job (``ScenarioProvider/outcome(of:at:draws:)``, draw for draw).
        /// Apart, so no tuple of both is destroyed through its type's metadata on every call.
        func fault(for call: ProviderCallKind, at elapsed: Duration, draws: inout SplitMix64) -> Int? {
            script.faultIndex(for: call, at: elapsed, draw: draws.nextUnit())
        }

        func job(afterFault index: Int?, at elapsed: Duration, draws: inout SplitMix64) -> ScenarioJob? {
            script.job(afterFault: index, at: elapsed, draws: &draws)
        }
    }

    private let fixed: Fixed
    var gate: ProviderGate
    /// Executions queued at the gate, oldest first.
    var waiters: Deque<Simulator.Slot> = []
    private var draws: SplitMix64
    private var jobs = 0
    /// Whether answers carry URLs that name their job: only a decision log shows them, so a
    /// run without one answers with shared URLs, which the execution checks just the same.
    var perJobURLs = true

    init(descriptor: ProviderDescriptor, scenario: Scenario, at now: Timestamp) {
        fixed = Fixed(descriptor: descriptor, script: scenario.provider(descriptor.id))
        gate = ProviderGate(provider: descriptor, at: now)
        draws = scenario.drawStream(for: descriptor.id)
    }

    struct Reply {
        /// nil when nothing comes back (a cancel).
        var event: ExecutionEvent?
        var after: Duration
    }

    /// The job an execution has at a provider: the provider's id, the job's id and its script.
    typealias Job = (provider: String, id: String, job: ScenarioJob)

    /// How the provider answers `call` at `elapsed`, given the execution's current job, which
    /// a submit it accepts replaces and a cancel marks: updated in place, never copied.
    mutating func answer(_ call: OutboundCall, job current: inout Job?, at elapsed: Duration) -> Reply {
        let kind: ProviderCallKind =
            switch call.purpose {
            case .submit: .submit
            case .poll: .poll
            case .result: .result
            case .cancel: .cancel
            }
        if kind == .cancel, current?.provider == fixed.descriptor.id { current!.job.canceledAt = elapsed }
        let faultIndex = fixed.fault(for: kind, at: elapsed, draws: &draws)
        // A fault that answers for the provider refuses a submit's job: no latency is drawn.
        var delay = Duration.zero
        if let faultIndex {
            delay = fixed.script.faults[faultIndex].delay
            if let reply = faultReply(fixed.script.faults[faultIndex], call: call) { return reply }
        }
        switch call.purpose {
        case .submit:
            guard let job = fixed.job(afterFault: faultIndex, at: elapsed, draws: &draws) else { return Reply(event: nil, after: delay) }
            jobs += 1
            let id = String(fixed.jobPrefix, decimal: jobs)
            if fixed.descriptor.submit.mode == .sync { return syncAnswer(call, job: job, id: id, after: delay) }
            current = (fixed.descriptor.id, id, job)
            return Reply(event: .response(call.id, fixed.synthesizer.accepted(jobID: id, perJobURLs: perJobURLs)), after: delay)
        case .poll:
            guard current?.provider == fixed.descriptor.id, let current else {
                return Reply(
                    event: .response(call.id, fixed.synthesizer.error(status: 404, retryAfter: nil, code: nil, message: "no such job")), after: delay)
            }
            let state = current.job.state(at: elapsed)
            return Reply(
                event: .response(
                    call.id, fixed.synthesizer.poll(state, jobID: current.id, failure: current.job.failure, seconds: nil, perJobURLs: perJobURLs)),
                after: delay)
        case .result:
            return Reply(
                event: .response(call.id, fixed.synthesizer.result(jobID: current?.id ?? "unknown", seconds: nil, perJobURLs: perJobURLs)),
                after: delay)
        case .cancel:
            return Reply(event: nil, after: delay)
        }
    }

    /// A synchronous provider answers the submit itself once the job is done: after its latency,
    /// with the outputs, or with a 500 carrying the scripted failure code; or not before the
    /// client's timeout.
    private func syncAnswer(_ call: OutboundCall, job: ScenarioJob, id: String, after delay: Duration) -> Reply {
        let done = delay + job.latency
        guard done < call.timeout else { return Reply(event: .transportFailure(call.id, .timeout), after: call.timeout) }
        if let failure = job.failure {
            let response = fixed.synthesizer.error(status: 500, retryAfter: nil, code: failure.code, message: failure.message ?? "generation failed")
            return Reply(event: .response(call.id, response), after: done)
        }
        return Reply(event: .response(call.id, fixed.synthesizer.accepted(jobID: id, perJobURLs: perJobURLs)), after: done)
    }

    /// The answer a fault gives instead of the normal one; nil for faults that only delay or
    /// that fail the job later.
    private func faultReply(_ fault: ScenarioFault, call: OutboundCall) -> Reply? {
        let id = call.id
        switch fault.effect {
        case .respond, .jobFailure:
            return nil
        case .status(let reply):
            let response = fixed.synthesizer.error(status: reply.status, retryAfter: reply.retryAfter, code: reply.code, message: reply.message)
            return Reply(event: .response(id, response), after: fault.delay)
        case .hang(let hold):
            // The client gives up at its timeout; a shorter hold ends in a dropped connection.
            return hold < call.timeout
                ? Reply(event: .transportFailure(id, .connection), after: fault.delay + hold)
                : Reply(event: .transportFailure(id, .timeout), after: fault.delay + call.timeout)
        case .connectionReset:
            return Reply(event: .transportFailure(id, .connection), after: fault.delay)
        case .malformedJSON:
            return Reply(event: .response(id, HTTPResponse(status: 200, body: .malformed("{\"trunc"))), after: fault.delay)
        case .contentPolicy(let message):
            let code = fixed.synthesizer.code(mappingTo: "content_policy")
            let status =
                fixed.descriptor.errors.statusMap.first { $0.outcome == "content_policy" }.flatMap {
                    if case .exact(let status) = $0.status { status } else { nil }
                } ?? 422
            let response = fixed.synthesizer.error(status: status, retryAfter: nil, code: code, message: message ?? "content policy violation")
            return Reply(event: .response(id, response), after: fault.delay)
        }
    }
}
