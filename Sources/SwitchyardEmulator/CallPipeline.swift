import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchyardCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What every emulated call goes through: the credentials check, the scenario's fault draw
/// and its effect, and the job store.
struct CallPipeline: Sendable {
    let state: EmulatorState
    let timing: EmulatorTiming
    let configuration: EmulatorConfiguration
    let logger: Logger

    /// Thrown once a fault has closed the connection: there is no answer left to send.
    struct ConnectionClosed: Error {}

    /// Answers one call of the provider's API.
    ///
    /// Order: credentials (a refused call draws nothing), then one draw from the provider's
    /// stream picks the fault, whose delay is waited before its effect. `answer` gives the
    /// normal answer; it receives the job failure to script when the fault is one.
    func handle(
        _ call: ProviderCallKind, api: some ProviderAPI, request: Request, context: EmulatorRequestContext,
        answer: (ScenarioFault.JobFailure?) async throws -> APIReply
    ) async throws -> Response {
        let label = "\(api.provider.id) \(call.rawValue) \(request.method) \(request.uri.path)"
        if let refusal = api.authenticate(request.headers, key: configuration.key(for: api.provider)) {
            logger.info("\(label) -> \(refusal.status.code) (refused: credentials or required headers)")
            return refusal.response
        }
        let fault = state.scenario.provider(api.provider.id).fault(for: call, at: elapsed, draw: state.draw(for: api.provider))
        let note = fault.map { " (fault: \(Self.describe($0)))" } ?? ""
        if let fault, fault.delay > .zero {
            try await pause(fault.delay)
        }
        let reply: APIReply
        switch fault?.effect {
        case .status(let status):
            reply = api.error(.standard(status.status), code: status.code, message: status.message)
                .retrying(after: status.retryAfter)
        case .hang(let hold):
            logger.info("\(label) -> no answer, holding for \(TimeSpan.format(hold))\(note)")
            // Whether the hold runs out or the emulator stops, the client never gets an answer.
            try? await pause(hold)
            try? await context.channel.close().get()
            throw ConnectionClosed()
        case .connectionReset:
            logger.info("\(label) -> connection reset\(note)")
            await reset(context.channel)
            throw ConnectionClosed()
        case .malformedJSON:
            // A 204 cannot carry the garbled body, so that call answers 200.
            let status = api.successStatus(for: call)
            reply = APIReply(status == .noContent ? .ok : status, text: #"{"status": "queued", "id": "#, contentType: "application/json")
        case .contentPolicy(let message):
            reply = api.contentPolicy(message: message)
        case .jobFailure(let failure):
            reply = try await answerOrRefuse { try await answer(failure) }
        case .respond, nil:
            reply = try await answerOrRefuse { try await answer(nil) }
        }
        logger.info("\(label) -> \(reply.status.code)\(note)")
        return reply.response
    }

    private func answerOrRefuse(_ answer: () async throws -> APIReply) async throws -> APIReply {
        do {
            return try await answer()
        } catch let refusal as Refusal {
            return refusal.reply
        }
    }

    /// Time since the emulator started.
    var elapsed: Duration { state.elapsed(timing.now()) }

    /// `http://127.0.0.1:PORT/<provider>/files/<name>`: where returned outputs are served.
    func fileURL(_ provider: EmulatedProvider, _ name: String) -> String {
        "\(state.origin)/\(provider.id)/files/\(name)"
    }

    /// The provider's base URL on this emulator.
    func baseURL(_ provider: EmulatedProvider) -> String {
        "\(state.origin)/\(provider.id)"
    }

    /// Reads a submit body: JSON, an object, within `maxBytes`; else throws the provider's refusal.
    func jsonObject(_ request: Request, api: some ProviderAPI, maxBytes: Int) async throws(Refusal) -> JSONObject {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            throw Refusal(api.error(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the body as application/json."))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw Refusal(api.error(.contentTooLarge, code: "payload_too_large", message: "The request body is larger than \(maxBytes) bytes."))
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes: buffer.readableBytesView)
        } catch {
            throw Refusal(api.error(.badRequest, code: "invalid_json", message: "The request body is not valid JSON: \(error)"))
        }
        guard let object = value.objectValue else {
            throw Refusal(api.error(.badRequest, code: "invalid_json", message: "The request body must be a JSON object."))
        }
        return object
    }

    /// Accepts a job for a validated request, scripting the fault's failure.
    func accept(_ request: JobRequest, api: some ProviderAPI, failure: ScenarioFault.JobFailure?, idempotencyKey: String? = nil) -> EmulatedJob {
        state.accept(request, provider: api.provider, at: elapsed, failure: failure, idempotencyKey: idempotencyKey)
    }

    /// The job named by the route's `:id`.
    func job(_ context: EmulatorRequestContext, api: some ProviderAPI) -> EmulatedJob? {
        context.parameters.get("id").flatMap { state.job($0, of: api.provider) }
    }

    /// Cancels the job named by the route's `:id`.
    func cancelJob(_ context: EmulatorRequestContext, api: some ProviderAPI) -> EmulatedJob? {
        context.parameters.get("id").flatMap { state.cancel($0, of: api.provider, at: elapsed) }
    }

    /// Serves `files/<job id>.mp4` (and `.jpg`, a thumbnail) for a job that succeeded: the
    /// returned URLs work, without credentials, as signed output URLs do. No faults apply.
    func registerFiles(on group: RouterGroup<EmulatorRequestContext>, api: some ProviderAPI) {
        group.on("files/:name", method: .get) { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            let (id, fileExtension) = (String(name.prefix { $0 != "." }), String(name.drop { $0 != "." }))
            guard let job = state.job(id, of: api.provider), job.timeline.state(at: elapsed) == .succeeded,
                let file = Self.files[fileExtension]
            else {
                return api.error(.notFound, code: "not_found", message: "No such file.").response
            }
            return APIReply(.ok, bytes: file.bytes, contentType: file.type).response
        }
    }

    /// The stand-in for every output video: an MP4 `ftyp` box.
    static let video: [UInt8] = [0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8)

    private static let files: [String: (bytes: [UInt8], type: String)] = [
        ".mp4": (video, "video/mp4"),
        ".jpg": ([0xFF, 0xD8, 0xFF, 0xD9], "image/jpeg"),
    ]

    /// Sleeps on the emulator's clock; a graceful shutdown cuts it short.
    private func pause(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await timing.sleep(duration)
        }
    }

