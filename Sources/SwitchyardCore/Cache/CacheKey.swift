import Crypto
import OrderedCollections

/// Identifies a generation by what changes its output: the prompt, duration, tier, aspect
/// ratio, voice, features and the image's content. Two requests with the same key would get
/// the same video, so the second can be served from the cache.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// Lowercase hex SHA-256.
    public let digest: String

    public init(request: Request, tier: String, policy: String, image: ResolvedImage?) {
        // A canonical JSON form: fixed member order, only fields that change the output. It is
        // written straight to bytes, as `JSONValue.jsonString()` would write the same object:
        // every request that is not served from the cache computes one.
        var text = CanonicalText()
        text.member("policy", first: true)
        text.string(policy)
        text.member("kind")
        text.string(request.kind.rawValue)
        text.member("tier")
        text.string(tier)
        text.member("prompt")
        if let prompt = request.prompt { text.string(prompt) } else { text.raw("null") }
        text.member("duration_s")
        if let seconds = request.durationSeconds { text.raw(String(seconds)) } else { text.raw("null") }
        text.member("aspect_ratio")
        if let ratio = request.aspectRatio { text.string(ratio.description) } else { text.raw("null") }
        text.member("voice")
        if request.voice.isEmpty { text.raw(#"{"pitch":0.0,"speed":1.0}"#) } else { text.value(.object(Self.voice(of: request))) }
        text.member("features")
        text.raw("[")
        for (position, feature) in request.requiredFeatures.enumerated() {
            if position > 0 { text.raw(",") }
            text.string(feature)
        }
        text.raw("]")
        text.member("image")
        if let image { text.string(Self.hex(Self.sha256(image.base64))) } else { text.raw("null") }
        text.raw("}")
        digest = Self.hex(SHA256.hash(data: text.bytes))
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

    /// Compact JSON text of one object, member by member.
    private struct CanonicalText {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(256) }

        mutating func member(_ key: StaticString, first: Bool = false) {
            raw(first ? "{\"" : ",\"")
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            raw("\":")
        }

        mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

        /// A string needing no escapes is copied as it is; others go through the JSON writer.
        mutating func string(_ text: String) {
            var text = text
            let plain = text.withUTF8 { utf8 in
                guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
                bytes.append(UInt8(ascii: "\""))
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: "\""))
                return true
            }
            if !plain { value(.string(text)) }
        }

        mutating func value(_ value: JSONValue) { raw(value.jsonString()) }
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
