import Foundation
import OrderedCollections

@testable import SwitchyardCore

/// Drives an ``Execution`` against scripted provider answers on a virtual clock: a tiny
/// discrete-event loop, so tests check delays through the clock instead of waiting.
struct ScriptedRun {
    enum Reply {
        case response(HTTPResponse, after: Duration = .zero)
        case transport(TransportFailure, after: Duration = .zero)
        case rejected(String)
        /// No answer: the driver's call timeout fires.
        case hang
    }

    private(set) var execution: Execution
    private(set) var now: Timestamp
    private(set) var sent: [(at: Timestamp, call: OutboundCall)] = []
    private(set) var events: [DecisionEvent] = []
    private(set) var signals: [(provider: String, signal: ProviderSignal)] = []
    private(set) var result: ExecutionResult?
    private var queue: [(at: Timestamp, order: Int, event: ExecutionEvent)] = []
    private var order = 0
    private var random = SplitMix64(seed: 1)

    static let start = Timestamp(millisecondsSinceEpoch: 1_795_600_000_000)

    init(
        plan: Plan, request: Request, config: Config, image: ResolvedImage? = ScriptedRun.photo, options: Execution.Options = Execution.Options()
    ) throws {
        guard let execution = Execution(plan: plan, request: request, config: config, image: image, options: options) else {
            throw TestFailure("the config lacks the plan's policy or providers")
        }
        self.execution = execution
        self.now = Self.start
    }

    static let photo = ResolvedImage(base64: "aGVsbG8=", mime: "image/png", bytes: 2_000_000)

    /// Runs to the end. `respond` gets each call and how many calls of that purpose the
    /// provider has had so far (0 for the first).
    mutating func run(maxEvents: Int = 10_000, respond: (OutboundCall, Int) -> Reply) {
        var counts: [String: Int] = [:]
        apply(execution.start(at: now), counts: &counts, respond: respond)
        var handled = 0
        while result == nil, !queue.isEmpty, handled < maxEvents {
            queue.sort { ($0.at, $0.order) < ($1.at, $1.order) }
            let next = queue.removeFirst()
            now = next.at
            handled += 1
            apply(execution.handle(next.event, at: now, draw: random.nextUnit()), counts: &counts, respond: respond)
        }
    }

    private mutating func apply(_ commands: [ExecutionCommand], counts: inout [String: Int], respond: (OutboundCall, Int) -> Reply) {
        for command in commands {
            switch command {
            case .send(let call):
                sent.append((now, call))
                let key = "\(call.provider)/\(call.purpose.rawValue)"
                let count = counts[key, default: 0]
                counts[key] = count + 1
                guard call.purpose != .cancel else { continue }
                switch respond(call, count) {
                case .response(let response, let after): enqueue(.response(call.id, response), at: now + after)
                case .transport(let failure, let after): enqueue(.transportFailure(call.id, failure), at: now + after)
                case .rejected(let reason): enqueue(.rejected(call.id, reason: reason), at: now)
                case .hang: enqueue(.transportFailure(call.id, .timeout), at: now + call.timeout)
                }
            case .wait(let until, let timer):
                enqueue(.timer(timer), at: until)
            case .log(let event):
                events.append(event)
            case .report(let provider, let signal):
                signals.append((provider, signal))
            case .attemptEnded, .attemptFailed, .attemptSkipped:
                continue
            case .finish(let result):
                self.result = result
            }
        }
    }

    private mutating func enqueue(_ event: ExecutionEvent, at time: Timestamp) {
        order += 1
        queue.append((time, order, event))
    }

    /// The names of the logged events, in order.
    var eventNames: [String] { events.map(\.event) }

    /// The `action` events' actions.
    var actions: [String] { events.filter { $0.event == "action" }.compactMap { $0.fields["action"]?.stringValue } }

    /// Providers of the submit calls, in order.
    var submits: [String] { sent.filter { $0.call.purpose == .submit }.map(\.call.provider) }
}

/// Answers in each provider's own API shape, as the shipped descriptors read them.
enum ProviderReplies {
    static func json(_ status: Int, _ body: JSONValue, headers: [(name: String, value: String)] = []) -> ScriptedRun.Reply {
        .response(HTTPResponse(status: status, headers: headers, body: .json(body)))
    }

    static func status(
        _ code: Int, headers: [(name: String, value: String)] = [], body: JSONValue = ["error": ["message": "failed"]]
    ) -> ScriptedRun.Reply {
        .response(HTTPResponse(status: code, headers: headers, body: .json(body)))
    }

    /// A provider that accepts, reports running once, then succeeds.
    static func success(_ call: OutboundCall, _ count: Int) -> ScriptedRun.Reply {
        switch (call.provider, call.purpose) {
        case ("veo3", .submit): return json(202, ["job_id": "v-1"])
        case ("veo3", .poll):
            return count == 0
                ? json(200, ["status": "processing"])
                : json(
                    200,
                    [
                        "status": "completed", "video_url": "https://cdn.veo3/v-1.mp4", "thumbnail_url": "https://cdn.veo3/v-1.jpg",
                        "quality_metrics": ["vmaf": 93.1], "duration_s": 30,
                    ])
        case ("runway", .submit): return json(200, ["id": "r-1"])
        case ("runway", .poll):
            return count == 0 ? json(200, ["status": "RUNNING"]) : json(200, ["status": "SUCCEEDED", "output": ["https://cdn.runway/r-1.mp4"]])
        case ("nano-banana", .submit):
            return json(
                200,
                [
                    "request_id": "n-1", "status_url": "http://fal.test/requests/n-1/status", "response_url": "http://fal.test/requests/n-1",
                    "cancel_url": "http://fal.test/requests/n-1/cancel",
                ])
        case ("nano-banana", .poll): return count == 0 ? json(200, ["status": "IN_PROGRESS"]) : json(200, ["status": "COMPLETED"])
        case ("nano-banana", .result): return json(200, ["video": ["url": "https://cdn.fal/n-1.mp4", "duration": 29.4]])
        default: return status(404)
        }
    }
}
