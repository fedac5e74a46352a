import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct ConfigLoaderTests {
    @Test func shippedConfigLoadsWithoutErrors() throws {
        let config = try shippedConfig()
        #expect(config.policies.map(\.id) == ["talkingphoto"])
        #expect(config.providers.map(\.id) == ["nano-banana", "runway", "veo3"])
        let veo3 = try #require(config.provider("veo3"))
        #expect(veo3.baseURL == "https://api.veo3.ai/v1")
        #expect(veo3.pricing.price == Money(decimal: "0.15"))
        #expect(veo3.capabilities.maxInputBytes == ByteSize(bytes: 200_000_000))
        #expect(veo3.submit.jobID?.source == "$.job_id")
    }

    @Test func baseURLComesFromTheEnvironment() throws {
        let result = ConfigLoader.load(shippedFiles(), environment: ["VEO3_API_BASE_URL": "http://127.0.0.1:9999/veo3"])
        #expect(result.config?.provider("veo3")?.baseURL == "http://127.0.0.1:9999/veo3")
    }

    @Test func exampleDescriptorsValidate() throws {
        let url = repositoryRoot.appendingPathComponent("examples/providers.d")
        let files = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().map { name in
            ConfigFile(
                path: "examples/providers.d/\(name)", text: try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8), role: .provider
            )
        }
        #expect(files.count == 2)
        let result = ConfigLoader.load(files)
        #expect(result.diagnostics.errors.isEmpty, "\(result.rendered)")
        #expect(result.config?.provider("gemini-veo")?.capabilities.durations == .set([4, 6, 8]))
        #expect(result.config?.provider("replicate-kling")?.webhook?.scheme == .standardWebhooksHMACSHA256)
    }

    @Test func unknownKeyIsAnErrorWithASuggestion() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "limts: {max_attempts: 3}")])
        #expect(result.config == nil)
        #expect(result.rendered == ["routes/demo.yaml:10:1: error: unknown key 'limts'; did you mean 'limits'?"])
    }

    @Test func nestedUnknownKeyNamesItsPath() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "limits: {max_atempts: 3}")])
        #expect(result.rendered == ["routes/demo.yaml:10:10: error: unknown key 'max_atempts' in 'limits'; did you mean 'max_attempts'?"])
    }

    @Test func wrongTypeIsAnError() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "limits: {max_attempts: many}")])
        #expect(result.rendered == ["routes/demo.yaml:10:24: error: expected an integer for 'limits.max_attempts', got 'many'"])
    }

    @Test func unknownProviderReferenceSuggestsTheClosest() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(plan: "[alpah]")])
        #expect(
            result.rendered == [
                "routes/demo.yaml:9:12: error: unknown provider 'alpah' in the plan of rule 'all'; did you mean 'alpha'? (known providers: alpha)"
            ])
    }

    @Test func unknownTierIsAnError() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(plan: "[{provider: alpha, tier: premum}]")])
        #expect(result.rendered.count == 1)
        #expect(result.rendered.first?.hasPrefix("routes/demo.yaml:9:36: error: unknown tier 'premum'") == true)
    }

    @Test func duplicatePolicyAndProviderIDs() {
        let result = load(
            providers: ["providers.d/a.yaml": descriptorYAML(), "providers.d/b.yaml": descriptorYAML()],
            policies: ["routes/a.yaml": policyYAML(), "routes/b.yaml": policyYAML()])
        #expect(
            result.rendered == [
                "providers.d/b.yaml:1:1: error: duplicate provider id 'alpha' (first defined at providers.d/a.yaml:1:1)",
                "routes/b.yaml:1:1: error: duplicate policy id 'demo' (first defined at routes/a.yaml:1:1)",
            ])
    }

    @Test func negativePriceIsAnError() {
        let result = load(providers: ["providers.d/alpha.yaml": descriptorYAML(price: "-0.5")], policies: ["routes/demo.yaml": policyYAML()])
        #expect(
            result.rendered == [
                "providers.d/alpha.yaml:5:43: error: 'pricing.price' must not be negative, got -0.5",
                "routes/demo.yaml:9:12: error: provider 'alpha' is not loaded because providers.d/alpha.yaml has errors",
            ])
    }

    @Test func emptyPlanIsAnError() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(plan: "[]")])
        #expect(result.rendered == ["routes/demo.yaml:9:11: error: the plan of rule 'all' is empty; list at least one provider"])
    }

    @Test func malformedDurationIsAnError() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "limits: {deadline: 15 minutes}")])
        #expect(
            result.rendered == [
                "routes/demo.yaml:10:20: error: malformed duration \"15 minutes\" for 'limits.deadline'; write a number with a unit: 300s, 5m, 1h, 250ms"
            ])
    }

    @Test func malformedByteSizeIsAnError() {
        let yaml = descriptorYAML().replacingOccurrences(of: "max_input_bytes: 10MB", with: "max_input_bytes: 10 megs")
        let result = load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()])
        #expect(result.rendered.count == 1)
        #expect(
            result.rendered.first?.hasPrefix(
                "providers.d/alpha.yaml:6:144: error: malformed byte size \"10 megs\" for 'capabilities.max_input_bytes'") == true)
    }

    @Test func malformedJSONPathIsAnError() {
        let yaml = descriptorYAML().replacingOccurrences(of: "job_id: $.id", with: "job_id: $.id[")
        let result = load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()])
        #expect(result.rendered.count == 1)
        #expect(result.rendered.first?.hasPrefix("providers.d/alpha.yaml:10:11: error: malformed JSONPath \"$.id[\" for 'submit.job_id'") == true)
    }

    @Test func unknownTemplateVariableIsReportedAtItsColumn() {
        let yaml = descriptorYAML().replacingOccurrences(of: "seconds: \"{{duration_s}}\"", with: "seconds: \"{{duraton_s}}\"")
        let result = load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()])
        #expect(result.rendered.count == 1)
        #expect(
            result.rendered.first?.hasPrefix(
                "providers.d/alpha.yaml:9:42: error: unknown template variable 'duraton_s'; did you mean 'duration_s'? (available here:") == true)
        #expect(result.rendered.first?.hasSuffix("(in 'submit.body.seconds')") == true)
    }

    @Test func unsetEnvironmentVariableWithoutDefaultIsAnError() {
        let yaml = descriptorYAML().replacingOccurrences(of: "base_url: https://alpha.example.com", with: "base_url: ${env:ALPHA_URL}")
        let result = load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()])
        #expect(
            result.rendered == [
                "providers.d/alpha.yaml:3:11: error: environment variable ALPHA_URL is not set (write ${env:ALPHA_URL:-default} to give a default) in 'base_url'",
                "routes/demo.yaml:9:12: error: provider 'alpha' is not loaded because providers.d/alpha.yaml has errors",
            ])
        let withDefault = descriptorYAML().replacingOccurrences(
            of: "base_url: https://alpha.example.com", with: "base_url: ${env:ALPHA_URL:-http://127.0.0.1:1}")
        #expect(
            load(providers: ["providers.d/alpha.yaml": withDefault], policies: ["routes/demo.yaml": policyYAML()]).config?.provider("alpha")?.baseURL
                == "http://127.0.0.1:1")
    }

    @Test func yamlSyntaxErrorIsLocated() {
        let result = load(policies: ["routes/demo.yaml": "policy: demo\nrules: [a, b\n"])
        #expect(result.rendered.count == 1)
        #expect(result.rendered.first?.hasPrefix("routes/demo.yaml:3:1: error: YAML syntax:") == true)
    }

    @Test func duplicateYAMLKeyIsAnError() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "default_tier: economy")])
        #expect(result.rendered.first?.contains("duplicate key 'default_tier'") == true)
    }

    @Test func allErrorsAreReportedSortedByFileAndLine() {
        let badDescriptor = descriptorYAML(price: "-1").replacingOccurrences(of: "job_id: $.id", with: "job_id: $..[")
        let result = load(
            providers: ["providers.d/alpha.yaml": badDescriptor],
            policies: ["routes/demo.yaml": policyYAML(plan: "[nope]", extra: "limits: {deadline: soon, max_cost_per_request: -3}")])
        let locations = result.diagnostics.map { "\($0.location.file):\($0.location.line)" }
        #expect(
            locations == [
                "providers.d/alpha.yaml:5", "providers.d/alpha.yaml:10", "routes/demo.yaml:9", "routes/demo.yaml:10", "routes/demo.yaml:10",
            ])
        #expect(result.diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test func secretsAreReferencesAndMissingOnesAreWarnings() throws {
        let config = try #require(load(policies: ["routes/demo.yaml": policyYAML()]).config)
        let warnings = config.missingSecrets(environment: [:], fileExists: { _ in false })
        #expect(
            warnings.map(\.description) == [
                "providers.d/alpha.yaml:4:55: warning: secret of provider 'alpha' is missing: environment variable ALPHA_KEY is not set; calls to it will fail"
            ])
        #expect(config.missingSecrets(environment: ["ALPHA_KEY": "s3cret"], fileExists: { _ in false }).isEmpty)
        #expect(!warnings.description.contains("s3cret"))
    }

    @Test func secretFilesAreCheckedThroughTheCaller() throws {
        let yaml = descriptorYAML().replacingOccurrences(of: "secret: {env: ALPHA_KEY}", with: "secret: {file: secrets/alpha.key}")
        let config = try #require(load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()]).config)
        #expect(config.secrets.map(\.reference) == [.file("secrets/alpha.key")])
        var asked: [String] = []
        let warnings = config.missingSecrets(environment: [:]) { path in
            asked.append(path)
            return false
        }
        #expect(asked == ["secrets/alpha.key"])
        #expect(warnings.map(\.message) == ["secret of provider 'alpha' is missing: file secrets/alpha.key cannot be read; calls to it will fail"])
        #expect(config.missingSecrets(environment: [:], fileExists: { _ in true }).isEmpty)
    }

    @Test func aSecretWrittenInlineIsRejected() {
        let yaml = descriptorYAML().replacingOccurrences(of: "secret: {env: ALPHA_KEY}", with: "secret: sk-live-123")
        let result = load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()])
        #expect(result.rendered.first?.contains("a secret must be {env: NAME} or {file: PATH}, never the value itself") == true)
        #expect(result.rendered.allSatisfy { !$0.contains("sk-live-123") })
    }

    @Test func policyCurrencyMustMatchProviders() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "currency: USD")])
        #expect(
            result.rendered == [
                "routes/demo.yaml:9:12: error: provider 'alpha' prices in INR, but policy 'demo' is in USD; Switchyard does not convert currencies"
            ])
    }

    @Test func errorTableKeysMustBeKnownOutcomes() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "on_error:\n  timeuot: {action: fallback}")])
        #expect(
            result.rendered.first?.hasPrefix("routes/demo.yaml:11:3: error: unknown outcome 'timeuot' in on_error; did you mean 'timeout'?") == true)
    }

    @Test func errorTableDecodesEveryAction() throws {
        let table = """
            on_error:
              402: {action: fail, message: "Upgrade.", code: payment_required}
              429: {action: retry, attempts: 3, delay: exponential, interval: 1s, factor: 2, jitter: 0.1, max_delay: 10s, then: fallback}
              5xx: fallback
              timeout: {action: retry, then: fail, message: "Too slow."}
            """
        let policy = try #require(load(policies: ["routes/demo.yaml": policyYAML(extra: table)]).config?.policies.first)
        let entries = policy.onError.entries
        #expect(entries.map(\.key) == [.status(402), .status(429), .statusClass(5), .outcome("timeout")])
        #expect(entries[0].action == .fail(FailAction(message: "Upgrade.", code: "payment_required")))
        #expect(
            entries[1].action
                == .retry(
                    RetryAction(
                        attempts: 3, delay: .exponential, interval: .seconds(1), factor: 2, jitter: 0.1, maxDelay: .seconds(10), then: .fallback)))
        #expect(entries[2].action == .fallback)
        #expect(
            entries[3].action == .retry(RetryAction(attempts: 1, delay: .retryAfter, then: .fail(FailAction(message: "Too slow.", code: "timeout")))))
    }

    @Test func conditionsDecodeEveryOperator() throws {
        let rules = """
            policy: demo
            match: {kind: video, metadata: {product: photo}}
            tiers: {standard: {resolution: 1080p}}
            default_tier: standard
            rules:
              - name: many
                when:
                  quality: standard
                  duration_s: {gt: 10, gte: 11, lt: 50, lte: 49}
                  aspect_ratio: {in: [square, "16:9"]}
                  metadata.plan: {not_in: [free]}
                  features.lip_sync: {exists: true}
                  user: [a, b]
                plan: [alpha]
            """
        let policy = try #require(load(policies: ["routes/demo.yaml": rules]).config?.policies.first)
        let conditions = policy.rules[0].conditions
        #expect(conditions.map(\.field) == [.quality, .durationSeconds, .aspectRatio, .metadata("plan"), .feature("lip_sync"), .user])
        #expect(conditions[1].tests == [.gt(10), .gte(11), .lt(50), .lte(49)])
        #expect(conditions[2].tests == [.oneOf(["1:1", "16:9"])])
        #expect(conditions[3].tests == [.noneOf(["free"])])
        #expect(conditions[5].tests == [.oneOf(["a", "b"])])
        #expect(policy.match.conditions.first?.tests == [.eq("photo")])
    }
}

