public import OrderedCollections

/// One generation request, as the CLI and the daemon take it.
public struct Request: Sendable, Hashable {
    public var id: String?
    public var user: String?
    public var kind: MediaKind
    public var prompt: String?
    public var image: ImageInput?
    /// Whole seconds of output.
    public var durationSeconds: Int?
    /// A tier name; the policy's default tier when absent.
    public var quality: String?
    public var aspectRatio: AspectRatio?
    public var voice: JSONObject
    public var features: [String: Bool]
    public var metadata: JSONObject

    public init(
        id: String? = nil, user: String? = nil, kind: MediaKind, prompt: String? = nil, image: ImageInput? = nil,
        durationSeconds: Int? = nil, quality: String? = nil, aspectRatio: AspectRatio? = nil, voice: JSONObject = [:],
        features: [String: Bool] = [:], metadata: JSONObject = [:]
    ) {
        self.id = id
        self.user = user
        self.kind = kind
        self.prompt = prompt
        self.image = image
        self.durationSeconds = durationSeconds
        self.quality = quality
        self.aspectRatio = aspectRatio
        self.voice = voice
        self.features = features
        self.metadata = metadata
    }

    /// Features the request turns on, sorted.
    /// Most requests turn none or one on: neither builds a dictionary nor sorts.
    public var requiredFeatures: [String] {
        guard !features.isEmpty else { return [] }
        var on: [String] = []
        for (name, enabled) in features where enabled { on.append(name) }
        if on.count > 1 { on.sort() }
        return on
    }
}

/// The input image: a local path, a URL, or inline base64.
public struct ImageInput: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case path(String)
        case url(String)
        case base64(data: String, mime: String)
    }

    public var source: Source
    /// The decoded size when known: computed for base64, given by the caller for a path
    /// (the core reads no files), unknown for a URL until it is fetched.
    public var bytes: Int64?

    public init(source: Source, bytes: Int64? = nil) {
        self.source = source
        self.bytes = bytes
    }
}
