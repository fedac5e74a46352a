/// What a request asks a provider to make.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    case video
    case image
    case audio
}
