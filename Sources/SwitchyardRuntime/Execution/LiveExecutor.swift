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
        let key = CacheKey(request: request, tier: plan.tier, policy: plan.policy, image: image)
        if let cached = await cache.lookup(key, policy: plan.policy, at: Self.now()) {
            let result = cached.servedFromCache(requestID: request.id)
            log(.cacheHit(result, key: key, at: Self.now()))
            return result
        }
        let result = await execute(plan: plan, request: request, image: image, traceID: traceID ?? Self.makeTraceID(), log: log)
        await cache.store(result, for: key, policy: plan.policy, requestedTier: plan.tier, at: Self.now())
        return result
    }

    /// 16 random bytes as hex, as W3C trace ids are.
    public static func makeTraceID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    private func execute(
        plan: Plan, request: Request, image: ResolvedImage?, traceID: String, log: @escaping @Sendable (DecisionEvent) -> Void
    ) async -> ExecutionResult {
        guard var execution = Execution(plan: plan, request: request, config: config, image: image, traceID: traceID) else {
            return .failure(requestID: request.id, action: Execution.Failure.noProvider, currency: plan.currency)
        }
        let queueing = config.policy(plan.policy)?.queueing ?? .default
        let (events, continuation) = AsyncStream.makeStream(of: ExecutionEvent.self)
        // Slots this execution holds at providers' gates: released once, whatever ends the attempt.
        let holding = HeldSlots()
        let redact = Redactor(
            secrets: plan.entries.compactMap { entry in
                config.provider(entry.provider)?.auth.flatMap { try? secrets.value(for: $0.secret).get() }
            })
        var tasks: [Task<Void, Never>] = []
        defer {
            for task in tasks { task.cancel() }
            continuation.finish()
        }
        func releaseAll() async {
            for provider in holding.takeAll() { await gates.release(provider) }
        }

        var commands = execution.start(at: Self.now())
        var generator = SystemRandomNumberGenerator()
        var iterator = events.makeAsyncIterator()
        while true {
            for command in commands {
                switch command {
                case .send(let call) where call.purpose == .cancel:
                    // Best effort, and not cancelled when the run ends: it is how the job stops.
                    let transport = transport
                    let auth = authentication(for: call)
                    Task.detached { _ = await transport.perform(call, auth: auth) }
                case .send(let call):
                    tasks.append(Task { continuation.yield(await send(call, queueing: queueing, holding: holding)) })
                case .wait(let until, let timer):
                    tasks.append(
                        Task {
                            let delay = until.millisecondsSinceEpoch - Self.now().millisecondsSinceEpoch
                            if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
                            if !Task.isCancelled { continuation.yield(.timer(timer)) }
                        })
                case .log(let event):
                    log(redact(event))
                case .report(let provider, let signal):
                    await gates.record(provider, signal)
                case .attemptFailed, .attemptSkipped:
                    // The decision log has them in full.
                    continue
                case .attemptEnded(let provider):
                    // Only a slot this execution was granted: a submit still queued holds none.
                    if holding.remove(provider) { await gates.release(provider) }
                case .finish(let result):
                    await releaseAll()
                    return redact(result)
                }
            }
            tasks.removeAll { $0.isCancelled }
            guard let event = await iterator.next() else {
                await releaseAll()
                return .failure(requestID: request.id, action: Execution.Failure.cancelled, currency: plan.currency)
            }
            commands = execution.handle(event, at: Self.now(), draw: Double.random(in: 0..<1, using: &generator))
        }
    }

    /// The provider's auth and secret, for calls to its own origin only: a URL a reply names
    /// elsewhere never receives the key.
    private func authentication(for call: OutboundCall) -> (ProviderAuth, secret: String)? {
        guard let provider = config.provider(call.provider), let spec = provider.auth, Self.origin(of: call.url) == Self.origin(of: provider.baseURL),
            case .success(let secret) = secrets.value(for: spec.secret)
        else { return nil }
        return (spec, secret)
    }

    /// `scheme://host:port`, lowercased, for comparing where calls go.
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return (url[..<schemeEnd.upperBound] + authority).lowercased()
    }

    /// Waits for the provider's gate (submits only), adds its secret, and makes the call.
    private func send(_ call: OutboundCall, queueing: QueuePolicy, holding: HeldSlots) async -> ExecutionEvent {
        if let spec = config.provider(call.provider)?.auth, case .failure(let missing) = secrets.value(for: spec.secret) {
            return call.purpose == .submit ? .rejected(call.id, reason: "secret missing: \(missing)") : .transportFailure(call.id, .connection)
        }
        if call.purpose == .submit {
            if let reason = await gates.acquire(call.provider, queueing: queueing) { return .rejected(call.id, reason: reason) }
            guard !Task.isCancelled else {
                // Granted after the run ended: hand the slot straight back.
                await gates.release(call.provider)
                return .rejected(call.id, reason: "cancelled")
            }
            holding.insert(call.provider)
        }
        return await transport.perform(call, auth: authentication(for: call))
    }
}

/// The providers where one execution holds a concurrency slot.
final class HeldSlots: Sendable {
    private let held = Mutex<Set<String>>([])

    func insert(_ provider: String) { held.withLock { _ = $0.insert(provider) } }

    /// True when the slot was held (and is now given up).
    func remove(_ provider: String) -> Bool { held.withLock { $0.remove(provider) != nil } }

    func takeAll() -> Set<String> {
        held.withLock { slots in
            defer { slots.removeAll() }
            return slots
        }
    }
}

/// Replaces known secret values wherever they appear in what is logged or returned: a provider
/// that echoes a key in an error message must not put it in a log.
struct Redactor: Sendable {
    let secrets: [String]

    func callAsFunction(_ event: DecisionEvent) -> DecisionEvent {
        guard !secrets.isEmpty else { return event }
        var event = event
        event.fields = event.fields.mapValues(redact)
        return event
    }

    func callAsFunction(_ result: ExecutionResult) -> ExecutionResult {
        guard !secrets.isEmpty else { return result }
        var result = result
        result.message = result.message.map(redact)
        result.outputs = result.outputs.mapValues(redact)
        return result
    }

    private func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .array(let items): .array(items.map(redact))
        case .object(let members): .object(members.mapValues(redact))
        default: value
        }
    }

    private func redact(_ text: String) -> String {
        secrets.reduce(text) { text, secret in secret.count >= 4 ? text.replacingOccurrences(of: secret, with: "[redacted]") : text }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
