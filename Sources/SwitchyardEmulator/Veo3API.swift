import HTTPTypes
import Hummingbird
import OrderedCollections
import SwitchyardCore

/// The seed's Veo3 contract, as `providers.d/veo3.yaml` describes it.
///
/// - `POST /videos` with `Authorization: Bearer <key>` and a JSON body
///   `{prompt, image: {data, mime_type}, duration_s, aspect_ratio, resolution, fps,
///   bitrate_kbps, lip_sync, voice: {speed, pitch}}` answers 202 `{job_id, status: "queued"}`.
///   An `Idempotency-Key` seen before returns the job it made.
/// - `GET /videos/{id}` answers `{job_id, status, progress}` with status `queued`,
///   `processing`, `completed` (plus `video_url`, `thumbnail_url`, `duration_s`,
///   `quality_metrics`), `failed` (plus `error: {code, message}`) or `canceled`.
/// - `DELETE /videos/{id}` cancels a job that has not ended (409 once it has).
/// - Errors: `{"error": {"code": ..., "message": ...}}`.
struct Veo3API: ProviderAPI {
    var provider: EmulatedProvider { .veo3 }

    /// The descriptor's `capabilities.max_input_bytes`: 200MB of decoded image.
    static let maxImageBytes = 200_000_000
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    func register(on group: RouterGroup<EmulatorRequestContext>, pipeline: CallPipeline) {
        group.on("videos", method: .post) { request, context in
            try await pipeline.handle(.submit, api: self, request: request, context: context) { failure in
                try await submit(request, failure: failure, pipeline: pipeline)
            }
        }
        group.on("videos/:id", method: .get) { request, context in
            try await pipeline.handle(.poll, api: self, request: request, context: context) { _ in
                guard let job = pipeline.job(context, api: self) else { return notFound(context) }
                return APIReply(.ok, json: status(of: job, at: pipeline.elapsed, pipeline: pipeline))
            }
        }
        group.on("videos/:id", method: .delete) { request, context in
            try await pipeline.handle(.cancel, api: self, request: request, context: context) { _ in
                guard let job = pipeline.cancelJob(context, api: self) else { return notFound(context) }
                guard job.timeline.state(at: pipeline.elapsed) == .canceled else {
                    return error(.conflict, code: "conflict", message: "The job has already ended.")
                }
                return APIReply(.ok, json: ["job_id": .string(job.id), "status": "canceled"])
            }
        }
        pipeline.registerFiles(on: group, api: self)
    }

    func authenticate(_ headers: HTTPFields, key: String) -> APIReply? {
        switch hasCredentials(headers, scheme: "Bearer", key: key) {
        case true?: nil
        case false?: error(.unauthorized, code: "unauthenticated", message: "The API key is not valid.")
        case nil: error(.unauthorized, code: "unauthenticated", message: "Missing credentials: send Authorization: Bearer <API key>.")
        }
    }

    func error(_ status: HTTPResponse.Status, code: String?, message: String?) -> APIReply {
        APIReply(
            status,
            json: ["error": ["code": .string(code ?? Self.defaultCode(status.code)), "message": .string(message ?? status.reasonPhrase)]])
    }

    func contentPolicy(message: String?) -> APIReply {
        error(
            .unprocessableContent, code: "content_policy_violation",
            message: message ?? "The request was rejected by the content policy.")
    }

    func successStatus(for call: ProviderCallKind) -> HTTPResponse.Status {
        call == .submit ? .accepted : .ok
    }

    /// Codes that name the status, distinct from the router's built-in outcome names.
    static func defaultCode(_ status: Int) -> String {
        switch status {
        case 400: "invalid_argument"
        case 401: "unauthenticated"
        case 402: "payment_required"
        case 403: "permission_denied"
        case 404: "not_found"
        case 408: "deadline_exceeded"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 422: "unprocessable"
        case 429: "rate_limit_exceeded"
        case 500: "internal"
        case 502: "bad_gateway"
        case 503: "unavailable"
        case 504: "deadline_exceeded"
        default: "http_\(status)"
        }
    }

    private func notFound(_ context: EmulatorRequestContext) -> APIReply {
        error(.notFound, code: "not_found", message: "No job with id '\(context.parameters.get("id") ?? "")'.")
    }

