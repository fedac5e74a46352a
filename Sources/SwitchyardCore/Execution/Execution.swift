import OrderedCollections

/// Runs one request's plan as a pure state machine: it consumes events (responses, transport
/// failures, timers) and emits commands (calls to make, timers to set, decisions to log, the
/// result). The live runtime feeds it real HTTP and the real clock; the simulator feeds it
/// scripted providers and a virtual clock, so both run the same semantics.
///
/// It implements the policy's error table (retry with Retry-After, fixed or exponential delays,
/// capped; fall back; fail with a message), `max_attempts` and the deadline across retries and
/// fallbacks, and async jobs: submit, poll with backoff and jitter, state rules, an optional
/// result fetch, and fallback when an accepted job later fails or times out.
public struct Execution: Sendable {
    private let context: ExecutionContext
    private let options: Options

    private var entryIndex = 0
    /// Calls that tried to start a job, across providers.
    private var attempts = 0
    /// Retries on the current provider, whatever the outcome.
    private var retriesOnProvider = 0
    private var phase: Phase = .idle
    /// The accepted job, while `phase` is `.job`. Kept beside the phase, not inside it, so a
    /// poll updates it in place instead of copying it out of the enum and back. Its counters
    /// and timers are plain values, read on every step; what it returned and the poll call,
    /// which hold strings, sit apart, so reading the counters copies and retains nothing.
    private var job: JobProgress?
    private var acceptedJob: TemplateVariables.Job?
    /// The last poll call sent, sent again with a new id: every poll reads the same values.
    private var pollCall: OutboundCall?
    private var nextCall = 0
    private var nextTimer = 0
    private var deadline: Timestamp?
    private var deadlineTimer: TimerID?
    private var lastFailure: String?

    private enum Phase: Sendable {
        case idle
        case submitting(CallID)
        case waitingToRetry(TimerID)
        case job
        case finished
    }

    /// Where an accepted job's polling stands.
    private struct JobProgress: Sendable {
        var polls = 0
        var state: JobState?
        var pending: Pending
        var deadlineTimer: TimerID

        enum Pending: Sendable, Equatable {
            case pollTimer(TimerID)
            case poll(CallID)
            case resultTimer(TimerID)
            case result(CallID)
        }
    }

    /// Default messages for failures the policy has no row for.
    public enum Failure {
        public static let noProvider = FailAction(
            message: "No video service can take this request right now. Please try again later.", code: "no_provider_available")
        public static let allFailed = FailAction(
            message: "We couldn't create this right now. Please try again later.", code: "all_providers_failed")
        public static let attemptsExhausted = FailAction(
            message: "We couldn't create this right now. Please try again later.", code: "attempts_exhausted")
        public static let deadlineExceeded = FailAction(message: "This is taking too long. Please try again later.", code: "deadline_exceeded")
        public static let cancelled = FailAction(message: "The request was cancelled.", code: "cancelled")
    }

    /// - Parameters:
    ///   - plan: from the ``Planner``.
    ///   - config: the config the plan was made from; nil when it lacks the plan's policy or providers.
    ///   - image: the request's image, already read and measured by the driver.
    ///   - traceID: set on every logged event; the driver makes it (the core draws no random numbers).
    ///   - options: what the driver needs beyond decisions: rendered calls, a decision log.
    public init?(plan: Plan, request: Request, config: Config, image: ResolvedImage? = nil, traceID: String? = nil, options: Options = Options()) {
        guard let context = ExecutionContext(plan: plan, request: request, config: config, image: image, traceID: traceID) else { return nil }
        self.context = context
        self.options = options
        providerPosition = context.plan.entries.isEmpty ? 0 : context.providerPosition(at: 0)
    }

    /// What a driver needs from an execution beyond its decisions.
    public struct Options: Sendable {
        /// Build each call's URL, headers and body. A driver that sends no bytes (the simulator)
        /// turns it off: the machine still checks that every variable a call's templates read
        /// has a value, so a call fails to render exactly when it would live.
        public var rendersCalls: Bool
        /// Emit `.log` commands. Off when nobody reads the decision log: building each event's
        /// JSON fields is a large part of a step's cost.
        public var logsDecisions: Bool
        /// Keep what the answer says in the result's `outputs`. A driver that shows no result
        /// (the simulator without a decision log) turns it off: the machine still checks that
        /// the answer has the primary output, so a result without it fails exactly as live.
        public var keepsOutputs: Bool

