import Foundation
public import SwitchyardCore

/// Reads a request's image (file, URL or inline base64) into the form the core renders from,
/// with its size measured, before any provider is called.
public struct ImageResolver: Sendable {
    /// The largest image accepted at all; providers' own limits are checked per attempt.
    public let maxBytes: Int
    let transport: HTTPTransport

    public init(transport: HTTPTransport, maxBytes: Int = 256 << 20) {
        self.transport = transport
        self.maxBytes = maxBytes
    }

    public func resolve(_ image: ImageInput) async throws -> ResolvedImage {
        switch image.source {
        case .path(let path):
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            guard size <= maxBytes else {
                throw ImageError(description: "\(path) is \(ByteSize(bytes: Int64(size))), over \(ByteSize(bytes: Int64(maxBytes)))")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw ImageError(description: "cannot read \(path)") }
            return ResolvedImage(
                base64: data.base64EncodedString(), mime: Self.mime(of: Array(data.prefix(16)), path: path), bytes: Int64(data.count))
        case .url(let url):
            let (bytes, contentType) = try await transport.download(url, limit: maxBytes)
            let mime =
                contentType.flatMap { $0.hasPrefix("image/") ? String($0.split(separator: ";")[0]) : nil }
                ?? Self.mime(of: Array(bytes.prefix(16)), path: url)
            return ResolvedImage(base64: Data(bytes).base64EncodedString(), mime: mime, url: url, bytes: Int64(bytes.count))
        case .base64(let data, let mime):
            return ResolvedImage(base64: data, mime: mime, bytes: image.bytes ?? 0)
        }
    }

    /// From the file's first bytes, else its extension.
    static func mime(of header: [UInt8], path: String) -> String {
        if header.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if header.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if header.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if header.count >= 12, header[0..<4].elementsEqual(Array("RIFF".utf8)), header[8..<12].elementsEqual(Array("WEBP".utf8)) {
            return "image/webp"
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "png": return "image/png"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        default: return "image/jpeg"
        }
    }
}

/// An image that cannot be used.
public struct ImageError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
