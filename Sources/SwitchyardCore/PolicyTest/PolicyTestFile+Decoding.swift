extension PolicyTestFile {
    /// A test file's decoding: the file when it has no errors, and every finding.
    public struct LoadResult: Sendable {
        /// nil when any error was found.
        public var file: PolicyTestFile?
        /// Errors and warnings, sorted by position.
        public var diagnostics: [Diagnostic]
    }

    /// Decodes a policy test file strictly, as the config is decoded: unknown keys (with a "did
    /// you mean"), wrong types, bad requests, states and scenarios, and names the config does not
    /// know (providers, rules, tiers, error-table rows) are errors at `path:line:column`, all at once.
    ///
    /// Pure: the caller reads the file.
    /// - Parameters:
    ///   - text: the file's text.
    ///   - path: the path used in diagnostics and failure lines.
    ///   - config: the config the tests run against, whose names the file may use.
    public static func load(text: String, path: String, config: Config) -> LoadResult {
        let collector = DiagnosticCollector()
        let context = DecodingContext(file: path, variables: [:], diagnostics: collector)
        var cases: [PolicyTestCase]?
        let documents = YAMLDocuments.parse(text, path: path, collector: collector)
        if documents.count > 1 {
            let mark = documents[1].mark
            collector.error(
                "a policy test file holds one YAML document", at: SourceLocation(file: path, line: mark.line, column: mark.column),
                code: "invalid-value")
        }
        if let document = documents.first {
            cases = PolicyTestDecoder(config: config).decode(ConfigNode(node: document, context: context, trail: nil))
        }
        let diagnostics = collector.diagnostics.sortedByLocation()
        let file = diagnostics.hasErrors ? nil : cases.map { PolicyTestFile(path: path, cases: $0) }
        return LoadResult(file: file, diagnostics: diagnostics)
    }
}

/// The names a test file may use, from the config, for "did you mean" hints.
private struct PolicyTestDecoder {
    let providers: [String]
    let policies: [String]
    let rules: [String]
    let tiers: [String]
    let errorRows: [String]

    init(config: Config) {
        providers = config.providers.map(\.id)
        policies = config.policies.map(\.id)
        rules = unique(config.policies.flatMap { $0.rules.map(\.name) })
        tiers = unique(config.policies.flatMap { $0.tiers.map(\.name) })
        errorRows = unique((config.policies.flatMap(\.onError.entries) + ErrorTable.defaults.entries).map(\.key.description))
    }

    static let expectationKeys = ["policy", "rule", "plan", "excluded", "outcome", "cost", "attempts", "elapsed", "fallback_used", "on_error"]

    func decode(_ root: ConfigNode) -> [PolicyTestCase]? {
        root.mapping { m -> [PolicyTestCase]? in
            m.allowExtensionKeys()
            guard let list = m.required("tests")?.sequence() else { return nil }
            if list.isEmpty {
                m["tests"]?.error("'tests' needs at least one case: {name, request, expect}", code: "invalid-value")
                return nil
            }
            var seen: [String: SourceLocation] = [:]
            var cases: [PolicyTestCase] = []
            var valid = true
            for (index, node) in list.enumerated() {
                guard let testCase = decodeCase(node, index: index) else {
                    valid = false
                    continue
                }
                if let first = seen[testCase.name] {
                    node.error("duplicate test name '\(testCase.name)' (first at line \(first.line)); names identify failures", code: "duplicate-id")
                    valid = false
                }
                seen[testCase.name] = seen[testCase.name] ?? testCase.location
                cases.append(testCase)
            }
            return valid ? cases : nil
        } ?? nil
    }

    private func decodeCase(_ node: ConfigNode, index: Int) -> PolicyTestCase? {
        node.mapping { m -> PolicyTestCase? in
            let nameNode = m.required("name")
            var name = nameNode?.rawString()
            if let nameNode, name?.allSatisfy(\.isWhitespace) == true {
                nameNode.error("\(nameNode.name) must not be empty", code: "invalid-value")
                name = nil
            }
            let request = m.required("request").flatMap { decodeRequest($0, id: "test-\(index + 1)") }
            let state = m["state"].map(decodeState) ?? WorldState.empty
            let scenario = m["scenario"].map(decodeScenario) ?? Scenario()
            let expectations = m.required("expect").flatMap(decodeExpectations)
            guard let name, let request, let state, let scenario, let expectations else { return nil }
            return PolicyTestCase(
                name: name, request: request, state: state, scenario: scenario, expectations: expectations, location: node.location)
        } ?? nil
    }

    /// A request as `plan` takes it, written in YAML; each bad field is reported at its line.
    private func decodeRequest(_ node: ConfigNode, id: String) -> Request? {
        guard node.isMapping else {
            node.error("expected a request mapping such as {kind: video, duration_s: 30, …} for \(node.name)", code: "wrong-type")
            return nil
        }
        switch Request.decode(node.jsonValue()) {
        case .success(var request):
            if request.id == nil { request.id = id }
            return request
        case .failure(let errors):
            report(errors, under: node)
            return nil
        }
    }