        public init(rendersCalls: Bool = true, logsDecisions: Bool = true, keepsOutputs: Bool = true) {
            self.rendersCalls = rendersCalls
            self.logsDecisions = logsDecisions
            self.keepsOutputs = keepsOutputs
        }
    }

    /// The policy the plan came from.
    public var policyID: String { plan.policy }

    /// Where the provider of the current attempt sits in the config's providers: a driver that
    /// keeps per-provider state in config order finds it without hashing the provider's id.
    /// Stored, so reading it is a load, not a call that copies the execution.
    public private(set) var providerPosition: Int

    /// How the policy queues a submit at a provider's concurrency cap.
    public var queueing: QueuePolicy { policy.queueing }

    /// The user the request is for, whose budget its cost counts against.
    public var user: String? { request.user }

    public var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    /// Starts the first attempt.
    public mutating func start(at now: Timestamp) -> [ExecutionCommand] {
        let commands = ExecutionCommandBuffer(capacity: 4)
        start(at: now, into: commands)
        return commands.takeArray()
    }

    /// Starts the first attempt, appending its commands to `commands`: a driver that reuses one
    /// buffer allocates nothing per step.
    public mutating func start(at now: Timestamp, into commands: ExecutionCommandBuffer) {
        if let limit = policy.limits.deadline {
            let timer = makeTimer()
            let end = now + limit
            deadline = end
            deadlineTimer = timer
            commands.append(.wait(until: end, timer))
        }
        guard !plan.entries.isEmpty else {
            finish(failing: Failure.noProvider, reason: "the plan is empty", at: now, into: commands)
            return
        }
        beginAttempt(at: now, into: commands)
    }

    /// Feeds one event; `draw` is a uniform random number in [0, 1) for jitter.
    public mutating func handle(_ event: ExecutionEvent, at now: Timestamp, draw: Double) -> [ExecutionCommand] {
        let commands = ExecutionCommandBuffer(capacity: 4)
        handle(event, at: now, draw: draw, into: commands)
        return commands.takeArray()
    }

    /// Feeds one event, appending the commands it gives to `commands`.
    public mutating func handle(_ event: ExecutionEvent, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer) {
        guard !isFinished else { return }
        switch event {
        case .timer(let id):
            handleTimer(id, at: now, draw: draw, into: commands)
        case .response(let id, let response):
            handleResponse(id, response, at: now, draw: draw, into: commands)
        case .transportFailure(let id, let failure):
            handleTransportFailure(id, failure, at: now, draw: draw, into: commands)
        case .rejected(let id, let reason):
            guard case .submitting(let pending) = phase, pending == id else { return }
            // Nothing was sent, so it was no attempt.
            attempts -= 1
            skip(reason: reason, at: now, into: commands)
            fallBack(at: now, reason: reason, into: commands)
        }
    }

    // MARK: - Attempts

    // Borrowed in place (`_read`), never copied: a getter would copy a policy or descriptor,
    // every string and table in it retained and released, for each field read or method called.
    private var plan: Plan { _read { yield context.plan } }
    private var request: Request { _read { yield context.request } }
    private var policy: Policy { _read { yield context.policy } }
    private var currentEntry: PlanEntry { _read { yield context.plan.entries[entryIndex] } }
    private var currentProvider: ProviderDescriptor { _read { yield context[provider: entryIndex] } }

    private static func variables(_ context: ExecutionContext, entry: Int, job: TemplateVariables.Job? = nil) -> TemplateVariables {
        TemplateVariables(context: context, entryIndex: entry, job: job)
    }

    private mutating func beginAttempt(at now: Timestamp, into commands: ExecutionCommandBuffer) {
        if let cap = policy.limits.maxAttempts, attempts >= cap {
            finish(failing: Failure.attemptsExhausted, reason: "max_attempts (\(cap)) reached", at: now, into: commands)
            return
        }
        if let limit = currentProvider.capabilities.maxInputBytes, let bytes = context.image?.bytes, bytes > limit.bytes {
            skip(reason: "the image is \(ByteSize(bytes: bytes)); it accepts up to \(limit)", at: now, into: commands)
            fallBack(at: now, reason: "image too large", into: commands)
            return
        }
        let call: OutboundCall
        do {
            call = try Self.render(
                currentProvider.submit.request, purpose: .submit, id: makeCall(), variables: Self.variables(context, entry: entryIndex),
                options: options)
        } catch {
            skip(reason: error.message, at: now, into: commands)
            fallBack(at: now, reason: error.message, into: commands)
            return
        }
        attempts += 1
        log(
            "attempt_started",
            [
                "provider": .string(currentProvider.id), "tier": .string(currentEntry.tier), "attempt": .int(attempts),
                "provider_attempt": .int(retriesOnProvider + 1),
            ], at: now, into: commands)
        phase = .submitting(call.id)
        job = nil
        // Cleared only when set: clearing a nil optional still destroys it through its type's
        // metadata, on every attempt.
        if case .some = acceptedJob { acceptedJob = nil }
        if case .some = pollCall { pollCall = nil }
        commands.append(.send(call))
    }

