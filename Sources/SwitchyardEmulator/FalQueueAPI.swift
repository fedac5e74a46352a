import HTTPTypes
import Hummingbird
import OrderedCollections
import SwitchyardCore

/// The fal queue API for `fal-ai/nano-banana/talking-photo`, as `providers.d/nano-banana.yaml`
/// describes it.
///
/// - Every call needs `Authorization: Key <key>`.
/// - `POST /fal-ai/nano-banana/talking-photo` `{prompt, image_url, duration, aspect_ratio,
///   resolution, lip_sync}` answers 200 `{request_id, status: "IN_QUEUE", status_url,
///   response_url, cancel_url, queue_position}`; the URLs are absolute and point back here, under
///   `/fal-ai/nano-banana/requests/{id}` as fal's do.
/// - `GET .../requests/{id}/status` answers `{status, request_id, response_url}` with status
///   `IN_QUEUE`, `IN_PROGRESS` or `COMPLETED`; a failed (or canceled) request is `COMPLETED`
///   with `error` and `error_type`.
/// - `GET .../requests/{id}` answers the result `{video: {url, content_type, file_name,
///   file_size, duration}}`, 400 while in progress, 422 `{detail: [{loc, msg, type}]}` if failed.
/// - `PUT .../requests/{id}/cancel` answers 202 `{status: "CANCELLATION_REQUESTED"}`, or 400
///   `{status: "ALREADY_COMPLETED"}`.
/// - Errors: `{"detail": message}`; validation and content policy: 422 `{"detail": [{loc, msg, type}]}`.
struct FalQueueAPI: ProviderAPI {
    var provider: EmulatedProvider { .nanoBanana }

    static let model = "fal-ai/nano-banana/talking-photo"
    /// fal's request URLs name the model's owner and app, without the sub-path.
    static let requests = "fal-ai/nano-banana/requests"
    /// The descriptor's `capabilities.max_input_bytes`.
    static let maxImageBytes = 5_000_000

    func register(on group: RouterGroup<EmulatorRequestContext>, pipeline: CallPipeline) {
        group.on(RouterPath(Self.model), method: .post) { request, context in
            try await pipeline.handle(.submit, api: self, request: request, context: context) { failure in
                try await submit(request, failure: failure, pipeline: pipeline)
            }
        }
        group.on(RouterPath("\(Self.requests)/:id/status"), method: .get) { request, context in
            try await pipeline.handle(.poll, api: self, request: request, context: context) { _ in
                guard let job = pipeline.job(context, api: self) else { return notFound }
                return APIReply(.ok, json: status(of: job, at: pipeline.elapsed, pipeline: pipeline))
            }
        }
        group.on(RouterPath("\(Self.requests)/:id"), method: .get) { request, context in
            try await pipeline.handle(.result, api: self, request: request, context: context) { _ in
                guard let job = pipeline.job(context, api: self) else { return notFound }
                return result(of: job, at: pipeline.elapsed, pipeline: pipeline)
            }
        }
        group.on(RouterPath("\(Self.requests)/:id/cancel"), method: .put) { request, context in
            try await pipeline.handle(.cancel, api: self, request: request, context: context) { _ in
                guard let job = pipeline.cancelJob(context, api: self) else { return notFound }
                guard job.timeline.state(at: pipeline.elapsed) == .canceled else {
                    return APIReply(.badRequest, json: ["status": "ALREADY_COMPLETED"])
                }
                return APIReply(.accepted, json: ["status": "CANCELLATION_REQUESTED"])
            }
        }
        pipeline.registerFiles(on: group, api: self)
    }

    func authenticate(_ headers: HTTPFields, key: String) -> APIReply? {
        switch hasCredentials(headers, scheme: "Key", key: key) {
        case true?: nil
        case false?: error(.unauthorized, code: nil, message: "Invalid key. Send Authorization: Key <API key>.")
        case nil: error(.unauthorized, code: nil, message: "Authentication is required to perform this action.")
        }
    }

    func error(_ status: HTTPResponse.Status, code: String?, message: String?) -> APIReply {
        var body: JSONObject = ["detail": .string(message ?? status.reasonPhrase)]
        if let code { body["error_type"] = .string(code) }
        var reply = APIReply(status, json: .object(body))
        // fal marks the errors a client may retry.
        reply.headers[Self.retryableHeader] = status.code == 429 || status.code >= 500 ? "true" : "false"
        return reply
    }

    static let retryableHeader = HTTPField.Name("X-Fal-Retryable")!

    func contentPolicy(message: String?) -> APIReply {
        APIReply(
            .unprocessableContent,
            json: [
                "detail": [
                    [
                        "loc": ["body", "image_url"],
                        "msg": .string(message ?? "The content could not be processed because it violates the content policy."),
                        "type": "content_policy_violation",
                    ]
                ]
            ])
    }

    func successStatus(for call: ProviderCallKind) -> HTTPResponse.Status {
        call == .cancel ? .accepted : .ok
    }

    private var notFound: APIReply { error(.notFound, code: nil, message: "Request not found.") }

