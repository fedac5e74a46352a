import DequeModule
import OrderedCollections
public import SwitchyardCore

/// One request of simulated traffic and when it arrives. A class: the simulator holds the next
/// arrival as an optional, and an optional of a struct this large is copied and destroyed
/// through its type's metadata, several times an arrival.
public final class SimulatedArrival: Sendable {
    public let at: Duration
    public let request: Request

    public init(at: Duration, request: Request) {
        self.at = at
        self.request = request
    }
}

/// Runs traffic through the same planner and execution machines as production, against
/// providers scripted by a scenario, on a virtual clock: a discrete-event loop with no
/// sleeping and no threads. Memory grows with the requests in flight, not with the traffic.
public struct Simulator {
    public let config: Config
    public let scenario: Scenario
    /// Virtual time starts here, so logs carry plausible timestamps.
    public static let epoch = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)  // 2026-01-01T00:00:00Z

    private let planner: Planner
    /// In the config's order; `providerIndex` finds one by id.
    private var providers: [SimulatedProvider] = []
    private var providerIndex: [String: Int] = [:]
    /// By policy position in the config; nil for a policy that keeps no cache.
    private var caches: [ResultCache?] = []
    private var queue = EventQueue<Event>()
    /// Executions in flight, in reusable slots: mutated in place, never moved in and out of a
    /// table. A finished one stays in its slot, its serial zeroed, until the slot is reused:
    /// no optional to unwrap, so reading one field never copies the whole entry.
    private var running: [Running] = []
    /// Each slot's serial, 0 once its execution finished: checked before every event, and
    /// kept apart so the check reads one integer, not an entry.
    private var serials: [Int] = []
    private var freeSlots: [Int] = []
    /// The timers each slot's execution has queued, taken out when it finishes: a deadline
    /// would otherwise stay queued long after its request. Kept by slot, so the arrays are
    /// reused from one execution to the next.
    private var timers: [[EventQueue<Event>.Handle]] = []
    /// The commands of one step, reused: a step allocates nothing of its own, and taking the
    /// commands out leaves nothing to destroy. Empty between steps: applying a step's commands
    /// only queues what follows, it never runs another step into the same buffer.
    private let commands = ExecutionCommandBuffer()
    private var nextExecution = 0
    private var now = Simulator.epoch
    private var draws: SplitMix64
    private var planDraws: SplitMix64
    private var spent: [String: Money] = [:]
    private var spentDay = 0
    private var statistics: SimulationStatistics
    /// Providers the initial state disables: out for the whole run, like an operator's switch.
    private var disabled: [String: WorldState.ProviderStatus] = [:]
    /// Providers the initial state marks down, with its reason, until their circuit's first
    /// cooldown ends.
    private var initialOutages: [String: (until: Timestamp, reason: String)] = [:]
    private var lastImageDigest: (base64: String, digest: String)?

    /// What the queue holds. Arrivals wait outside it, one at a time, and a call waiting at a
    /// gate stays with its execution: events stay small, and the queue moves them often.
    private enum Event {
        case execution(Slot, ExecutionEvent)
        /// Ask the gate again for the call the execution has waiting.
        case gate(Slot, CallID)
    }

    /// Where an execution runs. Timers are never cancelled, so an event can outlive its
    /// execution; the serial tells it from a later execution in the same slot.
    struct Slot: Equatable {
        var index: Int
        var serial: Int
    }

    // Structs, not tuples: an optional tuple is copied and destroyed through its type's metadata.

    /// The policy (by position), tier and key a result is cached under.
    private struct CachePlace {
        var policy: Int
        var tier: String
        var key: CacheKey
    }

    /// A submit waiting at its provider's gate, and since when.
    private struct Waiting {
        var call: OutboundCall
        var since: Timestamp
    }

    private struct Running {
        var execution: Execution
        /// How its policy queues a submit at a provider's cap: read once, not per submit.
        let queueing: QueuePolicy
        var arrival: Timestamp
        /// Where its result is cached; nil when the policy keeps no cache.
        var cache: CachePlace?
        var job: SimulatedProvider.Job?
        var queueWait: Duration = .zero
        /// A submit waiting at its provider's gate.
        var waiting: Waiting?
        /// The provider whose concurrency slot this execution holds.
        var holding: String?
    }

    /// - Parameters:
    ///   - seed: overrides the scenario's seed.
    ///   - state: the world at time 0, as `plan --state` reads it. A provider marked
    ///     `disabled` stays out for the whole run; one marked unavailable starts with its circuit
    ///     open, and is probed again after the breaker's cooldown like any tripped provider.
    ///     Budgets spent count against the first day.
    ///   - keepsReport: keep what only ``report()`` shows (a timeline, failure and exclusion
    ///     reasons); a run that prints only the summary leaves it off.
    public init(config: Config, scenario: Scenario, seed: UInt64? = nil, state: WorldState = .empty, keepsReport: Bool = true) {
        self.config = config
        let seed = seed ?? scenario.seed
        var scenario = scenario
        scenario.seed = seed
        self.scenario = scenario
        planner = Planner(config: config)
        statistics = SimulationStatistics(providers: config.providers.map(\.id), keepsReport: keepsReport)
        draws = SplitMix64(seed: seed ^ 0x5EED_0001)
        planDraws = SplitMix64(seed: seed ^ 0x5EED_0002)
        for provider in config.providers {
            providerIndex[provider.id] = providers.count
            providers.append(SimulatedProvider(descriptor: provider, scenario: self.scenario, at: Simulator.epoch))
        }
        caches = config.policies.map { policy in policy.cache.map(ResultCache.init(settings:)) }
        spent = state.spentToday
        for (id, status) in state.providers {
            guard let index = providerIndex[id] else { continue }
            if status.disabled {
                disabled[id] = status
            } else if !status.available {
                providers[index].gate.tripBreaker(at: Simulator.epoch)
                let cooldown = config.provider(id)?.circuitBreaker.cooldown ?? .zero
                initialOutages[id] = (Simulator.epoch + cooldown, status.reason ?? "unavailable in the initial state")
            }
        }
    }

    /// How far a run has got, for a progress bar.
    public struct Progress: Sendable, Hashable {
        /// Requests that have arrived so far.
        public var requests: Int
        /// The virtual time reached, from the start.
        public var elapsed: Duration
    }

    /// How many arrivals pass between two progress reports: rare enough that the hot loop
    /// never looks at a clock, often enough for a bar to move smoothly.
    public static let progressInterval = 4096

    /// Runs `traffic` (in arrival order) to the end and returns the summary.
    /// - Parameters:
    ///   - decisions: every decision event, in virtual-time order.
    ///   - progress: called every ``progressInterval`` arrivals; it cannot change the run.
    public mutating func run(
        _ traffic: some Sequence<SimulatedArrival>, decisions: ((DecisionEvent) -> Void)? = nil, progress: ((Progress) -> Void)? = nil
    ) -> SimulationSummary {
        var arrivals = traffic.makeIterator()
        for index in providers.indices { providers[index].namesJobs = decisions != nil }
        // Only the next arrival is read ahead, so the traffic is read as the clock reaches it.
        var upcoming = arrivals.next()
        var upcomingAt = (time: upcoming.map { Self.time($0.at) } ?? 0, sequence: queue.reserveSequence())
        while true {
            let queued = queue.hasNext()
            if upcoming != nil, !queued || !queue.nextIsBefore(upcomingAt.time, sequence: upcomingAt.sequence) {
                // The arrival is a reference: taking it copies nothing.
                let arrival = upcoming.take()!
                let time = upcomingAt.time
                now = Timestamp(millisecondsSinceEpoch: time)
                upcoming = arrivals.next()
                if let next = upcoming { upcomingAt = (max(time, Self.time(next.at)), queue.reserveSequence()) }
                admit(arrival.request, decisions: decisions)
                if let progress, statistics.requests % Self.progressInterval == 0 {
                    progress(Progress(requests: statistics.requests, elapsed: elapsed))
                }
                continue
            }
            guard queued else { break }
            let (time, event) = queue.popNext()
            now = Timestamp(millisecondsSinceEpoch: time)
            // Consumed: the response inside moves into the handler's argument, not copied.
            switch consume event {
            case .execution(let slot, let event):
                guard isRunning(slot) else { continue }
                let draw = draws.nextUnit()
                // Mutated in place: a copy would make every buffer inside the execution copy on write.
                assert(commands.isEmpty, "a step ran inside another step's commands")
                running[slot.index].execution.handle(event, at: now, draw: draw, into: commands)
                applyCommands(for: slot, decisions: decisions)
            case .gate(let slot, let call):
                // The same wait can end by timer or by a freed slot; only the first counts.
                guard isRunning(slot), let waiting = running[slot.index].waiting, waiting.call.id == call else { continue }
                send(waiting.call, for: slot, waitingSince: waiting.since)
            }
        }
        return statistics.summary(currency: config.policies.first?.currency)
    }

    /// What the HTML report shows about the run so far: call it after ``run(_:decisions:progress:)``,
    /// on a simulator that keeps a report.
    public func report() -> SimulationReport {
        precondition(statistics.keepsReport, "Simulator.report() needs a simulator made with keepsReport: true")
        return statistics.report(currency: config.policies.first?.currency, seed: scenario.seed)
    }

    private static func time(_ offset: Duration) -> Int64 { epoch.millisecondsSinceEpoch + offset.milliseconds }

    private var elapsed: Duration { Duration(milliseconds: now.millisecondsSinceEpoch - Self.epoch.millisecondsSinceEpoch) }

    // MARK: - Requests

    private mutating func admit(_ request: consuming Request, decisions: ((DecisionEvent) -> Void)?) {
        statistics.requests += 1
        let day = Int(elapsed.milliseconds / 86_400_000)
        if day != spentDay {
            spent = [:]
            spentDay = day
        }
        var state = WorldState(providers: disabled, spentToday: spent)
        // By index: a provider is read in place, not copied with its waiting line.
        for index in providers.indices {
            var status = providers[index].status(at: now)
            guard !status.available else { continue }
            let id = providers[index].gate.provider
            guard disabled[id] == nil else { continue }
            if let outage = initialOutages[id], now < outage.until { status.reason = outage.reason }
            state.providers[id] = status
        }
        let plan: Plan
        switch planner.plan(request, state: state, draw: planDraws.nextUnit()) {
        case .failure(let errors):
            decisions?(.rejected(requestID: request.id, errors: errors, at: now))
            statistics.recordRejected(code: errors.errors.first?.code ?? "invalid_request", arrival: elapsed.milliseconds)
            return
        case .success(let value):
            plan = value
        }
        decisions?(.plan(plan, at: now))
        if !plan.excluded.isEmpty { statistics.recordExclusions(plan.excluded) }
        var image = request.image.map(Self.standIn)
        // Only for a policy that caches, as live.
        var key: CacheKey?
        let policy = config.policyIndex(plan.policy)
        if let policy, caches[policy] != nil {
            if let resolved = image { image?.contentDigest = digest(of: resolved) }
            key = CacheKey(request: request, tier: plan.tier, policy: plan.policy, image: image)
        }
        if let key, let policy, let cached = caches[policy]?.lookup(key, at: now) {
            let result = cached.servedFromCache(requestID: request.id)
            decisions?(.cacheHit(result, key: key, at: now))
            statistics.record(result, latency: .zero, queueWait: .zero, cacheHit: true, arrival: elapsed.milliseconds, position: nil)
            return
        }
        nextExecution += 1
        let serial = nextExecution
        // The simulator sends no bytes, and builds decision events and outputs only for someone
        // to read: a summary shows neither.
        let options = Execution.Options(rendersCalls: false, logsDecisions: decisions != nil, keepsOutputs: decisions != nil)
        // A trace id only marks logged events: none is made for a run without a decision log.
        let traceID = decisions == nil ? nil : "sim-\(serial)"
        guard var execution = Execution(plan: plan, request: request, config: config, image: image, traceID: traceID, options: options)
        else { return }
        assert(commands.isEmpty, "a step ran inside another step's commands")
        execution.start(at: now, into: commands)
        let slot = Slot(index: freeSlots.popLast() ?? running.count, serial: serial)
        let queueing = execution.queueing
        // Moved, not copied, into its slot: a copy would retain everything the execution holds.
        let entry = Running(
            execution: consume execution, queueing: queueing, arrival: now, cache: key.map { CachePlace(policy: policy!, tier: plan.tier, key: $0) })
        if slot.index == running.count {
            running.append(consume entry)
            serials.append(serial)
            timers.append([])
        } else {
            running[slot.index] = consume entry
            serials[slot.index] = serial
        }
        applyCommands(for: slot, decisions: decisions)
    }

    /// An image's digest for its cache key, kept for the next request: traffic tends to reuse
    /// one image, and a SHA-256 for each would cost more than the key itself.
    private mutating func digest(of image: ResolvedImage) -> String {
        if let last = lastImageDigest, last.base64 == image.base64 { return last.digest }
        let digest = CacheKey.digest(of: image)
        lastImageDigest = (image.base64, digest)
        return digest
    }

    private func isRunning(_ slot: Slot) -> Bool { serials[slot.index] == slot.serial }

    /// Where `provider` sits in ``providers`` (config order). A command almost always names the
    /// execution's current provider, and that guess is confirmed by comparing one string, the
    /// same string object, before the id is hashed. Inlined: called from a mutating method, a
    /// method that is not is handed a copy of the whole simulator, hundreds of bytes.
    @inline(__always)
    private func position(of provider: String, for slot: Slot) -> Int? {
        let guess = running[slot.index].execution.providerPosition
        if guess < providers.count, providers[guess].gate.provider == provider { return guess }
        return providerIndex[provider]
    }

    /// The simulator reads no files: an image is identified by its reference, which is all a
    /// cache key or a template needs from it here.
    private static func standIn(_ image: ImageInput) -> ResolvedImage {
        switch image.source {
        case .path(let path): ResolvedImage(base64: path, mime: "image/png", bytes: image.bytes ?? 0)
        case .url(let url): ResolvedImage(base64: url, mime: "image/png", url: url, bytes: image.bytes ?? 0)
        case .base64(let data, let mime): ResolvedImage(base64: data, mime: mime, bytes: image.bytes ?? 0)
        }
    }

    /// Carries out the step's commands, in order, each moved out of the buffer.
    private mutating func applyCommands(for slot: Slot, decisions: ((DecisionEvent) -> Void)?) {
        commands.takeAll { command in apply(command, for: slot, decisions: decisions) }
    }

    private mutating func apply(_ command: consuming ExecutionCommand, for slot: Slot, decisions: ((DecisionEvent) -> Void)?) {
        switch consume command {
        case .send(let call):
            send(call, for: slot, waitingSince: now)
        case .wait(let until, let timer):
            let handle = queue.push(.execution(slot, .timer(timer)), at: max(until.millisecondsSinceEpoch, now.millisecondsSinceEpoch))
            if timers[slot.index].count >= 8 { timers[slot.index].removeAll { [queue] in !queue.isQueued($0) } }
            timers[slot.index].append(handle)
        case .log(let event):
            decisions?(event)
        case .attemptFailed(let provider, let reason):
            statistics.recordFailedAttempt(provider, reason: reason)
        case .attemptSkipped(let provider, let reason):
            // Without the countdown that makes every "circuit open for 12s more" different.
            statistics.recordSkippedAttempt(provider, reason: reason.hasPrefix("circuit open for ") ? "circuit open" : reason)
        case .report(let provider, let signal):
            guard let index = position(of: provider, for: slot) else { return }
            providers[index].gate.record(signal, at: now)
        case .attemptEnded(let provider):
            // Only a slot the execution was granted: a submit still queued holds none.
            guard isRunning(slot), running[slot.index].holding == provider else { return }
            running[slot.index].holding = nil
            release(provider, for: slot)
        case .finish(let result):
            guard isRunning(slot) else { return }
            serials[slot.index] = 0
            freeSlots.append(slot.index)
            for timer in timers[slot.index] { queue.remove(timer) }
            timers[slot.index].removeAll(keepingCapacity: true)
            if let provider = running[slot.index].holding {
                running[slot.index].holding = nil
                release(provider, for: slot)
            }
            if let cache = running[slot.index].cache {
                caches[cache.policy]?.store(result, for: cache.key, requestedTier: cache.tier, at: now)
            }
            if result.status == .succeeded, let user = running[slot.index].execution.user { spent[user, default: .zero] += result.cost }
            let arrival = running[slot.index].arrival.millisecondsSinceEpoch
            statistics.record(
                result, latency: Duration(milliseconds: now.millisecondsSinceEpoch - arrival), queueWait: running[slot.index].queueWait,
                cacheHit: false, arrival: arrival - Self.epoch.millisecondsSinceEpoch, position: running[slot.index].execution.providerPosition)
        }
    }

    // MARK: - Providers

    private mutating func send(_ call: OutboundCall, for slot: Slot, waitingSince: Timestamp) {
        guard isRunning(slot), let index = position(of: call.provider, for: slot) else { return }
        // Both are mutated in place through `running[slot.index]` and `providers[index]`, so
        // their buffers (an execution's state, a provider's waiting line) never copy.
        if call.purpose == .submit {
            let queueing = running[slot.index].queueing
            let decision = providers[index].gate.request(at: now, waitingSince: waitingSince, queueing: queueing)
            if case .wait(let until) = decision {
                running[slot.index].waiting = Waiting(call: call, since: waitingSince)
                providers[index].waiters.append(slot)
                if let until { queue.push(.gate(slot, call.id), at: until.millisecondsSinceEpoch) }
                return
            }
            // Only when set: clearing a nil one still destroys it through its type's metadata.
            if running[slot.index].waiting != nil { running[slot.index].waiting = nil }
            if case .reject(let reason) = decision {
                queue.push(.execution(slot, .rejected(call.id, reason: reason)), at: now.millisecondsSinceEpoch)
                return
            }
            running[slot.index].holding = call.provider
            running[slot.index].queueWait += Duration(milliseconds: now.millisecondsSinceEpoch - waitingSince.millisecondsSinceEpoch)
            statistics.recordAttempt(at: index)
        }
        let reply = providers[index].answer(call, job: &running[slot.index].job, at: elapsed)
        if case .event(let event, let after) = consume reply {
            queue.push(.execution(slot, event), at: now.millisecondsSinceEpoch + after.milliseconds)
        }
    }

    /// An attempt at `provider` ended: its slot frees, and the first submit still queued
    /// there asks again now.
    private mutating func release(_ provider: String, for slot: Slot) {
        guard let index = position(of: provider, for: slot) else { return }
        providers[index].gate.release()
        while let slot = providers[index].waiters.popFirst() {
            guard isRunning(slot), let waiting = running[slot.index].waiting, waiting.call.provider == provider else { continue }
            queue.push(.gate(slot, waiting.call.id), at: now.millisecondsSinceEpoch)
            break
        }
    }
}
