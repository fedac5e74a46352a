import Yams

/// Strict access to a YAML mapping: remembers which keys the decoder asked for and reports
/// every other key as unknown, with a "did you mean" hint.
final class MappingReader {
    let owner: ConfigNode
    private let entries: [(key: String, keyNode: ConfigNode, value: ConfigNode)]
    private var asked: [String] = []
    private var consumedAll = false

    init(owner: ConfigNode, mapping: Node.Mapping) {
        self.owner = owner
        var entries: [(key: String, keyNode: ConfigNode, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            let keyText = keyNode.scalar?.string ?? ""
            let key = ConfigNode(node: keyNode, context: owner.context, path: owner.path, fallback: owner.location)
            entries.append((keyText, key, owner.child(valueNode, key: keyText)))
        }
        self.entries = entries
    }

    /// The value of an optional key.
    subscript(key: String) -> ConfigNode? {
        asked.append(key)
        return entries.first { $0.key == key }?.value
    }

    /// The value of a required key, or nil with a "missing key" error at the mapping.
    func required(_ key: String) -> ConfigNode? {
        if let value = self[key] { return value }
        owner.error("missing required key '\(key)'\(owner.path.isEmpty ? "" : " in \(owner.name)")", code: "missing-key")
        return nil
    }

    /// True when the mapping has the key, without reading it.
    func has(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// All entries, for mappings whose keys are names chosen by the user (tiers, headers).
    var allEntries: [(key: String, keyNode: ConfigNode, value: ConfigNode)] {
        consumedAll = true
        return entries
    }

    /// Reports keys that were never asked for.
    func reportUnknownKeys() {
        guard !consumedAll else { return }
        for entry in entries where !asked.contains(entry.key) {
            let where_ = owner.path.isEmpty ? "" : " in \(owner.name)"
            entry.keyNode.error("unknown key '\(entry.key)'\(where_)\(Suggestion.hint(for: entry.key, in: asked))", code: "unknown-key")
        }
    }
}
