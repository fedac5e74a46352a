import Foundation
import SwitchyardCore
import SwitchyardRuntime

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Reads a config directory the way the CLI does (policy tests excluded).
func shippedFiles(_ directory: URL = repositoryRoot) -> [ConfigFile] {
    (try? ConfigDirectory.read(directory.path, relativeNames: true)) ?? []
}

/// The shipped talking-photo config, which must load cleanly.
func shippedConfig() throws -> Config {
    let result = ConfigLoader.load(shippedFiles())
    guard let config = result.config else { throw TestFailure(result.diagnostics.map(\.description).joined(separator: "\n")) }
    return config
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A minimal valid descriptor, with `extra` lines appended at top level.
func descriptorYAML(id: String = "alpha", price: String = "0.10", durations: String = "{min: 5, max: 60}", extra: String = "") -> String {
    """
    provider: \(id)
    kind: video
    base_url: https://\(id).example.com
    auth: {header: Authorization, scheme: Bearer, secret: {env: \(id.uppercased().replacingOccurrences(of: "-", with: "_"))_KEY}}
    pricing: {unit: per_output_second, price: \(price), currency: INR}
    capabilities: {durations: \(durations), aspect_ratios: ["16:9", "9:16", "1:1"], resolutions: [720p, 1080p], max_fps: 30, max_input_bytes: 10MB, features: [lip_sync]}
    submit:
      path: /jobs
      body: {prompt: "{{prompt}}", seconds: "{{duration_s}}"}
      job_id: $.id
    poll:
      path: /jobs/{{job.id}}
      state:
        - {path: $.status, equals: done, is: succeeded}
        - {path: $.status, equals: failed, is: failed}
    result:
      outputs: {video_url: $.url}
    \(extra)
    """
}

/// A minimal valid policy over the given plan.
func policyYAML(plan: String = "[alpha]", extra: String = "") -> String {
    """
    policy: demo
    match: {kind: video}
    tiers:
      economy: {resolution: 720p, fps: 24}
      standard: {resolution: 1080p, fps: 30}
    default_tier: standard
    rules:
      - name: all
        plan: \(plan)
    \(extra)
    """
}

/// Loads the given files as a config.
func load(
    providers: [String: String] = ["providers.d/alpha.yaml": descriptorYAML()], policies: [String: String], environment: [String: String] = [:]
)
    -> ConfigLoader.Result
{
    let files =
        providers.sorted { $0.key < $1.key }.map { ConfigFile(path: $0.key, text: $0.value, role: .provider) }
        + policies.sorted { $0.key < $1.key }.map { ConfigFile(path: $0.key, text: $0.value, role: .policy) }
    return ConfigLoader.load(files, environment: environment)
}

extension ConfigLoader.Result {
    /// `file:line:column: severity: message` lines.
    var rendered: [String] { diagnostics.map(\.description) }
}
