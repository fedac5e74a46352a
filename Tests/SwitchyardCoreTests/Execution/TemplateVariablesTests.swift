import OrderedCollections
import Testing

@testable import SwitchyardCore

/// `has` answers for every call the simulator checks, without building values: it must say
/// exactly when `value` gives one, or the simulator would render calls that live fails.
@Suite struct TemplateVariablesTests {
    static let names = [
        "request_id", "user", "kind", "prompt", "duration_s", "aspect_ratio", "quality", "tier", "resolution", "fps", "bitrate_kbps",
        "voice.speed", "voice.pitch", "voice.name", "image.url", "image.base64", "image.data_uri", "image.mime", "idempotency_key",
        "job.id", "job.poll_url", "job.result_url", "job.cancel_url", "features.lip_sync", "features.captions", "metadata.campaign",
        "ratio", "nonsense",
    ]

    @Test(arguments: [false, true])
    func hasSaysExactlyWhenThereIsAValue(full: Bool) throws {
        let config = try shippedConfig()
        var request = Request(user: "u", kind: .video, prompt: "Hi", durationSeconds: 30, quality: "standard")
        if full {
            request.id = "r-1"
            request.aspectRatio = AspectRatio(width: 9, height: 16)
            request.voice = ["name": "ava"]
            request.features = ["lip_sync": true]
            request.metadata = ["campaign": "spring"]
        }
        let plan = try Planner(config: config).plan(request, state: .empty, draw: 0.5).get()
        let image = full ? ResolvedImage(base64: "aGVsbG8=", mime: "image/png", url: "https://x.example/a.png", bytes: 5) : nil
        let context = try #require(ExecutionContext(plan: plan, request: request, config: config, image: image, traceID: nil))
        for entryIndex in plan.entries.indices {
            let job = full ? TemplateVariables.Job(id: "j", pollURL: "p", resultURL: "r", cancelURL: "c") : TemplateVariables.Job(id: "j")
            let variables = TemplateVariables(context: context, entryIndex: entryIndex, job: job)
            for name in Self.names {
                #expect(variables.has(name) == (variables.value(name) != nil), "\(name) for \(plan.entries[entryIndex].provider)")
            }
        }
    }
}
