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

    /// What the provider returned when it accepted the job. A class: an execution keeps it as an
    /// optional, read on every poll, and an optional of a struct of strings is copied and
    /// destroyed through its type's metadata.
    final class Job: Sendable {
        let id: String?
        let pollURL: String?
        let resultURL: String?
        let cancelURL: String?

        init(id: String?, pollURL: String? = nil, resultURL: String? = nil, cancelURL: String? = nil) {
            self.id = id
            self.pollURL = pollURL
            self.resultURL = resultURL
            self.cancelURL = cancelURL
        }
    }

    /// The value of `name`, or nil when this request has none.
    func value(_ name: String) -> JSONValue? {
        guard let known = KnownVariable(name) else { return prefixed(name) }
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
        guard let known = KnownVariable(name) else {
            // A feature the request does not mention is off: it always has a value.
            return name.hasPrefix("features.") || prefixed(name) != nil
        }
        return present.contains(KnownVariables(known))
    }

    /// The fixed-name variables this attempt has a value for.
    var present: KnownVariables {
        // Always there: voice has neutral settings when the request gives none.
        var present: KnownVariables = [.kind, .tier, .voiceSpeed, .voicePitch, .idempotencyKey]
        if request.id != nil { present.insert(.requestID) }
        if request.user != nil { present.insert(.user) }
        if request.prompt != nil { present.insert(.prompt) }
        if entry.params.durationSeconds != nil || request.durationSeconds != nil { present.insert(.durationSeconds) }
        if entry.params.aspectRatio != nil || request.aspectRatio != nil { present.insert(.aspectRatio) }
        if entry.params.resolution != nil { present.insert(.resolution) }
        if entry.params.fps != nil { present.insert(.fps) }
        if entry.params.bitrateKbps != nil { present.insert(.bitrateKbps) }
        if context.hasImageURL { present.insert(.imageURL) }
        if context.hasImage { present.formUnion([.imageBase64, .imageDataURI, .imageMIME]) }
        if let job {
            if job.id != nil { present.insert(.jobID) }
            if job.pollURL != nil { present.insert(.jobPollURL) }
            if job.resultURL != nil { present.insert(.jobResultURL) }
            if job.cancelURL != nil { present.insert(.jobCancelURL) }
        }
        return present
    }

    /// The first variable `template` reads that has no value here, in the template's order.
    func missing(in template: Template, present: KnownVariables) -> String? {
        // Nearly always none: one mask test, then only the names outside the fixed set.
        if present.isSuperset(of: template.knownVariables) {
            var othersPresent = true
            for name in template.otherVariables where !has(name) {
                othersPresent = false
                break
            }
            if othersPresent { return nil }
        }
        for name in template.variables where !has(name) { return name }
        return nil
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
}
