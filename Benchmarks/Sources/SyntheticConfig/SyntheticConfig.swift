public import SwitchyardCore

/// A large, deterministic config for scale benchmarks: `providers` descriptors shaped like the
/// shipped ones, and one policy with `rules` rules, each keyed on a tenant and a duration.
public struct SyntheticConfig: Sendable {
    public var providers: Int
    public var rules: Int

    public init(providers: Int = 1_000, rules: Int = 1_000) {
        self.providers = providers
        self.rules = rules
    }

    /// The config's files, as `switchyard` would read them from a directory.
    public func files() -> [ConfigFile] {
        var generator = SplitMix64(seed: 2026)
        var files: [ConfigFile] = []
        for index in 0..<providers {
            files.append(ConfigFile(path: "providers.d/\(providerID(index)).yaml", text: descriptor(index, &generator), role: .provider))
        }
        files.append(ConfigFile(path: "routes/synthetic.yaml", text: policy(&generator), role: .policy))
        return files
    }

    public func providerID(_ index: Int) -> String { "p\(String(index + 10_000).dropFirst())" }

    /// A request that matches the last tenant rule, so the planner scans every rule before it.
    public func lastRuleRequest() -> Request {
        Request(
            id: "bench", user: "user_1", kind: .video, prompt: "Hello", durationSeconds: 30, quality: "standard",
            aspectRatio: AspectRatio(width: 16, height: 9), metadata: ["tenant": .string("tenant-\(rules - 2)")])
    }

    private func descriptor(_ index: Int, _ generator: inout SplitMix64) -> String {
        let id = providerID(index)
        let price = 10 + Int(generator.next() % 290)
        let maxDuration = [30, 45, 60][Int(generator.next() % 3)]
        let resolutions = generator.next() % 4 == 0 ? "[720p]" : "[720p, 1080p]"
        let fps = [24, 30, 60][Int(generator.next() % 3)]
        return """
            provider: \(id)
            kind: video
            base_url: ${env:\(id.uppercased())_BASE_URL:-https://\(id).example.com/v1}
            auth: {header: Authorization, scheme: Bearer, secret: {env: \(id.uppercased())_KEY}}
            headers: {X-Api-Version: "2024-11-06"}
            pricing: {unit: per_output_second, price: 0.\(String(price + 1000).dropFirst()), currency: INR}
            capabilities:
              durations: {min: 5, max: \(maxDuration)}
              aspect_ratios: ["16:9", "9:16", "1:1"]
              resolutions: \(resolutions)
              max_fps: \(fps)
              image_inputs: [data_uri, url, base64]
              max_input_bytes: 16MB
              features: [lip_sync]
            limits: {rpm: 60, max_concurrent: 10, timeout: 60s}
            mappings:
              ratio: {from: aspect_ratio, map: {"16:9": "1280:720", "9:16": "720:1280", "1:1": "960:960"}}
            submit:
              path: /generate
              body: {model: m-\(index), image: "{{image.data_uri}}", prompt: "{{prompt}}", ratio: "{{ratio}}", seconds: "{{duration_s}}", fps: "{{fps}}"}
              job_id: $.id
            poll:
              path: /tasks/{{job.id}}
              interval: {initial: 5s, max: 30s, factor: 1.5, jitter: 0.2}
              timeout: 10m
              state:
                - {path: $.status, in: [PENDING, THROTTLED], is: queued}
                - {path: $.status, equals: RUNNING, is: running}
                - {path: $.status, equals: SUCCEEDED, is: succeeded}
                - {path: $.status, equals: FAILED, is: failed}
            result:
              outputs: {video_url: "$.output[0]"}
            errors:
              message: [$.failure, $.error.message]
              code: [$.failureCode]
              code_map: {"SAFETY.*": content_policy}
              retry_after: ["header:Retry-After"]

            """
    }

    private func policy(_ generator: inout SplitMix64) -> String {
        var text = """
            policy: synthetic
            match: {kind: video}
            currency: INR
            tiers:
              economy:  {resolution: 720p,  bitrate_kbps: 2000, fps: 24}
              standard: {resolution: 1080p, bitrate_kbps: 4000, fps: 30}
              premium:  {resolution: 1080p, bitrate_kbps: 8000, fps: 60}
            default_tier: standard
            constraints: {durations: {min: 5, max: 60}}
            limits: {max_cost_per_request: 10.00, max_attempts: 6, deadline: 15m}
            budget: {daily_per_user: 100.00}
            on_error:
              429: {action: retry, attempts: 2, delay: retry_after, then: fallback}
              5xx: fallback
              timeout: {action: retry, attempts: 1, then: fallback}
              connection: fallback
              content_policy: {action: fail, message: "Not allowed."}
              4xx: {action: fail, message: "Rejected."}
            rules:

            """
        let strategies = ["ordered", "cheapest", "ordered", "weighted"]
        for rule in 0..<rules {
            let plan = (0..<4).map { _ in providerID(Int(generator.next() % UInt64(providers))) }
            let unique = plan.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let entries = unique.map { "{provider: \($0), weight: \(1 + generator.next() % 5)}" }.joined(separator: ", ")
            if rule == rules - 1 {
                text += "  - name: fallback\n    plan: [\(entries)]\n"
            } else {
                text += """
                      - name: tenant-\(rule)
                        when: {metadata.tenant: tenant-\(rule), duration_s: {gte: 5, lte: 60}, quality: {in: [standard, premium]}}
                        strategy: \(strategies[rule % strategies.count])
                        plan: [\(entries)]

                    """
            }
        }
        return text
    }
}
