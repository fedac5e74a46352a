/// The checks that span files: unique ids, references from policies to providers, currencies,
/// and error-table keys that name provider codes.
struct ConfigValidator {
    let config: Config
    /// Descriptor files that did not decode; a reference to their provider is not a typo.
    let brokenProviderFiles: [String]
    let diagnostics: DiagnosticCollector

    func validate() {
        checkUniqueIDs()
        let knownOutcomes = Set(ErrorTable.builtInOutcomes).union(
            config.providers.flatMap(\.declaredOutcomes))
        checkRateTiers()
        for policy in config.policies {
            checkPlanReferences(policy)
            checkCurrency(policy)
            checkErrorTable(policy, knownOutcomes: knownOutcomes)
        }
    }

    private func checkUniqueIDs() {
        var providers: [String: SourceLocation] = [:]
        for provider in config.providers {
            if let first = providers[provider.id] {
                diagnostics.error("duplicate provider id '\(provider.id)' (first defined at \(first))", at: provider.location, code: "duplicate")
            } else {
                providers[provider.id] = provider.location
            }
        }
        var policies: [String: SourceLocation] = [:]
        for policy in config.policies {
            if let first = policies[policy.id] {
                diagnostics.error("duplicate policy id '\(policy.id)' (first defined at \(first))", at: policy.location, code: "duplicate")
            } else {
                policies[policy.id] = policy.location
            }
        }
    }

    /// A rate for a tier must name a tier of some policy that plans the provider.
    private func checkRateTiers() {
        for provider in config.providers {
            let policies = config.policies.filter { $0.rules.contains { $0.plan.contains { $0.provider == provider.id } } }
            guard !policies.isEmpty else { continue }
            let tiers = Set(policies.flatMap { $0.tiers.map(\.name) })
            for rate in provider.pricing.rates {
                guard let tier = rate.tier, !tiers.contains(tier) else { continue }
                diagnostics.error(
                    "rate for unknown tier '\(tier)'\(Suggestion.hint(for: tier, in: tiers)) (the policies that plan '\(provider.id)' define \(tiers.sorted().joined(separator: ", ")))",
                    at: rate.location, code: "unknown-reference")
            }
        }
    }

    private func checkPlanReferences(_ policy: Policy) {
        let ids = config.providers.map(\.id)
        for rule in policy.rules {
            for entry in rule.plan {
                guard let provider = config.provider(entry.provider) else {
                    if let broken = brokenProviderFiles.first(where: { fileStem($0) == entry.provider }) {
                        diagnostics.error(
                            "provider '\(entry.provider)' is not loaded because \(broken) has errors", at: entry.location, code: "unknown-reference")
                        continue
                    }
                    diagnostics.error(
                        "unknown provider '\(entry.provider)' in the plan of rule '\(rule.name)'\(Suggestion.hint(for: entry.provider, in: ids)) (known providers: \(ids.joined(separator: ", ")))",
                        at: entry.location, code: "unknown-reference")
                    continue
                }
                if let kind = policy.match.kind, provider.kind != kind {
                    diagnostics.error(
                        "provider '\(provider.id)' makes \(provider.kind.rawValue), but policy '\(policy.id)' routes \(kind.rawValue) requests",
                        at: entry.location, code: "kind-mismatch")
                }
            }
            if rule.strategy == .weighted, rule.plan.allSatisfy({ $0.weight == 0 }) {
                diagnostics.error("rule '\(rule.name)' uses strategy weighted but every weight is 0", at: rule.location, code: "invalid-value")
            }
        }
    }

    /// Caps and budgets are compared with provider prices, so they must share a currency.
    private func checkCurrency(_ policy: Policy) {
        var first: (currency: String, provider: String)?
        for entry in policy.rules.flatMap(\.plan) {
            guard let provider = config.provider(entry.provider) else { continue }
            let currency = provider.pricing.currency
            if let expected = policy.currency, currency != expected {
                diagnostics.error(
                    "provider '\(provider.id)' prices in \(currency), but policy '\(policy.id)' is in \(expected); Switchyard does not convert currencies",
                    at: entry.location, code: "currency-mismatch")
            } else if policy.currency == nil, let first, first.currency != currency {
                diagnostics.error(
                    "provider '\(provider.id)' prices in \(currency) but '\(first.provider)' in \(first.currency); set 'currency' on the policy and use providers that price in it",
                    at: entry.location, code: "currency-mismatch")
            }
            if first == nil { first = (currency, provider.id) }
        }
    }

    private func checkErrorTable(_ policy: Policy, knownOutcomes: Set<String>) {
        for entry in policy.onError.entries {
            guard case .outcome(let name) = entry.key, !knownOutcomes.contains(name), let location = entry.location else { continue }
            diagnostics.error(
                "unknown outcome '\(name)' in on_error\(Suggestion.hint(for: name, in: knownOutcomes)) (keys are a status (429), a class (5xx), one of \(ErrorTable.builtInOutcomes.joined(separator: ", ")), or a code from a descriptor's code_map)",
                at: location, code: "unknown-outcome")
        }
    }

    private func fileStem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.split(separator: ".").first.map(String.init) ?? name
    }
}
