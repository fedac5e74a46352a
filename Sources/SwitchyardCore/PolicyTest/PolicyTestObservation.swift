import OrderedCollections

/// What happened to one request, read back from its decision events: the plan, the error-table
/// rows that decided its failed attempts, and how it ended. A test case's expectations are
/// checked against it.
///
/// Built from the decision log's documented schema (docs/decision-log.md), so it reads a
/// simulated run and a live run alike.
public struct PolicyTestObservation: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var provider: String
        public var tier: String
    }

    public struct Excluded: Sendable, Hashable {
        public var provider: String
        /// An ``ExclusionReason`` raw value.
        public var reason: String
    }

    /// The `result` event.
    public struct Result: Sendable, Hashable {
        public var succeeded: Bool
        public var provider: String?
        public var cost: Money
        public var currency: String?
        public var attempts: Int
        public var fallbackUsed: Bool
        public var code: String?
        public var message: String?
    }

    /// One `action` event: the error-table row that decided a failed attempt.
    public struct ErrorRow: Sendable, Hashable {
        /// As the table writes it: `429`, `5xx`, `timeout`; `none` when no row applied.
        public var key: String
        /// False when the documented default decided, because the policy has no such row.
        public var fromPolicy: Bool
    }

    public var policy: String?
    public var rule: String?
    public var plan: [Entry] = []
    public var excluded: [Excluded] = []
    /// The errors of a request rejected before any plan.
    public var rejection: [RequestError]?
    public var result: Result?
    public var errorRows: [ErrorRow] = []
    /// From the first event (the request's arrival) to the result.
    public var elapsed: Duration?

    public init(events: some Sequence<DecisionEvent>) {
        var start: Timestamp?
        for event in events {
            start = start ?? event.timestamp
            let fields = event.fields
            switch event.event {
            case "plan":
                policy = fields["policy"]?.stringValue
                rule = fields["rule"]?.stringValue
                plan = (fields["plan"]?.arrayValue ?? []).compactMap { entry in
                    guard let provider = entry["provider"]?.stringValue else { return nil }
                    return Entry(provider: provider, tier: entry["tier"]?.stringValue ?? "")
                }
                excluded = (fields["excluded"]?.arrayValue ?? []).compactMap { entry in
                    guard let provider = entry["provider"]?.stringValue else { return nil }
                    return Excluded(provider: provider, reason: entry["reason"]?.stringValue ?? "")
                }
            case "request_rejected":
                rejection = (fields["errors"]?.arrayValue ?? []).map { error in
                    RequestError(
                        field: error["field"]?.stringValue ?? "", message: error["message"]?.stringValue ?? "",
                        code: error["code"]?.stringValue ?? "")
                }
            case "action":
                errorRows.append(ErrorRow(key: fields["matched"]?.stringValue ?? "none", fromPolicy: fields["source"]?.stringValue == "policy"))
            case "result":
                result = Result(
                    succeeded: fields["status"]?.stringValue == "succeeded", provider: fields["provider"]?.stringValue,
                    cost: fields["cost"]?.doubleValue.flatMap(Money.init) ?? .zero, currency: fields["currency"]?.stringValue,
                    attempts: fields["attempts"]?.doubleValue.map { Int($0) } ?? 0, fallbackUsed: fields["fallback_used"]?.boolValue ?? false,
                    code: fields["code"]?.stringValue, message: fields["message"]?.stringValue)
                elapsed = .milliseconds(event.timestamp.millisecondsSinceEpoch - (start ?? event.timestamp).millisecondsSinceEpoch)
            case "cache_hit":
                result = Result(
                    succeeded: true, provider: fields["provider"]?.stringValue, cost: .zero, currency: nil, attempts: 0, fallbackUsed: false,
                    code: nil, message: nil)
                elapsed = .milliseconds(event.timestamp.millisecondsSinceEpoch - (start ?? event.timestamp).millisecondsSinceEpoch)
            default:
                break
            }
        }
    }

    /// How the request ended, for "got …" in failure lines.
    var outcomeDescription: String {
        if let rejection {
            let first = rejection.first.map { " (\($0.code): \($0.description))" } ?? ""
            return "rejected\(first)"
        }
        guard let result else { return "no result" }
        if result.succeeded { return "succeeded via \(result.provider ?? "?")" }
        return "failed with \(result.code ?? "?")\(result.message.map { " \"\($0)\"" } ?? "")"
    }
}

extension PolicyTestObservation {
    /// What happened, for `switchyard test --format json`: the fields a case can expect, under
    /// the names the test format uses.
    public var json: JSONValue {
        var object: JSONObject = [:]
        if let policy { object["policy"] = .string(policy) }
        if let rule { object["rule"] = .string(rule) }
        if rule != nil {
            object["plan"] = .array(plan.map { ["provider": .string($0.provider), "tier": .string($0.tier)] })
            var reasons: JSONObject = [:]
            // A provider planned on two tiers may be left out twice; the first reason stands.
            for entry in excluded where reasons[entry.provider] == nil { reasons[entry.provider] = .string(entry.reason) }
            object["excluded"] = .object(reasons)
        }
        if let rejection {
            object["outcome"] = [
                "rejected": .array(rejection.map { ["field": .string($0.field), "code": .string($0.code), "message": .string($0.message)] })
            ]
        } else if let result {
            var outcome: JSONObject = [:]
            if result.succeeded {
                outcome["succeeded"] = result.provider.map(JSONValue.string) ?? .null
            } else {
                outcome["failed"] = result.code.map(JSONValue.string) ?? .null
                if let message = result.message { outcome["message"] = .string(message) }
            }
            object["outcome"] = .object(outcome)
            object["cost"] = result.cost.json
            if let currency = result.currency { object["currency"] = .string(currency) }
            object["attempts"] = .int(result.attempts)
            object["fallback_used"] = .bool(result.fallbackUsed)
        }
        if let elapsed { object["elapsed_s"] = .double(elapsed.secondsValue) }
        object["on_error"] = .array(errorRows.map { .string($0.key) })
        return .object(object)
    }
}
