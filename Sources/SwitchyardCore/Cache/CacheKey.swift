import Crypto
import OrderedCollections

/// Identifies a generation by what changes its output: the prompt, duration, tier, aspect
/// ratio, voice, features and the image's content. Two requests with the same key would get
/// the same video, so the second can be served from the cache.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// The canonical JSON text of what changes the output. Keys compare by it, so a request
    /// whose key is only looked up and stored (the simulator's) never pays for a digest.
    public let canonical: [UInt8]
    /// The canonical text's hash, computed once: a cache hashes a key several times.
    private let hash: Int

    /// Lowercase hex SHA-256 of the canonical text: what logs show. Computed on each read.
    public var digest: String { Self.hex(SHA256.hash(data: canonical)) }

    public init(request: borrowing Request, tier: String, policy: String, image: ResolvedImage?) {
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
        // As `description` spells it, "16:9", without building that string.
        if let ratio = request.aspectRatio {
            text.raw("\"")
            text.int(ratio.width)
            text.raw(":")
            text.int(ratio.height)
            text.raw("\"")
        } else {
            text.null()
        }
        text.raw(#","voice":"#)
        if request.voice.isEmpty { text.raw(#"{"pitch":0.0,"speed":1.0}"#) } else { text.value(.object(Self.voice(of: request))) }
        text.raw(#","features":["#)
        for (position, feature) in request.requiredFeatures.enumerated() {
            if position > 0 { text.raw(",") }
            text.string(feature)
        }
        text.raw(#"],"image":"#)
        text.string(image.map { $0.contentDigest ?? Self.digest(of: $0) })
        text.raw("}")
        canonical = Array(text.bytes)
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(text.bytes))
        hash = hasher.finalize()
    }

    public static func == (lhs: CacheKey, rhs: CacheKey) -> Bool { lhs.hash == rhs.hash && lhs.canonical == rhs.canonical }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }

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

    /// The lowercase hex SHA-256 of an image's base64, hashed in place: it can be megabytes.
    public static func digest(of image: ResolvedImage) -> String {
        var text = image.base64
        return hex(text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) })
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