    // MARK: - Events

    private mutating func handleTimer(_ id: TimerID, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer) {
        if id == deadlineTimer {
            if case .job = phase { commands.append(.attemptEnded(provider: currentProvider.id)) }
            if case .submitting = phase { commands.append(.attemptEnded(provider: currentProvider.id)) }
            cancelJob(at: now, into: commands)
            finish(failing: Failure.deadlineExceeded, reason: "the deadline passed", at: now, into: commands)
            return
        }
        switch phase {
        case .waitingToRetry(let timer) where timer == id:
            beginAttempt(at: now, into: commands)
        case .job where job?.deadlineTimer == id:
            cancelJob(at: now, into: commands)
            // A job that outlives its poll timeout failed after acceptance: the policy's
            // `timeout` row (for calls) does not resubmit it to the same provider.
            fail(.jobTimedOut(), call: "job", at: now, draw: draw, into: commands)
        case .job where job?.pending == .resultTimer(id):
            fetchResult(at: now, draw: draw, into: commands)
        case .job:
            guard job?.pending == .pollTimer(id) else { return }
            if case .none = currentProvider.poll { return }
            do {
                // Every poll of a job reads the same values, so it is rendered once.
                let id = makeCall()
                if case .none = pollCall {
                    pollCall = try Self.render(
                        currentProvider.poll!.request, purpose: .poll, id: id,
                        variables: Self.variables(context, entry: entryIndex, job: acceptedJob),
                        options: options)
                } else {
                    pollCall?.id = id
                }
                job!.pending = .poll(id)
                job!.polls += 1
                // Bound, not force-unwrapped: unwrapping copies the optional through its metadata.
                if case .some(let call) = pollCall { commands.append(.send(call)) }
            } catch {
                fail(.badResponse("cannot render the poll call: \(error.message)"), call: "poll", at: now, draw: draw, into: commands)
            }
        default:
            return
        }
    }

    private mutating func handleResponse(
        _ id: CallID, _ response: HTTPResponse, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer
    ) {
        switch phase {
        case .submitting(let pending) where pending == id:
            guard currentProvider.submit.acceptedStatuses.contains(response.status) else {
                fail(.response(response, errors: currentProvider.errors, now: now), call: "submit", at: now, draw: draw, into: commands)
                return
            }
            guard case .json(let body) = response.body else {
                fail(.badResponse("the submit answer is not JSON"), call: "submit", at: now, draw: draw, into: commands)
                return
            }
            if currentProvider.submit.mode == .sync {
                succeed(with: body, at: now, draw: draw, into: commands)
            } else {
                accept(body, at: now, draw: draw, into: commands)
            }
        case .job:
            switch job?.pending {
            case .poll(let pending) where pending == id:
                guard (200..<300).contains(response.status) else {
                    pollFailed(.response(response, errors: currentProvider.errors, now: now), fetch: false, at: now, draw: draw, into: commands)
                    return
                }
                guard case .json(let body) = response.body else {
                    pollFailed(.badResponse("the poll answer is not JSON"), fetch: false, at: now, draw: draw, into: commands)
                    return
                }
                let (state, code) = Self.state(of: body, rules: currentProvider.poll?.states ?? [], classifier: currentProvider.poll?.classifier)
                if state != job?.state {
                    job?.state = state
                    log("job_state", jobFields(acceptedJob!, ["state": .string(state?.rawValue ?? "unknown")]), at: now, into: commands)
                }
                switch state {
                case .succeeded:
                    // Matched, not compared with nil: `!= nil` on an Equatable optional can pick
                    // the Equatable `!=`, and pair both sides in a tuple destroyed generically.
                    if case .some = currentProvider.result.fetch {
                        fetchResult(at: now, draw: draw, into: commands)
                    } else {
                        succeed(with: body, at: now, draw: draw, into: commands)
                    }
                case .failed, .canceled:
                    fail(.jobFailed(body, ruleCode: code, errors: currentProvider.errors), call: "job", at: now, draw: draw, into: commands)
                case .queued, .running, nil:
                    // An unknown state keeps the job polling until its timeout.
                    schedulePoll(at: now, draw: draw, into: commands)
                }
            case .result(let pending) where pending == id:
                guard (200..<300).contains(response.status) else {
                    pollFailed(.response(response, errors: currentProvider.errors, now: now), fetch: true, at: now, draw: draw, into: commands)
                    return
                }
                guard case .json(let body) = response.body else {
                    fail(.badResponse("the result answer is not JSON"), call: "result", at: now, draw: draw, into: commands)
                    return
                }
                succeed(with: body, at: now, draw: draw, into: commands)
            default:
                return
            }
        default:
            return
        }
    }

