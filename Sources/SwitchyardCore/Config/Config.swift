/// A loaded, validated configuration: every provider descriptor and routing policy.
public struct Config: Sendable {
    /// In load order (file name order).
    public var providers: [ProviderDescriptor]
    /// In load order; the first policy whose match fits a request takes it.
    public var policies: [Policy]
    private var providerIndex: [String: Int]

    public init(providers: [ProviderDescriptor], policies: [Policy]) {
        self.providers = providers
        self.policies = policies
        var index: [String: Int] = [:]
        for (position, provider) in providers.enumerated() where index[provider.id] == nil {
            index[provider.id] = position
        }
        self.providerIndex = index
    }

    public func provider(_ id: String) -> ProviderDescriptor? {
        providerIndex[id].map { providers[$0] }
    }

    /// Where `id` sits in ``providers``: for reading one part of a descriptor in place, where
    /// ``provider(_:)`` would copy all of it.
    public func providerIndex(_ id: String) -> Int? {
        // A handful of providers: comparing ids (a plan's ids share the config's storage, so
        // equal ones compare at once) costs less than hashing one.
        guard providers.count > 16 else { return providers.indices.first { providers[$0].id == id } }
        return providerIndex[id]
    }

    /// The provider's auth settings, read in place.
    public func auth(of provider: String) -> ProviderAuth? {
        providerIndex[provider].flatMap { providers[$0].auth }
    }

    public func policy(_ id: String) -> Policy? {
        policies.first { $0.id == id }
    }

    /// Where the policy sits in ``policies``. By index, reading each id in place:
    /// `firstIndex(where:)` would hand its closure a copy of every policy it tries.
    public func policyIndex(_ id: String) -> Int? {
        policies.indices.first { policies[$0].id == id }
    }

    /// Whether the policy keeps a result cache, read in place: ``policy(_:)`` would copy it.
    public func caches(policy id: String) -> Bool {
        policyIndex(id).map { policies[$0].cache != nil } ?? false
    }

    /// Every secret reference, with where it is written.
    public var secrets: [LocatedSecret] {
        providers.flatMap { provider -> [LocatedSecret] in
            var found: [LocatedSecret] = []
            if let auth = provider.auth {
                found.append(LocatedSecret(reference: auth.secret, location: auth.secretLocation, owner: provider.id))
            }
            if let webhook = provider.webhook, let secret = webhook.secret {
                found.append(LocatedSecret(reference: secret, location: webhook.secretLocation ?? provider.location, owner: provider.id))
            }
            return found
        }
    }

    /// Warnings for secrets that cannot be found now. A missing secret is an error only when
    /// its provider is called; validation just points it out.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - fileExists: whether a secret file is readable; supplied by the caller, since the
    ///     core does no I/O.
    public func missingSecrets(environment: [String: String], fileExists: (String) -> Bool) -> [Diagnostic] {
        secrets.compactMap { secret in
            switch secret.reference {
            case .environment(let name) where (environment[name] ?? "").isEmpty:
                return Diagnostic(
                    .warning, at: secret.location,
                    "secret of provider '\(secret.owner)' is missing: environment variable \(name) is not set; calls to it will fail",
                    code: "missing-secret")
            case .file(let path) where !fileExists(path):
                return Diagnostic(
                    .warning, at: secret.location,
                    "secret of provider '\(secret.owner)' is missing: file \(path) cannot be read; calls to it will fail",
                    code: "missing-secret")
            default:
                return nil
            }
        }
    }
}
