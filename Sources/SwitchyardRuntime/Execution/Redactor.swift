import Foundation
import OrderedCollections
import SwitchyardCore

/// Replaces known secret values wherever they appear in what is logged or returned: a provider
/// that echoes a key in an error message must not put it in a log.
///
/// Every logged string passes through it, so it searches bytes natively, and skips strings
/// shorter than the shortest secret.
struct Redactor: Sendable {
    /// As UTF-8; secrets shorter than 4 characters are left alone, as they would match
    /// everywhere.
    private let secrets: [[UInt8]]
    private let shortest: Int

    init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }.map { Array($0.utf8) }
        shortest = self.secrets.map(\.count).min() ?? .max
    }

    func callAsFunction(_ event: DecisionEvent) -> DecisionEvent {
        // Rebuilt only when a secret is there: nearly every event passes through unchanged.
        guard !secrets.isEmpty, event.fields.values.contains(where: holdsSecret) else { return event }
        var event = event
        event.fields = event.fields.mapValues(redact)
        return event
    }

    func callAsFunction(_ result: ExecutionResult) -> ExecutionResult {
        guard !secrets.isEmpty, result.message.map(holdsSecret) == true || result.outputs.values.contains(where: holdsSecret) else {
            return result
        }
        var result = result
        result.message = result.message.map(redact)
        result.outputs = result.outputs.mapValues(redact)
        return result
    }

    private func holdsSecret(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): holdsSecret(text)
        case .array(let items): items.contains(where: holdsSecret)
        case .object(let members): members.values.contains(where: holdsSecret)
        default: false
        }
    }

    private func holdsSecret(_ text: String) -> Bool {
        guard text.utf8.count >= shortest else { return false }
        var text = text
        return text.withUTF8 { bytes in secrets.contains { Self.occurs($0, in: bytes) } }
    }

    private func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .array(let items): .array(items.map(redact))
        case .object(let members): .object(members.mapValues(redact))
        default: value
        }
    }

    func redact(_ text: String) -> String {
        // Searched in place first: almost every string holds no secret, and copying each one
        // out to bytes was most of the cost.
        guard holdsSecret(text) else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets where Self.replace(secret, in: &bytes) { changed = true }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    private static func occurs(_ secret: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= secret.count, let first = secret.first else { return false }
        return secret.withUnsafeBufferPointer { secret in
            var index = 0
            while index + secret.count <= bytes.count {
                if bytes[index] == first, memcmp(bytes.baseAddress! + index, secret.baseAddress!, secret.count) == 0 { return true }
                index += 1
            }
            return false
        }
    }

    /// Replaces every occurrence of `secret` in `bytes`; true when there was one.
    private static func replace(_ secret: [UInt8], in bytes: inout [UInt8]) -> Bool {
        guard bytes.count >= secret.count, let first = secret.first else { return false }
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index + secret.count <= bytes.count {
            if bytes[index] == first, bytes[index..<(index + secret.count)].elementsEqual(secret) {
                output.append(contentsOf: bytes[copied..<index])
                output.append(contentsOf: "[redacted]".utf8)
                index += secret.count
                copied = index
            } else {
                index += 1
            }
        }
        guard copied > 0 else { return false }
        output.append(contentsOf: bytes[copied...])
        bytes = output
        return true
    }
}
