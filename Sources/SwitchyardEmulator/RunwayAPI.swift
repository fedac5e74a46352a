import HTTPTypes
import Hummingbird
import OrderedCollections
import SwitchyardCore

/// Runway's image-to-video API, version 2024-11-06, as `providers.d/runway.yaml` describes it.
///
/// - Every call needs `Authorization: Bearer <key>` and `X-Runway-Version: 2024-11-06`.
/// - `POST /v1/image_to_video` `{model, promptImage, promptText, ratio, duration, seed}` answers
///   200 `{id}`.
/// - `GET /v1/tasks/{id}` answers `{id, status}` with status `PENDING`, `RUNNING` (plus
///   `progress`), `SUCCEEDED` (plus `output: [url]`), `FAILED` (plus `failure`, `failureCode`)
///   or `CANCELLED`.
/// - `DELETE /v1/tasks/{id}` cancels (or deletes) a task: 204.
/// - Errors: `{"error": message}`; content moderation adds `failureCode`.
struct RunwayAPI: ProviderAPI {
    var provider: EmulatedProvider { .runway }

    static let version = "2024-11-06"
    static let versionHeader = HTTPField.Name("X-Runway-Version")!
    /// The descriptor's `capabilities.max_input_bytes`.
    static let maxImageBytes = 16_000_000
    static let ratios = ["1280:720", "720:1280", "960:960"]
    static let models = ["gen4_turbo", "gen3a_turbo"]

    func register(on group: RouterGroup<EmulatorRequestContext>, pipeline: CallPipeline) {
        group.on("v1/image_to_video", method: .post) { request, context in
            try await pipeline.handle(.submit, api: self, request: request, context: context) { failure in
                try await submit(request, failure: failure, pipeline: pipeline)
            }
        }
        group.on("v1/tasks/:id", method: .get) { request, context in
            try await pipeline.handle(.poll, api: self, request: request, context: context) { _ in
                guard let job = pipeline.job(context, api: self) else { return error(.notFound, code: nil, message: "Task not found.") }
                return APIReply(.ok, json: task(job, at: pipeline.elapsed, pipeline: pipeline))
            }
        }
        group.on("v1/tasks/:id", method: .delete) { request, context in
            try await pipeline.handle(.cancel, api: self, request: request, context: context) { _ in
                guard pipeline.cancelJob(context, api: self) != nil else { return error(.notFound, code: nil, message: "Task not found.") }
                return APIReply(.noContent)
            }
        }
        pipeline.registerFiles(on: group, api: self)
    }

    func authenticate(_ headers: HTTPFields, key: String) -> APIReply? {
        guard hasCredentials(headers, scheme: "Bearer", key: key) == true else {
            return error(.unauthorized, code: nil, message: "Invalid API key. Send Authorization: Bearer <API key>.")
        }
        guard headers[Self.versionHeader] == Self.version else {
            return error(.badRequest, code: nil, message: "The X-Runway-Version header must be set to \(Self.version).")
        }
        return nil
    }

    func error(_ status: HTTPResponse.Status, code: String?, message: String?) -> APIReply {
        var body: JSONObject = ["error": .string(message ?? status.reasonPhrase)]
        if let code { body["code"] = .string(code) }
        return APIReply(status, json: .object(body))
    }

    func contentPolicy(message: String?) -> APIReply {
        APIReply(
            .badRequest,
            json: [
                "error": .string(message ?? "The input was rejected by content moderation."), "failureCode": "SAFETY.INPUT.TEXT",
            ])
    }

    func successStatus(for call: ProviderCallKind) -> HTTPResponse.Status {
        call == .cancel ? .noContent : .ok
    }

    private func submit(_ request: Request, failure: ScenarioFault.JobFailure?, pipeline: CallPipeline) async throws(Refusal) -> APIReply {
        // A data URI takes 4 bytes per 3 of image, plus room for the other fields.
        let jobRequest = try validate(try await pipeline.jsonObject(request, api: self, maxBytes: Self.maxImageBytes / 3 * 4 + 1_000_000))
        let job = pipeline.accept(jobRequest, api: self, failure: failure)
        return APIReply(.ok, json: ["id": .string(job.id)])
    }