    private mutating func handleTransportFailure(
        _ id: CallID, _ failure: TransportFailure, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer
    ) {
        switch phase {
        case .submitting(let pending) where pending == id:
            fail(.transport(failure), call: "submit", at: now, draw: draw, into: commands)
        case .job:
            switch job?.pending {
            case .poll(let pending) where pending == id:
                pollFailed(.transport(failure), fetch: false, at: now, draw: draw, into: commands)
            case .result(let pending) where pending == id:
                pollFailed(.transport(failure), fetch: true, at: now, draw: draw, into: commands)
            default:
                return
            }
        default:
            return
        }
    }

    // MARK: - Jobs

    private mutating func accept(_ body: JSONValue, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer) {
        let urls = currentProvider.submit.returnedURLs
        let info = TemplateVariables.Job(
            id: currentProvider.submit.jobID.flatMap { Self.text($0.first(body)) }, pollURL: urls.poll.flatMap { Self.text($0.first(body)) },
            resultURL: urls.result.flatMap { Self.text($0.first(body)) }, cancelURL: urls.cancel.flatMap { Self.text($0.first(body)) })
        guard info.id != nil || info.pollURL != nil, let timeout = currentProvider.poll?.timeout else {
            fail(.badResponse("the submit answer has no job id"), call: "submit", at: now, draw: draw, into: commands)
            return
        }
        log("job_accepted", jobFields(info), at: now, into: commands)
        let deadlineTimer = makeTimer()
        commands.append(.wait(until: now + timeout, deadlineTimer))
        // `schedulePoll` replaces the pending step with the first poll's timer.
        job = JobProgress(pending: .pollTimer(deadlineTimer), deadlineTimer: deadlineTimer)
        acceptedJob = info
        if case .some = pollCall { pollCall = nil }
        phase = .job
        schedulePoll(at: now, draw: draw, into: commands)
    }

    /// The next poll after the descriptor's interval: `initial × factor^n`, at most `max`, ± jitter.
    private mutating func schedulePoll(at now: Timestamp, draw: Double, minimum: Duration = .zero, into commands: ExecutionCommandBuffer) {
        let interval = currentProvider.poll?.interval ?? Backoff(initial: .seconds(5), max: .seconds(5))
        var delay = Self.grown(interval.initial, by: interval.factor, steps: job?.polls ?? 0, cap: interval.max)
        delay = Self.jittered(delay, by: interval.jitter, draw: draw)
        delay = max(delay, minimum)
        let timer = makeTimer()
        job?.pending = .pollTimer(timer)
        commands.append(.wait(until: now + delay, timer))
    }

    /// A poll or result fetch that failed in transit or was throttled is tried again at the
    /// next interval, within the job's timeout. Any other error means the accepted job is lost:
    /// a job failure, never the request's fault (a 404 on a job is not the user's 4xx).
    private mutating func pollFailed(
        _ outcome: AttemptOutcome, fetch: Bool, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer
    ) {
        let transient = outcome.status == nil || outcome.status == 429 || (outcome.status ?? 0) >= 500
        guard transient, !outcome.outcomes.contains("bad_response") else {
            fail(outcome.lostJob(), call: fetch ? "result" : "poll", at: now, draw: draw, into: commands)
            return
        }
        log(
            "poll_failed",
            ["provider": .string(currentProvider.id), "call": .string(fetch ? "result" : "poll"), "outcome": .string(outcome.summary)],
            at: now, into: commands)
        let wait = min(outcome.retryAfter ?? .zero, .seconds(60))
        if fetch {
            let timer = makeTimer()
            job?.pending = .resultTimer(timer)
            commands.append(.wait(until: now + max(currentProvider.poll?.interval.initial ?? .seconds(1), wait), timer))
        } else {
            schedulePoll(at: now, draw: draw, minimum: wait, into: commands)
        }
    }

