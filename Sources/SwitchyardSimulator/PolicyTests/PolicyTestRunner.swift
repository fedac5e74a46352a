public import SwitchyardCore

/// Runs policy test cases: each request through the planner and the execution machine, against
/// the providers its scenario scripts (none: every call succeeds), from its world state, on the
/// simulator's virtual clock. The same engine as `simulate` and as production; nothing sleeps.
public struct PolicyTestRunner: Sendable {
    public let config: Config

    public init(config: Config) {
        self.config = config
    }

    /// What the policy did with the case's request. Deterministic: the scenario's seed (0 unless
    /// the case's scenario gives one) seeds every draw.
    /// - Parameter decisions: the case's decision events, in virtual-time order.
    public func observe(_ testCase: PolicyTestCase, decisions: ((DecisionEvent) -> Void)? = nil) -> PolicyTestObservation {
        var simulator = Simulator(config: config, scenario: testCase.scenario, state: testCase.state, keepsReport: false)
        var events: [DecisionEvent] = []
        _ = simulator.run([SimulatedArrival(at: .zero, request: testCase.request)]) { event in
            events.append(event)
            decisions?(event)
        }
        return PolicyTestObservation(events: events)
    }

    /// The case's failed expectations, empty when it passes, and what was observed.
    /// - Parameter decisions: the case's decision events, in virtual-time order.
    public func run(
        _ testCase: PolicyTestCase, decisions: ((DecisionEvent) -> Void)? = nil
    ) -> (failures: [PolicyTestFailure], observed: PolicyTestObservation) {
        let observed = observe(testCase, decisions: decisions)
        return (testCase.failures(for: observed), observed)
    }
}
