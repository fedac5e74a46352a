/// What one execution reads and never changes, behind one reference: drivers move executions
/// in and out of their tables, and templates read the request for every call, so neither
/// should copy (and retain) every string and table inside a request and its descriptors.
final class ExecutionContext: Sendable {
    let plan: Plan
    let request: Request
    let image: ResolvedImage?
    /// What templates check for every call, kept apart so a check copies no image.
    let hasImage: Bool
    let hasImageURL: Bool
    let traceID: String?
    /// The config the plan came from, which holds the policy and descriptors; read in place,
    /// never copied out.
    private let config: Config
    private let policyIndex: Int
    /// Where each plan entry's descriptor sits in the config, in plan order.
    private let providerIndices: [Int]

    /// nil when the config lacks the plan's policy or one of its providers.
    init?(plan: Plan, request: Request, config: Config, image: ResolvedImage?, traceID: String?) {
        guard let policyIndex = config.policyIndex(plan.policy) else { return nil }
        var providerIndices: [Int] = []
        providerIndices.reserveCapacity(plan.entries.count)
        for entry in plan.entries {
            guard let index = config.providerIndex(entry.provider) else { return nil }
            providerIndices.append(index)
        }
        self.plan = plan
        self.request = request
        self.config = config
        self.policyIndex = policyIndex
        self.providerIndices = providerIndices
        self.image = image
        // Through a field, so neither check copies the image.
        hasImage = image?.mime != nil
        hasImageURL = image?.url != nil
        self.traceID = traceID
    }

    /// Borrowed from the config, not copied.
    var policy: Policy { _read { yield config.policies[policyIndex] } }

    /// Where the plan's `entry`th provider sits in the config's providers.
    func providerPosition(at entry: Int) -> Int { providerIndices[entry] }

    /// The descriptor of the plan's `entry`th provider, borrowed from the config.
    subscript(provider entry: Int) -> ProviderDescriptor { _read { yield config.providers[providerIndices[entry]] } }

    /// The key a provider's idempotency header carries: stable across retries of one request.
    func idempotencyKey(at entry: Int) -> String {
        "\(request.id ?? traceID ?? "request")-\(self[provider: entry].id)"
    }
}
