/// What a provider can make; the planner excludes it (reason `capability`) for anything else.
public struct Capabilities: Sendable, Hashable {
    /// Durations in whole seconds it accepts; nil when any.
    public var durations: DurationSupport?
    /// nil when any.
    public var aspectRatios: [AspectRatio]?
    /// nil when any.
    public var resolutions: [Resolution]?
    public var maxFPS: Int?
    public var imageInputs: [ImageInputMode]
    public var maxInputBytes: ByteSize?
    /// Features such as `lip_sync`.
    public var features: Set<String>

    public init(
        durations: DurationSupport? = nil, aspectRatios: [AspectRatio]? = nil, resolutions: [Resolution]? = nil,
        maxFPS: Int? = nil, imageInputs: [ImageInputMode] = ImageInputMode.allCases, maxInputBytes: ByteSize? = nil,
        features: Set<String> = []
    ) {
        self.durations = durations
        self.aspectRatios = aspectRatios
        self.resolutions = resolutions
        self.maxFPS = maxFPS
        self.imageInputs = imageInputs
        self.maxInputBytes = maxInputBytes
        self.features = features
    }
}

/// Durations as a range (`{min: 5, max: 60}`) or a set (`[4, 6, 8]`).
public enum DurationSupport: Sendable, Hashable, CustomStringConvertible {
    case range(ClosedRange<Int>)
    case set([Int])

    public func contains(_ seconds: Int) -> Bool {
        switch self {
        case .range(let range): range.contains(seconds)
        case .set(let values): values.contains(seconds)
        }
    }

    /// True when some duration in `range` is supported.
    public func overlaps(_ range: ClosedRange<Int>) -> Bool {
        switch self {
        case .range(let own): own.overlaps(range)
        case .set(let values): values.contains { range.contains($0) }
        }
    }

    public var maximum: Int {
        switch self {
        case .range(let range): range.upperBound
        case .set(let values): values.max() ?? 0
        }
    }

    public var description: String {
        switch self {
        case .range(let range): "\(range.lowerBound)–\(range.upperBound) s"
        case .set(let values): values.map(String.init).joined(separator: ", ") + " s"
        }
    }
}

/// How a provider takes an input image.
public enum ImageInputMode: String, Sendable, Hashable, CaseIterable {
    case url
    case base64
    case dataURI = "data_uri"
}
