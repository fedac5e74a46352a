import OrderedCollections

/// A compiled RFC 9535 JSONPath query.
///
/// Compiling parses and type-checks the whole query, including function arguments, and compiles
/// literal regular expressions, so evaluation does no parsing and cannot fail. Two paths are equal
/// when their source text is.
///
/// ```swift
/// let path = try JSONPath("$.jobs[?@.state == 'done'].id")
/// let ids = path.select(response)
/// ```
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The query text the path was compiled from.
    public let source: String
    let query: PathQuery
    /// The member's name when the path reads one member of the root (`$.status`, `$['status']`):
    /// most paths in descriptors, looked up without an evaluator.
    let singleMember: String?

    /// Compiles `source`, throwing when it is not a well-formed, valid query.
    public init(_ source: String) throws(JSONPathError) {
        var parser = JSONPathParser(source)
        let query = try parser.parseQuery()
        self.query = query
        self.source = source
        if query.origin == .root, let steps = query.singularSteps, steps.count == 1, case .name(let name) = steps[0] {
            singleMember = name
        } else {
            singleMember = nil
        }
    }

    /// Whether the query is a singular query (RFC 9535 §2.3.5.1): only child segments holding one
    /// name or index selector each, so it selects at most one node.
    public var isSingular: Bool { query.singularSteps != nil }

    /// The values of the nodes the query selects, in nodelist order.
    public func select(_ root: JSONValue) -> [JSONValue] {
        let evaluator = JSONPathEvaluator(root: root)
        if let steps = query.singularSteps {
            return evaluator.resolve(steps, from: root).map { [$0] } ?? []
        }
        var sink = ValueCollector()
        evaluator.run(query, current: root, at: NoLocation(), into: &sink)
        return sink.values
    }

    /// The selected nodes with their normalized paths (RFC 9535 §2.7), such as `$['a'][0]`.
    public func selectLocated(_ root: JSONValue) -> [(path: String, value: JSONValue)] {
        var sink = LocatedCollector()
        JSONPathEvaluator(root: root).run(query, current: root, at: NormalizedPath(), into: &sink)
        return sink.nodes.map { (path: $0.path.description, value: $0.value) }
    }

    /// The first node's value, or nil when the query selects nothing.
    ///
    /// Singular queries are followed step by step and other queries stop at the first match, so
    /// no node list is built.
    public func first(_ root: JSONValue) -> JSONValue? {
        if let singleMember {
            guard case .object(let object) = root else { return nil }
            return object[singleMember]
        }
        let evaluator = JSONPathEvaluator(root: root)
        if let steps = query.singularSteps {
            return evaluator.resolve(steps, from: root)
        }
        var sink = FirstValueSink()
        evaluator.run(query, current: root, at: NoLocation(), into: &sink)
        return sink.value
    }

    public var description: String { source }

    public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool {
        lhs.source == rhs.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
    }
}
