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
        /// Job ids are `<provider>-<n>` when answers name their job (``namesJobs``), `-` when not.
        let jobPrefix: String
        /// The answers that name no job, built once: without a decision log every job gets
        /// the same acceptance, final poll and result, and building each was a good part of a
        /// request's cost.
        let sharedAccepted: HTTPResponse
        let sharedSucceededPoll: HTTPResponse
        let sharedResult: HTTPResponse

        init(descriptor: ProviderDescriptor, script: ScenarioProvider) {
            self.descriptor = descriptor
            self.script = script
            let synthesizer = ResponseSynthesizer(provider: descriptor)
            self.synthesizer = synthesizer
            jobPrefix = descriptor.id + "-"
            sharedAccepted = synthesizer.accepted(jobID: nil)
            sharedSucceededPoll = synthesizer.poll(.succeeded, jobID: nil, failure: nil, seconds: nil)
            sharedResult = synthesizer.result(jobID: nil, seconds: nil)
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
    /// Whether answers name their job, by id and in URLs: only a decision log shows them, so a
    /// run without one answers with a shared id and URLs, which the execution reads just the same.
    var namesJobs = true

    init(descriptor: ProviderDescriptor, scenario: Scenario, at now: Timestamp) {
        fixed = Fixed(descriptor: descriptor, script: scenario.provider(descriptor.id))
        gate = ProviderGate(provider: descriptor, at: now)
        draws = scenario.drawStream(for: descriptor.id)
    }

    /// The gate's status, read in place: a non-mutating call on an array element copies the
    /// whole gate (its breaker's window) first.
    mutating func status(at now: Timestamp) -> WorldState.ProviderStatus { gate.status(at: now) }

    /// What comes back from a call. An enum the driver switches over by consuming it: the
    /// event moves out, where reading it out of a struct copied the whole answer.
    enum Reply {
        /// Nothing comes back (a cancel, or a submit the script gives no job).
        case silence
        /// `event` reaches the execution `after` the call went.
        case event(ExecutionEvent, after: Duration)
    }

    /// The job an execution has at a provider. A struct, not a tuple: an optional tuple is
    /// copied and destroyed through its type's metadata.
    struct Job {
        var provider: String
        /// nil when answers name no job (``namesJobs``).
        var id: String?
        var script: ScenarioJob
    }

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
        if kind == .cancel, current?.provider == fixed.descriptor.id { current!.script.canceledAt = elapsed }
        let faultIndex = fixed.fault(for: kind, at: elapsed, draws: &draws)
        // A fault that answers for the provider refuses a submit's job: no latency is drawn.
        var delay = Duration.zero
        if let faultIndex {
            delay = fixed.script.faults[faultIndex].delay
            if let reply = faultReply(fixed.script.faults[faultIndex], call: call) { return reply }
        }
        switch call.purpose {
        case .submit:
            guard let job = fixed.job(afterFault: faultIndex, at: elapsed, draws: &draws) else { return .silence }
            jobs += 1
            let id = namesJobs ? String(fixed.jobPrefix, decimal: jobs) : nil
            if fixed.descriptor.submit.mode == .sync { return syncAnswer(call, job: job, id: id, after: delay) }
            current = Job(provider: fixed.descriptor.id, id: id, script: job)
            return .event(.response(call.id, accepted(id)), after: delay)
        case .poll:
            // Read in place: binding the job would copy its strings.
            guard current?.provider == fixed.descriptor.id else {
                return .event(
                    .response(call.id, fixed.synthesizer.error(status: 404, retryAfter: nil, code: nil, message: "no such job")), after: delay)
            }
            let state = current!.script.state(at: elapsed)
            if state == .succeeded, !namesJobs { return .event(.response(call.id, fixed.sharedSucceededPoll), after: delay) }
            let answer = fixed.synthesizer.poll(state, jobID: current!.id, failure: current!.script.failure, seconds: nil)
            return .event(.response(call.id, answer), after: delay)
        case .result:
            let answer = namesJobs ? fixed.synthesizer.result(jobID: current?.id ?? "unknown", seconds: nil) : fixed.sharedResult
            return .event(.response(call.id, answer), after: delay)
        case .cancel:
            return .silence
        }
    }

    /// A synchronous provider answers the submit itself once the job is done: after its latency,
    /// with the outputs, or with a 500 carrying the scripted failure code; or not before the
    /// client's timeout.
    private func syncAnswer(_ call: OutboundCall, job: ScenarioJob, id: String?, after delay: Duration) -> Reply {
        let done = delay + job.latency
        guard done < call.timeout else { return .event(.transportFailure(call.id, .timeout), after: call.timeout) }
        if let failure = job.failure {
            let response = fixed.synthesizer.error(status: 500, retryAfter: nil, code: failure.code, message: failure.message ?? "generation failed")
            return .event(.response(call.id, response), after: done)
        }
        return .event(.response(call.id, accepted(id)), after: done)
    }

    /// The answer accepting job `id`: built for a job that is named, shared otherwise.
    private func accepted(_ id: String?) -> HTTPResponse {
        id.map { fixed.synthesizer.accepted(jobID: $0) } ?? fixed.sharedAccepted
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
            return .event(.response(id, response), after: fault.delay)
        case .hang(let hold):
            // The client gives up at its timeout; a shorter hold ends in a dropped connection.
            return hold < call.timeout
                ? .event(.transportFailure(id, .connection), after: fault.delay + hold)
                : .event(.transportFailure(id, .timeout), after: fault.delay + call.timeout)
        case .connectionReset:
            return .event(.transportFailure(id, .connection), after: fault.delay)
        case .malformedJSON:
            return .event(.response(id, HTTPResponse(status: 200, body: .malformed("{\"trunc"))), after: fault.delay)
        case .contentPolicy(let message):
            let code = fixed.synthesizer.code(mappingTo: "content_policy")
            let status =
                fixed.descriptor.errors.statusMap.first { $0.outcome == "content_policy" }.flatMap {
                    if case .exact(let status) = $0.status { status } else { nil }
                } ?? 422
            let response = fixed.synthesizer.error(status: status, retryAfter: nil, code: code, message: message ?? "content policy violation")
            return .event(.response(id, response), after: fault.delay)
        }
    }
}
