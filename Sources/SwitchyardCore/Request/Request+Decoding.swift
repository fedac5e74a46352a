import OrderedCollections

extension Request {
    /// Keys a request may have. `at` belongs to simulator traffic lines and is ignored here.
    static let knownKeys = [
        "id", "user", "kind", "prompt", "image", "duration_s", "quality", "aspect_ratio", "voice", "features",
        "metadata", "at",
    ]

    /// The known keys, in the order of ``knownKeys``.
    private enum Field: Int, CaseIterable {
        case id, user, kind, prompt, image, durationSeconds, quality, aspectRatio, voice, features, metadata, at

        var key: String { knownKeys[rawValue] }

        /// The field `key` names: by its length, then at most two comparisons. Every request
        /// line has a dozen keys, and hashing each cost more than the rest of its decoding.
        init?(key: String) {
            let candidates: (Field?, Field?) =
                switch key.utf8.count {
                case 2: (.id, .at)
                case 4: (.user, .kind)
                case 5: (.image, .voice)
                case 6: (.prompt, nil)
                case 7: (.quality, nil)
                case 8: (.features, .metadata)
                case 10: (.durationSeconds, nil)
                case 12: (.aspectRatio, nil)
                default: (nil, nil)
                }
            if let first = candidates.0, first.key == key {
                self = first
            } else if let second = candidates.1, second.key == key {
                self = second
            } else {
                return nil
            }
        }
    }

    /// The longest output a request may ask for: a day. Longer is a typo, and would overflow costs.
    static let maxDurationSeconds = 86_400

