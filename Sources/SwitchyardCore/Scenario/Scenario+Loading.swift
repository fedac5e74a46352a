extension Scenario {
    /// A scenario file's decoding: the scenario when the file has no errors, and every finding.
    public struct LoadResult: Sendable {
        /// nil when any error was found.
        public var scenario: Scenario?
        /// Errors and warnings, sorted by position.
        public var diagnostics: [Diagnostic]
    }

    /// Decodes a scenario file strictly: unknown keys, wrong types, out-of-range values and
    /// contradictory fields are errors located at `path:line:column`, all reported at once.
    ///
    /// Pure: the caller reads the file.
    /// - Parameters:
    ///   - text: the file's text.
    ///   - path: the path used in diagnostics.
    ///   - knownProviders: the provider ids the caller serves; a scenario entry for any other id
    ///     is an error. nil accepts every id.
    public static func load(text: String, path: String, knownProviders: [String]? = nil) -> LoadResult {
        let collector = DiagnosticCollector()
        let context = DecodingContext(file: path, variables: [:], diagnostics: collector)
        var scenario: Scenario?
        if let document = document(text: text, path: path, collector: collector) {
            scenario = decode(ConfigNode(node: document, context: context, trail: nil), knownProviders: knownProviders)
        }
        let diagnostics = collector.diagnostics.sortedByLocation()
        return LoadResult(scenario: diagnostics.hasErrors ? nil : scenario, diagnostics: diagnostics)
    }

    /// The one YAML document of a scenario.
    private static func document(text: String, path: String, collector: DiagnosticCollector) -> YAMLNode? {
        let nodes = YAMLDocuments.parse(text, path: path, collector: collector)
        if nodes.count > 1 {
            let mark = nodes[1].mark
            collector.error(
                "a scenario file holds one YAML document", at: SourceLocation(file: path, line: mark.line, column: mark.column), code: "invalid-value"
            )
        }
        return nodes.first
    }

    static func decode(_ root: ConfigNode, knownProviders: [String]?) -> Scenario? {
        root.mapping { m -> Scenario? in
            m.allowExtensionKeys()
            let seed = m["seed"].map { $0.int(min: 0).map(UInt64.init) } ?? 0
            var providers: [ScenarioProvider] = []
            if let providersNode = m["providers"] {
                providersNode.mapping { entries in
                    for entry in entries.allEntries {
                        guard let id = entry.keyNode.identifier() else { continue }
                        if let knownProviders, !knownProviders.contains(id) {
                            entry.keyNode.error(
                                "unknown provider '\(id)' in the scenario\(Suggestion.hint(for: id, in: knownProviders)) (known providers: \(knownProviders.sorted().joined(separator: ", ")))",
                                code: "unknown-reference")
                        }
                        if let provider = ScenarioProvider.decode(entry.value, id: id, at: entry.keyNode.location) {
                            providers.append(provider)
                        }
                    }
                }
            }
            var arrivals: ScenarioArrivals?
            if let node = m["arrivals"] {
                guard let decoded = ScenarioArrivals.decode(node) else { return nil }
                arrivals = decoded
            }
            guard let seed else { return nil }
            return Scenario(seed: seed, providers: providers, arrivals: arrivals)
        } ?? nil
    }
}

extension ScenarioProvider {
    static func decode(_ node: ConfigNode, id: String, at location: SourceLocation) -> ScenarioProvider? {
        if node.isNull { return ScenarioProvider(id: id, location: location) }
        return node.mapping { m -> ScenarioProvider? in
            let latency = m["latency"].map { LatencyDistribution.decode($0) } ?? LatencyDistribution.default
            var faults: [ScenarioFault?] = []
            if let list = m["faults"]?.sequence() {
                faults = list.map(ScenarioFault.decode)
            }
            guard let latency, faults.allSatisfy({ $0 != nil }) else { return nil }
            let provider = ScenarioProvider(id: id, latency: latency, faults: faults.compactMap { $0 }, location: location)
            provider.warnAboutUnreachableFaults(in: node)
            return provider
        } ?? nil
    }

    /// A fault that earlier, always-active faults crowd out for every call it applies to can
    /// never fire: its share of the draw is past 1.
    private func warnAboutUnreachableFaults(in node: ConfigNode) {
        for (index, fault) in faults.enumerated() {
            let shadowed = fault.calls.allSatisfy { call in
                let before = faults[..<index].filter { $0.window.isAlways && $0.calls.contains(call) }
                return before.reduce(0) { $0 + $1.probability } >= 1
            }
            guard shadowed, let location = fault.location else { continue }
            node.context.diagnostics.warning(
                "this fault can never fire: the faults before it, active at all times, already take the whole draw",
                at: location, code: "unreachable-fault")
        }
    }
}

extension ScenarioArrivals {
    /// The most arrivals one scenario may generate: a bound, so a typo cannot run for days.
    static let maxCount = 100_000_000

