import OrderedCollections

/// A YAML node with its file position, read by the config decoders.
///
/// Every accessor reports a located diagnostic and returns nil on bad input, so a decoder
/// keeps going and one load reports all of a file's errors.
struct ConfigNode {
    let node: YAMLNode
    let context: DecodingContext
    /// Where the node starts.
    let location: SourceLocation
    /// Where the node sits in its document; rendered only for messages.
    let trail: KeyPathTrail?

    init(node: YAMLNode, context: DecodingContext, trail: KeyPathTrail?) {
        self.node = node
        self.context = context
        self.trail = trail
        let mark = node.mark
        location = SourceLocation(file: context.file, line: mark.line, column: mark.column)
    }

    func child(_ node: YAMLNode, key: String) -> ConfigNode {
        ConfigNode(node: node, context: context, trail: KeyPathTrail(parent: trail, step: .key(key)))
    }

    func error(_ message: String, code: String = "invalid-value") {
        context.diagnostics.error(message, at: location, code: code)
    }

    func warning(_ message: String, code: String) {
        context.diagnostics.warning(message, at: location, code: code)
    }

    /// The key path from the document root, such as `submit.body.model`.
    var path: String { trail?.rendered ?? "" }

    /// `'field'` for messages, naming the full key path.
    var name: String { path.isEmpty ? "the document" : "'\(path)'" }