    private func submit(_ request: Request, failure: ScenarioFault.JobFailure?, pipeline: CallPipeline) async throws(Refusal) -> APIReply {
        // Base64 takes 4 bytes per 3, plus room for the other fields.
        let jobRequest = try validate(try await pipeline.jsonObject(request, api: self, maxBytes: Self.maxImageBytes / 3 * 4 + 1_000_000))
        let key = request.headers[Self.idempotencyHeader]
        let job = pipeline.accept(jobRequest, api: self, failure: failure, idempotencyKey: key)
        return APIReply(.accepted, json: ["job_id": .string(job.id), "status": "queued"])
    }

    /// Checks the body the descriptor's template renders; unknown fields are rejected.
    func validate(_ object: JSONObject) throws(Refusal) -> JobRequest {
        var body = BodyValidator(object)
        _ = body.string("prompt", required: true, maxLength: 10_000)
        let imageBytes = body.object("image", required: true) { image -> Int? in
            _ = image.string("mime_type", required: true, oneOf: ["image/png", "image/jpeg", "image/webp"])
            guard let data = image.string("data", required: true) else { return nil }
            guard let bytes = ImageInputCheck.base64DecodedCount(data) else {
                return image.invalid("data", "must be standard base64 with padding")
            }
            return bytes
        }
        let duration = body.integer("duration_s", required: true, in: 15...60)
        var details: JSONObject = [:]
        details["aspect_ratio"] = body.string("aspect_ratio", oneOf: ["1:1", "9:16", "16:9"]).map(JSONValue.string)
        details["resolution"] = body.string("resolution", oneOf: ["720p", "1080p"]).map(JSONValue.string)
        details["fps"] = body.integer("fps", in: 1...60).map(JSONValue.int)
        details["bitrate_kbps"] = body.integer("bitrate_kbps", in: 100...100_000).map(JSONValue.int)
        details["lip_sync"] = body.bool("lip_sync").map(JSONValue.bool)
        _ = body.object("voice") { voice in
            _ = voice.number("speed", in: 0.25...4)
            _ = voice.number("pitch", in: -24...24)
            _ = voice.string("id")
        }
        body.finish()
        if let issue = body.issues.first {
            let fields: [JSONValue] = body.issues.map { ["field": .string($0.field), "description": .string($0.problem)] }
            throw Refusal(
                APIReply(.badRequest, json: ["error": ["code": "invalid_argument", "message": .string(issue.message), "details": .array(fields)]]))
        }
        if let imageBytes = imageBytes ?? nil, imageBytes > Self.maxImageBytes {
            throw Refusal(
                error(
                    .contentTooLarge, code: "payload_too_large",
                    message: "The image is \(imageBytes) bytes; the limit is \(Self.maxImageBytes) bytes."))
        }
        return JobRequest(durationSeconds: duration ?? 0, details: details)
    }

    private func status(of job: EmulatedJob, at now: Duration, pipeline: CallPipeline) -> JSONValue {
        var answer: JSONObject = ["job_id": .string(job.id)]
        let state = job.timeline.state(at: now)
        answer["progress"] = .int(Int(job.timeline.progress(at: now) * 100))
        switch state {
        case .queued: answer["status"] = "queued"
        case .running: answer["status"] = "processing"
        case .canceled: answer["status"] = "canceled"
        case .failed:
            answer["status"] = "failed"
            if let failure = job.timeline.failure {
                answer["error"] = ["code": .string(failure.code), "message": .string(failure.message ?? "The job failed (\(failure.code)).")]
            }
        case .succeeded:
            answer["status"] = "completed"
            answer["video_url"] = .string(pipeline.fileURL(provider, "\(job.id).mp4"))
            answer["thumbnail_url"] = .string(pipeline.fileURL(provider, "\(job.id).jpg"))
            answer["duration_s"] = .int(job.durationSeconds)
            var metrics: JSONObject = [
                "resolution": job.details["resolution"] ?? "1080p", "fps": job.details["fps"] ?? 30,
                "bitrate_kbps": job.details["bitrate_kbps"] ?? 4000,
            ]
            if job.details["lip_sync"]?.boolValue == true { metrics["lip_sync_score"] = 0.93 }
            answer["quality_metrics"] = .object(metrics)
        }
        return .object(answer)
    }
}