@Suite struct YAMLFeatureTests {
    @Test func anchorsAliasesAndMergeKeysWork() throws {
        let policy = """
            policy: demo
            match: {kind: video}
            tiers:
              base: &base {resolution: 1080p, fps: 30, bitrate_kbps: 4000}
              standard: *base
              fast:
                <<: *base
                fps: 24
            default_tier: standard
            rules:
              - name: all
                plan: [alpha]
            """
        let result = load(policies: ["routes/demo.yaml": policy])
        let config = try #require(result.config, "\(result.rendered)")
        let tiers = try #require(config.policies.first?.tiers)
        #expect(tiers.map(\.name) == ["base", "standard", "fast"])
        #expect(tiers[1].fps == 30)
        #expect(tiers[2].fps == 24)
        #expect(tiers[2].bitrateKbps == 4000)
    }

    @Test func unknownKeysInsideAMergeAreStillReported() {
        let policy = policyYAML(extra: "x-defaults: &d {max_attempts: 3, max_atempts: 2}\nlimits:\n  <<: *d\nextra: 1")
        let result = load(policies: ["routes/demo.yaml": policy])
        #expect(result.rendered.count == 2)
        #expect(result.rendered.contains { $0.contains("unknown key 'max_atempts' in 'limits'; did you mean 'max_attempts'?") })
        #expect(result.rendered.contains { $0.contains("unknown key 'extra'") })
    }
}

