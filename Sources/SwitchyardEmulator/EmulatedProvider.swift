/// A provider API the emulator speaks, mounted under `/<id>` on its port.
public enum EmulatedProvider: String, Sendable, Hashable, CaseIterable {
    /// The seed's Veo3 contract: `POST /videos`, `GET /videos/{id}`, Bearer auth.
    case veo3
    /// Runway's API, version 2024-11-06: `POST /v1/image_to_video`, `GET /v1/tasks/{id}`.
    case runway
    /// The fal queue API for the model `fal-ai/nano-banana/talking-photo`, `Key` auth.
    case nanoBanana = "nano-banana"

    /// The provider id of the shipped descriptor, and the path prefix the emulator serves it under.
    public var id: String { rawValue }

    /// The environment variable the shipped descriptor reads its base URL from.
    public var baseURLVariable: String { "\(variablePrefix)_API_BASE_URL" }

    /// The environment variable the shipped descriptor reads its secret from.
    public var keyVariable: String { "\(variablePrefix)_API_KEY" }

    /// The key the emulator accepts unless configured otherwise; printed at start.
    public var defaultKey: String { "emulator-\(id)-key" }

    private var variablePrefix: String { String(id.uppercased().map { $0 == "-" ? "_" : $0 }) }

    /// The emulated provider with this id, if any.
    public init?(id: String) {
        self.init(rawValue: id)
    }
}
