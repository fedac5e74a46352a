public import SwitchyardCore

/// The live holder of every provider's ``ProviderGate``: shared by all requests of a process,
/// so limits, concurrency caps and breakers see the whole traffic.
public actor ProviderGates {
    private var gates: [String: ProviderGate] = [:]
    private let now: @Sendable () -> Timestamp

    public init(config: Config, now: @escaping @Sendable () -> Timestamp) {
        self.now = now
        let start = now()
        for provider in config.providers { gates[provider.id] = ProviderGate(provider: provider, at: start) }
    }

    /// Waits, within the policy's queueing rule, until a job may start at `provider`.
    /// - Returns: nil when it may, else why not.
    public func acquire(_ provider: String, queueing: QueuePolicy) async -> String? {
        let started = now()
        while true {
            guard var gate = gates[provider] else { return nil }
            let decision = gate.request(at: now(), waitingSince: started, queueing: queueing)
            gates[provider] = gate
            switch decision {
            case .proceed: return nil
            case .reject(let reason): return reason
            case .wait(let until):
                // Re-ask at the next token, or every 50 ms for a free slot.
                let current = now()
                let wait = until.map { max(1, min(50, $0.millisecondsSinceEpoch - current.millisecondsSinceEpoch)) } ?? 50
                try? await Task.sleep(for: .milliseconds(wait))
                if Task.isCancelled { return "cancelled" }
            }
        }
    }

    public func release(_ provider: String) {
        gates[provider]?.release()
    }

    public func record(_ provider: String, _ signal: ProviderSignal) {
        gates[provider]?.record(signal, at: now())
    }

    /// Provider availability for the planner: open circuits are unavailable.
    public func worldState() -> WorldState {
        let current = now()
        var state = WorldState()
        for (id, gate) in gates where !gate.status(at: current).available { state.providers[id] = gate.status(at: current) }
        return state
    }
}
