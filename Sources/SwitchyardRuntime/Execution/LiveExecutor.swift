import Foundation
import OrderedCollections
public import SwitchyardCore
import Synchronization

/// Runs ``Execution`` for real: calls go over HTTP, timers are real sleeps, and the clock and
/// random draws are the system's. Every semantic decision stays in the pure machine.
public struct LiveExecutor: Sendable {
    public let config: Config
    let transport: HTTPTransport
    let secrets: SecretStore
    let gates: ProviderGates
    let cache: CacheStore

    public init(config: Config, transport: HTTPTransport, secrets: SecretStore, gates: ProviderGates, cache: CacheStore) {
        self.config = config
        self.transport = transport
        self.secrets = secrets
        self.gates = gates
        self.cache = cache
    }

    /// The wall clock, in the core's terms.
    @Sendable public static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Executes `plan`, or serves an identical earlier request from the policy's cache, and
    /// returns how it ended. `log` gets every decision as it is made.
    public func run(
        plan: Plan, request: Request, image: ResolvedImage?, traceID: String? = nil, log: @escaping @Sendable (DecisionEvent) -> Void
    ) async -> ExecutionResult {
        // A key costs a SHA-256 of the request and image: only for a policy that caches.
        let key = config.caches(policy: plan.policy) ? CacheKey(request: request, tier: plan.tier, policy: plan.policy, image: image) : nil
        if let key, let cached = cache.lookup(key, policy: plan.policy, at: Self.now()) {
            let result = cached.servedFromCache(requestID: request.id)
            log(.cacheHit(result, key: key, at: Self.now()))
            return result
        }
        // One system draw per request seeds its trace id and jitter: each request's stream is
        // its own, so one trace id tells nothing of another's. (A system draw is a syscall;
        // every draw from it used to be one.)
        var system = SystemRandomNumberGenerator()
        var random = SplitMix64(seed: system.next())
        let traceID = traceID ?? Self.makeTraceID(using: &random)
        let result = await execute(plan: plan, request: request, image: image, traceID: traceID, random: random, log: log)
        if let key { cache.store(result, for: key, policy: plan.policy, requestedTier: plan.tier, at: Self.now()) }
        return result
    }

