/// Where the outputs of a finished job are.
public struct ResultSpec: Sendable, Hashable {
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case url
        case base64
    }

    /// A second call that fetches the result (fal's `response_url`); nil when the last poll
    /// answer (or a sync submit's answer) holds it.
    public var fetch: HTTPRequestSpec?
    /// Named outputs in order; the first is the primary output, whose absence fails the job.
    public var outputs: [Output]
    public var encoding: Encoding
    /// The output duration the provider reports, for per-second billing.
    public var durationPath: JSONPath?

    public struct Output: Sendable, Hashable {
        public var name: String
        public var path: JSONPath
    }
}
