import OrderedCollections

extension Plan {
    /// The plan as `plan` prints it and the decision log records it (schema in docs/decision-log.md).
    public var json: JSONValue {
        var object: JSONObject = [
            "request_id": requestID.map(JSONValue.string) ?? .null,
            "policy": .string(policy),
            "rule": .string(rule),
            "tier": .string(tier),
            "strategy": .string(strategy.rawValue),
            "plan": .array(entries.map(\.json)),
            "excluded": .array(excluded.map(\.json)),
            "worst_case": worstCase.json,
        ]
        if let currency { object["currency"] = .string(currency) }
        if let firstChoice { object["first_choice"] = .string(firstChoice) }
        return .object(object)
    }
}

extension PlanEntry {
    public var json: JSONValue {
        [
            "provider": .string(provider),
            "tier": .string(tier),
            "params": params.json,
            "estimated_cost": estimatedCost.json,
            "currency": .string(currency),
            "downgrade": .bool(downgrade),
            "attempt_timeout_s": .double(attemptTimeout.secondsValue),
        ]
    }
}

extension OutputParameters {
    public var json: JSONValue {
        var object = JSONObject()
        if let resolution { object["resolution"] = .string(resolution.description) }
        if let bitrateKbps { object["bitrate_kbps"] = .int(bitrateKbps) }
        if let fps { object["fps"] = .int(fps) }
        if let aspectRatio { object["aspect_ratio"] = .string(aspectRatio.description) }
        if let durationSeconds { object["duration_s"] = .int(durationSeconds) }
        return .object(object)
    }
}

extension Exclusion {
    public var json: JSONValue {
        ["provider": .string(provider), "tier": .string(tier), "reason": .string(reason.rawValue), "detail": .string(detail)]
    }
}

extension WorstCase {
    public var json: JSONValue {
        [
            "attempts": .int(attempts),
            "uncapped_attempts": .int(uncappedAttempts),
            "wall_time_s": .double(wallTime.secondsValue),
            "uncapped_wall_time_s": .double(uncappedWallTime.secondsValue),
            "cost": cost.json,
        ]
    }
}

extension Money {
    /// A JSON number with the exact decimal digits (see ``doubleValue``).
    public var json: JSONValue { .double(doubleValue) }
}

extension RequestErrors {
    /// `{"errors": [{"field", "code", "message"}]}`.
    public var json: JSONValue {
        ["errors": .array(errors.map { ["field": .string($0.field), "code": .string($0.code), "message": .string($0.message)] })]
    }
}
