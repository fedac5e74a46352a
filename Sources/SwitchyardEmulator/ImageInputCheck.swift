/// Checks the image fields of submit bodies: strict base64, `data:` URIs and http(s) URLs.
enum ImageInputCheck {
    /// The decoded length of strict, padded base64 (RFC 4648 §4), or nil when it is not base64.
    static func base64DecodedCount(_ text: Substring.UTF8View) -> Int? {
        guard !text.isEmpty, text.count % 4 == 0 else { return nil }
        var padding = 0
        for byte in text {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "/"):
                // A character after padding is not base64.
                guard padding == 0 else { return nil }
            case UInt8(ascii: "="):
                padding += 1
                guard padding <= 2 else { return nil }
            default:
                return nil
            }
        }
        return text.count / 4 * 3 - padding
    }

    static func base64DecodedCount(_ text: String) -> Int? {
        base64DecodedCount(text[...].utf8)
    }

    /// The media type and decoded size of a `data:image/...;base64,...` URI.
    static func dataURI(_ text: String) -> (mime: String, bytes: Int)? {
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        let mime = String(header.dropLast(";base64".count))
        guard mime.hasPrefix("image/"), mime.count > "image/".count else { return nil }
        guard let bytes = base64DecodedCount(text[text.index(after: comma)...].utf8) else { return nil }
        return (mime, bytes)
    }

    /// True for an absolute http or https URL with a host.
    static func isHTTPURL(_ text: String) -> Bool {
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return !host.isEmpty && !text.contains(" ")
        }
        return false
    }

    /// The decoded size of an image given as a URL (0: unknown until fetched) or a data URI,
    /// or the problem with it.
    static func urlOrDataURI(_ text: String) -> Result<Int, ImageProblem> {
        if isHTTPURL(text) { return .success(0) }
        if text.hasPrefix("data:") {
            guard let (_, bytes) = dataURI(text) else { return .failure(.malformedDataURI) }
            return .success(bytes)
        }
        return .failure(.notAnImageReference)
    }

    enum ImageProblem: Error {
        case malformedDataURI
        case notAnImageReference

        var problem: String {
            switch self {
            case .malformedDataURI: "must be a data URI of the form data:image/<type>;base64,<data>"
            case .notAnImageReference: "must be an https URL or a data:image/...;base64 URI"
            }
        }
    }
}