    /// A short description of what the node is, for "expected X, got Y" messages.
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            if scalar.style != .plain { return "the string \"\(scalar.string)\"" }
            if isNull { return "null" }
            return "'\(scalar.string)'"
        }
    }

    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    var isMapping: Bool {
        if case .mapping = node { return true }
        return false
    }

    var isSequence: Bool {
        if case .sequence = node { return true }
        return false
    }

    /// True when the node is a mapping with `key`, without reading it strictly.
    func hasKey(_ key: String) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        return mapping.contains { $0.key.scalar?.string == key }
    }

    /// The scalar's text as written (after YAML unquoting), without interpolation.
    var scalarText: String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    /// True for an unquoted scalar, whose YAML type (number, bool) is its plain reading.
    var isPlainScalar: Bool {
        if case .scalar(let scalar) = node { return scalar.style == .plain }
        return false
    }

    /// Reads a mapping strictly: keys the body never asks for are reported as unknown, with a
    /// suggestion among the keys it did ask for.
    func mapping<T>(_ body: (MappingReader) -> T) -> T? {
        guard case .mapping(let mapping) = node else {
            error("expected a mapping for \(name), got \(kindDescription)", code: "wrong-type")
            return nil
        }
        let reader = MappingReader(owner: self, mapping: mapping)
        let value = body(reader)
        reader.reportUnknownKeys()
        return value
    }

    /// The elements of a list, or nil with an error.
    func sequence() -> [ConfigNode]? {
        guard case .sequence(let sequence) = node else {
            error("expected a list for \(name), got \(kindDescription)", code: "wrong-type")
            return nil
        }
        return sequence.enumerated().map { index, element in
            ConfigNode(node: element, context: context, trail: KeyPathTrail(parent: trail, step: .index(index)))
        }
    }

    /// A list, or a single value accepted as a list of one.
    func sequenceOrSingle() -> [ConfigNode] {
        isSequence ? (sequence() ?? []) : [self]
    }

    /// A string value with `${env:NAME}` and `${env:NAME:-default}` substituted.
    func string() -> String? {
        guard let raw = rawString() else { return nil }
        return EnvironmentInterpolation.expand(raw, variables: context.variables) { message in
            error("\(message) in \(name)", code: "environment")
        }
    }

    /// A string value as written. Numbers and booleans written plainly are accepted as their
    /// text, since `version: 2024-11-06` is a string to the person who wrote it.
    func rawString() -> String? {
        guard case .scalar(let scalar) = node, !isNull else {
            error("expected a string for \(name), got \(kindDescription)", code: "wrong-type")
            return nil
        }
        return scalar.string
    }

    /// A non-empty identifier: letters, digits, `-`, `_` and `.`.
    func identifier() -> String? {
        guard let text = rawString() else { return nil }
        guard !text.isEmpty,
            text.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) })
        else {
            error("\(name) must be a non-empty identifier of letters, digits, '-', '_' or '.', got \"\(text)\"")
            return nil
        }
        return text
    }

    func bool() -> Bool? {
        if isPlainScalar, let text = scalarText {
            switch text {
            case "true", "True", "TRUE", "yes", "on": return true
            case "false", "False", "FALSE", "no", "off": return false
            default: break
            }
        }
        error("expected true or false for \(name), got \(kindDescription)", code: "wrong-type")
        return nil
    }

    func int(min: Int? = nil, max: Int? = nil) -> Int? {
        guard isPlainScalar, let text = scalarText, let value = Int(text) else {
            if isPlainScalar, let text = scalarText, !text.isEmpty, text.drop(while: { $0 == "-" }).allSatisfy(\.isASCIIDigit) {
                error("\(name) is too large: \(text)", code: "out-of-range")
            } else {
                error("expected an integer for \(name), got \(kindDescription)", code: "wrong-type")
            }
            return nil
        }
        if let min, value < min {
            error("\(name) must be at least \(min), got \(value)", code: "out-of-range")
            return nil
        }
        if let max, value > max {
            error("\(name) must be at most \(max), got \(value)", code: "out-of-range")
            return nil
        }
        return value
    }

    func double(min: Double? = nil, max: Double? = nil) -> Double? {
        guard isPlainScalar, let text = scalarText, let value = Double(text), value.isFinite else {
            error("expected a number for \(name), got \(kindDescription)", code: "wrong-type")
            return nil
        }
        if let min, value < min {
            error("\(name) must be at least \(min), got \(text)", code: "out-of-range")
            return nil
        }
        if let max, value > max {
            error("\(name) must be at most \(max), got \(text)", code: "out-of-range")
            return nil
        }
        return value
    }

    /// An exact, non-negative amount of money.
    func money() -> Money? {
        if isPlainScalar, let text = scalarText, let whole = text.split(separator: ".").first, whole.count > 12,
            whole.drop(while: { $0 == "-" }).allSatisfy(\.isASCIIDigit)
        {
            error("\(name) is too large: \(text)", code: "out-of-range")
            return nil
        }
        guard isPlainScalar, let text = scalarText, let value = Money(decimal: text) else {
            error("expected an amount such as 0.15 (at most 6 decimals) for \(name), got \(kindDescription)", code: "wrong-type")
            return nil
        }
        guard value >= .zero else {
            error("\(name) must not be negative, got \(text)", code: "negative-amount")
            return nil
        }
        return value
    }

    /// The longest duration a config may give: a year. Longer is a typo.
    static let maxDuration: Duration = .seconds(365 * 86_400)

    /// A duration written with a unit: `300s`, `5m`, `1h`, `250ms`.
    /// - Parameter positive: reject `0s`, for timeouts, deadlines and intervals.
    func duration(positive: Bool = false) -> Duration? {
        guard let text = rawString() else { return nil }
        guard let value = TimeSpan.parse(text) else {
            error("malformed duration \"\(text)\" for \(name); write a number with a unit: 300s, 5m, 1h, 250ms", code: "malformed-duration")
            return nil
        }
        guard value <= Self.maxDuration else {
            error("\(name) must be at most a year, got \(text)", code: "out-of-range")
            return nil
        }
        if positive, value == .zero {
            error("\(name) must be longer than 0", code: "out-of-range")
            return nil
        }
        return value
    }

    /// A byte size written with a unit: `16MB` (10^6), `5MiB` (2^20), `512kB`.
    func byteSize(positive: Bool = false) -> ByteSize? {
        guard let text = rawString() else { return nil }
        guard let value = ByteSize(parsing: text) else {
            error("malformed byte size \"\(text)\" for \(name); write a number with a unit: 16MB, 5MiB, 512kB, 1024B", code: "malformed-size")
            return nil
        }
        if positive, value.bytes == 0 {
            error("\(name) must be more than 0 bytes", code: "out-of-range")
            return nil
        }
        return value
    }

    /// A JSONPath (RFC 9535), compiled now so a bad path fails the load, not a request.
    func jsonPath() -> JSONPath? {
        guard let text = rawString() else { return nil }
        do {
            return try JSONPath(text)
        } catch {
            self.error("malformed JSONPath \"\(text)\" for \(name): \(error)", code: "malformed-jsonpath")
            return nil
        }
    }

    /// One of a fixed set of words, with a suggestion when it is misspelled.
    func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T? where T.RawValue == String {
        guard let text = rawString() else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        error(
            "unknown value \"\(text)\" for \(name); expected one of \(allowed.joined(separator: ", "))\(Suggestion.hint(for: text, in: allowed))",
            code: "unknown-value")
        return nil
    }

    /// Converts the node to JSON, keeping YAML's plain-scalar typing (numbers, booleans, null).
    func jsonValue() -> JSONValue {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            if isNull { return .null }
            if let int = Int(scalar.string) { return .int(int) }
            if ["true", "True", "TRUE"].contains(scalar.string) { return .bool(true) }
            if ["false", "False", "FALSE"].contains(scalar.string) { return .bool(false) }
            if let double = Double(scalar.string), double.isFinite, scalar.string.first != "." {
                return .double(double)
            }
            return .string(scalar.string)
        case .sequence:
            return .array((sequence() ?? []).map { $0.jsonValue() })
        case .mapping(let mapping):
            var object = JSONObject()
            var merged: [(key: String, value: JSONValue)] = []
            for (key, value) in mapping {
                let keyText = key.scalar?.string ?? ""
                // YAML merge keys (`<<: *defaults`), as MappingReader reads them: the mapping's
                // own keys win, then earlier merges.
                if keyText == "<<", key.scalar?.style == .plain {
                    let sources: [YAMLNode] = if case .sequence(let list) = value { Array(list) } else { [value] }
                    for source in sources {
                        guard case .object(let members) = child(source, key: keyText).jsonValue() else {
                            child(source, key: keyText).error("a merge key '<<' needs a mapping or a list of mappings", code: "wrong-type")
                            continue
                        }
                        merged += members.map { ($0.key, $0.value) }
                    }
                    continue
                }
                object[keyText] = child(value, key: keyText).jsonValue()
            }
            for entry in merged where object[entry.key] == nil {
                object[entry.key] = entry.value
            }
            return .object(object)
        }
    }
}
