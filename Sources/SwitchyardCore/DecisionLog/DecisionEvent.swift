public import OrderedCollections

/// One line of the decision log: a JSON object with a stable schema (docs/decision-log.md).
///
/// Every event has `ts` (RFC 3339, UTC, milliseconds), `event`, and `request_id`; the rest
/// depends on the event. The core builds events; a driver supplies the timestamp and writes them.
public struct DecisionEvent: Sendable, Hashable {
    public var timestamp: Timestamp
    public var event: String
    public var requestID: String?
    /// Ties together the events of one execution, when a driver gives one.
    public var traceID: String?
    public var fields: JSONObject

    public init(timestamp: Timestamp, event: String, requestID: String?, traceID: String? = nil, fields: JSONObject) {
        self.timestamp = timestamp
        self.event = event
        self.requestID = requestID
        self.traceID = traceID
        self.fields = fields
    }

    /// The `plan` event: the policy, rule, plan and exclusions chosen for a request.
    public static func plan(_ plan: Plan, at timestamp: Timestamp) -> DecisionEvent {
        var fields = plan.json.objectValue ?? [:]
        fields.removeValue(forKey: "request_id")
        return DecisionEvent(timestamp: timestamp, event: "plan", requestID: plan.requestID, fields: fields)
    }

    /// The `request_rejected` event: the request failed validation before any plan.
    public static func rejected(requestID: String?, errors: RequestErrors, at timestamp: Timestamp) -> DecisionEvent {
        DecisionEvent(timestamp: timestamp, event: "request_rejected", requestID: requestID, fields: errors.json.objectValue ?? [:])
    }

    /// The `cache_hit` event: an identical request's result served again, at no cost.
    public static func cacheHit(_ result: ExecutionResult, key: CacheKey, at timestamp: Timestamp) -> DecisionEvent {
        var fields: JSONObject = ["key": .string(key.digest)]
        if let provider = result.provider { fields["provider"] = .string(provider) }
        fields["cost"] = result.cost.json
        return DecisionEvent(timestamp: timestamp, event: "cache_hit", requestID: result.requestID, fields: fields)
    }

    /// One compact JSON line, without the newline.
    public var jsonLine: String {
        var object: JSONObject = ["ts": .string(timestamp.rfc3339), "event": .string(event), "request_id": requestID.map(JSONValue.string) ?? .null]
        if let traceID { object["trace_id"] = .string(traceID) }
        for (key, value) in fields { object[key] = value }
        return JSONValue.object(object).jsonString()
    }
}
