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

    /// Appends the compact text of ``json`` without building the tree: `plan --batch` prints a
    /// plan per line, and the tree cost most of a line's time. Tests hold the two byte-identical.
    public func writeJSON(to output: JSONByteWriter) {
        output.raw("{\"request_id\":")
        output.string(requestID)
        output.raw(",\"policy\":")
        output.string(policy)
        output.raw(",\"rule\":")
        output.string(rule)
        output.raw(",\"tier\":")
        output.string(tier)
        output.raw(",\"strategy\":")
        output.string(strategy.rawValue)
        output.raw(",\"plan\":[")
        for (position, entry) in entries.enumerated() {
            if position > 0 { output.raw(",") }
            entry.writeJSON(to: output)
        }
        output.raw("],\"excluded\":[")
        for (position, exclusion) in excluded.enumerated() {
            if position > 0 { output.raw(",") }
            exclusion.writeJSON(to: output)
        }
        output.raw("],\"worst_case\":")
        worstCase.writeJSON(to: output)
        if let currency {
            output.raw(",\"currency\":")
            output.string(currency)
        }
        if let firstChoice {
            output.raw(",\"first_choice\":")
            output.string(firstChoice)
        }
        output.raw("}")
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

    /// The compact text of ``json``, written directly (see ``Plan/writeJSON(to:)``).
    public func writeJSON(to output: JSONByteWriter) {
        output.raw("{\"provider\":")
        output.string(provider)
        output.raw(",\"tier\":")
        output.string(tier)
        output.raw(",\"params\":")
        params.writeJSON(to: output)
        output.raw(",\"estimated_cost\":")
        output.decimal(estimatedCost.micros, scale: 6)
        output.raw(",\"currency\":")
        output.string(currency)
        output.raw(",\"downgrade\":")
        output.bool(downgrade)
        output.raw(",\"attempt_timeout_s\":")
        output.decimal(attemptTimeout.milliseconds, scale: 3)
        output.raw("}")
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

    /// The compact text of ``json``, written directly (see ``Plan/writeJSON(to:)``).
    public func writeJSON(to output: JSONByteWriter) {
        var separator = false
        func key(_ text: StaticString) {
            output.raw(separator ? "," : "{")
            separator = true
            output.raw(text)
        }
        if let resolution {
            key("\"resolution\":")
            output.raw("\"")
            output.int(resolution.lines)
            output.raw("p\"")
        }
        if let bitrateKbps {
            key("\"bitrate_kbps\":")
            output.int(bitrateKbps)
        }
        if let fps {
            key("\"fps\":")
            output.int(fps)
        }
        if let aspectRatio {
            key("\"aspect_ratio\":")
            output.raw("\"")
            output.int(aspectRatio.width)
            output.raw(":")
            output.int(aspectRatio.height)
            output.raw("\"")
        }
        if let durationSeconds {
            key("\"duration_s\":")
            output.int(durationSeconds)
        }
        output.raw(separator ? "}" : "{}")
    }
}

extension Exclusion {
    public var json: JSONValue {
        ["provider": .string(provider), "tier": .string(tier), "reason": .string(reason.rawValue), "detail": .string(detail)]
    }

    /// The compact text of ``json``, written directly (see ``Plan/writeJSON(to:)``).
    public func writeJSON(to output: JSONByteWriter) {
        output.raw("{\"provider\":")
        output.string(provider)
        output.raw(",\"tier\":")
        output.string(tier)
        output.raw(",\"reason\":")
        output.string(reason.rawValue)
        output.raw(",\"detail\":")
        output.string(detail)
        output.raw("}")
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

    /// The compact text of ``json``, written directly (see ``Plan/writeJSON(to:)``).
    public func writeJSON(to output: JSONByteWriter) {
        output.raw("{\"attempts\":")
        output.int(attempts)
        output.raw(",\"uncapped_attempts\":")
        output.int(uncappedAttempts)
        output.raw(",\"wall_time_s\":")
        output.decimal(wallTime.milliseconds, scale: 3)
        output.raw(",\"uncapped_wall_time_s\":")
        output.decimal(uncappedWallTime.milliseconds, scale: 3)
        output.raw(",\"cost\":")
        output.decimal(cost.micros, scale: 6)
        output.raw("}")
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

    /// The compact text of ``json`` with a trailing `"line"` member, as `plan --batch` reports a
    /// bad line, written directly (see ``Plan/writeJSON(to:)``).
    public func writeJSON(line: Int? = nil, to output: JSONByteWriter) {
        output.raw("{\"errors\":[")
        for (position, error) in errors.enumerated() {
            output.raw(position > 0 ? ",{\"field\":" : "{\"field\":")
            output.string(error.field)
            output.raw(",\"code\":")
            output.string(error.code)
            output.raw(",\"message\":")
            output.string(error.message)
            output.raw("}")
        }
        output.raw("]")
        if let line {
            output.raw(",\"line\":")
            output.int(line)
        }
        output.raw("}")
    }
}