    static func decode(_ node: ConfigNode) -> ScenarioArrivals? {
        node.mapping { m -> ScenarioArrivals? in
            let process = m.required("process")?.oneOf(Process.self)
            let rate = m.required("rate_per_s")?.double(min: 0)
            let count = m.required("count")?.int(min: 1, max: maxCount)
            let from = m["from"].map { $0.duration() } ?? .zero
            let users = m["users"].map { $0.int(min: 1) } ?? 1
            if let rate, rate <= 0 { m["rate_per_s"]?.error("'rate_per_s' must be more than 0, got \(rate)", code: "out-of-range") }
            guard let list = m.required("mix")?.sequence() else { return nil }
            if list.isEmpty { m["mix"]?.error("'mix' needs at least one {weight, request} entry", code: "invalid-value") }
            let mix = list.map(Entry.decode)
            if mix.allSatisfy({ $0 != nil }), !mix.isEmpty, mix.reduce(0, { $0 + ($1?.weight ?? 0) }) <= 0 {
                m["mix"]?.error("the weights in 'mix' add up to 0: no request could ever be picked", code: "out-of-range")
                return nil
            }
            guard let process, let rate, rate > 0, let count, let from, let users, !mix.isEmpty, mix.allSatisfy({ $0 != nil }) else { return nil }
            return ScenarioArrivals(process: process, ratePerSecond: rate, count: count, from: from, users: users, mix: mix.compactMap { $0 })
        } ?? nil
    }
}

extension ScenarioArrivals.Entry {
    /// `{weight: 3, request: {kind: video, …}}`: the request is checked now, as the first
    /// arrival would make it, so a bad field is reported at its line instead of a million times.
    static func decode(_ node: ConfigNode) -> ScenarioArrivals.Entry? {
        node.mapping { m -> ScenarioArrivals.Entry? in
            let weight = m["weight"].map { $0.double(min: 0) } ?? 1
            guard let requestNode = m.required("request") else { return nil }
            guard requestNode.isMapping else {
                requestNode.error("expected a request mapping such as {kind: video, prompt: …} for \(requestNode.name)", code: "wrong-type")
                return nil
            }
            let request = requestNode.jsonValue()
            if request["id"] != nil {
                requestNode.error(
                    "generated requests are numbered arrival-1, arrival-2, …; remove 'id' from \(requestNode.name)", code: "invalid-value")
                return nil
            }
            if case .failure(let errors) = ScenarioArrivals.request(from: request, number: 1, user: 1) {
                for error in errors.errors {
                    let field = error.field.isEmpty ? requestNode.path : "\(requestNode.path).\(error.field)"
                    requestNode.error("'\(field)': \(error.message)", code: "invalid-value")
                }
                return nil
            }
            guard let weight else { return nil }
            return ScenarioArrivals.Entry(weight: weight, request: request)
        } ?? nil
    }
}

extension LatencyDistribution {
    /// `{distribution: exponential, mean: 40s}`, or a bare duration for a fixed latency.
    static func decode(_ node: ConfigNode) -> LatencyDistribution? {
        guard node.isMapping else {
            if node.isSequence {
                node.error("expected a mapping such as {distribution: exponential, mean: 40s} or a duration for \(node.name)", code: "wrong-type")
                return nil
            }
            return node.duration().map(LatencyDistribution.fixed)
        }
        return node.mapping { m -> LatencyDistribution? in
            guard let kind = m.required("distribution")?.oneOf(Kind.self) else {
                m.abandon()
                return nil
            }
            switch kind {
            case .fixed:
                return m.required("mean")?.duration().map(LatencyDistribution.fixed)
            case .exponential:
                return m.required("mean")?.duration().map { LatencyDistribution.exponential(mean: $0) }
            case .uniform:
                let minNode = m.required("min")
                let maxNode = m.required("max")
                guard let low = minNode?.duration(), let high = maxNode?.duration() else { return nil }
                guard low <= high else {
                    maxNode?.error(
                        "'max' (\(TimeSpan.format(high))) must not be less than 'min' (\(TimeSpan.format(low))) in \(m.owner.name)",
                        code: "out-of-range")
                    return nil
                }
                return .uniform(min: low, max: high)
            case .lognormal:
                let p50Node = m.required("p50")
                let p99Node = m.required("p99")
                guard let p50 = p50Node?.duration(positive: true), let p99 = p99Node?.duration(positive: true) else { return nil }
                guard p50 <= p99 else {
                    p99Node?.error(
                        "'p99' (\(TimeSpan.format(p99))) must not be less than 'p50' (\(TimeSpan.format(p50))) in \(m.owner.name)",
                        code: "out-of-range")
                    return nil
                }
                return .lognormal(p50: p50, p99: p99)
            }
        } ?? nil
    }
}

extension ScenarioFault {
    /// The `error:` values.
    enum ErrorKind: String, CaseIterable {
        case timeout
        case connection
        case malformedJSON = "malformed_json"
        case contentPolicy = "content_policy"
    }

    /// The longest a hung request may be held.
    static let maxHold: Duration = .seconds(3_600)