    /// Checks the body the descriptor's template renders; unknown fields are rejected.
    func validate(_ object: JSONObject) throws(Refusal) -> JobRequest {
        var body = BodyValidator(object)
        _ = body.string("model", required: true, oneOf: Self.models)
        var imageBytes = 0
        if let image = body.value("promptImage", required: true, type: "string") {
            switch image {
            case .string(let reference):
                switch ImageInputCheck.urlOrDataURI(reference) {
                case .success(let bytes): imageBytes = bytes
                case .failure(let problem): _ = body.invalid("promptImage", problem.problem) as Int?
                }
            case .array(let frames):
                imageBytes = validateFrames(frames, in: &body)
            default:
                _ = body.invalid("promptImage", "must be a string or an array of {uri, position}") as Int?
            }
        }
        _ = body.string("promptText", maxLength: 1_000)
        let ratio = body.string("ratio", required: true, oneOf: Self.ratios)
        let duration = body.integer("duration", in: 5...60)
        _ = body.integer("seed", in: 0...4_294_967_295)
        _ = body.object("contentModeration") { moderation in
            _ = moderation.string("publicFigureThreshold", oneOf: ["auto", "low"])
        }
        body.finish()
        if let issue = body.issues.first {
            let issues: [JSONValue] = body.issues.map { ["path": .array($0.path.map(JSONValue.string)), "message": .string($0.problem)] }
            throw Refusal(APIReply(.badRequest, json: ["error": .string("Invalid request body: \(issue.message)."), "issues": .array(issues)]))
        }
        if imageBytes > Self.maxImageBytes {
            throw Refusal(
                error(.contentTooLarge, code: nil, message: "The image is \(imageBytes) bytes; the limit is \(Self.maxImageBytes) bytes."))
        }
        return JobRequest(durationSeconds: duration ?? 10, details: ["ratio": ratio.map(JSONValue.string) ?? .null])
    }

    /// `[{uri, position: first|last}]`: keyframes, the other shape Runway accepts.
    private func validateFrames(_ frames: [JSONValue], in body: inout BodyValidator) -> Int {
        guard (1...2).contains(frames.count) else {
            return body.invalid("promptImage", "must hold one or two frames") ?? 0
        }
        var total = 0
        for (index, frame) in frames.enumerated() {
            guard let members = frame.objectValue else {
                return body.invalid("promptImage", "frame \(index) must be an object {uri, position}") ?? 0
            }
            var check = BodyValidator(members, path: ["promptImage", "\(index)"])
            if let uri = check.string("uri", required: true) {
                switch ImageInputCheck.urlOrDataURI(uri) {
                case .success(let bytes): total += bytes
                case .failure(let problem): _ = check.invalid("uri", problem.problem) as Int?
                }
            }
            _ = check.string("position", oneOf: ["first", "last"])
            check.finish()
            body.absorb(check)
        }
        return total
    }

    private func task(_ job: EmulatedJob, at now: Duration, pipeline: CallPipeline) -> JSONValue {
        var answer: JSONObject = ["id": .string(job.id)]
        switch job.timeline.state(at: now) {
        case .queued: answer["status"] = "PENDING"
        case .running:
            answer["status"] = "RUNNING"
            answer["progress"] = .double((job.timeline.progress(at: now) * 100).rounded() / 100)
        case .canceled: answer["status"] = "CANCELLED"
        case .failed:
            answer["status"] = "FAILED"
            if let failure = job.timeline.failure {
                answer["failure"] = .string(failure.message ?? "The task failed (\(failure.code)).")
                answer["failureCode"] = .string(failure.code)
            }
        case .succeeded:
            answer["status"] = "SUCCEEDED"
            answer["output"] = [.string(pipeline.fileURL(provider, "\(job.id).mp4"))]
        }
        return .object(answer)
    }
}
