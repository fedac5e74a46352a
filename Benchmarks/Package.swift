// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package (as in swift-nio) so the main build and CI do not
// compile them. Run: `swift package --package-path Benchmarks benchmark` or scripts/bench.
let package = Package(
    name: "switchyard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "switchyard", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "SyntheticConfig",
            dependencies: [.product(name: "SwitchyardCore", package: "switchyard")],
            path: "Sources/SyntheticConfig"
        ),
        .executableTarget(
            name: "generate-synthetic-config",
            dependencies: ["SyntheticConfig"],
            path: "Sources/generate-synthetic-config"
        ),
        .executableTarget(
            name: "live-overhead",
            dependencies: [
                .product(name: "SwitchyardCore", package: "switchyard"),
                .product(name: "SwitchyardRuntime", package: "switchyard"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Sources/live-overhead"
        ),
        .executableTarget(
            name: "PlannerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SwitchyardCore", package: "switchyard"),
                .product(name: "SwitchyardRuntime", package: "switchyard"),
                "SyntheticConfig",
            ],
            path: "Benchmarks/PlannerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RuntimeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SwitchyardCore", package: "switchyard"),
                .product(name: "SwitchyardRuntime", package: "switchyard"),
                .product(name: "SwitchyardEmulator", package: "switchyard"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RuntimeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SimulatorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SwitchyardCore", package: "switchyard"),
                .product(name: "SwitchyardRuntime", package: "switchyard"),
                .product(name: "SwitchyardSimulator", package: "switchyard"),
            ],
            path: "Benchmarks/SimulatorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
