extension Policy {
    /// Decodes a policy document. References to providers are checked later, once every
    /// descriptor is loaded.
    static func decode(_ root: ConfigNode) -> Policy? {
        root.mapping { m -> Policy? in
            m.allowExtensionKeys()
            let id = m.required("policy")?.identifier()
            let description = m["description"]?.string()
            let tiers = m.required("tiers").map(decodeTiers) ?? []
            let tierNames = tiers.map(\.name)
            let match = m["match"].flatMap { decodeMatch($0) } ?? PolicyMatch(kind: nil, conditions: [], location: root.location)
            let defaultTier = m["default_tier"].flatMap { node in node.identifier().flatMap { checkTier($0, tierNames, at: node) } }
            let constraints = m["constraints"].flatMap(decodeConstraints) ?? RequestConstraints()
            let rules = m.required("rules").flatMap { decodeRules($0, tierNames: tierNames) } ?? []
            let limits = m["limits"].flatMap(decodeLimits) ?? PolicyLimits()
            let budget = m["budget"].flatMap(decodeBudget)
            let queueing = m["concurrency"].flatMap(decodeQueueing) ?? .default
            let cache = m["cache"].flatMap { node in
                node.mapping { c -> CacheSettings? in
                    let ttl = c.required("ttl")?.duration(positive: true)
                    let maxEntries = c["max_entries"]?.int(min: 1, max: 100_000_000) ?? 10_000
                    return ttl.map { CacheSettings(ttl: $0, maxEntries: maxEntries) }
                } ?? nil
            }
            let currency = m["currency"]?.currencyCode()
            let onError = m["on_error"].flatMap(decodeErrorTable) ?? ErrorTable()
            let lintIgnore =
                m["lint"]?.mapping { l in
                    l["ignore"]?.sequence()?.compactMap { node -> String? in
                        guard let code = node.rawString() else { return nil }
                        guard Linter.codes.contains(code) else {
                            node.error(
                                "unknown lint finding '\(code)'\(Suggestion.hint(for: code, in: Linter.codes)) (codes: \(Linter.codes.joined(separator: ", ")))",
                                code: "unknown-value")
                            return nil
                        }
                        return code
                    } ?? []
                } ?? []
            guard let id else { return nil }
            return Policy(
                id: id, description: description, match: match, tiers: tiers, defaultTier: defaultTier,
                constraints: constraints, rules: rules, limits: limits, budget: budget, queueing: queueing, cache: cache, currency: currency,
                onError: onError, lintIgnore: Set(lintIgnore), location: root.location)
        } ?? nil
    }

    /// With no tiers decoded (their own error is reported), references are not checked again.
    private static func checkTier(_ name: String, _ tiers: [String], at node: ConfigNode) -> String? {
        guard tiers.isEmpty || tiers.contains(name) else {
            node.error(
                "unknown tier '\(name)'\(Suggestion.hint(for: name, in: tiers)) (the policy defines \(tiers.joined(separator: ", ")))",
                code: "unknown-reference")
            return nil
        }
        return name
    }

    private static func decodeTiers(_ node: ConfigNode) -> [Tier] {
        let tiers =
            node.mapping { m in
                m.allEntries.compactMap { entry -> Tier? in
                    entry.value.mapping { t in
                        Tier(
                            name: entry.key, resolution: t["resolution"]?.resolution(), bitrateKbps: t["bitrate_kbps"]?.int(min: 1),
                            fps: t["fps"]?.int(min: 1, max: 1000), location: entry.keyNode.location)
                    }
                }
            } ?? []
        if tiers.isEmpty, node.isMapping { node.error("'tiers' needs at least one tier", code: "empty") }
        return tiers
    }

    private static func decodeMatch(_ node: ConfigNode) -> PolicyMatch? {
        node.mapping { m in
            let kind = m["kind"]?.oneOf(MediaKind.self)
            let conditions =
                m["metadata"]?.mapping { meta in
                    meta.allEntries.compactMap { entry in
                        decodeCondition(field: .metadata(entry.key), entry.value, at: entry.keyNode.location, tierNames: [])
                    }
                } ?? []
            return PolicyMatch(kind: kind, conditions: conditions, location: node.location)
        }
    }

