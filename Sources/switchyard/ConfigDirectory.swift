import ArgumentParser
import Foundation
import SwitchyardCore

/// Finds and reads a config directory's files: `routes/*.yaml` (policy tests, `*.test.yaml`,
/// are not policies) and `providers.d/*.yaml`, `.yml` too, in name order.
enum ConfigDirectory {
    static func read(_ directory: String) throws -> [ConfigFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            Terminal.standardError.writeLine("\(directory): error: no such config directory")
            throw ExitStatus.invalidInput.exitCode
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
                let filePath = display(directory: directory, folder: folder, name: name)
                let full = (path as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: full) else {
                    Terminal.standardError.writeLine("\(filePath): error: cannot read the file")
                    throw ExitStatus.invalidInput.exitCode
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    Terminal.standardError.writeLine("\(filePath):1:1: error: the file is not UTF-8 text")
                    throw ExitStatus.invalidInput.exitCode
                }
                files.append(ConfigFile(path: filePath, text: text, role: role))
            }
        }
        if missing.count == 2 {
            Terminal.standardError.writeLine("\(directory): error: no routes/ or providers.d/ directory here; pass --config DIR")
            throw ExitStatus.invalidInput.exitCode
        }
        return files
    }

    static func isPolicyTest(_ name: String) -> Bool {
        name.hasSuffix(".test.yaml") || name.hasSuffix(".test.yml")
    }

    /// `routes/x.yaml` when the config is the current directory, else `DIR/routes/x.yaml`.
    private static func display(directory: String, folder: String, name: String) -> String {
        directory == "." || directory == "./"
            ? "\(folder)/\(name)" : ((directory as NSString).appendingPathComponent(folder) as NSString).appendingPathComponent(name)
    }
}
