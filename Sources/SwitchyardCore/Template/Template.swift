import OrderedCollections

/// A JSON or string template with `{{name}}` placeholders, compiled once at load time.
///
/// A placeholder that is a whole value keeps its JSON type (`duration: "{{duration_s}}"`
/// renders the number 30); placeholders inside a longer string are substituted as text.
/// Rendering builds a ``JSONValue``, so every substituted string is JSON-escaped when the
/// value is serialized.
public struct Template: Sendable, Hashable {
    indirect enum Node: Sendable, Hashable {
        case literal(JSONValue)
        case variable(String)
        case text([Part])
        case object([Member])
        case array([Node])
    }

    struct Member: Sendable, Hashable {
        var key: String
        var value: Node
    }

    enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    let root: Node

    /// Every variable the template reads, in first-use order.
    public let variables: [String]
    /// The same, resolved once: the fixed-name ones as a set, the others (under a prefix or
    /// a descriptor's mapping) by name, less `features.*`, which always has a value (a feature
    /// the request does not mention is off). Checking that a call would render is then a mask test.
    let knownVariables: KnownVariables
    let otherVariables: [String]

    init(root: Node) {
        self.root = root
        var names: [String] = []
        Self.collect(root, into: &names)
        variables = names
        var known: KnownVariables = []
        var others: [String] = []
        for name in names {
            if let variable = KnownVariable(name) {
                known.insert(KnownVariables(variable))
            } else if !name.hasPrefix("features.") {
                others.append(name)
            }
        }
        knownVariables = known
        otherVariables = others
    }

    /// Compiles a string template such as `/v1/tasks/{{job.id}}`.
    public init(string: String, scope: TemplateScope) throws(TemplateError) {
        let node = try Self.compileString(string, scope: scope)
        self.init(root: node)
    }

    /// Compiles a JSON value whose strings may hold placeholders.
    public init(json: JSONValue, scope: TemplateScope) throws(TemplateError) {
        self.init(root: try Self.compile(json, scope: scope))
    }

    /// Renders the template; `lookup` gives each variable's value, nil when it has none.
    public func render(_ lookup: (String) -> JSONValue?) throws(TemplateError) -> JSONValue {
        try Self.render(root, lookup)
    }

    /// Renders to text: whole-value placeholders of non-string type print as JSON.
    /// `escape` transforms each substituted value (percent-encoding for URL paths).
    public func renderString(_ lookup: (String) -> JSONValue?, escape: (String) -> String = { $0 }) throws(TemplateError) -> String {
        switch root {
        case .literal(let value): return value.stringValue ?? value.jsonString()
        case .variable(let name): return escape(try Self.text(of: try Self.value(of: name, lookup)))
        case .text(let parts):
            var output = ""
            for part in parts {
                switch part {
                case .literal(let text): output += text
                case .variable(let name): output += escape(try Self.text(of: try Self.value(of: name, lookup)))
                }
            }
            return output
        case .object, .array:
            return try render(lookup).jsonString()
        }
    }

    static func compile(_ json: JSONValue, scope: TemplateScope) throws(TemplateError) -> Node {
        switch json {
        case .string(let text): return try compileString(text, scope: scope)
        case .array(let elements):
            var nodes: [Node] = []
            for element in elements { nodes.append(try compile(element, scope: scope)) }
            return .array(nodes)
        case .object(let object):
            var members: [Member] = []
            for (key, value) in object { members.append(Member(key: key, value: try compile(value, scope: scope))) }
            return .object(members)
        default: return .literal(json)
        }
    }

    static func compileString(_ text: String, scope: TemplateScope) throws(TemplateError) -> Node {
        let parts = try TemplateParser.parts(of: text)
        for case .variable(let name) in parts where !scope.allows(name) {
            let offset = TemplateParser.offset(ofPlaceholder: name, in: text) ?? 0
            throw TemplateError(
                message:
                    "unknown template variable '\(name)'\(Suggestion.hint(for: name, in: scope.names)) (available here: \(scope.names.sorted().joined(separator: ", ")))",
                offset: offset)
        }
        switch parts.count {
        case 0: return .literal(.string(""))
        case 1:
            if case .variable(let name) = parts[0] { return .variable(name) }
            return .literal(.string(text))
        default: return .text(parts)
        }
    }

    private static func render(_ node: Node, _ lookup: (String) -> JSONValue?) throws(TemplateError) -> JSONValue {
        switch node {
        case .literal(let value): return value
        case .variable(let name): return try value(of: name, lookup)
        case .text(let parts):
            var output = ""
            for part in parts {
                switch part {
                case .literal(let text): output += text
                case .variable(let name): output += try text(of: try value(of: name, lookup))
                }
            }
            return .string(output)
        case .object(let members):
            var object = JSONObject(minimumCapacity: members.count)
            for member in members { object[member.key] = try render(member.value, lookup) }
            return .object(object)
        case .array(let nodes):
            var array: [JSONValue] = []
            array.reserveCapacity(nodes.count)
            for node in nodes { array.append(try render(node, lookup)) }
            return .array(array)
        }
    }

    private static func value(of name: String, _ lookup: (String) -> JSONValue?) throws(TemplateError) -> JSONValue {
        guard let value = lookup(name) else { throw missing(name) }
        return value
    }

    /// The error for a variable with no value.
    static func missing(_ name: String) -> TemplateError {
        TemplateError(message: "template variable '\(name)' has no value for this request", offset: nil)
    }

    /// Strings substitute as themselves, other values as their JSON text.
    private static func text(of value: JSONValue) throws(TemplateError) -> String {
        value.stringValue ?? value.jsonString()
    }

    private static func collect(_ node: Node, into names: inout [String]) {
        switch node {
        case .literal: break
        case .variable(let name): if !names.contains(name) { names.append(name) }
        case .text(let parts):
            for case .variable(let name) in parts where !names.contains(name) { names.append(name) }
        case .object(let members): for member in members { collect(member.value, into: &names) }
        case .array(let nodes): for node in nodes { collect(node, into: &names) }
        }
    }
}