    static func decode(_ node: ConfigNode) -> ScenarioFault? {
        node.mapping { m -> ScenarioFault? in
            let statusNode = m["status"]
            let errorNode = m["error"]
            let jobNode = m["job_failure"]
            let retryAfterNode = m["retry_after"]
            let codeNode = m["code"]
            let messageNode = m["message"]
            let holdNode = m["hold"]
            let delayNode = m["delay"]
            let probabilityNode = m["probability"]
            let fromNode = m["from"]
            let untilNode = m["until"]
            let onNode = m["on"]

            let kinds = [("status", statusNode), ("error", errorNode), ("job_failure", jobNode)].filter { $0.1 != nil }.map(\.0)
            if kinds.count > 1 {
                m.owner.error(
                    "a fault has one of 'status', 'error' or 'job_failure', not \(kinds.map { "'\($0)'" }.joined(separator: " and "))",
                    code: "invalid-value")
                return nil
            }
            if kinds.isEmpty, delayNode == nil {
                m.owner.error(
                    "a fault needs one of 'status', 'error' or 'job_failure', or just a 'delay' for a slow response", code: "missing-key")
                return nil
            }
            var valid = true
            func only(_ node: ConfigNode?, _ key: String, with what: String, when allowed: Bool) {
                guard let node, !allowed else { return }
                node.error("'\(key)' applies only to \(what)", code: "invalid-value")
                valid = false
            }
            let errorKind = errorNode?.oneOf(ErrorKind.self)
            only(retryAfterNode, "retry_after", with: "a 'status' fault", when: statusNode != nil)
            only(codeNode, "code", with: "a 'status' fault (a job failure's code is its value)", when: statusNode != nil)
            only(
                messageNode, "message", with: "a 'status', 'job_failure' or 'error: content_policy' fault",
                when: statusNode != nil || jobNode != nil || errorKind == .contentPolicy)
            only(holdNode, "hold", with: "an 'error: timeout' fault", when: errorKind == .timeout)

            let message = messageNode?.rawString()
            let effect: Effect?
            if let statusNode {
                let retryAfter = retryAfterNode?.duration()
                let code = codeNode?.rawString()
                effect = statusNode.int(min: 400, max: 599).map { status in
                    .status(StatusReply(status: status, retryAfter: retryAfter, code: code, message: message))
                }
                if retryAfterNode != nil, retryAfter == nil { valid = false }
            } else if errorNode != nil {
                switch errorKind {
                case .timeout:
                    let hold = holdNode.map { $0.duration(positive: true) } ?? defaultHold
                    if let hold, hold > maxHold {
                        holdNode?.error("'hold' must be at most 1h, got \(TimeSpan.format(hold))", code: "out-of-range")
                        valid = false
                    }
                    effect = hold.map { .hang(hold: $0) }
                case .connection: effect = .connectionReset
                case .malformedJSON: effect = .malformedJSON
                case .contentPolicy: effect = .contentPolicy(message: message)
                case nil: effect = nil
                }
            } else if let jobNode {
                effect = nonEmpty(jobNode, key: "job_failure").map { .jobFailure(JobFailure(code: $0, message: message)) }
            } else {
                effect = .respond
            }

            let delay = delayNode.map { $0.duration() } ?? Duration.zero
            let probability = probabilityNode.map { $0.double(min: 0, max: 1) } ?? 1
            let from = fromNode.map { $0.duration() } ?? Duration.zero
            let until = untilNode?.duration()
            if untilNode != nil, until == nil { valid = false }
            if let from, let until, until <= from {
                untilNode?.error(
                    "'until' (\(TimeSpan.format(until))) must be later than 'from' (\(TimeSpan.format(from)))", code: "out-of-range")
                valid = false
            }
            let calls = onNode.map(decodeCalls) ?? [.submit]
            if jobNode != nil, let calls, calls != [.submit], let onNode {
                onNode.error("a 'job_failure' fault applies to 'submit' only: the job is accepted, then fails", code: "invalid-value")
                valid = false
            }
            guard valid, let effect, let delay, let probability, let from, let calls else { return nil }
            return ScenarioFault(
                effect: effect, delay: delay, probability: probability, window: ScenarioWindow(from: from, until: until),
                calls: calls, location: m.owner.location)
        } ?? nil
    }

    private static func nonEmpty(_ node: ConfigNode, key: String) -> String? {
        guard let text = node.rawString() else { return nil }
        guard !text.isEmpty else {
            node.error("'\(key)' must not be empty", code: "invalid-value")
            return nil
        }
        return text
    }

    /// `on: poll` or `on: [submit, poll]`.
    private static func decodeCalls(_ node: ConfigNode) -> Set<ProviderCallKind>? {
        let elements = node.sequenceOrSingle()
        guard !elements.isEmpty else {
            node.error("'on' must name at least one of \(ProviderCallKind.allCases.map(\.rawValue).joined(separator: ", "))", code: "invalid-value")
            return nil
        }
        let calls = elements.map { $0.oneOf(ProviderCallKind.self) }
        guard calls.allSatisfy({ $0 != nil }) else { return nil }
        return Set(calls.compactMap { $0 })
    }
}
