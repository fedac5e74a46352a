import HTTPTypes
import Hummingbird
import SwitchyardCore

/// One emulated provider API: its routes, its credentials check and its own error shapes.
/// The shared behaviour (faults, jobs, bodies) lives in ``CallPipeline``.
protocol ProviderAPI: Sendable {
    var provider: EmulatedProvider { get }

    /// Adds the provider's routes to its group, `/<provider-id>`.
    func register(on group: RouterGroup<EmulatorRequestContext>, pipeline: CallPipeline)

    /// nil when the request carries the key (and any header the API requires); otherwise the
    /// provider's refusal, which never repeats what was sent.
    func authenticate(_ headers: HTTPFields, key: String) -> APIReply?

    /// An error answer in the provider's shape. A nil code or message gets the provider's
    /// usual one for the status.
    func error(_ status: HTTPResponse.Status, code: String?, message: String?) -> APIReply

    /// The provider's synchronous content-policy rejection.
    func contentPolicy(message: String?) -> APIReply

    /// The status of a normal answer to `call`, kept when a fault garbles the body.
    func successStatus(for call: ProviderCallKind) -> HTTPResponse.Status
}

extension ProviderAPI {
    /// Checks `Authorization: <scheme> <key>`; the scheme is case-insensitive, as in RFC 9110.
    func hasCredentials(_ headers: HTTPFields, scheme: String, key: String) -> Bool? {
        guard let value = headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == scheme.lowercased() && parts[1] == key
    }
}
