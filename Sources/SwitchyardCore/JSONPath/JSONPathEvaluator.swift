import OrderedCollections

/// Evaluates compiled queries and filter expressions against one document.
struct JSONPathEvaluator {
    /// The argument of the whole query, which `$` refers to inside filters.
    let root: JSONValue

    /// Runs `query` from its origin, feeding the selected nodes to `sink`.
    func run<Sink: NodeSink>(_ query: PathQuery, current: JSONValue, at location: Sink.Location, into sink: inout Sink) {
        let start = query.origin == .root ? root : current
        var walker = QueryWalker(evaluator: self, segments: query.segments, sink: sink)
        _ = walker.walk(start, at: location)
        sink = walker.sink
    }

    /// Follows a singular query's steps; nil when some step selects nothing.
    func resolve(_ steps: [SingularStep], from start: JSONValue) -> JSONValue? {
        var value = start
        for step in steps {
            switch step {
            case .name(let name):
                guard case .object(let object) = value, let member = object[name] else { return nil }
                value = member
            case .index(let index):
                guard case .array(let array) = value, let position = normalizedArrayIndex(index, count: array.count)
                else { return nil }
                value = array[position]
            }
        }
        return value
    }

    /// Whether a filter expression holds with `current` as `@` (§2.3.5.2).
    func test(_ expression: FilterExpression, current: JSONValue) -> Bool {
        switch expression {
        case .or(let terms):
            return terms.contains { test($0, current: current) }
        case .and(let terms):
            return terms.allSatisfy { test($0, current: current) }
        case .not(let operand):
            return !test(operand, current: current)
        case .exists(let query):
            return countNodes(query, current: current, limit: 1).count > 0
        case .test(let function):
            return evaluateLogical(function, current: current)
        case .comparison(let left, let comparisonOperator, let right):
            return Self.compare(
                value(of: left, current: current),
                comparisonOperator,
                value(of: right, current: current)
            )
        }
    }

    /// The value of a ValueType operand; nil is the special result Nothing.
    func value(of operand: ValueOperand, current: JSONValue) -> JSONValue? {
        switch operand {
        case .literal(let value):
            return value
        case .singularQuery(let origin, let steps):
            return resolve(steps, from: origin == .root ? root : current)
        case .function(let function):
            return evaluateValue(function, current: current)
        }
    }

    /// Counts the nodes `query` selects, up to `limit`, remembering the last one seen.
    func countNodes(_ query: PathQuery, current: JSONValue, limit: Int = .max) -> CountingSink {
        var sink = CountingSink(limit: limit)
        if let steps = query.singularSteps {
            if let value = resolve(steps, from: query.origin == .root ? root : current) {
                _ = sink.accept(value, at: NoLocation())
            }
            return sink
        }
        run(query, current: current, at: NoLocation(), into: &sink)
        return sink
    }

    /// Applies a comparison operator with RFC 9535's semantics (§2.3.5.2.2), where nil is Nothing.
    static func compare(_ left: JSONValue?, _ comparisonOperator: ComparisonOperator, _ right: JSONValue?) -> Bool {
        switch comparisonOperator {
        case .equal: equal(left, right)
        case .notEqual: !equal(left, right)
        case .less: less(left, right)
        case .lessOrEqual: less(left, right) || equal(left, right)
        case .greater: less(right, left)
        case .greaterOrEqual: less(right, left) || equal(left, right)
        }
    }

    private static func equal(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch (left, right) {
        case (nil, nil): true
        case (let left?, let right?): deepEqual(left, right)
        default: false
        }
    }

    /// Structural equality where strings compare by code points.
    ///
    /// `JSONValue.==` uses Swift's `String` equality, which treats canonically equivalent strings
    /// (such as precomposed and decomposed "é") as equal; RFC 9535 compares code points.
    private static func deepEqual(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double): return left.doubleValue == right.doubleValue
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { deepEqual($0, $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in b[key].map { deepEqual(value, $0) } ?? false }
        default: return false
        }
    }

    /// `<` on numbers and on strings (by code point); false for every other pair.
    private static func less(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        guard let left, let right else { return false }
        switch (left, right) {
        case (.int(let a), .int(let b)):
            return a < b
        case (.string(let a), .string(let b)):
            // UTF-8 byte order is code point order.
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        default:
            guard let a = left.doubleValue, let b = right.doubleValue else { return false }
            return a < b
        }
    }
}
