import OrderedCollections

/// The values templates read for one attempt: the request, the plan entry's tier, the image,
/// the descriptor's mappings and, once accepted, the job. Read through the execution's
/// context, so making one for every call copies nothing.
struct TemplateVariables {
    let context: ExecutionContext
    /// The plan entry the attempt is for.
    let entryIndex: Int
    var job: Job?

    private var request: Request { context.request }
    private var entry: PlanEntry { context.plan.entries[entryIndex] }
    private var image: ResolvedImage? { context.image }
    /// The descriptor of the provider the call goes to.
    var provider: ProviderDescriptor { context.provider(at: entryIndex) }
    var idempotencyKey: String { context.idempotencyKey(at: entryIndex) }

    /// What the provider returned when it accepted the job.
    struct Job: Sendable, Hashable {
        var id: String?
        var pollURL: String?
        var resultURL: String?
        var cancelURL: String?
    }

    /// The value of `name`, or nil when this request has none.
    func value(_ name: String) -> JSONValue? {
        switch name {
        case "request_id": return request.id.map(JSONValue.string)
        case "user": return request.user.map(JSONValue.string)
        case "kind": return .string(request.kind.rawValue)
        case "prompt": return request.prompt.map(JSONValue.string)
        case "duration_s": return (entry.params.durationSeconds ?? request.durationSeconds).map(JSONValue.int)
        case "aspect_ratio": return (entry.params.aspectRatio ?? request.aspectRatio).map { .string($0.description) }
        case "quality", "tier": return .string(entry.tier)
        case "resolution": return entry.params.resolution.map { .string($0.description) }
        case "fps": return entry.params.fps.map(JSONValue.int)
        case "bitrate_kbps": return entry.params.bitrateKbps.map(JSONValue.int)
        // Neutral voice settings when the request gives none.
        case "voice.speed": return request.voice["speed"] ?? .double(1.0)
        case "voice.pitch": return request.voice["pitch"] ?? .double(0.0)
        case "image.url": return image?.url.map(JSONValue.string)
        case "image.base64": return image.map { .string($0.base64) }
        case "image.data_uri": return image.map { .string($0.dataURI) }
        case "image.mime": return image.map { .string($0.mime) }
        case "idempotency_key": return .string(idempotencyKey)
        case "job.id": return job?.id.map(JSONValue.string)
        case "job.poll_url": return job?.pollURL.map(JSONValue.string)
        case "job.result_url": return job?.resultURL.map(JSONValue.string)
        case "job.cancel_url": return job?.cancelURL.map(JSONValue.string)
        default: break
        }
        if name.hasPrefix("voice.") { return request.voice[String(name.dropFirst("voice.".count))] }
        // A feature the request does not mention is off.
        if name.hasPrefix("features.") { return .bool(request.features[String(name.dropFirst("features.".count))] ?? false) }
        if name.hasPrefix("metadata.") { return request.metadata[String(name.dropFirst("metadata.".count))] }
        if let mapping = provider.mappings.first(where: { $0.name == name }), let source = value(mapping.source) {
            return mapping.table[source.stringValue ?? source.jsonString()]
        }
        return nil
    }
}
