/// The request's image as the driver prepared it: read from disk, fetched, or decoded, so the
/// core can render any encoding a provider asks for without I/O of its own.
public struct ResolvedImage: Sendable, Hashable {
    public var base64: String
    public var mime: String
    /// Set when the request gave a URL, for providers that take one.
    public var url: String?
    public var bytes: Int64
    /// ``CacheKey/digest(of:)`` when the driver already has it: a driver that sees the same
    /// image many times (the simulator) hashes it once. Only that digest, lowercase hex: a
    /// cache key hashes its first 16 characters, which must be spread like a hash's.
    public var contentDigest: String?

    public init(base64: String, mime: String, url: String? = nil, bytes: Int64, contentDigest: String? = nil) {
        self.base64 = base64
        self.mime = mime
        self.url = url
        self.bytes = bytes
        self.contentDigest = contentDigest
    }

    public var dataURI: String { "data:\(mime);base64,\(base64)" }
}