    /// A world state as `plan --state` reads it.
    private func decodeState(_ node: ConfigNode) -> WorldState? {
        guard node.isMapping else {
            node.error("expected a state mapping such as {providers: {veo3: {available: false}}} for \(node.name)", code: "wrong-type")
            return nil
        }
        switch WorldState.decode(node.jsonValue(), knownProviders: providers) {
        case .success(let state):
            return state
        case .failure(let errors):
            report(errors, under: node)
            return nil
        }
    }

    /// An inline scenario: provider faults and latencies, in the scenario file format.
    private func decodeScenario(_ node: ConfigNode) -> Scenario? {
        guard node.isMapping else {
            node.error("expected a scenario mapping such as {providers: {veo3: {faults: [{status: 500}]}}} for \(node.name)", code: "wrong-type")
            return nil
        }
        if node.hasKey("arrivals") {
            node.descend("arrivals").error("a test case runs its one request; 'arrivals' has no place in \(node.name)", code: "invalid-value")
            return nil
        }
        return Scenario.decode(node, knownProviders: providers)
    }

    private func report(_ errors: RequestErrors, under node: ConfigNode) {
        for error in errors.errors {
            let field = error.field.isEmpty ? node.path : "\(node.path).\(error.field)"
            node.descend(error.field).error("'\(field)': \(error.message)", code: "invalid-value")
        }
    }

    // MARK: - Expectations

    private func decodeExpectations(_ node: ConfigNode) -> [PolicyExpectation]? {
        node.mapping { m -> [PolicyExpectation]? in
            var expectations: [PolicyExpectation] = []
            var valid = true
            for key in Self.expectationKeys {
                guard let value = m[key] else { continue }
                guard let kind = decodeExpectation(key, value) else {
                    valid = false
                    continue
                }
                expectations.append(PolicyExpectation(kind, at: m.keyLocation(key) ?? value.location))
            }
            // With keys that are all unknown, their "did you mean" errors say enough.
            if valid, expectations.isEmpty, case .mapping(let mapping) = node.node, mapping.isEmpty {
                node.error("\(node.name) needs at least one of \(Self.expectationKeys.joined(separator: ", "))", code: "missing-key")
                return nil
            }
            return valid ? expectations : nil
        } ?? nil
    }

    private func decodeExpectation(_ key: String, _ node: ConfigNode) -> PolicyExpectation.Kind? {
        switch key {
        case "policy": return known(node, among: policies, what: "policy").map(PolicyExpectation.Kind.policy)
        case "rule": return known(node, among: rules, what: "rule").map(PolicyExpectation.Kind.rule)
        case "plan": return decodePlan(node).map(PolicyExpectation.Kind.plan)
        case "excluded": return decodeExcluded(node).map(PolicyExpectation.Kind.excluded)
        case "outcome": return decodeOutcome(node).map(PolicyExpectation.Kind.outcome)
        case "cost": return decodeCost(node)
        case "attempts": return node.int(min: 0).map(PolicyExpectation.Kind.attempts)
        case "elapsed": return decodeElapsed(node)
        case "fallback_used": return node.bool().map(PolicyExpectation.Kind.fallbackUsed)
        case "on_error":
            let rows = node.sequence()?.map { known($0, among: errorRows, what: "error-table row") }
            guard let rows, rows.allSatisfy({ $0 != nil }) else { return nil }
            return .onError(rows.compactMap { $0 })
        default: return nil
        }
    }

    /// `[veo3, runway, {provider: nano-banana, tier: economy}]`; `[]` for a plan with no provider.
    private func decodePlan(_ node: ConfigNode) -> [PlannedProvider]? {
        guard let items = node.sequence() else { return nil }
        let entries = items.map { item -> PlannedProvider? in
            guard item.isMapping else { return provider(item).map { PlannedProvider(provider: $0) } }
            return item.mapping { m -> PlannedProvider? in
                let id = m.required("provider").flatMap(provider)
                let tier = m["tier"].map { known($0, among: tiers, what: "tier") }
                guard let id, tier != .some(nil) else { return nil }
                return PlannedProvider(provider: id, tier: tier ?? nil)
            } ?? nil
        }
        guard entries.allSatisfy({ $0 != nil }) else { return nil }
        return entries.compactMap { $0 }
    }

    /// `{runway: cost_cap, veo3: unavailable}`; `{}` for none.
    private func decodeExcluded(_ node: ConfigNode) -> [ExpectedExclusion]? {
        node.mapping { m -> [ExpectedExclusion]? in
            let entries = m.allEntries.map { entry -> ExpectedExclusion? in
                let id = provider(entry.keyNode)
                let reason = entry.value.oneOf(ExclusionReason.self)
                guard let id, let reason else { return nil }
                return ExpectedExclusion(provider: id, reason: reason)
            }
            guard entries.allSatisfy({ $0 != nil }) else { return nil }
            return entries.compactMap { $0 }
        } ?? nil
    }