    /// Fetches a succeeded job's result (the descriptor's second call).
    private mutating func fetchResult(at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer) {
        guard job != nil, let fetch = currentProvider.result.fetch, let info = acceptedJob else { return }
        do {
            let call = try Self.render(
                fetch, purpose: .result, id: makeCall(), variables: Self.variables(context, entry: entryIndex, job: info), options: options)
            job?.pending = .result(call.id)
            commands.append(.send(call))
        } catch {
            fail(.badResponse("cannot render the result call: \(error.message)"), call: "result", at: now, draw: draw, into: commands)
        }
    }

    private mutating func cancelJob(at now: Timestamp, into commands: ExecutionCommandBuffer) {
        guard case .job = phase, let info = acceptedJob else { return }
        guard let spec = currentProvider.cancel,
            let call = try? Self.render(
                spec, purpose: .cancel, id: makeCall(), variables: Self.variables(context, entry: entryIndex, job: info), options: options)
        else { return }
        commands.append(.send(call))
    }

    /// The state the first matching rule gives, and that rule's failure code. Rules are read in
    /// place, and a path shared by consecutive rules (`$.status` in each) is resolved once.
    /// Rules that all test one member are compiled (`classifier`); the rest are evaluated one
    /// by one. The poll spec is not passed whole: an optional of it would be copied.
    private static func state(of body: JSONValue, rules: [StateRule], classifier: StateClassifier?) -> (JobState?, code: String?) {
        if let classifier, case .rule(let index) = classifier.classify(body) {
            guard let index else { return (nil, nil) }
            return (rules[index].state, rules[index].code)
        }
        return state(of: body, rules: rules)
    }

    private static func state(of body: JSONValue, rules: [StateRule]) -> (JobState?, code: String?) {
        rules.withUnsafeBufferPointer { rules in
            // Consecutive rules usually read the same path: it is resolved once for them.
            var resolved = -1
            var value: JSONValue?
            for index in rules.indices {
                if resolved < 0 || rules[resolved].path != rules[index].path {
                    value = rules[index].path.first(body)
                    resolved = index
                }
                if rules[index].test.matches(value) { return (rules[index].state, rules[index].code) }
            }
            return (nil, nil)
        }
    }

    // MARK: - Outcomes

    private mutating func succeed(with body: JSONValue, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer) {
        let outputs: JSONObject
        let hasPrimary: Bool
        if options.keepsOutputs {
            // Output names are a descriptor mapping's keys, so unique: handed over whole.
            var names: [String] = []
            var values: [JSONValue] = []
            names.reserveCapacity(currentProvider.result.outputs.count)
            values.reserveCapacity(currentProvider.result.outputs.count)
            for output in currentProvider.result.outputs {
                if let value = output.path.first(body), !value.isNull {
                    names.append(output.name)
                    values.append(value)
                }
            }
            outputs = JSONObject(uncheckedUniqueKeys: names, values: values)
            hasPrimary = currentProvider.result.outputs.first.map { outputs.keys.contains($0.name) } ?? false
        } else {
            outputs = [:]
            hasPrimary = currentProvider.result.outputs.first.flatMap { $0.path.first(body) }.map { !$0.isNull } ?? false
        }
        guard hasPrimary else {
            fail(
                .badResponse("the result has no \(currentProvider.result.outputs.first?.name ?? "output")"), call: "result", at: now, draw: draw,
                into: commands)
            return
        }
        // Per-second billing uses the length the provider reports, rounded up to whole seconds.
        let reported = currentProvider.result.durationPath.flatMap { $0.first(body)?.doubleValue }.flatMap { seconds -> Int? in
            guard seconds.isFinite else { return nil }
            return Int(min(max(seconds, 0), Double(Request.maxDurationSeconds)).rounded(.up))
        }
        let tier = policy.tier(named: currentEntry.tier)
        let seconds = reported.map { min(max($0, 0), Request.maxDurationSeconds) } ?? currentEntry.params.durationSeconds ?? 0
        let cost = currentProvider.pricing.cost(
            seconds: seconds, tier: currentEntry.tier, resolution: tier?.resolution ?? currentEntry.params.resolution)
        commands.append(.report(provider: currentProvider.id, .success))
        commands.append(.attemptEnded(provider: currentProvider.id))
        let result = ExecutionResult(
            requestID: request.id, status: .succeeded, provider: currentProvider.id, tier: currentEntry.tier, outputs: outputs, cost: cost,
            currency: currentProvider.pricing.currency, attempts: attempts,
            fallbackUsed: currentProvider.id != (plan.firstChoice ?? plan.entries.first?.provider),
            failureCode: nil, message: nil)
        log("result", result.logFields, at: now, into: commands)
        phase = .finished
        commands.append(.finish(result))
    }

