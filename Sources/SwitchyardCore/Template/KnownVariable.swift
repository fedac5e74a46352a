/// The template variables with fixed names. A name is found by its length and at most four
/// comparisons with literals, cheaper than hashing it; a template resolves its names once,
/// when it is compiled (``Template/knownVariables``).
enum KnownVariable: Int, CaseIterable {
    case requestID, user, kind, prompt, durationSeconds, aspectRatio, tier, resolution, fps, bitrateKbps, voiceSpeed, voicePitch
    case imageURL, imageBase64, imageDataURI, imageMIME, idempotencyKey, jobID, jobPollURL, jobResultURL, jobCancelURL

    init?(_ name: String) {
        let known: KnownVariable? =
            switch name.utf8.count {
            case 3: name == "fps" ? .fps : nil
            case 4:
                switch name {
                case "user": .user
                case "kind": .kind
                case "tier": .tier
                default: nil
                }
            case 6:
                switch name {
                case "prompt": .prompt
                case "job.id": .jobID
                default: nil
                }
            case 7: name == "quality" ? .tier : nil
            case 9: name == "image.url" ? .imageURL : nil
            case 10:
                switch name {
                case "request_id": .requestID
                case "duration_s": .durationSeconds
                case "resolution": .resolution
                case "image.mime": .imageMIME
                default: nil
                }
            case 11:
                switch name {
                case "voice.speed": .voiceSpeed
                case "voice.pitch": .voicePitch
                default: nil
                }
            case 12:
                switch name {
                case "aspect_ratio": .aspectRatio
                case "bitrate_kbps": .bitrateKbps
                case "image.base64": .imageBase64
                case "job.poll_url": .jobPollURL
                default: nil
                }
            case 14:
                switch name {
                case "image.data_uri": .imageDataURI
                case "job.result_url": .jobResultURL
                case "job.cancel_url": .jobCancelURL
                default: nil
                }
            case 15: name == "idempotency_key" ? .idempotencyKey : nil
            default: nil
            }
        guard let known else { return nil }
        self = known
    }
}

/// A set of ``KnownVariable``s, one bit each: which a template reads, which an attempt has.
struct KnownVariables: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }

    init(_ variable: KnownVariable) { rawValue = 1 << UInt32(variable.rawValue) }

    static let requestID = Self(.requestID), user = Self(.user), kind = Self(.kind), prompt = Self(.prompt)
    static let durationSeconds = Self(.durationSeconds), aspectRatio = Self(.aspectRatio), tier = Self(.tier)
    static let resolution = Self(.resolution), fps = Self(.fps), bitrateKbps = Self(.bitrateKbps)
    static let voiceSpeed = Self(.voiceSpeed), voicePitch = Self(.voicePitch), imageURL = Self(.imageURL)
    static let imageBase64 = Self(.imageBase64), imageDataURI = Self(.imageDataURI), imageMIME = Self(.imageMIME)
    static let idempotencyKey = Self(.idempotencyKey), jobID = Self(.jobID), jobPollURL = Self(.jobPollURL)
    static let jobResultURL = Self(.jobResultURL), jobCancelURL = Self(.jobCancelURL)
}