    private enum OutcomeWord: String, CaseIterable {
        case succeeded, failed, rejected
    }

    /// `succeeded`, `{succeeded: runway}`, `{failed: payment_required, message: "…"}`, `{rejected: out_of_range}`.
    private func decodeOutcome(_ node: ConfigNode) -> ExpectedOutcome? {
        guard node.isMapping else {
            guard !node.isSequence else {
                node.error("expected succeeded, failed, rejected or a mapping such as {succeeded: veo3} for \(node.name)", code: "wrong-type")
                return nil
            }
            return node.oneOf(OutcomeWord.self).map { word in
                switch word {
                case .succeeded: .succeeded(provider: nil)
                case .failed: .failed(code: nil, message: nil)
                case .rejected: .rejected(code: nil)
                }
            }
        }
        return node.mapping { m -> ExpectedOutcome? in
            let words = OutcomeWord.allCases.filter { m.has($0.rawValue) }
            guard words.count == 1, let word = words.first else {
                m.abandon()
                node.error(
                    words.isEmpty
                        ? "\(node.name) needs one of 'succeeded', 'failed' or 'rejected'"
                        : "\(node.name) has one of 'succeeded', 'failed' or 'rejected', not \(words.map { "'\($0.rawValue)'" }.joined(separator: " and "))",
                    code: words.isEmpty ? "missing-key" : "invalid-value")
                return nil
            }
            let value = m[word.rawValue]
            let given = value?.isNull == false ? value : nil
            switch word {
            case .succeeded:
                let id = given.map(provider)
                guard id != .some(nil) else { return nil }
                return .succeeded(provider: id ?? nil)
            case .failed:
                let code = given.map { $0.rawString() }
                let message = m["message"].map { $0.rawString() }
                guard code != .some(nil), message != .some(nil) else { return nil }
                return .failed(code: code ?? nil, message: message ?? nil)
            case .rejected:
                let code = given.map { $0.rawString() }
                guard code != .some(nil) else { return nil }
                return .rejected(code: code ?? nil)
            }
        } ?? nil
    }

    /// `4.50` (exactly), or `{min: 0, max: 10}` (inclusive, either optional).
    private func decodeCost(_ node: ConfigNode) -> PolicyExpectation.Kind? {
        decodeRange(node, value: { $0.money() }, describe: { "\($0)" }).map { .cost(min: $0.min, max: $0.max) }
    }

    /// `7s` (exactly), or `{min: 2s, max: 1m}` (inclusive, either optional).
    private func decodeElapsed(_ node: ConfigNode) -> PolicyExpectation.Kind? {
        decodeRange(node, value: { $0.duration() }, describe: TimeSpan.format).map { .elapsed(min: $0.min, max: $0.max) }
    }

    /// A single value (both bounds), or `{min, max}` with at least one of them and `min ≤ max`.
    private func decodeRange<Value: Comparable>(
        _ node: ConfigNode, value: (ConfigNode) -> Value?, describe: (Value) -> String
    ) -> (min: Value?, max: Value?)? {
        guard node.isMapping else {
            return value(node).map { ($0, $0) }
        }
        return node.mapping { m -> (min: Value?, max: Value?)? in
            let minNode = m["min"]
            let maxNode = m["max"]
            let low = minNode.map(value)
            let high = maxNode.map(value)
            if minNode == nil, maxNode == nil {
                node.error("\(node.name) needs 'min', 'max' or both", code: "missing-key")
                return nil
            }
            guard low != .some(nil), high != .some(nil) else { return nil }
            if let low = low ?? nil, let high = high ?? nil, high < low {
                maxNode?.error("'max' (\(describe(high))) must not be less than 'min' (\(describe(low))) in \(node.name)", code: "out-of-range")
                return nil
            }
            return (low ?? nil, high ?? nil)
        } ?? nil
    }

    private func provider(_ node: ConfigNode) -> String? {
        known(node, among: providers, what: "provider")
    }

    /// A name the config defines, or an error with a "did you mean" and the names it knows.
    private func known(_ node: ConfigNode, among names: [String], what: String) -> String? {
        guard let text = node.rawString() else { return nil }
        guard names.contains(text) else {
            node.error(
                "unknown \(what) '\(text)' in \(node.name)\(Suggestion.hint(for: text, in: names)) (known: \(names.sorted().joined(separator: ", ")))",
                code: "unknown-reference")
            return nil
        }
        return text
    }
}

private func unique(_ names: [String]) -> [String] {
    var seen: Set<String> = []
    return names.filter { seen.insert($0).inserted }
}

extension ConfigNode {
    /// The node at a dotted field path below this one (`image.bytes`), as far as it exists: where
    /// a finding about that field is reported.
    fileprivate func descend(_ field: String) -> ConfigNode {
        var current = self
        for step in field.split(separator: ".").map(String.init) {
            guard case .mapping(let mapping) = current.node, let value = mapping.first(where: { $0.key.scalar?.string == step })?.value else {
                break
            }
            current = current.child(value, key: step)
        }
        return current
    }
}
