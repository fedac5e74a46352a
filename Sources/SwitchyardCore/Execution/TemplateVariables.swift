import OrderedCollections

/// The values templates read for one attempt: the request, the plan entry's tier, the image,
/// the descriptor's mappings and, once accepted, the job. Read through the execution's
/// context, so making one for every call copies nothing.
struct TemplateVariables {
    let context: ExecutionContext
    /// The plan entry the attempt is for.
    let entryIndex: Int
    var job: Job?

    // Borrowed in place, as in ``Execution``.
    private var request: Request { _read { yield context.request } }
    private var entry: PlanEntry { _read { yield context.plan.entries[entryIndex] } }
    private var image: ResolvedImage? { _read { yield context.image } }
    /// The descriptor of the provider the call goes to.
    var provider: ProviderDescriptor { _read { yield context[provider: entryIndex] } }
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
        guard let known = Known(name) else { return prefixed(name) }
        switch known {
        case .requestID: return request.id.map(JSONValue.string)
        case .user: return request.user.map(JSONValue.string)
        case .kind: return .string(request.kind.rawValue)
        case .prompt: return request.prompt.map(JSONValue.string)
        case .durationSeconds: return (entry.params.durationSeconds ?? request.durationSeconds).map(JSONValue.int)
        case .aspectRatio: return (entry.params.aspectRatio ?? request.aspectRatio).map { .string($0.description) }
        case .tier: return .string(entry.tier)
        case .resolution: return entry.params.resolution.map { .string($0.description) }
        case .fps: return entry.params.fps.map(JSONValue.int)
        case .bitrateKbps: return entry.params.bitrateKbps.map(JSONValue.int)
        // Neutral voice settings when the request gives none.
        case .voiceSpeed: return request.voice["speed"] ?? .double(1.0)
        case .voicePitch: return request.voice["pitch"] ?? .double(0.0)
        case .imageURL: return image?.url.map(JSONValue.string)
        case .imageBase64: return image.map { .string($0.base64) }
        case .imageDataURI: return image.map { .string($0.dataURI) }
        case .imageMIME: return image.map { .string($0.mime) }
        case .idempotencyKey: return .string(idempotencyKey)
        case .jobID: return job?.id.map(JSONValue.string)
        case .jobPollURL: return job?.pollURL.map(JSONValue.string)
        case .jobResultURL: return job?.resultURL.map(JSONValue.string)
        case .jobCancelURL: return job?.cancelURL.map(JSONValue.string)
        }
    }

    /// True when `name` has a value: what ``value(_:)`` says, without building the value, for
    /// a driver that only checks a call would render (the simulator, on every call).
    func has(_ name: String) -> Bool {
        guard let known = Known(name) else {
            // A feature the request does not mention is off: it always has a value.
            return name.hasPrefix("features.") || prefixed(name) != nil
        }
        switch known {
        case .kind, .tier, .voiceSpeed, .voicePitch, .idempotencyKey: return true
        case .requestID: return request.id != nil
        case .user: return request.user != nil
        case .prompt: return request.prompt != nil
        case .durationSeconds: return entry.params.durationSeconds != nil || request.durationSeconds != nil
        case .aspectRatio: return entry.params.aspectRatio != nil || request.aspectRatio != nil
        case .resolution: return entry.params.resolution != nil
        case .fps: return entry.params.fps != nil
        case .bitrateKbps: return entry.params.bitrateKbps != nil
        case .imageURL: return context.hasImageURL
        case .imageBase64, .imageDataURI, .imageMIME: return context.hasImage
        case .jobID: return job?.id != nil
        case .jobPollURL: return job?.pollURL != nil
        case .jobResultURL: return job?.resultURL != nil
        case .jobCancelURL: return job?.cancelURL != nil
        }
    }

    /// Variables under a prefix (`voice.`, `features.`, `metadata.`) and the descriptor's mappings.
    private func prefixed(_ name: String) -> JSONValue? {
        if name.hasPrefix("voice.") { return request.voice[String(name.dropFirst("voice.".count))] }
        // A feature the request does not mention is off.
        if name.hasPrefix("features.") { return .bool(request.features[String(name.dropFirst("features.".count))] ?? false) }
        if name.hasPrefix("metadata.") { return request.metadata[String(name.dropFirst("metadata.".count))] }
        if let mapping = provider.mappings.first(where: { $0.name == name }), let source = value(mapping.source) {
            return mapping.table[source.stringValue ?? source.jsonString()]
        }
        return nil
    }

    /// The variables with fixed names. Templates name a dozen each, for every call: a name is
    /// found by its length and at most four comparisons with literals, cheaper than hashing it.
    private enum Known {
        case requestID, user, kind, prompt, durationSeconds, aspectRatio, tier, resolution, fps, bitrateKbps, voiceSpeed, voicePitch
        case imageURL, imageBase64, imageDataURI, imageMIME, idempotencyKey, jobID, jobPollURL, jobResultURL, jobCancelURL

        init?(_ name: String) {
            let known: Known? =
                switch name.utf8.count {
                case 3: name == "fps" ? .fps : nil
                case 4:
                    switch name {
                    case "user": .user
                    case "kind": .kind
                    case "tier": .tier
                    default: nil
                    }
                case 6:
                    switch name {
                    case "prompt": .prompt
                    case "job.id": .jobID
                    default: nil
                    }
                case 7: name == "quality" ? .tier : nil
                case 9: name == "image.url" ? .imageURL : nil
                case 10:
                    switch name {
                    case "request_id": .requestID
                    case "duration_s": .durationSeconds
                    case "resolution": .resolution
                    case "image.mime": .imageMIME
                    default: nil
                    }
                case 11:
                    switch name {
                    case "voice.speed": .voiceSpeed
                    case "voice.pitch": .voicePitch
                    default: nil
                    }
                case 12:
                    switch name {
                    case "aspect_ratio": .aspectRatio
                    case "bitrate_kbps": .bitrateKbps
                    case "image.base64": .imageBase64
                    case "job.poll_url": .jobPollURL
                    default: nil
                    }
                case 14:
                    switch name {
                    case "image.data_uri": .imageDataURI
                    case "job.result_url": .jobResultURL
                    case "job.cancel_url": .jobCancelURL
                    default: nil
                    }
                case 15: name == "idempotency_key" ? .idempotencyKey : nil
                default: nil
                }
            guard let known else { return nil }
            self = known
        }
    }
}
