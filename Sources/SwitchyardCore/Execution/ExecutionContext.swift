/// What one execution reads and never changes, behind one reference: drivers move executions
/// in and out of their tables, and templates read the request for every call, so neither
/// should copy (and retain) every string and table inside a request and its descriptors.
final class ExecutionContext: Sendable {
    let plan: Plan
    let request: Request
    let policy: Policy
    /// The descriptor of each plan entry, in plan order.
    let providers: [ProviderDescriptor]
    let image: ResolvedImage?
    let traceID: String?

    init(plan: Plan, request: Request, policy: Policy, providers: [ProviderDescriptor], image: ResolvedImage?, traceID: String?) {
        self.plan = plan
        self.request = request
        self.policy = policy
        self.providers = providers
        self.image = image
        self.traceID = traceID
    }

    /// The key a provider's idempotency header carries: stable across retries of one request.
    func idempotencyKey(at entry: Int) -> String {
        "\(request.id ?? traceID ?? "request")-\(providers[entry].id)"
    }
}
