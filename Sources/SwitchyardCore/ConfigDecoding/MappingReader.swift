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
        var merged: [(key: String, keyNode: ConfigNode, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            let keyText = keyNode.scalar?.string ?? ""
            let key = ConfigNode(node: keyNode, context: owner.context, path: owner.path, fallback: owner.location)
            if keyText == "<<", keyNode.scalar?.style == .plain {
                merged += Self.mergeEntries(valueNode, key: key, owner: owner)
            } else {
                entries.append((keyText, key, owner.child(valueNode, key: keyText)))
            }
        }
        // YAML merge keys (`<<: *defaults`): the mapping's own keys win, then earlier merges.
        for entry in merged where !entries.contains(where: { $0.key == entry.key }) {
            entries.append(entry)
        }
        self.entries = entries
    }

    private static func mergeEntries(_ node: Node, key: ConfigNode, owner: ConfigNode) -> [(key: String, keyNode: ConfigNode, value: ConfigNode)] {
        switch node {
        case .mapping(let mapping):
            return MappingReader(owner: owner, mapping: mapping).entries
        case .sequence(let sequence):
            return sequence.flatMap { mergeEntries($0, key: key, owner: owner) }
        default:
            key.error("a merge key '<<' needs a mapping or a list of mappings", code: "wrong-type")
            return []
        }
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

    /// Accepts top-level `x-` keys, which hold YAML anchors for reuse (as in Compose files).
    func allowExtensionKeys() {
        asked += entries.map(\.key).filter { $0.hasPrefix("x-") }
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
