/// A test on one request field: `quality: economy`, `duration_s: {gt: 30}`,
/// `metadata.plan: {in: [pro, team]}`. Every test of a condition must hold.
public struct Condition: Sendable, Hashable {
    public var field: RequestField
    public var tests: [Test]
    public var location: SourceLocation

    public enum Test: Sendable, Hashable {
        case eq(JSONValue)
        case oneOf([JSONValue])
        case noneOf([JSONValue])
        case gt(Double)
        case gte(Double)
        case lt(Double)
        case lte(Double)
        case exists(Bool)
    }

    /// True when `value` (nil when the request lacks the field) passes every test.
    public func holds(for value: JSONValue?) -> Bool {
        for test in tests where !Self.passes(test, value) { return false }
        return true
    }

    private static func passes(_ test: Test, _ value: JSONValue?) -> Bool {
        switch test {
        case .exists(let expected): return (value != nil && value != .null) == expected
        case .eq(let expected): return value == expected
        case .oneOf(let values): return value.map(values.contains) ?? false
        case .noneOf(let values): return !(value.map(values.contains) ?? false)
        case .gt(let bound): return value?.doubleValue.map { $0 > bound } ?? false
        case .gte(let bound): return value?.doubleValue.map { $0 >= bound } ?? false
        case .lt(let bound): return value?.doubleValue.map { $0 < bound } ?? false
        case .lte(let bound): return value?.doubleValue.map { $0 <= bound } ?? false
        }
    }
}

/// A request field a condition can test.
public enum RequestField: Sendable, Hashable, CustomStringConvertible {
    case kind
    case quality
    case durationSeconds
    case aspectRatio
    case user
    case hasImage
    case imageBytes
    case voice(String)
    case feature(String)
    case metadata(String)

    /// Fields written by name in `when`.
    static let named: [String: RequestField] = [
        "kind": .kind, "quality": .quality, "duration_s": .durationSeconds, "aspect_ratio": .aspectRatio,
        "user": .user, "image": .hasImage, "image.bytes": .imageBytes,
    ]

    /// Parses `quality`, `features.lip_sync`, `metadata.plan`, `voice.speed`.
    init?(parsing name: String) {
        if let field = Self.named[name] {
            self = field
        } else if name.hasPrefix("metadata."), name.count > "metadata.".count {
            self = .metadata(String(name.dropFirst("metadata.".count)))
        } else if name.hasPrefix("features."), name.count > "features.".count {
            self = .feature(String(name.dropFirst("features.".count)))
        } else if name.hasPrefix("voice."), name.count > "voice.".count {
            self = .voice(String(name.dropFirst("voice.".count)))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .kind: "kind"
        case .quality: "quality"
        case .durationSeconds: "duration_s"
        case .aspectRatio: "aspect_ratio"
        case .user: "user"
        case .hasImage: "image"
        case .imageBytes: "image.bytes"
        case .voice(let key): "voice.\(key)"
        case .feature(let key): "features.\(key)"
        case .metadata(let key): "metadata.\(key)"
        }
    }
}
