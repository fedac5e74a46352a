import Foundation
import SwitchyardCore

/// Fills in the size of a request's local image, which the pure planner cannot read itself.
enum ImageFiles {
    /// Returns an error when the image file does not exist.
    static func measure(_ request: inout Request) -> RequestErrors? {
        guard let image = request.image, case .path(let path) = image.source, image.bytes == nil else { return nil }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? NSNumber else {
            return RequestErrors([RequestError(field: "image.path", message: "no such file: \(path)", code: "image_not_found")])
        }
        request.image?.bytes = size.int64Value
        return nil
    }
}
