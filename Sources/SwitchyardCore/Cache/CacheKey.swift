import Crypto
import OrderedCollections

/// Identifies a generation by what changes its output: the prompt, duration, tier, aspect
/// ratio, voice, features and the image's content. Two requests with the same key would get
/// the same video, so the second can be served from the cache.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// Lowercase hex SHA-256.
    public let digest: String

    public init(request: Request, tier: String, policy: String, image: ResolvedImage?) {
        // A canonical JSON form: fixed member order, only fields that change the output,
        // written straight to bytes as `JSONValue.jsonString()` would write the same object:
        // every request that is not served from the cache computes one.
        let text = JSONByteWriter()
        text.raw(#"{"policy":"#)
        text.string(policy)
        text.raw(#","kind":"#)
        text.string(request.kind.rawValue)
        text.raw(#","tier":"#)
        text.string(tier)
        text.raw(#","prompt":"#)
        text.string(request.prompt)
        text.raw(#","duration_s":"#)
        if let seconds = request.durationSeconds { text.int(seconds) } else { text.null() }
        text.raw(#","aspect_ratio":"#)
        text.string(request.aspectRatio?.description)
        text.raw(#","voice":"#)
        if request.voice.isEmpty { text.raw(#"{"pitch":0.0,"speed":1.0}"#) } else { text.value(.object(Self.voice(of: request))) }
        text.raw(#","features":["#)
        for (position, feature) in request.requiredFeatures.enumerated() {
            if position > 0 { text.raw(",") }
            text.string(feature)
        }
        text.raw(#"],"image":"#)
        text.string(image.map { Self.hex(Self.sha256($0.base64)) })
        text.raw("}")
        digest = Self.hex(SHA256.hash(data: UnsafeRawBufferPointer(text.bytes)))
    }

    /// Voice as templates render it: neutral speed and pitch when absent, numbers as doubles,
    /// keys sorted.
    private static func voice(of request: Request) -> JSONObject {
        var voice = JSONObject(
            uniqueKeysWithValues: request.voice.sorted { $0.key < $1.key }.map { key, value in (key, value.doubleValue.map(JSONValue.double) ?? value)
            })
        if voice["speed"] == nil { voice["speed"] = .double(1) }
        if voice["pitch"] == nil { voice["pitch"] = .double(0) }
        voice.sort()
        return voice
    }

    public var description: String { digest }

    /// Hashes the text's UTF-8 in place: an image's base64 can be megabytes.
    private static func sha256(_ text: String) -> SHA256.Digest {
        var text = text
        return text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { buffer in
            digits.withUTF8Buffer { digits in
                var position = 0
                for byte in digest {
                    buffer[position] = digits[Int(byte >> 4)]
                    buffer[position + 1] = digits[Int(byte & 0x0F)]
                    position += 2
                }
            }
            return 2 * SHA256.byteCount
        }
    }
}
