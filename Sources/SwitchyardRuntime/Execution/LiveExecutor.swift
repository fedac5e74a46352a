import Foundation
public import SwitchyardCore

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
        await cache.store(result, for: key, policy: plan.policy, at: Self.now())
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
        var tasks: [Task<Void, Never>] = []
        defer {
            for task in tasks { task.cancel() }
            continuation.finish()
        }

        var commands = execution.start(at: Self.now())
        var generator = SystemRandomNumberGenerator()
        var iterator = events.makeAsyncIterator()
        while true {
            for command in commands {
                switch command {
                case .send(let call):
                    tasks.append(Task { continuation.yield(await send(call, queueing: queueing)) })
                case .wait(let until, let timer):
                    tasks.append(
                        Task {
                            let delay = until.millisecondsSinceEpoch - Self.now().millisecondsSinceEpoch
                            if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
                            if !Task.isCancelled { continuation.yield(.timer(timer)) }
                        })
                case .log(let event):
                    log(event)
                case .report(let provider, let signal):
                    await gates.record(provider, signal)
                case .attemptEnded(let provider):
                    await gates.release(provider)
                case .finish(let result):
                    return result
                }
            }
            tasks.removeAll { $0.isCancelled }
            guard let event = await iterator.next() else {
                return .failure(requestID: request.id, action: Execution.Failure.cancelled, currency: plan.currency)
            }
            commands = execution.handle(event, at: Self.now(), draw: Double.random(in: 0..<1, using: &generator))
        }
    }

    /// Waits for the provider's gate (submits only), adds its secret, and makes the call.
    private func send(_ call: OutboundCall, queueing: QueuePolicy) async -> ExecutionEvent {
        var auth: (ProviderAuth, secret: String)?
        if let spec = config.provider(call.provider)?.auth {
            switch secrets.value(for: spec.secret) {
            case .success(let secret): auth = (spec, secret)
            case .failure(let missing):
                return call.purpose == .submit ? .rejected(call.id, reason: "secret missing: \(missing)") : .transportFailure(call.id, .connection)
            }
        }
        if call.purpose == .submit, let reason = await gates.acquire(call.provider, queueing: queueing) {
            return .rejected(call.id, reason: reason)
        }
        return await transport.perform(call, auth: auth)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
