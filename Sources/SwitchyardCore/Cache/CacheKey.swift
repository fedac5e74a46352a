import Crypto
import OrderedCollections

/// Identifies a generation by what changes its output: the prompt, duration, tier, aspect
/// ratio, voice, features and the image's content. Two requests with the same key would get
/// the same video, so the second can be served from the cache.
///
/// A key is those values themselves, compared field by field and hashed once over what callers
/// vary: every request that is not served from the cache makes one, and most are only looked
/// up and stored (all of the simulator's). Its canonical JSON text, and the digest of that text
/// that logs and the live cache's table show, are written only when asked for. Two keys are
/// equal exactly when their canonical texts are: each field is stored as the text writes it
/// (voice normalized, features sorted, the image by its content digest).
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// Behind one reference: caches copy keys into their tables and recency lists.
    private let fields: Fields

    private final class Fields: Sendable {
        let policy: String
        let kind: MediaKind
        let tier: String
        let prompt: String?
        let durationSeconds: Int?
        let aspectRatio: AspectRatio?
        /// The voice object's canonical text: sorted keys, numbers as doubles, neutral speed
        /// and pitch when absent.
        let voice: String
        /// The features the request turns on, sorted.
        let features: [String]
        /// Lowercase hex SHA-256 of the image's base64.
        let image: String?
        /// Computed once: a cache hashes a key several times.
        let hash: Int

        init(request: borrowing Request, tier: String, policy: String, image: ResolvedImage?) {
            self.policy = policy
            kind = request.kind
            self.tier = tier
            prompt = request.prompt
            durationSeconds = request.durationSeconds
            aspectRatio = request.aspectRatio
            voice = request.voice.isEmpty ? CacheKey.neutralVoice : JSONValue.object(CacheKey.voice(of: request)).jsonString()
            features = request.requiredFeatures
            self.image = image.map { $0.contentDigest ?? CacheKey.digest(of: $0) }
            // What callers vary, and only that: the policy, kind and tier are few (the config's),
            // so leaving them out can only put those few variants of one request in one bucket
            // (and caches are kept per policy), while equality still compares them. The image's
            // digest is SHA-256 in hex, as spread out in its first 16 characters as in all 64.
            var hasher = Hasher()
            CacheKey.combine(prompt, into: &hasher)
            hasher.combine(durationSeconds)
            hasher.combine(aspectRatio)
            // Most requests set no voice: theirs is the one neutral text, the same string.
            if voice == CacheKey.neutralVoice { hasher.combine(0) } else { CacheKey.combine(voice, into: &hasher) }
            hasher.combine(features.count)
            for feature in features { CacheKey.combine(feature, into: &hasher) }
            CacheKey.combine(self.image, into: &hasher, prefix: 16)
            hash = hasher.finalize()
        }
    }

    public init(request: borrowing Request, tier: String, policy: String, image: ResolvedImage?) {
        fields = Fields(request: request, tier: tier, policy: policy, image: image)
    }

    private static let neutralVoice = #"{"pitch":0.0,"speed":1.0}"#

    /// Texts compare and hash by their UTF-8 bytes, as the canonical text would: `String`'s own
    /// `==` equates canonically equivalent spellings, and its hash normalizes them first.
    public static func == (lhs: CacheKey, rhs: CacheKey) -> Bool {
        let (lhs, rhs) = (lhs.fields, rhs.fields)
        return lhs === rhs
            || lhs.hash == rhs.hash && same(lhs.prompt, rhs.prompt) && same(lhs.image, rhs.image) && same(lhs.policy, rhs.policy)
                && lhs.kind == rhs.kind && same(lhs.tier, rhs.tier) && lhs.durationSeconds == rhs.durationSeconds
                && lhs.aspectRatio == rhs.aspectRatio && same(lhs.voice, rhs.voice)
                && lhs.features.count == rhs.features.count && zip(lhs.features, rhs.features).allSatisfy { same($0, $1) }
    }

    private static func same(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): lhs.utf8.elementsEqual(rhs.utf8)
        default: false
        }
    }

    /// The text's length and its bytes (or the first `prefix` of them), so that consecutive
    /// texts cannot run into each other.
    private static func combine(_ text: String?, into hasher: inout Hasher, prefix: Int = .max) {
        guard var text else { return hasher.combine(-1) }
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.prefix(prefix))))
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields.hash) }

    /// The canonical JSON text of what changes the output: fixed member order, written as
    /// `JSONValue.jsonString()` would write the same object.
    public var canonical: [UInt8] {
        let fields = self.fields
        let text = JSONByteWriter()
        text.raw(#"{"policy":"#)
        text.string(fields.policy)
        text.raw(#","kind":"#)
        text.string(fields.kind.rawValue)
        text.raw(#","tier":"#)
        text.string(fields.tier)
        text.raw(#","prompt":"#)
        text.string(fields.prompt)
        text.raw(#","duration_s":"#)
        if let durationSeconds = fields.durationSeconds { text.int(durationSeconds) } else { text.null() }
        text.raw(#","aspect_ratio":"#)
        // As `description` spells it, "16:9".
        if let aspectRatio = fields.aspectRatio {
            text.raw("\"")
            text.int(aspectRatio.width)
            text.raw(":")
            text.int(aspectRatio.height)
            text.raw("\"")
        } else {
            text.null()
        }
        text.raw(#","voice":"#)
        text.json(fields.voice)
        text.raw(#","features":["#)
        for (position, feature) in fields.features.enumerated() {
            if position > 0 { text.raw(",") }
            text.string(feature)
        }
        text.raw(#"],"image":"#)
        text.string(fields.image)
        text.raw("}")
        return Array(text.bytes)
    }

    /// Lowercase hex SHA-256 of the canonical text: what logs show. Computed on each read.
    public var digest: String { Self.hex(SHA256.hash(data: canonical)) }

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