    private static func decodeConstraints(_ node: ConfigNode) -> RequestConstraints? {
        node.mapping { m in
            RequestConstraints(
                durations: m["durations"].flatMap(ProviderDescriptor.decodeDurationSupport),
                aspectRatios: m["aspect_ratios"]?.sequence()?.compactMap { $0.aspectRatio() }, location: node.location)
        }
    }

    private static func decodeRules(_ node: ConfigNode, tierNames: [String]) -> [Rule]? {
        guard let items = node.sequence() else { return nil }
        if items.isEmpty { node.error("'rules' needs at least one rule", code: "empty") }
        var seen: [String: SourceLocation] = [:]
        return items.enumerated().compactMap { index, item in
            guard let rule = decodeRule(item, index: index, tierNames: tierNames) else { return nil }
            if let first = seen[rule.name] {
                item.error("duplicate rule name '\(rule.name)' (first at line \(first.line))", code: "duplicate")
            }
            seen[rule.name] = rule.location
            return rule
        }
    }

    private static func decodeRule(_ node: ConfigNode, index: Int, tierNames: [String]) -> Rule? {
        node.mapping { m -> Rule? in
            let name = m["name"]?.identifier() ?? "rule-\(index + 1)"
            let conditions =
                m["when"]?.mapping { w in
                    w.allEntries.compactMap { entry -> Condition? in
                        guard let field = RequestField(parsing: entry.key) else {
                            let known = Array(RequestField.named.keys) + ["features.<name>", "metadata.<key>", "voice.speed"]
                            entry.keyNode.error(
                                "unknown request field '\(entry.key)' in 'when'\(Suggestion.hint(for: entry.key, in: known)) (fields: \(known.sorted().joined(separator: ", ")))",
                                code: "unknown-key")
                            return nil
                        }
                        return decodeCondition(field: field, entry.value, at: entry.keyNode.location, tierNames: tierNames)
                    }
                } ?? []
            let strategy = m["strategy"]?.oneOf(Strategy.self) ?? .ordered
            let planNodes = m.required("plan")?.sequence() ?? []
            let plan = planNodes.compactMap { decodePlanEntry($0, tierNames: tierNames) }
            if strategy != .weighted {
                for entryNode in planNodes where entryNode.hasKey("weight") {
                    entryNode.warning("'weight' has no effect unless the rule's strategy is weighted", code: "no-effect")
                }
            }
            if plan.isEmpty, let planNode = m["plan"], planNode.isSequence {
                planNode.error("the plan of rule '\(name)' is empty; list at least one provider", code: "empty-plan")
            }
            var providersSeen: Set<String> = []
            for entry in plan where !providersSeen.insert("\(entry.provider)/\(entry.tier ?? "")").inserted {
                node.context.diagnostics.error(
                    "provider '\(entry.provider)' appears twice in the plan of rule '\(name)' on the same tier", at: entry.location, code: "duplicate"
                )
            }
            guard !plan.isEmpty else { return nil }
            return Rule(name: name, conditions: conditions, plan: plan, strategy: strategy, location: node.location)
        } ?? nil
    }

    private static func decodePlanEntry(_ node: ConfigNode, tierNames: [String]) -> PlanEntrySpec? {
        if !node.isMapping {
            return node.identifier().map { PlanEntrySpec(provider: $0, tier: nil, weight: 1, location: node.location) }
        }
        return node.mapping { m -> PlanEntrySpec? in
            let provider = m.required("provider")?.identifier()
            let tier = m["tier"].flatMap { t in t.identifier().flatMap { checkTier($0, tierNames, at: t) } }
            let weight = m["weight"]?.int(min: 0, max: 1_000_000) ?? 1
            guard let provider else { return nil }
            return PlanEntrySpec(provider: provider, tier: tier, weight: weight, location: node.location)
        } ?? nil
    }

