import OrderedCollections
import SwitchyardCore

/// Builds the answers a provider would give, from its descriptor alone: the job id where
/// `job_id` reads it, a state the `state` rules map to what the scenario says, outputs where
/// `result.outputs` reads them, errors where `errors` reads codes and messages. So any
/// descriptor can be simulated, and the execution machine parses exactly what it parses live.
///
/// A class: it never changes, and providers call it for every answer without copying it.
final class ResponseSynthesizer: Sendable {
    let provider: ProviderDescriptor
    /// Every path the answers write, parsed once: an answer is built for every simulated call.
    private let segments: [String: [SimplePath.Segment]]
    /// The poll answer for each state, when it carries nothing but the state: most polls find
    /// a job still queued or running.
    private let plainPolls: [HTTPResponse]
    /// The fixed parts of the URLs answers carry, `sim://<provider>/jobs/<id>` and
    /// `sim://<provider>/files/<id>/<output>`: joined once per answer, not interpolated.
    private let jobsURL: String
    private let filesURL: String
    private let outputSuffixes: [String]

    init(provider: ProviderDescriptor) {
        self.provider = provider
        let urls = provider.submit.returnedURLs
        var paths = [provider.submit.jobID, urls.poll, urls.result, urls.cancel, provider.result.durationPath].compactMap { $0 }
        paths += provider.poll?.states.map(\.path) ?? []
        paths += provider.errors.codePaths.prefix(1) + provider.errors.messagePaths.prefix(1)
        paths += provider.result.outputs.map(\.path)
        let segments = Dictionary(paths.compactMap { path in SimplePath.segments(of: path).map { (path.source, $0) } }) { first, _ in first }
        self.segments = segments
        jobsURL = "sim://\(provider.id)/jobs/"
        filesURL = "sim://\(provider.id)/files/"
        outputSuffixes = provider.result.outputs.map { "/" + $0.name }
        // In `JobState.allCases` order.
        plainPolls = JobState.allCases.map { state in
            HTTPResponse(status: 200, body: .json(Self.stateBody(state, failure: nil, provider: provider, segments: segments)))
        }
    }

    private func setting(_ value: JSONValue, at path: JSONPath, in body: JSONValue) -> JSONValue {
        Self.setting(value, at: path, in: body, segments: segments)
    }

    private static func setting(_ value: JSONValue, at path: JSONPath, in body: JSONValue, segments: [String: [SimplePath.Segment]]) -> JSONValue {
        guard let segments = segments[path.source] ?? SimplePath.segments(of: path) else { return body }
        return SimplePath.setting(value, at: segments, in: body)
    }

    func accepted(jobID: String) -> HTTPResponse {
        var body: JSONValue = [:]
        if let path = provider.submit.jobID { body = setting(.string(jobID), at: path, in: body) }
        let urls = provider.submit.returnedURLs
        if let path = urls.poll { body = setting(.string(jobsURL + jobID + "/status"), at: path, in: body) }
        if let path = urls.result { body = setting(.string(jobsURL + jobID), at: path, in: body) }
        if let path = urls.cancel { body = setting(.string(jobsURL + jobID + "/cancel"), at: path, in: body) }
        if provider.submit.mode == .sync { body = withOutputs(body, jobID: jobID, seconds: nil) }
        return HTTPResponse(status: provider.submit.acceptedStatuses.first ?? 200, body: .json(body))
    }

    /// A poll answer in `state`; a succeeded job's outputs are included unless a result fetch follows.
    func poll(_ state: JobState, jobID: String, failure: ScenarioFault.JobFailure?, seconds: Int?) -> HTTPResponse {
        let failed = state == .failed && failure != nil
        let withResult = state == .succeeded && provider.result.fetch == nil
        if !failed, !withResult, let index = JobState.allCases.firstIndex(of: state) { return plainPolls[index] }
        var body = Self.stateBody(state, failure: failure, provider: provider, segments: segments)
        if state == .failed, let failure { body = withError(body, code: failure.code, message: failure.message ?? "job failed") }
        if withResult { body = withOutputs(body, jobID: jobID, seconds: seconds) }
        return HTTPResponse(status: 200, body: .json(body))
    }

    /// A poll answer's body with only the field the `state` rules read.
    private static func stateBody(
        _ state: JobState, failure: ScenarioFault.JobFailure?, provider: ProviderDescriptor, segments: [String: [SimplePath.Segment]]
    ) -> JSONValue {
        var body: JSONValue = [:]
        if let rule = provider.poll?.states.first(where: { $0.state == state && (state != .failed || failure == nil || $0.code == nil) })
            ?? provider.poll?.states.first(where: { $0.state == state })
        {
            let value: JSONValue =
                switch rule.test {
                case .equals(let expected): expected
                case .oneOf(let values): values.first ?? .null
                case .exists(let present): present ? .string(failure?.message ?? "\(state.rawValue)") : .null
                }
            body = setting(value, at: rule.path, in: body, segments: segments)
        }
        return body
    }

    func result(jobID: String, seconds: Int?) -> HTTPResponse {
        HTTPResponse(status: 200, body: .json(withOutputs([:], jobID: jobID, seconds: seconds)))
    }

    func error(status: Int, retryAfter: Duration?, code: String?, message: String?) -> HTTPResponse {
        var headers: [(name: String, value: String)] = []
        if let retryAfter {
            let seconds = (Double(retryAfter.milliseconds) / 1000).rounded(.up)
            for case .header(let name) in provider.errors.retryAfter { headers.append((name, String(Int(seconds)))) }
        }
        let body = withError([:], code: code, message: message ?? "HTTP \(status)")
        return HTTPResponse(status: status, headers: headers, body: .json(body))
    }

    /// A code that the descriptor maps to `outcome` (a glob with its wildcards filled in).
    func code(mappingTo outcome: String) -> String? {
        provider.errors.codeMap.first { $0.outcome == outcome }.map { $0.pattern.source.replacingStars() }
    }

    private func withError(_ body: JSONValue, code: String?, message: String) -> JSONValue {
        var body = body
        if let code, let path = provider.errors.codePaths.first { body = setting(.string(code), at: path, in: body) }
        if let path = provider.errors.messagePaths.first { body = setting(.string(message), at: path, in: body) }
        return body
    }

    private func withOutputs(_ body: JSONValue, jobID: String, seconds: Int?) -> JSONValue {
        var body = body
        for (output, suffix) in zip(provider.result.outputs, outputSuffixes) {
            body = setting(.string(Self.joined(filesURL, jobID, suffix)), at: output.path, in: body)
        }
        if let seconds, let path = provider.result.durationPath { body = setting(.int(seconds), at: path, in: body) }
        return body
    }
}

extension ResponseSynthesizer {
    /// The three strings as one, in a single allocation.
    fileprivate static func joined(_ first: String, _ second: String, _ third: String) -> String {
        var text = ""
        text.reserveCapacity(first.utf8.count + second.utf8.count + third.utf8.count)
        text += first
        text += second
        text += third
        return text
    }
}

extension String {
    fileprivate func replacingStars() -> String {
        String(map { $0 == "*" || $0 == "?" ? "X" : $0 })
    }
}
