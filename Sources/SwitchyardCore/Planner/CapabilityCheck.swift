import OrderedCollections

/// Whether a provider can serve a request on a tier; the first mismatch, described for people.
enum CapabilityCheck {
    static func mismatch(kind: MediaKind, capabilities: Capabilities, requiredFields: [String], tier: Tier, request: Request) -> String? {
        if kind != request.kind {
            return "makes \(kind.rawValue), not \(request.kind.rawValue)"
        }
        for field in requiredFields where !request.has(field) {
            switch field {
            case "image": return "needs an input image; the request has none"
            case "image.url": return "needs the input image as a URL; the request gives a file or inline data"
            default: return "its submit call needs '\(field)'; the request has none"
            }
        }
        if let durations = capabilities.durations, let duration = request.durationSeconds, !durations.contains(duration) {
            return "duration \(duration) s is outside its \(durations)"
        }
        if let ratios = capabilities.aspectRatios, let ratio = request.aspectRatio, !ratios.contains(ratio) {
            return "aspect ratio \(ratio) is not among its \(ratios.map(\.description).joined(separator: ", "))"
        }
        if let mismatch = tierMismatch(capabilities: capabilities, tier: tier) { return mismatch }
        if let limit = capabilities.maxInputBytes, let bytes = request.image?.bytes, bytes > limit.bytes {
            return "the image is \(ByteSize(bytes: bytes)); it accepts up to \(limit)"
        }
        // Checked without sorting; the sorted list is built only for the message.
        if request.features.contains(where: { $0.value && !capabilities.features.contains($0.key) }) {
            let missing = request.requiredFeatures.filter { !capabilities.features.contains($0) }
            return "feature\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not supported"
        }
        return nil
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

extension Request {
    /// Whether the request gives a value for one of ``ProviderDescriptor/requiredRequestFields``.
    fileprivate func has(_ field: String) -> Bool {
        switch field {
        case "image": return image != nil
        case "image.url": if case .url = image?.source { return true } else { return false }
        case "prompt": return prompt != nil
        case "user": return user != nil
        case "duration_s": return durationSeconds != nil
        case "aspect_ratio": return aspectRatio != nil
        default: break
        }
        if field.hasPrefix("voice.") { return voice[String(field.dropFirst("voice.".count))] != nil }
        if field.hasPrefix("metadata.") { return metadata[String(field.dropFirst("metadata.".count))] != nil }
        return true
    }
}
