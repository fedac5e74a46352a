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
    /// Where each answer field goes, parsed once: an answer is built for every simulated call.
    /// nil for a field the descriptor does not read, or reads through a path with no single
    /// place to write (a filter or wildcard).
    private let jobID: [SimplePath.Segment]?
    private let pollURL: [SimplePath.Segment]?
    private let resultURL: [SimplePath.Segment]?
    private let cancelURL: [SimplePath.Segment]?
    private let duration: [SimplePath.Segment]?
    private let errorCode: [SimplePath.Segment]?
    private let errorMessage: [SimplePath.Segment]?
    /// Each output's, in `result.outputs` order.
    private let outputs: [[SimplePath.Segment]?]
    /// Each poll state rule's, in `poll.states` order.
    private let states: [[SimplePath.Segment]?]
    /// The poll answer for each state, when it carries nothing but the state: most polls find
    /// a job still queued or running.
    private let plainPolls: [HTTPResponse]
    /// Whether a succeeded job's outputs come from a second call.
    private let fetchesResult: Bool
    /// The fixed parts of the URLs answers carry, `sim://<provider>/jobs/<id>` and
    /// `sim://<provider>/files/<id>/<output>`: joined once per answer, not interpolated.
    private let jobsURL: String
    private let filesURL: String
    private let outputSuffixes: [String]
    /// The same URLs for no job in particular (`-` for the id), for answers nobody reads but the
    /// execution, which only needs them present: without a decision log nothing shows them,
    /// and building one per job is a good part of answering. Such answers name the job `-` too.
    private let sharedPollURL: String
    private let sharedResultURL: String
    private let sharedCancelURL: String
    private let sharedOutputs: [String]

    init(provider: ProviderDescriptor) {
        self.provider = provider
        let urls = provider.submit.returnedURLs
        jobID = provider.submit.jobID.flatMap(SimplePath.segments)
        pollURL = urls.poll.flatMap(SimplePath.segments)
        resultURL = urls.result.flatMap(SimplePath.segments)
        cancelURL = urls.cancel.flatMap(SimplePath.segments)
        duration = provider.result.durationPath.flatMap(SimplePath.segments)
        errorCode = provider.errors.codePaths.first.flatMap(SimplePath.segments)
        errorMessage = provider.errors.messagePaths.first.flatMap(SimplePath.segments)
        outputs = provider.result.outputs.map { SimplePath.segments(of: $0.path) }
        let states = provider.poll?.states.map { SimplePath.segments(of: $0.path) } ?? []
        self.states = states
        jobsURL = "sim://\(provider.id)/jobs/"
        filesURL = "sim://\(provider.id)/files/"
        outputSuffixes = provider.result.outputs.map { "/" + $0.name }
        sharedPollURL = Self.joined(jobsURL, "-", "/status")
        sharedResultURL = Self.joined(jobsURL, "-", "")
        sharedCancelURL = Self.joined(jobsURL, "-", "/cancel")
        sharedOutputs = outputSuffixes.map { [filesURL] suffix in Self.joined(filesURL, "-", suffix) }
        fetchesResult = provider.result.fetch != nil
        // In `JobState.allCases` order, as `position(of:)` counts.
        plainPolls = JobState.allCases.map { state in
            HTTPResponse(status: 200, body: .json(Self.stateBody(state, failure: nil, provider: provider, segments: states)))
        }
    }

    /// An empty object with room for an answer's few fields, so filling it in does not grow it
    /// again and again.
    private static var emptyBody: JSONValue { .object(JSONObject(minimumCapacity: 8)) }

    /// Where `state` is in `JobState.allCases`, without building that array on every poll.
    private static func position(of state: JobState) -> Int {
        switch state {
        case .queued: 0
        case .running: 1
        case .succeeded: 2
        case .failed: 3
        case .canceled: 4
        }
    }

    private static func set(_ value: JSONValue, at segments: [SimplePath.Segment]?, in body: inout JSONValue) {
        if let segments { SimplePath.set(value, at: segments, in: &body) }
    }

    /// - Parameter jobID: nil for an answer that names no job, as a run without a decision log
    ///   reads: the id `-` and shared URLs (see `sharedPollURL`), in the same places.
    func accepted(jobID: String?) -> HTTPResponse {
        var body = Self.emptyBody
        Self.set(.string(jobID ?? "-"), at: self.jobID, in: &body)
        // Only the URLs the descriptor reads are built.
        if let pollURL { SimplePath.set(.string(jobID.map { Self.joined(jobsURL, $0, "/status") } ?? sharedPollURL), at: pollURL, in: &body) }
        if let resultURL { SimplePath.set(.string(jobID.map { Self.joined(jobsURL, $0, "") } ?? sharedResultURL), at: resultURL, in: &body) }
        if let cancelURL { SimplePath.set(.string(jobID.map { Self.joined(jobsURL, $0, "/cancel") } ?? sharedCancelURL), at: cancelURL, in: &body) }
        if provider.submit.mode == .sync { addOutputs(to: &body, jobID: jobID, seconds: nil) }
        return HTTPResponse(status: provider.submit.acceptedStatuses.first ?? 200, body: .json(body))
    }

    /// A poll answer in `state`; a succeeded job's outputs are included unless a result fetch follows.
    func poll(_ state: JobState, jobID: String?, failure: ScenarioFault.JobFailure?, seconds: Int?) -> HTTPResponse {
        let failed = state == .failed && failure != nil
        let withResult = state == .succeeded && !fetchesResult
        if !failed, !withResult { return plainPolls[Self.position(of: state)] }
        var body = Self.stateBody(state, failure: failure, provider: provider, segments: states)
        if state == .failed, let failure { addError(to: &body, code: failure.code, message: failure.message ?? "job failed") }
        if withResult { addOutputs(to: &body, jobID: jobID, seconds: seconds) }
        return HTTPResponse(status: 200, body: .json(body))
    }

    /// A poll answer's body with only the field the `state` rules read.
    private static func stateBody(
        _ state: JobState, failure: ScenarioFault.JobFailure?, provider: ProviderDescriptor, segments: [[SimplePath.Segment]?]
    ) -> JSONValue {
        var body = Self.emptyBody
        let rules = provider.poll?.states ?? []
        if let index = rules.firstIndex(where: { $0.state == state && (state != .failed || failure == nil || $0.code == nil) })
            ?? rules.firstIndex(where: { $0.state == state })
        {
            let value: JSONValue =
                switch rules[index].test {
                case .equals(let expected): expected
                case .oneOf(let values): values.first ?? .null
                case .exists(let present): present ? .string(failure?.message ?? "\(state.rawValue)") : .null
                }
            set(value, at: segments[index], in: &body)
        }
        return body
    }

    func result(jobID: String?, seconds: Int?) -> HTTPResponse {
        var body = Self.emptyBody
        addOutputs(to: &body, jobID: jobID, seconds: seconds)
        return HTTPResponse(status: 200, body: .json(body))
    }

    func error(status: Int, retryAfter: Duration?, code: String?, message: String?) -> HTTPResponse {
        var headers: [(name: String, value: String)] = []
        if let retryAfter {
            let seconds = (Double(retryAfter.milliseconds) / 1000).rounded(.up)
            for case .header(let name) in provider.errors.retryAfter { headers.append((name, String(Int(seconds)))) }
        }
        var body = Self.emptyBody
        addError(to: &body, code: code, message: message ?? "HTTP \(status)")
        return HTTPResponse(status: status, headers: headers, body: .json(body))
    }

    /// A code that the descriptor maps to `outcome` (a glob with its wildcards filled in).
    func code(mappingTo outcome: String) -> String? {
        provider.errors.codeMap.first { $0.outcome == outcome }.map { $0.pattern.source.replacingStars() }
    }

    private func addError(to body: inout JSONValue, code: String?, message: String) {
        if let code { Self.set(.string(code), at: errorCode, in: &body) }
        Self.set(.string(message), at: errorMessage, in: &body)
    }

    private func addOutputs(to body: inout JSONValue, jobID: String?, seconds: Int?) {
        // Every output, with either kind of URL, so the body has the same shape either way (a later
        // output's path may write over an earlier one's).
        for index in outputs.indices {
            guard let segments = outputs[index] else { continue }
            let url = jobID.map { Self.joined(filesURL, $0, outputSuffixes[index]) } ?? sharedOutputs[index]
            SimplePath.set(.string(url), at: segments, in: &body)
        }
        if let seconds { Self.set(.int(seconds), at: duration, in: &body) }
    }
}

extension ResponseSynthesizer {
    /// The three strings as one, copied into a single allocation: cheaper than appending,
    /// which goes through String's general growth path for each part.
    fileprivate static func joined(_ first: String, _ second: String, _ third: String) -> String {
        let count = first.utf8.count + second.utf8.count + third.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var position = copy(first, into: buffer, at: 0)
            position = copy(second, into: buffer, at: position)
            return copy(third, into: buffer, at: position)
        }
    }

    /// Copies `part` into `buffer` at `position`; returns where it ends.
    private static func copy(_ part: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at position: Int) -> Int {
        var part = part
        return part.withUTF8 { bytes in
            guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return position }
            (target + position).update(from: source, count: bytes.count)
            return position + bytes.count
        }
    }
}

extension String {
    fileprivate func replacingStars() -> String {
        String(map { $0 == "*" || $0 == "?" ? "X" : $0 })
    }
}
