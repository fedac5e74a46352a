/// Everything Switchyard knows about one provider's API, from `providers.d/<id>.yaml`: how to
/// call it, how to read its answers, what it can make and what it costs.
public struct ProviderDescriptor: Sendable {
    public var id: String
    public var kind: MediaKind
    public var displayName: String?
    /// A disabled provider stays in the config but is never planned (reason `disabled`).
    public var enabled: Bool
    /// After `${env:...}` substitution.
    public var baseURL: String
    public var auth: ProviderAuth?
    /// Static headers sent with every call.
    public var headers: [HeaderTemplate]
    /// Provider-specific renderings of request values, such as Runway's `1280:720` ratios.
    public var mappings: [ValueMapping]
    public var submit: SubmitSpec
    public var poll: PollSpec?
    public var result: ResultSpec
    public var errors: ErrorSpec
    public var cancel: HTTPRequestSpec?
    public var webhook: WebhookSpec?
    public var pricing: Pricing
    public var capabilities: Capabilities
    public var limits: ProviderLimits
    public var circuitBreaker: CircuitBreakerSettings
    /// Where the descriptor starts, for diagnostics about it.
    public var location: SourceLocation
}

/// A header whose value may read variables.
public struct HeaderTemplate: Sendable, Hashable {
    public var name: String
    public var value: Template
}

/// Renders a request value the provider's way: `from: aspect_ratio`, `map: {"16:9": "1280:720"}`
/// makes `{{name}}` render `1280:720` for a 16:9 request.
public struct ValueMapping: Sendable, Hashable {
    public var name: String
    /// The request variable it reads.
    public var source: String
    public var table: [String: JSONValue]
    public var location: SourceLocation
}

extension ProviderDescriptor {
    /// The request fields the submit call reads that a request may leave out (`image`,
    /// `prompt`, `aspect_ratio`, `voice.id`, `metadata.campaign`, …), through its path, headers,
    /// body and the mappings they use. A request without one of them cannot be sent here, so the
    /// planner leaves the provider out rather than let the attempt fail to render.
    public var requiredRequestFields: [String] {
        let spec = submit.request
        var names: [String] = []
        switch spec.target {
        case .path(let template), .url(let template): names += template.variables
        }
        // As CallRenderer sends them: the provider's own headers, then the call's.
        names += (headers + spec.headers).flatMap(\.value.variables)
        names += spec.body?.variables ?? []
        var fields: [String] = []
        for name in names {
            // Built-in names come first, as TemplateVariables looks them up; then mappings.
            let field = Self.isBuiltIn(name) ? name : mappings.first { $0.name == name }?.source ?? name
            let required: String? =
                switch field {
                // Only a request that gives a URL has one to send; a path or inline image has none.
                case "image.url": "image.url"
                case _ where field.hasPrefix("image."): "image"
                case "prompt", "user", "duration_s", "aspect_ratio": field
                // Neutral voice settings stand in for missing ones; features default to off.
                case "voice.speed", "voice.pitch": nil
                case _ where field.hasPrefix("voice.") || field.hasPrefix("metadata."): field
                default: nil
                }
            if let required, !fields.contains(required) { fields.append(required) }
        }
        return fields
    }

    private static func isBuiltIn(_ name: String) -> Bool {
        [
            "prompt", "user", "duration_s", "aspect_ratio", "request_id", "kind", "quality", "tier", "resolution", "fps", "bitrate_kbps",
            "idempotency_key",
        ]
        .contains(name) || ["image.", "voice.", "features.", "metadata.", "job."].contains { name.hasPrefix($0) }
    }

    /// Outcome names this provider's errors can map to, for checking error-table keys.
    public var declaredOutcomes: [String] {
        errors.codeMap.map(\.outcome) + errors.statusMap.map(\.outcome) + (poll?.states.compactMap(\.code) ?? [])
    }
}
