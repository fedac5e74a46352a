/// The variables a template may read where it is used: a submit body sees the request, a poll
/// path also sees the job, an auth header only the secret.
public struct TemplateScope: Sendable, Hashable {
    /// Exact variable names.
    public var names: Set<String>
    /// Prefixes under which any name is allowed, such as `metadata.`.
    public var openPrefixes: Set<String>

    public init(names: Set<String>, openPrefixes: Set<String> = []) {
        self.names = names
        self.openPrefixes = openPrefixes
    }

    public func allows(_ name: String) -> Bool {
        names.contains(name) || openPrefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }

    public func adding(_ more: some Sequence<String>) -> TemplateScope {
        TemplateScope(names: names.union(more), openPrefixes: openPrefixes)
    }

    /// What every request-driven template may read.
    public static let request = TemplateScope(
        names: [
            "request_id", "user", "kind", "prompt", "duration_s", "aspect_ratio", "quality", "tier",
            "resolution", "fps", "bitrate_kbps", "voice.speed", "voice.pitch", "voice.id",
            "features.lip_sync", "image.url", "image.base64", "image.data_uri", "image.mime",
            "idempotency_key",
        ],
        openPrefixes: ["metadata.", "features."])

    /// Request variables plus the accepted job's id and returned URLs.
    public static let job = request.adding(["job.id", "job.poll_url", "job.result_url", "job.cancel_url"])

    /// Auth values see only the secret.
    public static let auth = TemplateScope(names: ["secret"])
}
