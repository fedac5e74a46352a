/// Whether a provider can serve a request on a tier; the first mismatch, described for people.
enum CapabilityCheck {
    static func mismatch(provider: ProviderDescriptor, tier: Tier, request: Request) -> String? {
        let capabilities = provider.capabilities
        if provider.kind != request.kind {
            return "makes \(provider.kind.rawValue), not \(request.kind.rawValue)"
        }
        if let durations = capabilities.durations, let duration = request.durationSeconds, !durations.contains(duration) {
            return "duration \(duration) s is outside its \(durations)"
        }
        if let ratios = capabilities.aspectRatios, let ratio = request.aspectRatio, !ratios.contains(ratio) {
            return "aspect ratio \(ratio) is not among its \(ratios.map(\.description).joined(separator: ", "))"
        }
        if let resolutions = capabilities.resolutions, let wanted = tier.resolution, !resolutions.contains(wanted) {
            return "tier \(tier.name) needs \(wanted); it offers \(resolutions.map(\.description).joined(separator: ", "))"
        }
        if let maxFPS = capabilities.maxFPS, let fps = tier.fps, fps > maxFPS {
            return "tier \(tier.name) needs \(fps) fps; its maximum is \(maxFPS) fps"
        }
        if let limit = capabilities.maxInputBytes, let bytes = request.image?.bytes, bytes > limit.bytes {
            return "the image is \(ByteSize(bytes: bytes)); it accepts up to \(limit)"
        }
        for feature in request.requiredFeatures where !capabilities.features.contains(feature) {
            return "feature \(feature) is not supported"
        }
        return nil
    }
}
