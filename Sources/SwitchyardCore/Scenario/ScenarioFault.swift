/// One scripted misbehaviour of a provider: what happens, to which calls, when, and how often.
public struct ScenarioFault: Sendable, Hashable {
    /// What the provider does instead of (or before) answering normally.
    public enum Effect: Sendable, Hashable {
        /// Answers normally; with a ``ScenarioFault/delay`` this is a slow response.
        case respond
        /// Answers with an HTTP error status in the provider's own error shape.
        case status(StatusReply)
        /// Holds the request without answering for `hold`, then drops the connection.
        case hang(hold: Duration)
        /// Resets the connection (TCP RST) without answering.
        case connectionReset
        /// Answers with the call's success status and a truncated JSON body.
        case malformedJSON
        /// Rejects the request at once with the provider's own content-policy answer.
        case contentPolicy(message: String?)
        /// Accepts the job, which then fails with a provider failure code when it ends.
        case jobFailure(JobFailure)
    }

    /// An error answer: the status, an optional Retry-After, and what the body says.
    public struct StatusReply: Sendable, Hashable {
        /// 400...599.
        public var status: Int
        /// Sent as `Retry-After` in whole seconds, rounded up.
        public var retryAfter: Duration?
        /// The provider error code in the body; the emulator picks one per status when nil.
        public var code: String?
        public var message: String?

        public init(status: Int, retryAfter: Duration? = nil, code: String? = nil, message: String? = nil) {
            self.status = status
            self.retryAfter = retryAfter
            self.code = code
            self.message = message
        }
    }

    /// How an accepted job fails: the provider's failure code, such as `SAFETY.INPUT.TEXT`.
    public struct JobFailure: Sendable, Hashable {
        public var code: String
        public var message: String?

        public init(code: String, message: String? = nil) {
            self.code = code
            self.message = message
        }
    }

    public var effect: Effect
    /// Waited before the effect; zero for none.
    public var delay: Duration
    /// In [0, 1]; see ``ScenarioProvider/fault(for:at:draw:)`` for how faults share a draw.
    public var probability: Double
    public var window: ScenarioWindow
    /// The calls it applies to; `[.submit]` unless the scenario says otherwise.
    public var calls: Set<ProviderCallKind> { didSet { callMask = Self.mask(calls) } }
    /// `calls` as bits: every simulated call asks every fault, and hashing a set member costs
    /// more than the rest of the question.
    private var callMask: UInt8
    /// Where the fault is written; nil for one built in code.
    public var location: SourceLocation?

    /// How long a hung request is held when the scenario gives no `hold`: longer than any
    /// shipped descriptor's timeout, so the client gives up first.
    public static let defaultHold: Duration = .seconds(120)

    public init(
        effect: Effect, delay: Duration = .zero, probability: Double, window: ScenarioWindow = .always,
        calls: Set<ProviderCallKind> = [.submit], location: SourceLocation? = nil
    ) {
        self.effect = effect
        self.delay = delay
        self.probability = probability
        self.window = window
        self.calls = calls
        self.location = location
        callMask = Self.mask(calls)
    }

    /// True when the fault can fire for `call` at `elapsed`.
    public func applies(to call: ProviderCallKind, at elapsed: Duration) -> Bool { trigger.applies(to: call, at: elapsed) }

    /// When the fault fires, apart from what it does: plain values, which a provider asks
    /// on every call without copying the fault's strings.
    struct Trigger: Sendable, Hashable {
        let callMask: UInt8
        let window: ScenarioWindow
        let probability: Double

        func applies(to call: ProviderCallKind, at elapsed: Duration) -> Bool {
            callMask & ScenarioFault.bit(call) != 0 && window.contains(elapsed)
        }
    }

    var trigger: Trigger { Trigger(callMask: callMask, window: window, probability: probability) }

    private static func bit(_ call: ProviderCallKind) -> UInt8 {
        switch call {
        case .submit: 1
        case .poll: 2
        case .result: 4
        case .cancel: 8
        }
    }

    private static func mask(_ calls: Set<ProviderCallKind>) -> UInt8 { calls.reduce(0) { $0 | bit($1) } }
}
