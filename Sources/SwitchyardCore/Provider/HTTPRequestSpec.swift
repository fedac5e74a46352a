/// One HTTP call of a provider's protocol (submit, poll, result fetch, cancel).
public struct HTTPRequestSpec: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case GET, POST, PUT, PATCH, DELETE
    }

    /// Where the call goes.
    public enum Target: Sendable, Hashable {
        /// Appended to the provider's base URL.
        case path(Template)
        /// A full URL, usually one the provider returned (`{{job.poll_url}}`).
        case url(Template)
    }

    public var method: Method
    public var target: Target
    public var body: Template?
    public var headers: [HeaderTemplate]
}
