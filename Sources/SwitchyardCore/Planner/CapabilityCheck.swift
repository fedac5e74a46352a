import OrderedCollections

/// Whether a provider can serve a request on a tier; the first mismatch, described for people.
enum CapabilityCheck {
    /// - Parameters:
    ///   - tierMismatch: ``tierMismatch(capabilities:tier:)`` for the entry's tier, worked out once per config.
    static func mismatch(
        kind: MediaKind, capabilities: Capabilities, requiredFields: [RequiredField], tierMismatch: String?, request: Request
    ) -> String? {
        if kind != request.kind {
            return "makes \(kind.rawValue), not \(request.kind.rawValue)"
        }
        for field in requiredFields where !request.has(field) {
            switch field {
            case .image: return "needs an input image; the request has none"
            case .imageURL: return "needs the input image as a URL; the request gives a file or inline data"
            default: return "its submit call needs '\(field.name)'; the request has none"
            }
        }
        if let durations = capabilities.durations, let duration = request.durationSeconds, !durations.contains(duration) {
            return "duration \(duration) s is outside its \(durations)"
        }
        if let ratios = capabilities.aspectRatios, let ratio = request.aspectRatio, !ratios.contains(ratio) {
            return "aspect ratio \(ratio) is not among its \(ratios.map(\.description).joined(separator: ", "))"
        }
        if let tierMismatch { return tierMismatch }
        if let limit = capabilities.maxInputBytes, case .some(let bytes) = request.image?.bytes, bytes > limit.bytes {
            return "the image is \(ByteSize(bytes: bytes)); it accepts up to \(limit)"
        }
        // Checked without sorting; the sorted list is built only for the message.
        if !request.features.isEmpty, request.features.contains(where: { $0.value && !offers(capabilities.features, $0.key) }) {
            let missing = request.requiredFeatures.filter { !offers(capabilities.features, $0) }
            return "feature\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not supported"
        }
        return nil
    }

    /// Whether `features` has `name`. Providers name a few features: comparing with each costs
    /// less than hashing the name, and `==` is what the set's lookup compares with.
    private static func offers(_ features: Set<String>, _ name: String) -> Bool {
        features.count <= 4 ? features.contains { $0 == name } : features.contains(name)
    }

    /// Whether the provider can make the tier's output at all, whatever the request.
    static func tierMismatch(capabilities: Capabilities, tier: Tier) -> String? {
        if let resolutions = capabilities.resolutions, let wanted = tier.resolution, !resolutions.contains(wanted) {
            return "tier \(tier.name) needs \(wanted); it offers \(resolutions.map(\.description).joined(separator: ", "))"
        }
        if let maxFPS = capabilities.maxFPS, let fps = tier.fps, fps > maxFPS {
            return "tier \(tier.name) needs \(fps) fps; its maximum is \(maxFPS) fps"
        }
        return nil
    }
}

/// A request field a provider's submit call cannot do without, resolved from its name once
/// (when the planner compiles the config), not compared by name for every request.
enum RequiredField: Sendable, Hashable {
    case image, imageURL, prompt, user, durationSeconds, aspectRatio
    case voice(String)
    case metadata(String)

    /// One of ``ProviderDescriptor/requiredRequestFields``; nil for a name it never gives.
    init?(_ name: String) {
        switch name {
        case "image": self = .image
        case "image.url": self = .imageURL
        case "prompt": self = .prompt
        case "user": self = .user
        case "duration_s": self = .durationSeconds
        case "aspect_ratio": self = .aspectRatio
        case _ where name.hasPrefix("voice."): self = .voice(String(name.dropFirst("voice.".count)))
        case _ where name.hasPrefix("metadata."): self = .metadata(String(name.dropFirst("metadata.".count)))
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .image: "image"
        case .imageURL: "image.url"
        case .prompt: "prompt"
        case .user: "user"
        case .durationSeconds: "duration_s"
        case .aspectRatio: "aspect_ratio"
        case .voice(let key): "voice.\(key)"
        case .metadata(let key): "metadata.\(key)"
        }
    }
}

extension Request {
    /// Whether the request gives a value for a field a provider requires.
    fileprivate func has(_ field: RequiredField) -> Bool {
        switch field {
        // Matched, not compared with nil: `!= nil` on an optional request part copies it first.
        case .image: if case .some = image { true } else { false }
        case .imageURL: if case .url = image?.source { true } else { false }
        case .prompt: prompt != nil
        case .user: user != nil
        case .durationSeconds: durationSeconds != nil
        case .aspectRatio: aspectRatio != nil
        case .voice(let key): voice[key] != nil
        case .metadata(let key): metadata[key] != nil
        }
    }
}
