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
    /// True when the submit body sends the request's image, so requests without one cannot go here.
    public var requiresImage: Bool {
        submit.request.body?.variables.contains { $0.hasPrefix("image.") } ?? false
    }

    /// Outcome names this provider's errors can map to, for checking error-table keys.
    public var declaredOutcomes: [String] {
        errors.codeMap.map(\.outcome) + errors.statusMap.map(\.outcome) + (poll?.states.compactMap(\.code) ?? [])
    }
}