    /// 16 bytes from `generator` as hex, as W3C trace ids are.
    public static func makeTraceID(using generator: inout some RandomNumberGenerator) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for half in 0..<2 {
                let bits: UInt64 = generator.next()
                for nibble in 0..<16 { buffer[half * 16 + nibble] = digits[Int((bits >> UInt64(60 - 4 * nibble)) & 0xF)] }
            }
            return 32
        }
    }

    private func execute(
        plan: Plan, request: Request, image: ResolvedImage?, traceID: String, random: SplitMix64, log: @escaping @Sendable (DecisionEvent) -> Void
    ) async -> ExecutionResult {
        guard var execution = Execution(plan: plan, request: request, config: config, image: image, traceID: traceID) else {
            return .failure(requestID: request.id, action: Execution.Failure.noProvider, currency: plan.currency)
        }
        let queueing = execution.queueing
        let inbox = EventInbox()
        // Slots this execution holds at providers' gates: released once, whatever ends the attempt.
        let holding = HeldSlots()
        let redact = Redactor(
            secrets: plan.entries.compactMap { entry in
                config.auth(of: entry.provider).flatMap { try? secrets.value(for: $0.secret).get() }
            })
        var calls: [CallInFlight] = []
        var queued: [Task<Void, Never>] = []
        var timers: [TransportTimer] = []
        defer {
            for call in calls { call.cancel() }
            for task in queued { task.cancel() }
            for timer in timers { timer.cancel() }
        }
        // Closes `holding` too: a queued submit let through after this hands its slot back.
        func releaseAll() {
            for provider in holding.close() { gates.release(provider) }
        }

        // One buffer for the whole run: each step's commands are taken out of it into an array.
        let buffer = ExecutionCommandBuffer(capacity: 8)
        execution.start(at: Self.now(), into: buffer)
        var commands = buffer.takeArray()
        var random = random
        while true {
            for command in commands {
                switch command {
                case .send(let call) where call.purpose == .cancel:
                    // Best effort, and not cancelled when the run ends: it is how the job stops.
                    transport.start(call, auth: authentication(for: call)) { _ in }
                case .send(let call):
                    switch send(call, queueing: queueing, holding: holding, to: inbox) {
                    case .started(let call): calls.append(call)
                    case .queued(let task): queued.append(task)
                    case .refused: continue
                    }
                case .wait(let until, let timer):
                    let delay = Duration.milliseconds(until.millisecondsSinceEpoch - Self.now().millisecondsSinceEpoch)
                    timers.append(transport.schedule(after: delay) { inbox.post(.timer(timer)) })
                case .log(let event):
                    log(redact(event))
                case .report(let provider, let signal):
                    gates.record(provider, signal)
                case .attemptFailed, .attemptSkipped:
                    // The decision log has them in full.
                    continue
                case .attemptEnded(let provider):
                    // Only a slot this execution was granted: a submit still queued holds none.
                    if holding.remove(provider) { gates.release(provider) }
                case .finish(let result):
                    releaseAll()
                    return redact(result)
                }
            }
            guard let event = await inbox.next() else {
                releaseAll()
                return .failure(requestID: request.id, action: Execution.Failure.cancelled, currency: plan.currency)
            }
            execution.handle(event, at: Self.now(), draw: random.nextUnit(), into: buffer)
            commands = buffer.takeArray()
        }
    }

    /// The provider's auth and secret, for calls to its own origin only: a URL a reply names
    /// elsewhere never receives the key.
    private func authentication(for call: OutboundCall) -> (ProviderAuth, secret: String)? {
        guard let index = config.providerIndex(call.provider), let spec = config.providers[index].auth,
            Self.origin(of: call.url) == Self.origin(of: config.providers[index].baseURL),
            case .success(let secret) = secrets.value(for: spec.secret)
        else { return nil }
        return (spec, secret)
    }

    /// `scheme://host:port`, lowercased, for comparing where calls go. Read byte by byte: it
    /// runs for every call.
    static func origin(of url: String) -> String? {
        let bytes = url.utf8
        var index = bytes.startIndex
        var schemeEnd: String.Index?
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":"), bytes[index...].starts(with: "://".utf8) {
                schemeEnd = bytes.index(index, offsetBy: 3)
                break
            }
            guard byte != UInt8(ascii: "/"), byte != UInt8(ascii: "?"), byte != UInt8(ascii: "#") else { return nil }
            bytes.formIndex(after: &index)
        }
        guard let schemeEnd else { return nil }
        let authorityEnd = bytes[schemeEnd...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
        return String(url[..<(authorityEnd ?? bytes.endIndex)]).lowercased()
    }

    /// How ``send(_:queueing:holding:to:)`` went on with a call.
    private enum Sending {
        /// On the wire; its answer will arrive in the inbox.
        case started(CallInFlight)
        /// A submit waiting for its provider's gate, in a task that sends it once let through.
        case queued(Task<Void, Never>)
        /// Not sent: the inbox already has why.
        case refused
    }

    /// Checks the call's secret and, for a submit, its provider's gate; then sends it, its answer
    /// to arrive in `inbox`. A submit the gate lets through at once, and every other call, is
    /// sent from here; only a submit that must wait gets a task to wait in.
    private func send(_ call: OutboundCall, queueing: QueuePolicy, holding: HeldSlots, to inbox: EventInbox) -> Sending {
        if let spec = config.auth(of: call.provider), case .failure(let missing) = secrets.value(for: spec.secret) {
            inbox.post(call.purpose == .submit ? .rejected(call.id, reason: "secret missing: \(missing)") : .transportFailure(call.id, .connection))
            return .refused
        }
        if call.purpose == .submit {
            let since = Self.now()
            switch gates.tryAcquire(call.provider, queueing: queueing, since: since) {
            case nil, .proceed?:
                holding.insert(call.provider)
            case .reject(let reason)?:
                inbox.post(.rejected(call.id, reason: reason))
                return .refused
            case .wait?:
                return .queued(
                    Task {
                        if let reason = await gates.acquire(call.provider, queueing: queueing, since: since) {
                            inbox.post(.rejected(call.id, reason: reason))
                            return
                        }
                        // Granted after the run ended: hand the slot straight back.
                        guard !Task.isCancelled, holding.insert(call.provider) else {
                            gates.release(call.provider)
                            return
                        }
                        inbox.post(await transport.perform(call, auth: authentication(for: call)))
                    })
            }
        }
        return .started(transport.start(call, auth: authentication(for: call)) { inbox.post($0) })
    }
}

/// The providers where one execution holds a concurrency slot. Closed when the run ends, so a
/// slot granted to a queued submit afterwards is refused, and handed back by whoever got it.
final class HeldSlots: Sendable {
    private let held = Mutex<(slots: Set<String>, closed: Bool)>(([], false))

    /// False once closed: the caller must release the slot itself.
    @discardableResult
    func insert(_ provider: String) -> Bool {
        held.withLock { held in
            guard !held.closed else { return false }
            held.slots.insert(provider)
            return true
        }
    }

    /// True when the slot was held (and is now given up).
    func remove(_ provider: String) -> Bool { held.withLock { $0.slots.remove(provider) != nil } }

    /// Every slot still held; nothing can be added after.
    func close() -> Set<String> {
        held.withLock { held in
            held.closed = true
            defer { held.slots.removeAll() }
            return held.slots
        }
    }
}