    /// Applies the policy's error table to a failed call or job.
    private mutating func fail(_ outcome: AttemptOutcome, call: String, at now: Timestamp, draw: Double, into commands: ExecutionCommandBuffer) {
        commands.append(.report(provider: currentProvider.id, outcome.signal))
        commands.append(.attemptEnded(provider: currentProvider.id))
        commands.append(.attemptFailed(provider: currentProvider.id, reason: outcome.reason))
        log("attempt_outcome", outcome.logFields(provider: currentProvider.id, call: call), at: now, into: commands)
        lastFailure = "\(currentProvider.id): \(outcome.summary)"

        let entry = policy.onError.resolve(status: outcome.status, outcomes: outcome.outcomes)
        var rule: JSONObject {
            ["matched": .string(entry?.key.description ?? "none"), "source": .string(entry?.location == nil ? "default" : "policy")]
        }
        switch entry?.action ?? .fallback {
        case .retry(let retry) where retriesOnProvider < retry.attempts:
            let delay = Self.retryDelay(retry, hint: outcome.retryAfter, retryIndex: retriesOnProvider, draw: draw)
            if let deadline, now + delay >= deadline {
                log("action", rule.merging(["action": "fallback", "reason": "a retry would pass the deadline"]), at: now, into: commands)
                fallBack(at: now, reason: "deadline", into: commands)
            } else if let cap = policy.limits.maxAttempts, attempts >= cap {
                log("action", rule.merging(["action": "fail", "reason": "max_attempts reached"]), at: now, into: commands)
                finish(failing: Failure.attemptsExhausted, reason: "max_attempts (\(cap)) reached", at: now, into: commands)
            } else {
                retriesOnProvider += 1
                log(
                    "action", rule.merging(["action": "retry", "delay_s": .double(delay.secondsValue), "retry": .int(retriesOnProvider)]), at: now,
                    into: commands)
                let timer = makeTimer()
                phase = .waitingToRetry(timer)
                commands.append(.wait(until: now + delay, timer))
            }
        case .retry(let retry):
            switch retry.then {
            case .fallback:
                log("action", rule.merging(["action": "fallback", "reason": "retries used up"]), at: now, into: commands)
                fallBack(at: now, reason: outcome.summary, into: commands)
            case .fail(let action):
                log("action", rule.merging(["action": "fail", "code": .string(action.code)]), at: now, into: commands)
                finish(failing: action, reason: outcome.summary, at: now, into: commands)
            }
        case .fallback:
            log("action", rule.merging(["action": "fallback"]), at: now, into: commands)
            fallBack(at: now, reason: outcome.summary, into: commands)
        case .fail(let action):
            log("action", rule.merging(["action": "fail", "code": .string(action.code)]), at: now, into: commands)
            finish(failing: action, reason: outcome.summary, at: now, into: commands)
        }
    }

    private mutating func fallBack(at now: Timestamp, reason: String, into commands: ExecutionCommandBuffer) {
        retriesOnProvider = 0
        guard entryIndex + 1 < plan.entries.count else {
            finish(failing: Failure.allFailed, reason: lastFailure ?? reason, at: now, into: commands)
            return
        }
        entryIndex += 1
        providerPosition = context.providerPosition(at: entryIndex)
        beginAttempt(at: now, into: commands)
    }

    private mutating func finish(failing action: FailAction, reason: String, at now: Timestamp, into commands: ExecutionCommandBuffer) {
        let result = ExecutionResult.failure(requestID: request.id, action: action, currency: plan.currency, attempts: attempts)
        var fields = result.logFields
        fields["reason"] = .string(reason)
        log("result", fields, at: now, into: commands)
        phase = .finished
        commands.append(.finish(result))
    }