    /// `field: value`, `field: [a, b]` (in) or `field: {op: value, ...}`.
    static func decodeCondition(field: RequestField, _ node: ConfigNode, at location: SourceLocation, tierNames: [String]) -> Condition? {
        func value(_ node: ConfigNode) -> JSONValue? {
            let json = node.jsonValue()
            switch field {
            case .aspectRatio:
                return node.aspectRatio().map { .string($0.description) }
            case .quality:
                guard let name = node.identifier() else { return nil }
                return tierNames.isEmpty || checkTier(name, tierNames, at: node) != nil ? .string(name) : nil
            case .kind:
                return node.oneOf(MediaKind.self).map { .string($0.rawValue) }
            case .feature, .hasImage:
                return node.bool().map(JSONValue.bool)
            case .durationSeconds, .imageBytes:
                guard json.doubleValue != nil else {
                    node.error("expected a number for \(node.name), got \(node.kindDescription)", code: "wrong-type")
                    return nil
                }
                return json
            default:
                return json
            }
        }
        func number(_ node: ConfigNode) -> Double? {
            node.double()
        }

        var tests: [Condition.Test] = []
        var failed = false
        if node.isSequence {
            let values = (node.sequence() ?? []).compactMap(value)
            tests.append(.oneOf(values))
        } else if node.isMapping {
            let decoded = node.mapping { ops -> Bool in
                var ok = true
                if let n = ops["eq"] { if let v = value(n) { tests.append(.eq(v)) } else { ok = false } }
                if let n = ops["in"] { tests.append(.oneOf((n.sequence() ?? []).compactMap(value))) }
                if let n = ops["not_in"] { tests.append(.noneOf((n.sequence() ?? []).compactMap(value))) }
                if let n = ops["gt"] { if let v = number(n) { tests.append(.gt(v)) } else { ok = false } }
                if let n = ops["gte"] { if let v = number(n) { tests.append(.gte(v)) } else { ok = false } }
                if let n = ops["lt"] { if let v = number(n) { tests.append(.lt(v)) } else { ok = false } }
                if let n = ops["lte"] { if let v = number(n) { tests.append(.lte(v)) } else { ok = false } }
                if let n = ops["exists"] { if let v = n.bool() { tests.append(.exists(v)) } else { ok = false } }
                return ok
            }
            failed = decoded != true
            if tests.isEmpty, !failed {
                node.error("a condition needs an operator: eq, in, not_in, gt, gte, lt, lte or exists", code: "empty")
                failed = true
            }
        } else if let v = value(node) {
            tests.append(.eq(v))
        } else {
            failed = true
        }
        guard !failed else { return nil }
        return Condition(field: field, tests: tests, location: location)
    }

    private static func decodeLimits(_ node: ConfigNode) -> PolicyLimits? {
        node.mapping { m in
            PolicyLimits(
                maxCostPerRequest: m["max_cost_per_request"]?.money(), maxAttempts: m["max_attempts"]?.int(min: 1, max: 1000),
                deadline: m["deadline"]?.duration(positive: true), location: node.location)
        }
    }

    private enum WhenFull: String, CaseIterable {
        case queue, skip
    }

    /// `concurrency: {when_full: queue, max_wait: 10s}` or `{when_full: skip}`.
    private static func decodeQueueing(_ node: ConfigNode) -> QueuePolicy? {
        node.mapping { m -> QueuePolicy? in
            let whenFull = m.required("when_full")?.oneOf(WhenFull.self)
            let maxWait = m["max_wait"]?.duration()
            switch whenFull {
            case .queue: return .queue(maxWait: maxWait ?? .seconds(10))
            case .skip:
                if let node = m["max_wait"] { node.warning("'max_wait' has no effect with when_full: skip", code: "no-effect") }
                return .skip
            case nil: return nil
            }
        } ?? nil
    }

    private static func decodeBudget(_ node: ConfigNode) -> Budget? {
        node.mapping { m -> Budget? in
            m.required("daily_per_user")?.money().map { Budget(dailyPerUser: $0, location: node.location) }
        } ?? nil
    }