    /// Closes the connection with a TCP reset (SO_LINGER 0), as a crashed peer or a middlebox
    /// does: the client sees a transport error, not an HTTP answer.
    private func reset(_ channel: any Channel) async {
        if let socket = channel as? any SocketOptionProvider {
            try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close().get()
    }

    static func describe(_ fault: ScenarioFault) -> String {
        let delay = fault.delay > .zero ? " after \(TimeSpan.format(fault.delay))" : ""
        switch fault.effect {
        case .respond: return "slow response\(delay)"
        case .status(let reply): return "status \(reply.status)\(reply.retryAfter.map { ", Retry-After \(TimeSpan.format($0))" } ?? "")\(delay)"
        case .hang: return "timeout\(delay)"
        case .connectionReset: return "connection reset\(delay)"
        case .malformedJSON: return "malformed JSON\(delay)"
        case .contentPolicy: return "content policy\(delay)"
        case .jobFailure(let failure): return "job will fail with \(failure.code)\(delay)"
        }
    }
}

extension APIReply {
    /// Adds `Retry-After` in whole seconds, rounded up.
    func retrying(after delay: Duration?) -> APIReply {
        guard let delay else { return self }
        var reply = self
        let milliseconds = delay.milliseconds
        reply.headers[.retryAfter] = String((milliseconds + 999) / 1_000)
        return reply
    }
}