    private func submit(_ request: Request, failure: ScenarioFault.JobFailure?, pipeline: CallPipeline) async throws(Refusal) -> APIReply {
        // A data URI takes 4 bytes per 3 of image, plus room for the other fields.
        let jobRequest = try validate(try await pipeline.jsonObject(request, api: self, maxBytes: Self.maxImageBytes / 3 * 4 + 1_000_000))
        let job = pipeline.accept(jobRequest, api: self, failure: failure)
        let base = "\(pipeline.baseURL(provider))/\(Self.requests)/\(job.id)"
        return APIReply(
            .ok,
            json: [
                "request_id": .string(job.id), "status": "IN_QUEUE", "status_url": .string("\(base)/status"),
                "response_url": .string(base), "cancel_url": .string("\(base)/cancel"), "queue_position": 0,
            ])
    }

    /// Checks the body the descriptor's template renders; unknown fields are rejected.
    func validate(_ object: JSONObject) throws(Refusal) -> JobRequest {
        var body = BodyValidator(object)
        _ = body.string("prompt", required: true, maxLength: 5_000)
        var imageBytes = 0
        if let reference = body.string("image_url", required: true) {
            switch ImageInputCheck.urlOrDataURI(reference) {
            case .success(let bytes): imageBytes = bytes
            case .failure(let problem): _ = body.invalid("image_url", problem.problem) as Int?
            }
        }
        let duration = body.integer("duration", required: true, in: 15...60)
        var details: JSONObject = [:]
        details["aspect_ratio"] = body.string("aspect_ratio", oneOf: ["1:1", "9:16", "16:9"]).map(JSONValue.string)
        details["resolution"] = body.string("resolution", oneOf: ["720p"]).map(JSONValue.string)
        details["lip_sync"] = body.bool("lip_sync").map(JSONValue.bool)
        body.finish()
        guard body.issues.isEmpty else {
            throw Refusal(APIReply(.unprocessableContent, json: ["detail": .array(body.issues.map(Self.detail))]))
        }
        if imageBytes > Self.maxImageBytes {
            throw Refusal(error(.contentTooLarge, code: nil, message: "The image is \(imageBytes) bytes; the limit is \(Self.maxImageBytes) bytes."))
        }
        return JobRequest(durationSeconds: duration ?? 0, details: details)
    }

    /// One validation issue as fal (pydantic) writes it.
    private static func detail(_ issue: BodyIssue) -> JSONValue {
        let type: String
        switch issue.kind {
        case .missing: type = "missing"
        case .wrongType:
            switch issue.expectedType {
            case "integer": type = "int_type"
            case "boolean": type = "bool_type"
            case "number": type = "float_type"
            case "object": type = "dict_type"
            default: type = "string_type"
            }
        case .invalidValue: type = "value_error"
        case .unknownField: type = "extra_forbidden"
        case .tooLong: type = "string_too_long"
        }
        return ["loc": .array((["body"] + issue.path).map(JSONValue.string)), "msg": .string(issue.message), "type": .string(type)]
    }

    private func status(of job: EmulatedJob, at now: Duration, pipeline: CallPipeline) -> JSONValue {
        let base = "\(pipeline.baseURL(provider))/\(Self.requests)/\(job.id)"
        var answer: JSONObject = ["request_id": .string(job.id), "response_url": .string(base)]
        switch job.timeline.state(at: now) {
        case .queued:
            answer["status"] = "IN_QUEUE"
            answer["queue_position"] = 0
        case .running:
            answer["status"] = "IN_PROGRESS"
            answer["logs"] = .null
        case .succeeded:
            answer["status"] = "COMPLETED"
            answer["metrics"] = ["inference_time": .double(job.timeline.latency.secondsValue)]
        case .failed, .canceled:
            answer["status"] = "COMPLETED"
            let failure = failure(of: job, at: now)
            answer["error"] = .string(failure.message)
            answer["error_type"] = .string(failure.code)
        }
        return .object(answer)
    }

    private func result(of job: EmulatedJob, at now: Duration, pipeline: CallPipeline) -> APIReply {
        switch job.timeline.state(at: now) {
        case .queued, .running:
            return error(.badRequest, code: nil, message: "Request is still in progress.")
        case .failed, .canceled:
            let failure = failure(of: job, at: now)
            return APIReply(
                .unprocessableContent,
                json: ["detail": [["loc": ["body"], "msg": .string(failure.message), "type": .string(failure.code)]]])
        case .succeeded:
            return APIReply(
                .ok,
                json: [
                    "video": [
                        "url": .string(pipeline.fileURL(provider, "\(job.id).mp4")), "content_type": "video/mp4",
                        "file_name": .string("\(job.id).mp4"), "file_size": .int(CallPipeline.video.count), "duration": .int(job.durationSeconds),
                    ]
                ])
        }
    }

    /// The code and message a failed or canceled request reports.
    private func failure(of job: EmulatedJob, at now: Duration) -> (code: String, message: String) {
        if job.timeline.state(at: now) == .canceled { return ("request_cancelled", "The request was cancelled.") }
        let code = job.timeline.failure?.code ?? "internal_error"
        return (code, job.timeline.failure?.message ?? "The request failed (\(code)).")
    }
}