    private static func decodeErrorTable(_ node: ConfigNode) -> ErrorTable? {
        node.mapping { m in
            ErrorTable(
                entries: m.allEntries.compactMap { entry -> ErrorTable.Entry? in
                    let key: OutcomeKey
                    if let pattern = StatusPattern(parsing: entry.key) {
                        switch pattern {
                        case .exact(let code): key = .status(code)
                        case .statusClass(let digit): key = .statusClass(digit)
                        }
                    } else if let name = entry.keyNode.outcomeName() {
                        key = .outcome(name)
                    } else {
                        return nil
                    }
                    return decodeErrorAction(entry.value, key: key).map { ErrorTable.Entry(key: key, action: $0, location: entry.keyNode.location) }
                })
        }
    }

    private enum ActionName: String, CaseIterable {
        case retry, fallback, fail
    }

    private enum DelayName: String, CaseIterable {
        case retryAfter = "retry_after"
        case fixed, exponential
    }

    private enum ThenName: String, CaseIterable {
        case fallback, fail
    }

    private static func decodeErrorAction(_ node: ConfigNode, key: OutcomeKey) -> ErrorAction? {
        if !node.isMapping {
            guard let name = node.oneOf(ActionName.self) else { return nil }
            switch name {
            case .fallback: return .fallback
            case .retry: return .retry(RetryAction(attempts: 1, delay: .retryAfter, then: .fallback))
            case .fail:
                node.error("'fail' needs a message: write {action: fail, message: \"...\"}", code: "missing-key")
                return nil
            }
        }
        return node.mapping { m -> ErrorAction? in
            guard let action = m.required("action")?.oneOf(ActionName.self) else {
                m.abandon()
                return nil
            }
            switch action {
            case .fallback:
                return .fallback
            case .fail:
                return decodeFail(m, key: key).map(ErrorAction.fail)
            case .retry:
                let attempts = m["attempts"]?.int(min: 1, max: 100) ?? 1
                let delay: RetryAction.Delay =
                    switch m["delay"]?.oneOf(DelayName.self) ?? .retryAfter {
                    case .retryAfter: .retryAfter
                    case .fixed: .fixed
                    case .exponential: .exponential
                    }
                let interval = m["interval"]?.duration() ?? .seconds(1)
                let factor = m["factor"]?.double(min: 1, max: 10) ?? 2
                if delay != .exponential, let factorNode = m["factor"] {
                    factorNode.warning("'factor' has no effect unless delay is exponential", code: "no-effect")
                }
                let jitter = m["jitter"]?.double(min: 0, max: 1) ?? 0
                let maxDelay = m["max_delay"]?.duration(positive: true) ?? .seconds(60)
                let thenName = m["then"]?.oneOf(ThenName.self) ?? .fallback
                let then: RetryAction.Then
                switch thenName {
                case .fallback: then = .fallback
                case .fail:
                    guard let fail = decodeFail(m, key: key) else { return nil }
                    then = .fail(fail)
                }
                return .retry(
                    RetryAction(attempts: attempts, delay: delay, interval: interval, factor: factor, jitter: jitter, maxDelay: maxDelay, then: then))
            }
        } ?? nil
    }

    private static func decodeFail(_ m: MappingReader, key: OutcomeKey) -> FailAction? {
        guard let message = m.required("message")?.string() else { return nil }
        if message.isEmpty, let node = m["message"] { node.error("the user-facing 'message' must not be empty", code: "empty") }
        let code = m["code"]?.snakeCase(what: "failure codes") ?? defaultFailCode(for: key)
        return FailAction(message: message, code: code)
    }

    /// `http_402`, `http_4xx`, or the outcome name itself.
    static func defaultFailCode(for key: OutcomeKey) -> String {
        switch key {
        case .status(let code): "http_\(code)"
        case .statusClass(let digit): "http_\(digit)xx"
        case .outcome(let name): name
        }
    }
}
