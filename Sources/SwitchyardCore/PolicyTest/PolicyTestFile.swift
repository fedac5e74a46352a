/// A policy test file, `routes/NAME.test.yaml`: cases that each give a request (and optionally
/// a world state and a scenario) and say what the policy must do with it, as `opa test` does
/// for Rego. The format is in docs/policy-tests.md.
public struct PolicyTestFile: Sendable {
    /// The path used in diagnostics and failure lines.
    public var path: String
    public var cases: [PolicyTestCase]

    public init(path: String, cases: [PolicyTestCase]) {
        self.path = path
        self.cases = cases
    }
}

/// One test case: a request run through the planner and, under its scenario, the simulator.
public struct PolicyTestCase: Sendable {
    public var name: String
    public var request: Request
    /// The world at time 0, as `plan --state` reads it.
    public var state: WorldState
    /// How the providers behave; without one, every call succeeds.
    public var scenario: Scenario
    public var expectations: [PolicyExpectation]
    /// Where the case starts, for passing cases in verbose output.
    public var location: SourceLocation

    public init(
        name: String, request: Request, state: WorldState = .empty, scenario: Scenario = Scenario(), expectations: [PolicyExpectation],
        location: SourceLocation
    ) {
        self.name = name
        self.request = request
        self.state = state
        self.scenario = scenario
        self.expectations = expectations
        self.location = location
    }
}

/// One thing a case expects, at the line that says it.
public struct PolicyExpectation: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The policy that took the request.
        case policy(String)
        /// The rule that matched.
        case rule(String)
        /// The plan's providers in order; a tier is checked where one is given.
        case plan([PlannedProvider])
        /// Exactly these providers left out, each for this reason; empty means none.
        case excluded([ExpectedExclusion])
        case outcome(ExpectedOutcome)
        /// What the request cost, within these bounds (both inclusive).
        case cost(min: Money?, max: Money?)
        /// Every call that tried to start a job, retries included.
        case attempts(Int)
        /// Virtual time from the request's arrival to its result, within these bounds (inclusive).
        case elapsed(min: Duration?, max: Duration?)
        case fallbackUsed(Bool)
        /// The error-table rows that decided each failed attempt, in order (`429`, `5xx`, `timeout`).
        case onError([String])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// A plan entry a case expects.
public struct PlannedProvider: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    /// nil: any tier.
    public var tier: String?

    public init(provider: String, tier: String? = nil) {
        self.provider = provider
        self.tier = tier
    }

    public var description: String { tier.map { "\(provider) (\($0))" } ?? provider }
}

/// A provider a case expects left out of the plan, and why.
public struct ExpectedExclusion: Sendable, Hashable {
    public var provider: String
    public var reason: ExclusionReason

    public init(provider: String, reason: ExclusionReason) {
        self.provider = provider
        self.reason = reason
    }
}

/// How a case expects the request to end.
public enum ExpectedOutcome: Sendable, Hashable {
    /// Served; by this provider when one is given.
    case succeeded(provider: String?)
    /// Failed after planning; with this code and user-facing message when given.
    case failed(code: String?, message: String?)
    /// Rejected before any plan (a constraint, no policy, no rule); with this error code when given.
    case rejected(code: String?)
}
