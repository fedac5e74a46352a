public import SwitchyardCore
import Synchronization

/// The live holder of every provider's ``ProviderGate``: shared by all requests of a process,
/// so limits, concurrency caps and breakers see the whole traffic.
///
/// Behind a lock rather than in an actor: every call passes through it several times, and a
/// lock held for a few comparisons costs far less than a hop to an actor's executor.
public final class ProviderGates: Sendable {
    private let gates: Mutex<[String: ProviderGate]>
    private let now: @Sendable () -> Timestamp

    public init(config: Config, now: @escaping @Sendable () -> Timestamp) {
        self.now = now
        let start = now()
        var gates: [String: ProviderGate] = [:]
        for provider in config.providers { gates[provider.id] = ProviderGate(provider: provider, at: start) }
        self.gates = Mutex(gates)
    }

    /// Waits, within the policy's queueing rule, until a job may start at `provider`.
    /// - Parameter since: when the submit first asked; its wait counts from there.
    /// - Returns: nil when it may, else why not.
    public func acquire(_ provider: String, queueing: QueuePolicy, since: Timestamp? = nil) async -> String? {
        let started = since ?? now()
        while true {
            switch tryAcquire(provider, queueing: queueing, since: started) {
            case nil, .proceed?: return nil
            case .reject(let reason)?: return reason
            case .wait(let until)?:
                // Re-ask at the next token, or every 50 ms for a free slot.
                let current = now()
                let wait = until.map { max(1, min(50, $0.millisecondsSinceEpoch - current.millisecondsSinceEpoch)) } ?? 50
                try? await Task.sleep(for: .milliseconds(wait))
                if Task.isCancelled { return "cancelled" }
            }
        }
    }

    /// Asks once, without waiting: `.proceed` takes a slot, `.wait` takes nothing. Most submits
    /// proceed at once, and need no task to wait in. nil for a provider without a gate.
    public func tryAcquire(_ provider: String, queueing: QueuePolicy, since: Timestamp) -> ProviderGate.Decision? {
        gates.withLock { gates in gates[provider]?.request(at: now(), waitingSince: since, queueing: queueing) }
    }

    public func release(_ provider: String) {
        gates.withLock { $0[provider]?.release() }
    }

    public func record(_ provider: String, _ signal: ProviderSignal) {
        let current = now()
        gates.withLock { $0[provider]?.record(signal, at: current) }
    }

    /// Provider availability for the planner: open circuits are unavailable.
    public func worldState() -> WorldState {
        let current = now()
        var state = WorldState()
        gates.withLock { gates in
            for (id, gate) in gates where !gate.status(at: current).available { state.providers[id] = gate.status(at: current) }
        }
        return state
    }
}
