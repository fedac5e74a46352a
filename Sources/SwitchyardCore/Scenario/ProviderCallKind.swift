/// Which request of a provider's API a fault applies to.
public enum ProviderCallKind: String, Sendable, Hashable, CaseIterable {
    /// The request that starts a job (or makes the output, for a synchronous provider).
    case submit
    /// A status request about an accepted job.
    case poll
    /// The separate request that fetches a finished job's output, for providers that have one.
    case result
    /// The request that cancels a job.
    case cancel
}
