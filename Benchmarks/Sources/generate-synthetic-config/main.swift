import Foundation
import SyntheticConfig

// Writes the synthetic scale config to a directory, for measuring the CLI end to end:
//   swift run --package-path Benchmarks generate-synthetic-config OUT [PROVIDERS] [RULES]
let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: generate-synthetic-config OUT_DIR [PROVIDERS] [RULES]\n".utf8))
    exit(2)
}
let providers = arguments.dropFirst().first.flatMap(Int.init) ?? 1_000
let rules = arguments.dropFirst(2).first.flatMap(Int.init) ?? 1_000
let root = URL(fileURLWithPath: output)
for file in SyntheticConfig(providers: providers, rules: rules).files() {
    let url = root.appendingPathComponent(file.path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(file.text.utf8).write(to: url)
}
print("wrote \(providers) providers and \(rules) rules to \(output)")
