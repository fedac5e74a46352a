import Foundation
import NIOHTTP1
import SwitchyardCore
import SwitchyardEmulator

/// Drives one shipped descriptor against the emulator as the generic adapter does: renders the
/// descriptor's own templates for a request, and reads every answer with the descriptor's own
/// paths and rules. What passes here is what the descriptor and the emulator agree on.
struct DescriptorDriver {
    /// An accepted job: its id and the URLs the provider returned for it.
    struct Job {
        var id: String
        var pollURL: String?
        var resultURL: String?
        var cancelURL: String?
    }

    let descriptor: ProviderDescriptor
    let key: String
    /// The request variables templates read, as the planner would give them for a standard,
    /// 30-second, 16:9 talking-photo request.
    var variables: [String: JSONValue] = [
        "request_id": "req-conformance", "user": "user_123", "kind": "video", "prompt": "Hello, I am your new assistant",
        "duration_s": 30, "aspect_ratio": "16:9", "quality": "standard", "tier": "standard", "resolution": "720p", "fps": 30,
        "bitrate_kbps": 4000, "voice.speed": 1.0, "voice.pitch": 0.0, "features.lip_sync": true,
        "image.base64": .string(EmulatorHarness.photoBase64), "image.mime": "image/png",
        "image.data_uri": .string("data:image/png;base64,\(EmulatorHarness.photoBase64)"),
        "image.url": "https://example.com/photo.png", "idempotency_key": "req-conformance-1",
    ]

    /// Loads the shipped descriptors with their base URLs pointed at `endpoint`.
    static func shipped(_ id: String, at endpoint: EmulatorEndpoint) throws -> DescriptorDriver {
        let root = EmulatorHarness.repositoryRoot
        var files: [ConfigFile] = []
        for (folder, role) in [("providers.d", ConfigFile.Role.provider), ("routes", .policy)] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasSuffix(".test.yaml") {
                let text = try String(contentsOf: root.appendingPathComponent("\(folder)/\(name)"), encoding: .utf8)
                files.append(ConfigFile(path: "\(folder)/\(name)", text: text, role: role))
            }
        }
        let environment = Dictionary(uniqueKeysWithValues: endpoint.environment.map { ($0.name, $0.value) })
        let result = ConfigLoader.load(files, environment: environment)
        guard let descriptor = result.config?.provider(id), let provider = EmulatedProvider(id: id) else {
            throw HarnessError("no shipped descriptor '\(id)': \(result.diagnostics.map(\.description))")
        }
        return DescriptorDriver(descriptor: descriptor, key: endpoint.keys[provider] ?? provider.defaultKey)
    }

    func lookup(_ name: String, job: Job?) -> JSONValue? {
        switch name {
        case "job.id": return job.map { .string($0.id) }
        case "job.poll_url": return job?.pollURL.map(JSONValue.string)
        case "job.result_url": return job?.resultURL.map(JSONValue.string)
        case "job.cancel_url": return job?.cancelURL.map(JSONValue.string)
        default:
            if let mapping = descriptor.mappings.first(where: { $0.name == name }) {
                return variables[mapping.source]?.stringValue.flatMap { mapping.table[$0] }
            }
            return variables[name]
        }
    }

    /// The rendered body of a call.
    func body(_ spec: HTTPRequestSpec, job: Job? = nil) throws -> JSONValue? {
        try spec.body?.render { lookup($0, job: job) }
    }

    /// Sends one call of the descriptor; `body` replaces the rendered body, `key` the secret.
    func send(_ spec: HTTPRequestSpec, job: Job? = nil, body: JSONValue? = nil, key: String? = nil) async throws -> EmulatorHarness.Reply {
        let url: String
        switch spec.target {
        case .path(let template): url = descriptor.baseURL + (try template.renderString { lookup($0, job: job) })
        case .url(let template): url = try template.renderString { lookup($0, job: job) }
        }
        var headers: [(String, String)] = []
        if let auth = descriptor.auth, case .header(let name) = auth.placement {
            headers.append((name, try auth.value.renderString { $0 == "secret" ? .string(key ?? self.key) : nil }))
        }
        for header in descriptor.headers + spec.headers {
            headers.append((header.name, try header.value.renderString { lookup($0, job: job) }))
        }
        let payload = try body ?? self.body(spec, job: job)
        return try await EmulatorHarness.send(HTTPMethod(rawValue: spec.method.rawValue), url, headers: headers, body: payload?.jsonString())
    }

    /// Submits the request; the job when the descriptor reads the answer as accepted.
    func submit(body: JSONValue? = nil, key: String? = nil) async throws -> (EmulatorHarness.Reply, Job?) {
        let reply = try await send(descriptor.submit.request, body: body, key: key)
        guard descriptor.submit.acceptedStatuses.contains(reply.status), let json = reply.json,
            let id = descriptor.submit.jobID?.first(json).flatMap({ $0.stringValue ?? ($0.doubleValue.map { "\(Int($0))" }) })
        else { return (reply, nil) }
        let urls = descriptor.submit.returnedURLs
        return (
            reply,
            Job(
                id: id, pollURL: urls.poll?.first(json)?.stringValue, resultURL: urls.result?.first(json)?.stringValue,
                cancelURL: urls.cancel?.first(json)?.stringValue)
        )
    }

    /// The job state the descriptor's rules read from a poll answer.
    func state(of answer: JSONValue) -> JobState? {
        for rule in descriptor.poll?.states ?? [] {
            let value = rule.path.first(answer)
            switch rule.test {
            case .oneOf(let values): if let value, values.contains(value) { return rule.state }
            case .equals(let expected): if value == expected { return rule.state }
            case .exists(let flag): if (value.map { !$0.isNull } ?? false) == flag { return rule.state }
            }
        }
        return nil
    }

    /// Polls, as fast as it may, until the job's state is final; every state seen, in order.
    func pollUntilFinal(_ job: Job) async throws -> (states: [JobState], last: EmulatorHarness.Reply) {
        guard let poll = descriptor.poll else { throw HarnessError("\(descriptor.id) has no poll section") }
        var states: [JobState] = []
        for _ in 0..<500 {
            let reply = try await send(poll.request, job: job)
            guard reply.status == 200, let json = reply.json, let state = state(of: json) else {
                throw HarnessError("poll answered \(reply.status): \(reply.text)")
            }
            if states.last != state { states.append(state) }
            if state == .succeeded || state == .failed || state == .canceled { return (states, reply) }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw HarnessError("the job never ended")
    }

    /// The provider's error code in an answer, and the outcome the descriptor's code map gives it.
    func errorCode(of answer: JSONValue) -> (code: String?, outcome: String?) {
        let code = descriptor.errors.codePaths.lazy.compactMap { $0.first(answer)?.stringValue }.first
        return (code, code.flatMap(descriptor.errors.outcome(forCode:)))
    }

    /// The error message the descriptor's paths find in an answer.
    func errorMessage(of answer: JSONValue) -> String? {
        descriptor.errors.messagePaths.lazy.compactMap { $0.first(answer)?.stringValue }.first
    }
}