/// Inputs from the review of the first version: each was a crash, a leak or silently accepted.
@Suite struct HostileConfigTests {
    @Test func hugeNumbersAreErrors() {
        let result = load(policies: [
            "routes/demo.yaml": policyYAML(
                extra:
                    "limits: {deadline: 9223372036854775807ms1ms, max_attempts: 99999999999999999999999, max_cost_per_request: 99999999999999999999}")
        ])
        #expect(result.rendered.contains { $0.contains("malformed duration") })
        #expect(result.rendered.contains { $0.contains("'limits.max_attempts' is too large") })
        #expect(result.rendered.contains { $0.contains("'limits.max_cost_per_request' is too large") })
    }

    @Test func zeroTimeoutsAreErrors() {
        let result = load(policies: ["routes/demo.yaml": policyYAML(extra: "limits: {deadline: 0s}")])
        #expect(result.rendered == ["routes/demo.yaml:10:20: error: 'limits.deadline' must be longer than 0"])
    }

    @Test func environmentValuesAreNotEchoed() {
        let yaml = descriptorYAML().replacingOccurrences(of: "base_url: https://alpha.example.com", with: "base_url: ${env:ALPHA_KEY}")
        let result = load(
            providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()], environment: ["ALPHA_KEY": "sk-SECRET123"])
        #expect(result.rendered.first?.contains("got \"${env:ALPHA_KEY}\" (after ${env:...} substitution)") == true)
        #expect(result.rendered.allSatisfy { !$0.contains("sk-SECRET123") })
        let pasted = descriptorYAML().replacingOccurrences(of: "secret: {env: ALPHA_KEY}", with: "secret: {env: sk-live-abc123}")
        let second = load(providers: ["providers.d/alpha.yaml": pasted], policies: ["routes/demo.yaml": policyYAML()])
        #expect(second.rendered.first?.contains("is this the secret itself?") == true)
        #expect(second.rendered.allSatisfy { !$0.contains("sk-live-abc123") })
    }

    @Test func featureConditionsAreBooleans() throws {
        let policy = policyYAML(plan: "[alpha]\n  - name: other\n    plan: [alpha]").replacingOccurrences(
            of: "  - name: all\n", with: "  - name: all\n    when: {features.lip_sync: yes}\n")
        let config = try #require(load(policies: ["routes/demo.yaml": policy]).config)
        #expect(config.policies[0].rules[0].conditions[0].tests == [.eq(true)])
        let wrong = load(policies: ["routes/demo.yaml": policy.replacingOccurrences(of: "yes}", with: "maybe}")])
        #expect(wrong.rendered.first?.contains("expected true or false") == true)
    }

    @Test func rateTiersMustExist() {
        let yaml = descriptorYAML().replacingOccurrences(
            of: "pricing: {unit: per_output_second, price: 0.10, currency: INR}",
            with: "pricing: {unit: per_output_second, price: 0.10, currency: INR, rates: [{when: {tier: premum}, price: 0.2}]}")
        let result = load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policyYAML()])
        #expect(result.rendered.count == 1)
        #expect(result.rendered.first?.contains("rate for unknown tier 'premum'") == true)
    }

    @Test func oneMistakeGivesOneError() {
        let noAction = load(policies: ["routes/demo.yaml": policyYAML(extra: "on_error:\n  5xx: {attempts: 2, then: fail}")])
        #expect(noAction.rendered == ["routes/demo.yaml:11:8: error: missing required key 'action' in 'on_error.5xx'"])
        let badState = descriptorYAML().replacingOccurrences(of: "is: succeeded}", with: "is: succeded}")
        let misspelt = load(providers: ["providers.d/alpha.yaml": badState], policies: ["routes/demo.yaml": policyYAML()])
        #expect(misspelt.diagnostics.errors.filter { $0.location.file.hasPrefix("providers.d") }.count == 1)
    }

    @Test func weightWithoutWeightedStrategyIsAWarning() throws {
        let result = load(policies: ["routes/demo.yaml": policyYAML(plan: "[{provider: alpha, weight: 3}]")])
        #expect(result.config != nil)
        #expect(result.diagnostics.warnings.map(\.message) == ["'weight' has no effect unless the rule's strategy is weighted"])
    }

    @Test func theWholeDocumentMustBeAMapping() {
        #expect(
            load(policies: ["routes/demo.yaml": "- a\n- b\n"]).rendered == [
                "routes/demo.yaml:1:1: error: expected a mapping for the document, got a list"
            ])
    }
}
