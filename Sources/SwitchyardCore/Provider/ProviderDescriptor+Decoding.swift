extension ProviderDescriptor {
    /// Decodes a descriptor document, reporting every problem to the node's collector.
    static func decode(_ root: ConfigNode) -> ProviderDescriptor? {
        root.mapping { m -> ProviderDescriptor? in
            m.allowExtensionKeys()
            let id = m.required("provider")?.identifier()
            let kind = m.required("kind")?.oneOf(MediaKind.self)
            let displayName = m["display_name"]?.string()
            let enabled = m["enabled"]?.bool() ?? true
            let baseURL = m.required("base_url").flatMap(decodeBaseURL)
            let mappings = m["mappings"].map(decodeMappings) ?? []
            var scope = TemplateScope.request.adding(mappings.map(\.name))
            let webhook = m["webhook"].flatMap(decodeWebhook)
            if webhook != nil { scope = scope.adding(["webhook_url"]) }
            let jobScope = scope.adding(TemplateScope.job.names)
            let auth = m["auth"].flatMap(decodeAuth)
            let headers = m["headers"].map { decodeHeaders($0, scope: scope) } ?? []
            let capabilities = m["capabilities"].flatMap(decodeCapabilities) ?? Capabilities()
            let submit = m.required("submit").flatMap { decodeSubmit($0, scope: scope, capabilities: capabilities) }
            let poll = m["poll"].flatMap { decodePoll($0, scope: jobScope) }
            let result = m.required("result").flatMap { decodeResult($0, scope: jobScope) }
            let errors = m["errors"].flatMap(decodeErrors) ?? ErrorSpec()
            let cancel = m["cancel"].flatMap { decodeRequest($0, scope: jobScope, defaultMethod: .DELETE) }
            let pricing = m.required("pricing").flatMap(decodePricing)
            let limits = m["limits"].flatMap(decodeLimits) ?? ProviderLimits()
            let breaker = m["circuit_breaker"].flatMap(decodeCircuitBreaker) ?? CircuitBreakerSettings()

            if let submit, submit.mode == .async, !m.has("poll"), let submitNode = m["submit"] {
                submitNode.error("an async submit needs a 'poll' section (or set mode: sync)", code: "missing-key")
            }
            validateMappings(mappings, capabilities: capabilities, in: root)

            guard let id, let kind, let baseURL, let submit, let result, let pricing else { return nil }
            return ProviderDescriptor(
                id: id, kind: kind, displayName: displayName, enabled: enabled, baseURL: baseURL, auth: auth,
                headers: headers, mappings: mappings, submit: submit, poll: poll, result: result, errors: errors,
                cancel: cancel, webhook: webhook, pricing: pricing, capabilities: capabilities, limits: limits,
                circuitBreaker: breaker, location: root.location)
        } ?? nil
    }

    private static func decodeBaseURL(_ node: ConfigNode) -> String? {
        guard let url = node.string() else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count else {
            // Quote what was written, not what the environment made of it: that may be a secret.
            node.error(
                "'base_url' must be an http:// or https:// URL, got \"\(node.scalarText ?? "")\"\(url == node.scalarText ? "" : " (after ${env:...} substitution)")"
            )
            return nil
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private static func decodeMappings(_ node: ConfigNode) -> [ValueMapping] {
        node.mapping { m in
            m.allEntries.compactMap { entry -> ValueMapping? in
                guard TemplateParser.isVariableName(entry.key), !TemplateScope.job.allows(entry.key) else {
                    entry.keyNode.error(
                        "mapping name '\(entry.key)' must be a new variable name, not one of the built-in variables", code: "invalid-value")
                    return nil
                }
                return entry.value.mapping { v -> ValueMapping? in
                    let source = v.required("from")?.rawString()
                    if let source, !TemplateScope.request.allows(source), let from = v["from"] {
                        from.error(
                            "unknown variable '\(source)' in 'from'\(Suggestion.hint(for: source, in: TemplateScope.request.names))",
                            code: "unknown-reference")
                    }
                    var table: [String: JSONValue] = [:]
                    if let mapNode = v.required("map") {
                        mapNode.mapping { map in
                            for item in map.allEntries { table[item.key] = item.value.jsonValue() }
                        }
                    }
                    guard let source else { return nil }
                    return ValueMapping(name: entry.key, source: source, table: table, location: entry.value.location)
                } ?? nil
            }
        } ?? []
    }

    /// A mapping of aspect ratios must cover every ratio the provider declares.
    private static func validateMappings(_ mappings: [ValueMapping], capabilities: Capabilities, in root: ConfigNode) {
        for mapping in mappings where mapping.source == "aspect_ratio" {
            for ratio in capabilities.aspectRatios ?? [] where mapping.table[ratio.description] == nil {
                root.context.diagnostics.error(
                    "mapping '\(mapping.name)' has no value for aspect ratio \(ratio), which the provider declares in capabilities",
                    at: mapping.location, code: "incomplete-mapping")
            }
        }
    }

    static func decodeSecret(_ node: ConfigNode) -> SecretReference? {
        guard node.isMapping else {
            node.error("a secret must be {env: NAME} or {file: PATH}, never the value itself (\(node.name))", code: "wrong-type")
            return nil
        }
        return node.mapping { m -> SecretReference? in
            let env = m["env"]
            let file = m["file"]
            switch (env, file) {
            case (let env?, nil):
                guard let name = env.rawString() else { return nil }
                guard EnvironmentInterpolation.isVariableName(name) else {
                    // Not echoed: a key pasted here by mistake must not reach a log.
                    env.error("'env' must name an environment variable (letters, digits, '_'); is this the secret itself?")
                    return nil
                }
                return .environment(name)
            case (nil, let file?):
                return file.string().map(SecretReference.file)
            default:
                m.owner.error("a secret must have exactly one of 'env' or 'file'", code: "invalid-value")
                return nil
            }
        } ?? nil
    }

    private static func decodeAuth(_ node: ConfigNode) -> ProviderAuth? {
        node.mapping { m -> ProviderAuth? in
            let header = m["header"]?.rawString()
            let query = m["query"]?.rawString()
            let scheme = m["scheme"]?.rawString()
            let valueNode = m["value"]
            let secret = m.required("secret").flatMap(decodeSecret)
            let placement: ProviderAuth.Placement
            switch (header, query) {
            case (let header?, nil): placement = .header(header)
            case (nil, let query?): placement = .query(query)
            default:
                m.owner.error("auth needs exactly one of 'header' or 'query'", code: "invalid-value")
                return nil
            }
            let value: Template?
            if let valueNode {
                if scheme != nil { valueNode.error("give either 'scheme' or 'value', not both", code: "invalid-value") }
                value = valueNode.stringTemplate(scope: .auth)
            } else {
                value = try? Template(string: scheme.map { "\($0) {{secret}}" } ?? "{{secret}}", scope: .auth)
            }
            if let value, !value.variables.contains("secret"), let valueNode {
                valueNode.error("the auth value must contain {{secret}}", code: "invalid-value")
            }
            guard let value, let secret else { return nil }
            return ProviderAuth(placement: placement, value: value, secret: secret, secretLocation: m["secret"]?.location ?? m.owner.location)
        } ?? nil
    }

    private static func decodeHeaders(_ node: ConfigNode, scope: TemplateScope) -> [HeaderTemplate] {
        node.mapping { m in
            m.allEntries.compactMap { entry in
                entry.value.stringTemplate(scope: scope).map { HeaderTemplate(name: entry.key, value: $0) }
            }
        } ?? []
    }

    /// The parts every call shares: method, path or url, body, headers.
    static func decodeRequest(_ node: ConfigNode, scope: TemplateScope, defaultMethod: HTTPRequestSpec.Method) -> HTTPRequestSpec? {
        node.mapping { m in decodeRequest(m, scope: scope, defaultMethod: defaultMethod) } ?? nil
    }

    private static func decodeRequest(_ m: MappingReader, scope: TemplateScope, defaultMethod: HTTPRequestSpec.Method) -> HTTPRequestSpec? {
        let method = m["method"]?.oneOf(HTTPRequestSpec.Method.self) ?? defaultMethod
        let path = m["path"]
        let url = m["url"]
        let target: HTTPRequestSpec.Target?
        switch (path, url) {
        case (let path?, nil):
            target = path.stringTemplate(scope: scope).map(HTTPRequestSpec.Target.path)
            if let text = path.scalarText, !text.hasPrefix("/"), !text.hasPrefix("${") {
                path.error("'path' must start with '/', got \"\(text)\"")
            }
        case (nil, let url?):
            target = url.stringTemplate(scope: scope).map(HTTPRequestSpec.Target.url)
        default:
            m.owner.error("needs exactly one of 'path' (under base_url) or 'url'", code: "missing-key")
            target = nil
        }
        let body = m["body"]?.template(scope: scope)
        if body != nil, method == .GET, let bodyNode = m["body"] {
            bodyNode.error("a GET request cannot have a body", code: "invalid-value")
        }
        let headers = m["headers"].map { decodeHeaders($0, scope: scope) } ?? []
        guard let target else { return nil }
        return HTTPRequestSpec(method: method, target: target, body: body, headers: headers)
    }

    private static func decodeSubmit(_ node: ConfigNode, scope: TemplateScope, capabilities: Capabilities) -> SubmitSpec? {
        node.mapping { m -> SubmitSpec? in
            let request = decodeRequest(m, scope: scope, defaultMethod: .POST)
            let mode = m["mode"]?.oneOf(SubmitSpec.Mode.self) ?? .async
            let accepted =
                m["accepted_status"].map { node in
                    node.sequenceOrSingle().compactMap { $0.int(min: 100, max: 599) }
                } ?? [200, 201, 202]
            let jobID = m["job_id"]?.jsonPath()
            let urls =
                m["urls"].flatMap { node in
                    node.mapping { u in
                        ReturnedURLs(poll: u["poll"]?.jsonPath(), result: u["result"]?.jsonPath(), cancel: u["cancel"]?.jsonPath())
                    }
                } ?? ReturnedURLs()
            let idempotency = m["idempotency_header"]?.rawString()
            // A present but malformed job_id is reported where it is written; only absence is reported here.
            if mode == .async, !m.has("job_id"), m["urls"]?.hasKey("poll") != true {
                node.error("an async submit needs 'job_id' or 'urls.poll' to find the job", code: "missing-key")
            }
            if let request {
                for variable in request.body?.variables ?? [] where variable.hasPrefix("image.") {
                    let mode = ImageInputMode(rawValue: String(variable.dropFirst("image.".count)))
                    if let mode, !capabilities.imageInputs.contains(mode) {
                        (m["body"] ?? node).error(
                            "the body sends {{\(variable)}} but capabilities.image_inputs does not list \(mode.rawValue)", code: "inconsistent")
                    }
                }
            }
            guard let request else { return nil }
            return SubmitSpec(
                request: request, mode: mode, acceptedStatuses: accepted, jobID: jobID, returnedURLs: urls, idempotencyHeader: idempotency)
        } ?? nil
    }

    private static func decodePoll(_ node: ConfigNode, scope: TemplateScope) -> PollSpec? {
        node.mapping { m -> PollSpec? in
            let request = decodeRequest(m, scope: scope, defaultMethod: .GET)
            let interval = m["interval"].flatMap(decodeBackoff) ?? Backoff(initial: .seconds(5), max: .seconds(5))
            let timeout = m["timeout"]?.duration(positive: true) ?? .seconds(900)
            let ruleNodes = m.required("state")?.sequence() ?? []
            let states = ruleNodes.compactMap(decodeStateRule)
            if ruleNodes.isEmpty, let stateNode = m["state"], stateNode.isSequence {
                stateNode.error("'poll.state' needs at least one rule", code: "empty")
            }
            // Only when every rule decoded: a misspelt state is reported where it is written.
            if states.count == ruleNodes.count, !states.isEmpty, !states.contains(where: { $0.state == .succeeded }), let stateNode = m["state"] {
                stateNode.error("'poll.state' has no rule that yields 'succeeded'", code: "incomplete")
            }
            guard let request else { return nil }
            return PollSpec(request: request, interval: interval, timeout: timeout, states: states)
        } ?? nil
    }

    static func decodeBackoff(_ node: ConfigNode) -> Backoff? {
        if !node.isMapping {
            return node.duration().map { Backoff(initial: $0, max: $0) }
        }
        return node.mapping { m -> Backoff? in
            let initial = m.required("initial")?.duration(positive: true)
            let maximum = m["max"]?.duration()
            let factor = m["factor"]?.double(min: 1, max: 10) ?? 1
            let jitter = m["jitter"]?.double(min: 0, max: 1) ?? 0
            guard let initial else { return nil }
            if let maximum, maximum < initial, let maxNode = m["max"] {
                maxNode.error("'max' (\(TimeSpan.format(maximum))) is below 'initial' (\(TimeSpan.format(initial)))", code: "out-of-range")
            }
            return Backoff(initial: initial, max: maximum ?? initial, factor: factor, jitter: jitter)
        } ?? nil
    }

    private static func decodeStateRule(_ node: ConfigNode) -> StateRule? {
        node.mapping { m -> StateRule? in
            let path = m.required("path")?.jsonPath()
            let state = m.required("is")?.oneOf(JobState.self)
            var tests: [StateRule.Test] = []
            if let list = m["in"] { tests.append(.oneOf(list.sequenceOrSingle().map { $0.jsonValue() })) }
            if let value = m["equals"] { tests.append(.equals(value.jsonValue())) }
            if let exists = m["exists"] { exists.bool().map { tests.append(.exists($0)) } }
            let code = m["code"]?.outcomeName()
            if tests.count != 1 {
                m.owner.error("a state rule needs exactly one of 'in', 'equals' or 'exists'", code: "invalid-value")
            }
            if code != nil, state != .failed, let codeNode = m["code"] {
                codeNode.error("'code' only applies to rules that yield 'failed'", code: "invalid-value")
            }
            guard let path, let state, tests.count == 1 else { return nil }
            return StateRule(path: path, test: tests[0], state: state, code: code, location: node.location)
        } ?? nil
    }

    private static func decodeResult(_ node: ConfigNode, scope: TemplateScope) -> ResultSpec? {
        node.mapping { m -> ResultSpec? in
            let fetch = m["fetch"].flatMap { decodeRequest($0, scope: scope, defaultMethod: .GET) }
            let encoding = m["encoding"]?.oneOf(ResultSpec.Encoding.self) ?? .url
            let duration = m["duration"]?.jsonPath()
            let outputs =
                m.required("outputs")?.mapping { o in
                    o.allEntries.compactMap { entry in entry.value.jsonPath().map { ResultSpec.Output(name: entry.key, path: $0) } }
                } ?? []
            if outputs.isEmpty, let outputsNode = m["outputs"], outputsNode.isMapping {
                outputsNode.error("'result.outputs' needs at least one output", code: "empty")
            }
            guard !outputs.isEmpty else { return nil }
            return ResultSpec(fetch: fetch, outputs: outputs, encoding: encoding, durationPath: duration)
        } ?? nil
    }

    private static func decodeErrors(_ node: ConfigNode) -> ErrorSpec? {
        node.mapping { m -> ErrorSpec in
            let messages = m["message"]?.sequenceOrSingle().compactMap { $0.jsonPath() } ?? []
            let codes = m["code"]?.sequenceOrSingle().compactMap { $0.jsonPath() } ?? []
            let statusMap =
                m["status_map"]?.mapping { s in
                    s.allEntries.compactMap { entry -> ErrorSpec.StatusRule? in
                        guard let pattern = StatusPattern(parsing: entry.key) else {
                            entry.keyNode.error("'\(entry.key)' is not a status (429) or class (5xx)", code: "invalid-value")
                            return nil
                        }
                        return entry.value.outcomeName().map { ErrorSpec.StatusRule(status: pattern, outcome: $0) }
                    }
                } ?? []
            let codeMap =
                m["code_map"]?.mapping { c in
                    c.allEntries.compactMap { entry in
                        entry.value.outcomeName().map { ErrorSpec.CodeRule(pattern: GlobPattern(entry.key), outcome: $0) }
                    }
                } ?? []
            let retryAfter = m["retry_after"]?.sequenceOrSingle().compactMap(decodeRetryAfterSource) ?? []
            return ErrorSpec(messagePaths: messages, codePaths: codes, statusMap: statusMap, codeMap: codeMap, retryAfter: retryAfter)
        }
    }

    private static func decodeRetryAfterSource(_ node: ConfigNode) -> RetryAfterSource? {
        guard let text = node.rawString() else { return nil }
        if text.hasPrefix("header:") {
            let name = text.dropFirst("header:".count).trimmingSpaces()
            guard !name.isEmpty else {
                node.error("'header:' needs a header name, such as header:Retry-After")
                return nil
            }
            return .header(name)
        }
        if text.hasPrefix("body:") || text.hasPrefix("$") {
            let source = text.hasPrefix("body:") ? String(text.dropFirst("body:".count)).trimmingSpaces() : text
            do {
                return .body(try JSONPath(source))
            } catch {
                node.error("malformed JSONPath \"\(source)\" in \(node.name): \(error)", code: "malformed-jsonpath")
                return nil
            }
        }
        node.error("a retry_after source is header:NAME or body:$.json.path, got \"\(text)\"")
        return nil
    }

    private static func decodeWebhook(_ node: ConfigNode) -> WebhookSpec? {
        node.mapping { m -> WebhookSpec? in
            let scheme = m.required("scheme")?.oneOf(WebhookSpec.Scheme.self)
            let secret = m["secret"].flatMap(decodeSecret)
            let jwks = m["jwks_url"]?.string()
            let tolerance = m["tolerance"]?.duration() ?? .seconds(300)
            if scheme == .standardWebhooksHMACSHA256, secret == nil {
                m.owner.error("scheme standard_webhooks_hmac_sha256 needs a 'secret'", code: "missing-key")
            }
            if scheme == .ed25519JWKS, jwks == nil {
                m.owner.error("scheme ed25519_jwks needs a 'jwks_url'", code: "missing-key")
            }
            guard let scheme else { return nil }
            return WebhookSpec(scheme: scheme, secret: secret, secretLocation: m["secret"]?.location, jwksURL: jwks, tolerance: tolerance)
        } ?? nil
    }

    private static func decodePricing(_ node: ConfigNode) -> Pricing? {
        node.mapping { m -> Pricing? in
            let unit = m.required("unit")?.oneOf(Pricing.Unit.self)
            let price = m.required("price")?.money()
            let currency = m.required("currency")?.currencyCode()
            let rates =
                m["rates"]?.sequence()?.compactMap { rateNode in
                    rateNode.mapping { r -> Pricing.Rate? in
                        let price = r.required("price")?.money()
                        let when = r.required("when")?.mapping { w in
                            (tier: w["tier"]?.identifier(), resolution: w["resolution"]?.resolution())
                        }
                        guard let price, let when else { return nil }
                        return Pricing.Rate(tier: when.tier, resolution: when.resolution, price: price, location: rateNode.location)
                    } ?? nil
                } ?? []
            guard let unit, let price, let currency else { return nil }
            return Pricing(unit: unit, price: price, currency: currency, rates: rates)
        } ?? nil
    }

    private static func decodeCapabilities(_ node: ConfigNode) -> Capabilities? {
        node.mapping { m -> Capabilities in
            let durations = m["durations"].flatMap(decodeDurationSupport)
            let ratios = m["aspect_ratios"]?.sequence()?.compactMap { $0.aspectRatio() }
            let resolutions = m["resolutions"]?.sequence()?.compactMap { $0.resolution() }
            let maxFPS = m["max_fps"]?.int(min: 1, max: 1000)
            let inputs = m["image_inputs"]?.sequence()?.compactMap { $0.oneOf(ImageInputMode.self) } ?? ImageInputMode.allCases
            let maxBytes = m["max_input_bytes"]?.byteSize(positive: true)
            let features = m["features"]?.sequence()?.compactMap { $0.identifier() } ?? []
            return Capabilities(
                durations: durations, aspectRatios: ratios, resolutions: resolutions, maxFPS: maxFPS, imageInputs: inputs,
                maxInputBytes: maxBytes, features: Set(features))
        }
    }

    static func decodeDurationSupport(_ node: ConfigNode) -> DurationSupport? {
        if node.isSequence {
            let values = node.sequence()?.compactMap { $0.int(min: 1, max: 86_400) } ?? []
            if values.isEmpty { node.error("'durations' needs at least one value", code: "empty") }
            return values.isEmpty ? nil : .set(values.sorted())
        }
        return node.mapping { m -> DurationSupport? in
            let low = m.required("min")?.int(min: 1, max: 86_400)
            let high = m.required("max")?.int(min: 1, max: 86_400)
            guard let low, let high else { return nil }
            guard low <= high else {
                m.owner.error("'min' (\(low)) is above 'max' (\(high))", code: "out-of-range")
                return nil
            }
            return .range(low...high)
        } ?? nil
    }

    private static func decodeCircuitBreaker(_ node: ConfigNode) -> CircuitBreakerSettings? {
        node.mapping { m in
            let defaults = CircuitBreakerSettings()
            return CircuitBreakerSettings(
                consecutiveFailures: m["consecutive_failures"]?.int(min: 1, max: 10_000) ?? defaults.consecutiveFailures,
                failureRate: m["failure_rate"]?.double(min: 0.01, max: 1) ?? defaults.failureRate,
                window: m["window"]?.duration(positive: true) ?? defaults.window,
                minimumCalls: m["minimum_calls"]?.int(min: 1, max: 1_000_000) ?? defaults.minimumCalls,
                cooldown: m["cooldown"]?.duration(positive: true) ?? defaults.cooldown)
        }
    }

    private static func decodeLimits(_ node: ConfigNode) -> ProviderLimits? {
        node.mapping { m in
            ProviderLimits(
                requestsPerMinute: m["rpm"]?.int(min: 1), maxConcurrent: m["max_concurrent"]?.int(min: 1),
                timeout: m["timeout"]?.duration(positive: true) ?? ProviderLimits.defaultTimeout, requestsPerDay: m["per_day"]?.int(min: 1))
        }
    }
}

extension ConfigNode {
    func aspectRatio() -> AspectRatio? {
        guard let text = rawString() else { return nil }
        guard let ratio = AspectRatio(parsing: text) else {
            error("malformed aspect ratio \"\(text)\" for \(name); write W:H such as 16:9, or square, portrait, landscape", code: "invalid-value")
            return nil
        }
        return ratio
    }

    func resolution() -> Resolution? {
        guard let text = rawString() else { return nil }
        guard let resolution = Resolution(parsing: text) else {
            error("malformed resolution \"\(text)\" for \(name); write 720p, 1080p or 4k", code: "invalid-value")
            return nil
        }
        return resolution
    }

    /// A three-letter ISO 4217 code.
    func currencyCode() -> String? {
        guard let text = rawString() else { return nil }
        guard text.count == 3, text.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            error("currency must be an ISO 4217 code such as INR or USD, got \"\(text)\"", code: "invalid-value")
            return nil
        }
        return text
    }

    /// An outcome name in a status or code map: snake_case, like the policy keys it feeds.
    func outcomeName() -> String? {
        snakeCase(what: "outcome names")
    }

    /// A stable machine-readable name: snake_case, such as `content_policy`.
    func snakeCase(what: String) -> String? {
        guard let text = rawString() else { return nil }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            error("\(what) are snake_case, such as content_policy, got \"\(text)\"", code: "invalid-value")
            return nil
        }
        return text
    }
}
