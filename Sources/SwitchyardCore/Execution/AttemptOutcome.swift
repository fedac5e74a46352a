import OrderedCollections

/// A failed call or job, classified through the provider's descriptor so the policy's error
/// table can decide what to do.
struct AttemptOutcome: Sendable, Hashable {
    var status: Int?
    /// Outcome names, most specific first: mapped provider codes, then built-in outcomes.
    var outcomes: [String]
    /// The provider's own error code, as it sent it.
    var code: String?
    var message: String?
    var retryAfter: Duration?
    /// For the provider's breaker and limiter; nil when the failure says nothing about the
    /// provider's health (a 4xx is the request's fault).
    var signal: ProviderSignal

    /// For logs: `HTTP 503`, `timeout`, `job failed: SAFETY.INPUT`.
    var summary: String {
        var text = status.map { "HTTP \($0)" } ?? outcomes.last ?? "failure"
        if let code { text += " \(code)" }
        return text
    }

    /// For reports, grouped by cause: `HTTP 500`, `timeout`, `job_failed (render_crash)`.
    var reason: String {
        if let status { return "HTTP \(status)" }
        let outcome = outcomes.last ?? "failure"
        guard let code, code != outcome else { return outcome }
        return "\(outcome) (\(code))"
    }

    /// The `attempt_outcome` event's fields.
    func logFields(provider: String, call: String) -> JSONObject {
        var fields: JSONObject = ["provider": .string(provider), "call": .string(call), "outcome": .array(outcomes.map(JSONValue.string))]
        if let status { fields["status"] = .int(status) }
        if let code { fields["code"] = .string(code) }
        if let message { fields["message"] = .string(message) }
        if let retryAfter { fields["retry_after_s"] = .double(retryAfter.secondsValue) }
        return fields
    }

    static func transport(_ failure: TransportFailure) -> AttemptOutcome {
        AttemptOutcome(status: nil, outcomes: [failure.rawValue], code: nil, message: nil, retryAfter: nil, signal: .failure)
    }

    /// A job that outlived its poll timeout: it failed after acceptance.
    static func jobTimedOut() -> AttemptOutcome {
        AttemptOutcome(
            status: nil, outcomes: ["job_failed"], code: "job_timeout", message: "the job did not finish within the poll timeout", retryAfter: nil,
            signal: .failure)
    }

    /// The same failure, seen on a job's poll or result fetch: the job is lost.
    func lostJob() -> AttemptOutcome {
        var mapped = outcomes.filter { !ErrorTable.builtInOutcomes.contains($0) || $0 == "content_policy" }
        mapped.append("job_failed")
        return AttemptOutcome(
            status: nil, outcomes: mapped, code: code ?? status.map { "http_\($0)" }, message: message, retryAfter: nil, signal: .failure)
    }

    static func badResponse(_ message: String) -> AttemptOutcome {
        AttemptOutcome(status: nil, outcomes: ["bad_response"], code: nil, message: message, retryAfter: nil, signal: .failure)
    }

    /// An HTTP answer that is not a success.
    static func response(_ response: HTTPResponse, errors: ErrorSpec, now: Timestamp) -> AttemptOutcome {
        let json = response.body.json
        let code = json.flatMap { firstText(errors.codePaths, in: $0) }
        var outcomes: [String] = []
        if let code, let mapped = errors.outcome(forCode: code) { outcomes.append(mapped) }
        if let mapped = errors.outcome(forStatus: response.status), !outcomes.contains(mapped) { outcomes.append(mapped) }
        if response.status == 429, !outcomes.contains("rate_limited") { outcomes.append("rate_limited") }
        let retryAfter = RetryAfter.hint(in: response, sources: errors.retryAfter, now: now)
        let signal: ProviderSignal =
            if outcomes.contains("rate_limited") {
                .rateLimited(retryAfter: retryAfter)
            } else if response.status >= 500 {
                .failure
            } else {
                .answered
            }
        return AttemptOutcome(
            status: response.status, outcomes: outcomes, code: code, message: json.flatMap { firstText(errors.messagePaths, in: $0) },
            retryAfter: retryAfter, signal: signal)
    }

    /// A job the provider accepted and then failed.
    static func jobFailed(_ body: JSONValue, ruleCode: String?, errors: ErrorSpec) -> AttemptOutcome {
        let code = firstText(errors.codePaths, in: body)
        var outcomes: [String] = []
        if let code, let mapped = errors.outcome(forCode: code) { outcomes.append(mapped) }
        if let ruleCode, !outcomes.contains(ruleCode) { outcomes.append(ruleCode) }
        outcomes.append("job_failed")
        // A refusal on content grounds says nothing about the provider's health.
        let signal: ProviderSignal = outcomes.contains("content_policy") ? .answered : .failure
        return AttemptOutcome(
            status: nil, outcomes: outcomes, code: code, message: firstText(errors.messagePaths, in: body), retryAfter: nil, signal: signal)
    }

    /// The first path that selects a string (or a number, as text).
    private static func firstText(_ paths: [JSONPath], in json: JSONValue) -> String? {
        for path in paths {
            switch path.first(json) {
            case .string(let text) where !text.isEmpty: return text
            case .int(let number): return String(number)
            case .double(let number): return String(number)
            case .some(let value) where !value.isNull && value.arrayValue == nil && value.objectValue == nil: return value.jsonString()
            default: continue
            }
        }
        return nil
    }
}
