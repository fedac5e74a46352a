import Foundation
public import SwitchyardCore

/// Finds and reads a config directory's files: `routes/*.yaml` (policy tests, `*.test.yaml`,
/// are not policies) and `providers.d/*.yaml`, `.yml` too, in name order. The core decodes
/// texts; this is where they come from, for the CLI, the tests and the benchmarks alike.
public enum ConfigDirectory {
    /// - Parameters:
    ///   - directory: holds `routes/` and `providers.d/` (one may be missing, not both).
    ///   - relativeNames: name files `routes/x.yaml` in diagnostics instead of `DIR/routes/x.yaml`.
    public static func read(_ directory: String, relativeNames: Bool = false) throws(ConfigDirectoryError) -> [ConfigFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigDirectoryError(description: "\(directory): error: no such config directory")
        }
        var files: [ConfigFile] = []
        var missing: [String] = []
        for (folder, role) in [("providers.d", ConfigFile.Role.provider), ("routes", .policy)] {
            let path = (directory as NSString).appendingPathComponent(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                missing.append(folder)
                continue
            }
            for name in names.sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !isPolicyTest(name) && !name.hasPrefix(".") {
                let shown = relativeNames ? "\(folder)/\(name)" : (path as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent(name)) else {
                    throw ConfigDirectoryError(description: "\(shown): error: cannot read the file")
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ConfigDirectoryError(description: "\(shown):1:1: error: the file is not UTF-8 text")
                }
                files.append(ConfigFile(path: shown, text: text, role: role))
            }
        }
        if missing.count == 2 {
            throw ConfigDirectoryError(description: "\(directory): error: no routes/ or providers.d/ directory here; pass --config DIR")
        }
        return files
    }

    /// The policy test files of a config directory, `routes/*.test.yaml` (and `.test.yml`), in
    /// name order; empty when there are none or no `routes/`.
    /// - Parameter relativeNames: `routes/x.test.yaml` instead of `DIR/routes/x.test.yaml`.
    public static func policyTests(_ directory: String, relativeNames: Bool = false) -> [String] {
        let path = (directory as NSString).appendingPathComponent("routes")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().filter { isPolicyTest($0) && !$0.hasPrefix(".") }.map { name in
            relativeNames ? "routes/\(name)" : (path as NSString).appendingPathComponent(name)
        }
    }

    /// True for `NAME.test.yaml` and `NAME.test.yml`: policy tests, never loaded as policies.
    public static func isPolicyTest(_ name: String) -> Bool {
        name.hasSuffix(".test.yaml") || name.hasSuffix(".test.yml")
    }
}

/// A config directory that cannot be read; the description is a ready diagnostic line.
public struct ConfigDirectoryError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
