import Crypto
import Foundation
import OrderedCollections
import Testing

@testable import SwitchyardCore

@Suite struct CacheTests {
    let image = ResolvedImage(base64: "aGVsbG8=", mime: "image/png", bytes: 5)

    func request(prompt: String = "Hello", features: [String: Bool] = ["lip_sync": true, "captions": false], metadata: JSONObject = [:]) -> Request {
        Request(
            id: "r", user: "u", kind: .video, prompt: prompt, durationSeconds: 30, quality: "standard",
            aspectRatio: AspectRatio(width: 16, height: 9),
            voice: ["speed": 1.0, "pitch": 0.0], features: features, metadata: metadata)
    }

    func key(_ request: Request, tier: String = "standard", image: ResolvedImage? = nil) -> CacheKey {
        CacheKey(request: request, tier: tier, policy: "talkingphoto", image: image ?? self.image)
    }

    @Test func theKeyCoversWhatChangesTheOutput() {
        let base = key(request())
        #expect(base.digest.count == 64)
        #expect(key(request(metadata: ["campaign": "spring"])) == base)
        #expect(key(request(features: ["lip_sync": true])) == base)
        #expect(key(request(prompt: "Hi")) != base)
        #expect(key(request(), tier: "premium") != base)
        #expect(key(request(), image: ResolvedImage(base64: "aGVsbG9v", mime: "image/png", bytes: 6)) != base)
        #expect(key(request(features: ["lip_sync": false])) != base)
        var defaultVoice = request()
        defaultVoice.voice = [:]
        #expect(key(defaultVoice) == base)
        defaultVoice.voice = ["pitch": 0, "speed": 1]
        #expect(key(defaultVoice) == base)
    }

    /// The key is written straight to bytes; it must hash exactly the text the JSON writer
    /// gives the same canonical object, escapes and all, so keys stay what they were.
    @Test func theKeyHashesTheCanonicalJSONText() {
        func reference(_ request: Request, tier: String, image: ResolvedImage?) -> String {
            var fields: JSONObject = ["policy": "talkingphoto", "kind": .string(request.kind.rawValue), "tier": .string(tier)]
            fields["prompt"] = request.prompt.map(JSONValue.string) ?? .null
            fields["duration_s"] = request.durationSeconds.map(JSONValue.int) ?? .null
            fields["aspect_ratio"] = request.aspectRatio.map { .string($0.description) } ?? .null
            var voice = JSONObject(
                uniqueKeysWithValues: request.voice.sorted { $0.key < $1.key }.map {
                    ($0.key, $0.value.doubleValue.map(JSONValue.double) ?? $0.value)
                })
            if voice["speed"] == nil { voice["speed"] = .double(1) }
            if voice["pitch"] == nil { voice["pitch"] = .double(0) }
            voice.sort()
            fields["voice"] = .object(voice)
            fields["features"] = .array(request.requiredFeatures.map(JSONValue.string))
            fields["image"] = image.map { .string(SHA256.hash(data: Array($0.base64.utf8)).map { String(format: "%02x", $0) }.joined()) } ?? .null
            let text = JSONValue.object(fields).jsonString()
            return SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        var odd = request(prompt: "Say \"hi\"\n\tto C:\\ and ünïcødé 🎬\u{01}")
        odd.voice = ["style": "warm \"bright\"", "speed": 1.25, "accent": ["region": "north"]]
        var bare = request()
        bare.prompt = nil
        bare.durationSeconds = nil
        bare.aspectRatio = nil
        bare.voice = [:]
        bare.features = [:]
        for (request, image) in [
            (self.request(), image), (odd, image), (bare, nil), (odd, ResolvedImage(base64: "x\"y", mime: "image/png", bytes: 3)),
        ] {
            #expect(
                CacheKey(request: request, tier: "premium", policy: "talkingphoto", image: image).digest
                    == reference(request, tier: "premium", image: image))
        }
    }