    /// An integer, or a double with no fraction, within ±2^53 (where doubles are exact).
    private static func wholeNumber(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let int) where abs(int) <= 1 << 53: return int
        case .double(let double) where double == double.rounded() && abs(double) <= 0x1p53: return Int(double)
        default: return nil
        }
    }

    /// Decodes a request, reporting every bad field at once.
    public static func decode(_ json: JSONValue) -> Result<Request, RequestErrors> {
        var errors: [RequestError] = []
        func fail(_ field: String, _ message: String, _ code: String = "invalid_field") {
            errors.append(RequestError(field: field, message: message, code: code))
        }
        guard case .object(let object) = json else {
            return .failure(
                RequestErrors([RequestError(field: "", message: "a request must be a JSON object, got \(json.typeName)", code: "invalid_request")]))
        }
        // One pass over the members, each key hashed once: looking each field up in the object
        // compares it with every key, and request lines are decoded by the hundred thousand.
        var found = [JSONValue?](repeating: nil, count: knownKeys.count)
        for (key, value) in object {
            guard let field = Field(key: key) else {
                fail(key, "unknown field\(Suggestion.hint(for: key, in: knownKeys))", "unknown_field")
                continue
            }
            found[field.rawValue] = value
        }
        // A constant for the helpers below: a variable they capture would be boxed, and every
        // read of it checked for exclusive access at run time.
        let fields = found
        func field(_ field: Field) -> JSONValue? { fields[field.rawValue] }
        func string(_ key: Field) -> String? {
            guard let value = field(key), !value.isNull else { return nil }
            guard let text = value.stringValue else {
                fail(key.key, "expected a string, got \(value.typeName)")
                return nil
            }
            return text
        }

        let id = string(.id)
        let user = string(.user)
        var kind: MediaKind?
        if let text = string(.kind) {
            kind = MediaKind(rawValue: text)
            if kind == nil {
                fail(
                    "kind",
                    "unknown kind \"\(text)\"; expected one of \(MediaKind.allCases.map(\.rawValue).joined(separator: ", "))\(Suggestion.hint(for: text, in: MediaKind.allCases.map(\.rawValue)))"
                )
            }
        } else if field(.kind) == nil || field(.kind) == .null {
            fail("kind", "missing; say what to make: video, image or audio", "missing_field")
        }
        let prompt = string(.prompt)
        var duration: Int?
        if let value = field(.durationSeconds), !value.isNull {
            if let seconds = wholeNumber(value), (1...maxDurationSeconds).contains(seconds) {
                duration = seconds
            } else {
                fail("duration_s", "expected a whole number of seconds from 1 to \(maxDurationSeconds), got \(value.jsonString())")
            }
        }
        let quality = string(.quality)
        var aspectRatio: AspectRatio?
        if let text = string(.aspectRatio) {
            aspectRatio = AspectRatio(parsing: text)
            if aspectRatio == nil {
                fail("aspect_ratio", "malformed aspect ratio \"\(text)\"; write W:H such as 16:9, or square, portrait, landscape")
            }
        }
        let image = field(.image).flatMap { value in value.isNull ? nil : decodeImage(value, fail: { fail($0, $1) }) }
        func objectField(_ key: Field) -> JSONObject {
            guard let value = field(key), !value.isNull else { return [:] }
            guard let members = value.objectValue else {
                fail(key.key, "expected an object, got \(value.typeName)")
                return [:]
            }
            return members
        }
        let voice = objectField(.voice)
        for (key, value) in voice where key == "speed" || key == "pitch" {
            if value.doubleValue == nil { fail("voice.\(key)", "expected a number, got \(value.typeName)") }
        }
        var features: [String: Bool] = [:]
        for (key, value) in objectField(.features) {
            guard let flag = value.boolValue else {
                fail("features.\(key)", "expected true or false, got \(value.typeName)")
                continue
            }
            features[key] = flag
        }
        let metadata = objectField(.metadata)
        if let at = field(.at), at.doubleValue == nil {
            fail("at", "expected a number of seconds, got \(at.typeName)")
        }
        guard errors.isEmpty, let kind else { return .failure(RequestErrors(errors)) }
        return .success(
            Request(
                id: id, user: user, kind: kind, prompt: prompt, image: image, durationSeconds: duration, quality: quality,
                aspectRatio: aspectRatio, voice: voice, features: features, metadata: metadata))
    }

    private static func decodeImage(_ value: JSONValue, fail: (String, String) -> Void) -> ImageInput? {
        guard let object = value.objectValue else {
            fail("image", "expected an object such as {\"path\": ...}, {\"url\": ...} or {\"base64\": ..., \"mime\": ...}")
            return nil
        }
        for key in object.keys where !["path", "url", "base64", "mime", "bytes"].contains(key) {
            fail("image.\(key)", "unknown field\(Suggestion.hint(for: key, in: ["path", "url", "base64", "mime", "bytes"]))")
        }
        let sources = ["path", "url", "base64"].filter { object[$0] != nil }
        guard sources.count == 1 else {
            fail("image", sources.isEmpty ? "needs one of path, url or base64" : "give only one of path, url or base64")
            return nil
        }
        guard let text = object[sources[0]]?.stringValue, !text.isEmpty else {
            fail("image.\(sources[0])", "expected a non-empty string")
            return nil
        }
        var bytes: Int64?
        if let value = object["bytes"], !value.isNull {
            guard let count = wholeNumber(value), count >= 0 else {
                fail("image.bytes", "expected a whole, non-negative number of bytes, got \(value.jsonString())")
                return nil
            }
            bytes = Int64(count)
        }
        switch sources[0] {
        case "path":
            return ImageInput(source: .path(text), bytes: bytes)
        case "url":
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                fail("image.url", "expected an http:// or https:// URL")
                return nil
            }
            return ImageInput(source: .url(text), bytes: bytes)
        default:
            guard let mime = object["mime"]?.stringValue, mime.hasPrefix("image/") else {
                fail("image.mime", "base64 images need a mime type such as image/jpeg")
                return nil
            }
            guard let decoded = Base64Size.decodedLength(of: text) else {
                fail("image.base64", "is not valid base64")
                return nil
            }
            bytes = Int64(decoded)
            return ImageInput(source: .base64(data: text, mime: mime), bytes: bytes)
        }
    }
}

/// Every field error of one request.
public struct RequestErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [RequestError]

    public init(_ errors: [RequestError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// The decoded size of base64 text, without decoding it.
enum Base64Size {
    static func decodedLength(of text: String) -> Int? {
        var count = 0
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                guard padding == 0 else { return nil }
                count += 1
            case UInt8(ascii: "="):
                padding += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            default:
                return nil
            }
        }
        guard padding <= 2, (count + padding) % 4 == 0 || padding == 0 else { return nil }
        return count * 3 / 4
    }
}
