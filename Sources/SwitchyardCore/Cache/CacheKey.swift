import Crypto
import OrderedCollections

/// Identifies a generation by what changes its output: the prompt, duration, tier, aspect
/// ratio, voice, features and the image's content. Two requests with the same key would get
/// the same video, so the second can be served from the cache.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// Lowercase hex SHA-256.
    public let digest: String

    public init(request: Request, tier: String, policy: String, image: ResolvedImage?) {
        // A canonical JSON form: fixed member order, only fields that change the output.
        var fields: JSONObject = ["policy": .string(policy), "kind": .string(request.kind.rawValue), "tier": .string(tier)]
        fields["prompt"] = request.prompt.map(JSONValue.string) ?? .null
        fields["duration_s"] = request.durationSeconds.map(JSONValue.int) ?? .null
        fields["aspect_ratio"] = request.aspectRatio.map { .string($0.description) } ?? .null
        // Voice as templates render it: neutral speed and pitch when absent, numbers as doubles.
        var voice = JSONObject(
            uniqueKeysWithValues: request.voice.sorted { $0.key < $1.key }.map { key, value in (key, value.doubleValue.map(JSONValue.double) ?? value)
            })
        if voice["speed"] == nil { voice["speed"] = .double(1) }
        if voice["pitch"] == nil { voice["pitch"] = .double(0) }
        voice.sort()
        fields["voice"] = .object(voice)
        fields["features"] = .array(request.requiredFeatures.map(JSONValue.string))
        fields["image"] = image.map { .string(Self.hex(SHA256.hash(data: Array($0.base64.utf8)))) } ?? .null
        digest = Self.hex(SHA256.hash(data: Array(JSONValue.object(fields).jsonString().utf8)))
    }

    public var description: String { digest }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