    /// Keys compare field by field; two must be equal exactly when their canonical texts
    /// (hence digests) are, and equal keys must hash alike.
    @Test func keysAreEqualExactlyWhenTheirCanonicalTextsAre() {
        var variants: [(Request, String, ResolvedImage?)] = []
        for prompt in ["Hello", "Hi", "caf\u{E9}", "cafe\u{301}", "a\"b"] {
            variants.append((request(prompt: prompt), "standard", image))
        }
        var voiced = request()
        voiced.voice = ["speed": 1, "pitch": 0]  // the neutral voice, spelled with integers
        variants.append((voiced, "standard", image))
        voiced.voice = ["speed": 1.25]
        variants.append((voiced, "standard", image))
        variants.append((request(features: ["captions": true, "lip_sync": true]), "standard", image))
        variants.append((request(features: ["lip_sync": true, "captions": true]), "standard", image))
        variants.append((request(), "premium", image))
        variants.append((request(), "standard", nil))
        var bare = request()
        bare.prompt = nil
        bare.durationSeconds = nil
        bare.aspectRatio = nil
        variants.append((bare, "standard", image))
        let keys = variants.map { CacheKey(request: $0.0, tier: $0.1, policy: "talkingphoto", image: $0.2) }
        for first in keys {
            for second in keys {
                #expect((first == second) == (first.canonical == second.canonical))
                if first == second { #expect(first.hashValue == second.hashValue) }
            }
        }
        // "café" spelled two ways is one String, but two canonical texts: two keys.
        #expect(keys[2] != keys[3])
        #expect(keys[5] == keys[0])
        #expect(keys[7] == keys[8])
    }

    func result(_ provider: String = "veo3") -> ExecutionResult {
        ExecutionResult(
            requestID: "r", status: .succeeded, provider: provider, tier: "standard", outputs: ["video_url": "https://v"],
            cost: Money(decimal: "4.5")!,
            currency: "INR", attempts: 2, fallbackUsed: true, failureCode: nil, message: nil)
    }

    @Test func entriesExpireAfterTheirTTL() {
        var cache = ResultCache(settings: CacheSettings(ttl: .seconds(60), maxEntries: 10))
        let t0 = Timestamp(millisecondsSinceEpoch: 0)
        let k = key(request())
        cache.store(result(), for: k, requestedTier: "standard", at: t0)
        #expect(cache.lookup(k, at: t0 + .seconds(59))?.provider == "veo3")
        #expect(cache.lookup(k, at: t0 + .seconds(60)) == nil)
    }

    @Test func theLeastRecentlyUsedEntryGoesFirst() {
        var cache = ResultCache(settings: CacheSettings(ttl: .seconds(600), maxEntries: 2))
        let t0 = Timestamp(millisecondsSinceEpoch: 0)
        let (a, b, c) = (key(request(prompt: "a")), key(request(prompt: "b")), key(request(prompt: "c")))
        cache.store(result("a"), for: a, requestedTier: "standard", at: t0)
        cache.store(result("b"), for: b, requestedTier: "standard", at: t0)
        _ = cache.lookup(a, at: t0)
        cache.store(result("c"), for: c, requestedTier: "standard", at: t0)
        #expect(cache.count == 2)
        #expect(cache.lookup(b, at: t0) == nil)
        #expect(cache.lookup(a, at: t0)?.provider == "a")
    }

    /// Thousands of random stores and lookups over a few keys, against a plain list kept in
    /// recency order: the same hits, the same misses, the same evictions.
    @Test func evictionMatchesAReferenceLRU() {
        let capacity = 5
        var cache = ResultCache(settings: CacheSettings(ttl: .seconds(600), maxEntries: capacity))
        var reference: [String] = []  // least recently used first
        var draws = SplitMix64(seed: 9)
        let t0 = Timestamp(millisecondsSinceEpoch: 0)
        let keys = (0..<12).map { "p\($0)" }
        for _ in 0..<5_000 {
            let name = keys[Int(draws.nextUnit() * Double(keys.count))]
            let k = key(request(prompt: name))
            if draws.nextUnit() < 0.5 {
                cache.store(result(name), for: k, requestedTier: "standard", at: t0)
                reference.removeAll { $0 == name }
                reference.append(name)
                if reference.count > capacity { reference.removeFirst() }
            } else {
                let hit = cache.lookup(k, at: t0)
                #expect(hit?.provider == (reference.contains(name) ? name : nil))
                if hit != nil {
                    reference.removeAll { $0 == name }
                    reference.append(name)
                }
            }
            #expect(cache.count == reference.count)
        }
    }

    @Test func failuresAreNotCachedAndHitsCostNothing() {
        var cache = ResultCache(settings: CacheSettings(ttl: .seconds(600), maxEntries: 2))
        let t0 = Timestamp(millisecondsSinceEpoch: 0)
        let k = key(request())
        cache.store(.failure(requestID: "r", action: Execution.Failure.allFailed, currency: "INR"), for: k, requestedTier: "standard", at: t0)
        cache.store(result(), for: k, requestedTier: "premium", at: t0)
        #expect(cache.lookup(k, at: t0) == nil)
        let served = result().servedFromCache(requestID: "r2")
        #expect(served.cost == .zero && served.attempts == 0 && served.requestID == "r2" && !served.fallbackUsed)
    }

    @Test func policiesDeclareTheirCache() throws {
        #expect(try shippedConfig().policies.first?.cache == CacheSettings(ttl: .seconds(86_400), maxEntries: 10_000))
    }
}
