/// Strict access to a YAML mapping: remembers which keys the decoder asked for and reports
/// every other key as unknown, with a "did you mean" hint.
final class MappingReader {
    /// One key and value, kept as raw nodes until the decoder asks for them.
    private struct Entry {
        var key: String
        var keyNode: YAMLNode
        var value: YAMLNode
    }

    let owner: ConfigNode
    private let entries: [Entry]
    /// The entries' keys, in order: searched without copying an entry (and its nodes) per step.
    private let keys: [String]
    private var asked: [String] = []
    private var consumedAll = false

    init(owner: ConfigNode, mapping: YAMLNode.Mapping) {
        self.owner = owner
        var entries: [Entry] = []
        var merged: [Entry] = []
        for (keyNode, valueNode) in mapping {
            let keyText = keyNode.scalar?.string ?? ""
            if keyText == "<<", keyNode.scalar?.style == .plain {
                merged += Self.mergeEntries(valueNode, keyNode: keyNode, owner: owner)
            } else {
                entries.append(Entry(key: keyText, keyNode: keyNode, value: valueNode))
            }
        }
        // YAML merge keys (`<<: *defaults`): the mapping's own keys win, then earlier merges.
        if !merged.isEmpty {
            var seen = Set(entries.map(\.key))
            for entry in merged where seen.insert(entry.key).inserted { entries.append(entry) }
        }
        self.entries = entries
        keys = entries.map(\.key)
    }

    private static func mergeEntries(_ node: YAMLNode, keyNode: YAMLNode, owner: ConfigNode) -> [Entry] {
        switch node {
        case .mapping(let mapping):
            return MappingReader(owner: owner, mapping: mapping).entries
        case .sequence(let sequence):
            return sequence.flatMap { mergeEntries($0, keyNode: keyNode, owner: owner) }
        default:
            keyConfigNode(keyNode, owner: owner).error("a merge key '<<' needs a mapping or a list of mappings", code: "wrong-type")
            return []
        }
    }

    private static func keyConfigNode(_ node: YAMLNode, owner: ConfigNode) -> ConfigNode {
        ConfigNode(node: node, context: owner.context, trail: owner.trail)
    }

    /// The value of an optional key.
    subscript(key: String) -> ConfigNode? {
        asked.append(key)
        guard let index = keys.firstIndex(of: key) else { return nil }
        return owner.child(entries[index].value, key: key)
    }

    /// The value of a required key, or nil with a "missing key" error at the mapping.
    func required(_ key: String) -> ConfigNode? {
        if let value = self[key] { return value }
        owner.error("missing required key '\(key)'\(owner.path.isEmpty ? "" : " in \(owner.name)")", code: "missing-key")
        return nil
    }

    /// Accepts top-level `x-` keys, which hold YAML anchors for reuse (as in Compose files).
    func allowExtensionKeys() {
        asked += keys.filter { $0.hasPrefix("x-") }
    }

    /// Stops reporting unknown keys: once the key that gives the others meaning is bad,
    /// they would only add noise.
    func abandon() {
        consumedAll = true
    }

    /// Where `key` itself is written, for findings about the entry as a whole.
    func keyLocation(_ key: String) -> SourceLocation? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return Self.keyConfigNode(entries[index].keyNode, owner: owner).location
    }

    /// True when the mapping has the key, without reading it.
    func has(_ key: String) -> Bool {
        keys.contains(key)
    }

    /// All entries, for mappings whose keys are names chosen by the user (tiers, headers).
    var allEntries: [(key: String, keyNode: ConfigNode, value: ConfigNode)] {
        consumedAll = true
        return entries.map { ($0.key, Self.keyConfigNode($0.keyNode, owner: owner), owner.child($0.value, key: $0.key)) }
    }

    /// Reports keys that were never asked for.
    func reportUnknownKeys() {
        guard !consumedAll else { return }
        for entry in entries where !asked.contains(entry.key) {
            let where_ = owner.path.isEmpty ? "" : " in \(owner.name)"
            Self.keyConfigNode(entry.keyNode, owner: owner).error(
                "unknown key '\(entry.key)'\(where_)\(Suggestion.hint(for: entry.key, in: asked))", code: "unknown-key")
        }
    }
}