    // MARK: - Helpers

    static func retryDelay(_ retry: RetryAction, hint: Duration?, retryIndex: Int, draw: Double) -> Duration {
        let delay: Duration =
            switch retry.delay {
            case .retryAfter: hint ?? retry.interval
            case .fixed: jittered(retry.interval, by: retry.jitter, draw: draw)
            case .exponential: jittered(grown(retry.interval, by: retry.factor, steps: retryIndex, cap: retry.maxDelay), by: retry.jitter, draw: draw)
            }
        return min(max(delay, .zero), retry.maxDelay)
    }

    /// `delay` varied uniformly by up to ±`fraction`.
    static func jittered(_ delay: Duration, by fraction: Double, draw: Double) -> Duration {
        guard fraction > 0 else { return delay }
        return delay * (1 + fraction * (2 * draw - 1))
    }

    /// `initial × factor^steps`, at most `cap`: grown in seconds and capped before it becomes a
    /// Duration, so no number of steps can overflow.
    static func grown(_ initial: Duration, by factor: Double, steps: Int, cap: Duration) -> Duration {
        let capSeconds = cap.secondsValue
        var seconds = initial.secondsValue
        for _ in 0..<steps where seconds < capSeconds { seconds *= factor }
        return Duration(milliseconds: Int64((min(seconds, capSeconds) * 1000).rounded()))
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text) where !text.isEmpty: text
        case .int(let number): String(number)
        default: nil
        }
    }

    private mutating func makeCall() -> CallID {
        nextCall += 1
        return CallID(nextCall)
    }

    private mutating func makeTimer() -> TimerID {
        nextTimer += 1
        return TimerID(nextTimer)
    }

    /// The provider, then `extra`, then the job's id when it has one.
    private func jobFields(_ job: TemplateVariables.Job, _ extra: JSONObject = [:]) -> JSONObject {
        var fields: JSONObject = ["provider": .string(currentProvider.id)]
        for (key, value) in extra { fields[key] = value }
        if let id = job.id { fields["job_id"] = .string(id) }
        return fields
    }

    /// Builds the event's fields only when someone reads the log.
    private func log(_ event: String, _ fields: @autoclosure () -> JSONObject, at now: Timestamp, into commands: ExecutionCommandBuffer) {
        guard options.logsDecisions else { return }
        commands.append(.log(DecisionEvent(timestamp: now, event: event, requestID: request.id, traceID: context.traceID, fields: fields())))
    }

    /// The current provider is passed over without a call.
    private func skip(reason: String, at now: Timestamp, into commands: ExecutionCommandBuffer) {
        commands.append(.attemptSkipped(provider: currentProvider.id, reason: reason))
        log("attempt_skipped", ["provider": .string(currentProvider.id), "reason": .string(reason)], at: now, into: commands)
    }

    /// Static, with what it reads passed in: as a method it would be handed a copy of the
    /// whole execution, context and job included, for every call it renders.
    private static func render(
        _ spec: HTTPRequestSpec, purpose: OutboundCall.Purpose, id: CallID, variables: TemplateVariables, options: Options
    ) throws(TemplateError) -> OutboundCall {
        let renderer = CallRenderer(variables: variables)
        return options.rendersCalls ? try renderer.render(spec, purpose: purpose, id: id) : try renderer.checked(spec, purpose: purpose, id: id)
    }
}

extension ExecutionResult {
    /// The `result` event's fields.
    var logFields: JSONObject {
        var fields: JSONObject = ["status": .string(status.rawValue)]
        if let provider { fields["provider"] = .string(provider) }
        if let tier { fields["tier"] = .string(tier) }
        if !outputs.isEmpty { fields["outputs"] = .object(outputs) }
        fields["cost"] = cost.json
        if let currency { fields["currency"] = .string(currency) }
        fields["attempts"] = .int(attempts)
        fields["fallback_used"] = .bool(fallbackUsed)
        if let failureCode { fields["code"] = .string(failureCode) }
        if let message { fields["message"] = .string(message) }
        return fields
    }
}

extension JSONObject {
    fileprivate func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for (key, value) in other { merged[key] = value }
        return merged
    }
}

extension Timestamp {
    public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: lhs.millisecondsSinceEpoch + rhs.milliseconds)
    }
}
