import Benchmark
import Foundation
import SwitchyardCore
import SwitchyardRuntime
import SyntheticConfig

/// The repository root: this file is Benchmarks/Benchmarks/PlannerBenchmarks/PlannerBenchmarks.swift.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func shippedFiles() -> [ConfigFile] {
    guard let files = try? ConfigDirectory.read(repositoryRoot.path, relativeNames: true) else { fatalError("cannot read the shipped config") }
    return files
}

private func loaded(_ files: [ConfigFile]) -> Config {
    let result = ConfigLoader.load(files)
    guard let config = result.config else { fatalError(result.diagnostics.map(\.description).joined(separator: "\n")) }
    return config
}

private let standardRequest = Request(
    id: "req-1", user: "user_123", kind: .video, prompt: "Hello, I am your new assistant",
    image: ImageInput(source: .url("https://example.com/photo.jpg"), bytes: 2_000_000), durationSeconds: 30, quality: "standard",
    aspectRatio: AspectRatio(width: 16, height: 9), features: ["lip_sync": true])

private let runwayTask = try! JSONValue.parse(
    """
    {"id":"17f20503-6c24-4c16-946b-35dbbce2af2f","status":"SUCCEEDED","createdAt":"2026-11-25T10:02:03.456Z",
     "output":["https://dnznrvs05pmza.cloudfront.net/17f20503.mp4?_jwt=eyJhbGciOiJIUzI1NiJ9"],
     "progress":1,"failure":null,"failureCode":null}
    """)

let benchmarks: @Sendable () -> Void = {
    // Micro benchmarks run 1,000 iterations per sample, so the harness's own per-sample cost
    // (about 16 mallocs) is spread thin; figures are per iteration.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], timeUnits: .nanoseconds,
        scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 100_000)

    let shipped = shippedFiles()
    let shippedPlanner = Planner(config: loaded(shipped))
    let synthetic = SyntheticConfig()
    let syntheticFiles = synthetic.files()
    let syntheticPlanner = Planner(config: loaded(syntheticFiles))
    let lastRuleRequest = synthetic.lastRuleRequest()
    let state = WorldState(providers: ["veo3": .init(available: false)], spentToday: ["user_123": Money(decimal: "50")!])

    Benchmark("Planner: shipped config, standard 30 s") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(shippedPlanner.plan(standardRequest, state: .empty, draw: 0.5))
        }
    }

    Benchmark("Planner: shipped config, Veo3 down + budget") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(shippedPlanner.plan(standardRequest, state: state, draw: 0.5))
        }
    }

    Benchmark("Planner: synthetic 1,000 providers × 1,000 rules, last rule") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(syntheticPlanner.plan(lastRuleRequest, state: .empty, draw: 0.5))
        }
    }

    let standardPlan = try! shippedPlanner.plan(standardRequest).get()
    Benchmark("Plan to JSON line: shipped config") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(DecisionEvent.plan(standardPlan, at: Timestamp(millisecondsSinceEpoch: 0)).jsonLine)
        }
    }

    // One step of the execution machine: a started execution is copied (the struct is a value)
    // and fed one event, so each iteration measures that step and nothing before it.
    let shippedConfig = loaded(shipped)
    let start = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
    // The driver reads the image before the execution starts; a small stand-in does here.
    let image = ResolvedImage(
        base64: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==", mime: "image/png", bytes: 70)
    Benchmark("Execution: start (render the Veo3 submit)") { benchmark in
        for _ in benchmark.scaledIterations {
            var execution = Execution(plan: standardPlan, request: standardRequest, config: shippedConfig, image: image, traceID: "bench")!
            blackHole(execution.start(at: start))
        }
    }

    var started = Execution(plan: standardPlan, request: standardRequest, config: shippedConfig, image: image, traceID: "bench")!
    guard case .send(let submit) = started.start(at: start).first(where: { if case .send = $0 { true } else { false } }) else {
        fatalError("the execution sent no submit")
    }
    let accepted = ExecutionEvent.response(submit.id, HTTPResponse(status: 202, body: .json(["job_id": "job-1", "status": "queued"])))
    Benchmark("Execution step: submit accepted (202) → poll timer") { benchmark in
        for _ in benchmark.scaledIterations {
            var execution = started
            blackHole(execution.handle(accepted, at: start + .seconds(1), draw: 0.5))
        }
    }

    let serverError = ExecutionEvent.response(
        submit.id, HTTPResponse(status: 500, body: .json(["error": ["message": "internal error", "code": "internal"]])))
    Benchmark("Execution step: 500 → fall back to Runway") { benchmark in
        for _ in benchmark.scaledIterations {
            var execution = started
            blackHole(execution.handle(serverError, at: start + .seconds(1), draw: 0.5))
        }
    }

    Benchmark("Config load + validate: shipped", configuration: .init(timeUnits: .milliseconds, scalingFactor: .one, maxDuration: .seconds(3))) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ConfigLoader.load(shipped))
        }
    }

    // Smaller synthetic configs show how load time grows with size.
    for size in [100, 300] {
        let files = SyntheticConfig(providers: size, rules: size).files()
        Benchmark(
            "Config load + validate: synthetic \(size) × \(size)",
            configuration: .init(timeUnits: .milliseconds, scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 100)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(ConfigLoader.load(files))
            }
        }
    }

    Benchmark(
        "Config load + validate: synthetic 1,000 × 1,000",
        configuration: .init(timeUnits: .milliseconds, scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ConfigLoader.load(syntheticFiles))
        }
    }

    let statusPath = try! JSONPath("$.status")
    Benchmark("JSONPath: $.status on a Runway task") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(statusPath.first(runwayTask))
        }
    }

    let outputPath = try! JSONPath("$.output[0]")
    Benchmark("JSONPath: $.output[0] on a Runway task") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(outputPath.first(runwayTask))
        }
    }

    let runwayText = runwayTask.jsonString()
    Benchmark("JSON parse: Runway task response") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONValue.parse(runwayText))
        }
    }

    guard let runwayBody = loaded(shipped).provider("runway")?.submit.request.body else { fatalError("runway has no submit body") }
    let variables: [String: JSONValue] = [
        "image.data_uri": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ", "prompt": "Hello, I am your new assistant", "ratio": "1280:720",
        "duration_s": 30,
    ]
    Benchmark("Template: render Runway submit body") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try runwayBody.render { variables[$0] })
        }
    }
}
