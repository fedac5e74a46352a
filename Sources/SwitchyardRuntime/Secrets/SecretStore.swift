import Foundation
public import SwitchyardCore

/// Reads secret values from the environment or from files when a provider is called. Values
/// are returned to the transport only; nothing here logs or prints them.
public struct SecretStore: Sendable {
    public let environment: [String: String]
    /// Secret file paths are relative to the config directory.
    public let baseDirectory: String

    public init(environment: [String: String], baseDirectory: String) {
        self.environment = environment
        self.baseDirectory = baseDirectory
    }

    /// The value, or a reason it is missing that names the source but never a value.
    public func value(for reference: SecretReference) -> Result<String, SecretMissing> {
        switch reference {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                return .failure(SecretMissing(description: "environment variable \(name) is not set"))
            }
            return .success(value)
        case .file(let path):
            let full = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                return .failure(SecretMissing(description: "secret file \(path) cannot be read"))
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? .failure(SecretMissing(description: "secret file \(path) is empty")) : .success(value)
        }
    }
}

/// Why a secret could not be read.
public struct SecretMissing: Error, Sendable, CustomStringConvertible {
    public let description: String
}
