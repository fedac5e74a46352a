import OrderedCollections

/// The declared types of function parameters and results (RFC 9535 §2.4.1).
enum FunctionType: CustomStringConvertible, Sendable {
    case value
    case logical
    case nodes

    var description: String {
        switch self {
        case .value: "ValueType"
        case .logical: "LogicalType"
        case .nodes: "NodesType"
        }
    }
}

/// The function extensions RFC 9535 defines (§2.4.4–§2.4.8), with their type signatures.
enum JSONPathFunction: String, Sendable {
    case length
    case count
    case match
    case search
    case value

    var parameterTypes: [FunctionType] {
        switch self {
        case .length: [.value]
        case .count, .value: [.nodes]
        case .match, .search: [.value, .value]
        }
    }

    var resultType: FunctionType {
        switch self {
        case .length, .count, .value: .value
        case .match, .search: .logical
        }
    }

    /// Type-checks `arguments` against the signature (§2.4.3) and builds the call.
    ///
    /// Ill-typed calls are compile errors, as the RFC requires of a well-formed query.
    func makeExpression(
        arguments: [JSONPathParser.Operand], at offset: Int
    ) throws(JSONPathError)
        -> FunctionExpression
    {
        let parameters = parameterTypes
        guard arguments.count == parameters.count else {
            let expected = parameters.count == 1 ? "1 argument" : "\(parameters.count) arguments"
            throw JSONPathError(offset: offset, message: "\(rawValue)() takes \(expected), got \(arguments.count)")
        }
        switch self {
        case .length:
            return .length(try valueArgument(arguments[0], position: 1))
        case .count:
            return .count(try nodesArgument(arguments[0], position: 1))
        case .value:
            return .value(try nodesArgument(arguments[0], position: 1))
        case .match:
            return .match(try valueArgument(arguments[0], position: 1), try regexArgument(arguments[1]))
        case .search:
            return .search(try valueArgument(arguments[0], position: 1), try regexArgument(arguments[1]))
        }
    }

    /// Accepts what converts to ValueType: a literal, a singular query, or a ValueType function.
    private func valueArgument(
        _ argument: JSONPathParser.Operand, position: Int
    ) throws(JSONPathError)
        -> ValueOperand
    {
        switch argument.kind {
        case .literal(let value):
            return .literal(value)
        case .query(let query):
            guard let steps = query.singularSteps else {
                throw argumentError(argument, position, "must be a singular query, but \(query.nonSingularReason)")
            }
            return .singularQuery(query.origin, steps)
        case .function(let function):
            guard function.resultType == .value else {
                throw argumentError(
                    argument, position, "must be ValueType, but \(function.name)() returns \(function.resultType)")
            }
            return .function(function)
        case .logical:
            throw argumentError(argument, position, "must be ValueType, not a logical expression")
        }
    }

    /// Accepts what is NodesType: a query (no built-in function returns NodesType).
    private func nodesArgument(
        _ argument: JSONPathParser.Operand, position: Int
    ) throws(JSONPathError)
        -> PathQuery
    {
        switch argument.kind {
        case .query(let query):
            return query
        case .literal:
            throw argumentError(argument, position, "must be a query (NodesType), not a literal")
        case .function(let function):
            throw argumentError(
                argument, position, "must be NodesType, but \(function.name)() returns \(function.resultType)")
        case .logical:
            throw argumentError(argument, position, "must be a query (NodesType), not a logical expression")
        }
    }

    /// Compiles literal patterns now, so evaluation never builds a `Regex` for them.
    private func regexArgument(_ argument: JSONPathParser.Operand) throws(JSONPathError) -> RegexOperand {
        let operand = try valueArgument(argument, position: 2)
        switch operand {
        case .literal(.string(let pattern)): return .compiled(IRegexp(pattern))
        // A non-string pattern never matches (§2.4.6, §2.4.7).
        case .literal: return .compiled(nil)
        default: return .dynamic(operand)
        }
    }

    private func argumentError(
        _ argument: JSONPathParser.Operand, _ position: Int, _ problem: String
    )
        -> JSONPathError
    {
        JSONPathError(offset: argument.offset, message: "argument \(position) of \(rawValue)() \(problem)")
    }
}

extension FunctionExpression {
    var function: JSONPathFunction {
        switch self {
        case .length: .length
        case .count: .count
        case .value: .value
        case .match: .match
        case .search: .search
        }
    }

    var name: String { function.rawValue }

    var resultType: FunctionType { function.resultType }
}

extension JSONPathEvaluator {
    /// Evaluates a function whose result type is ValueType; nil is Nothing.
    func evaluateValue(_ function: FunctionExpression, current: JSONValue) -> JSONValue? {
        switch function {
        case .length(let argument):
            switch value(of: argument, current: current) {
            // Length counts Unicode scalars, not grapheme clusters (§2.4.4).
            case .string(let string)?: return .int(string.unicodeScalars.count)
            case .array(let array)?: return .int(array.count)
            case .object(let object)?: return .int(object.count)
            default: return nil
            }
        case .count(let query):
            return .int(countNodes(query, current: current).count)
        case .value(let query):
            let nodes = countNodes(query, current: current, limit: 2)
            return nodes.count == 1 ? nodes.lastValue : nil
        case .match, .search:
            // Type checking admits only ValueType functions here.
            return nil
        }
    }

    /// Evaluates a function whose result type is LogicalType.
    func evaluateLogical(_ function: FunctionExpression, current: JSONValue) -> Bool {
        switch function {
        case .match(let subject, let pattern):
            guard case .string(let string)? = value(of: subject, current: current),
                let regex = regex(pattern, current: current)
            else { return false }
            return regex.matchesWhole(string)
        case .search(let subject, let pattern):
            guard case .string(let string)? = value(of: subject, current: current),
                let regex = regex(pattern, current: current)
            else { return false }
            return regex.matchesSubstring(string)
        case .length, .count, .value:
            // Type checking admits only LogicalType functions here.
            return false
        }
    }

    private func regex(_ operand: RegexOperand, current: JSONValue) -> IRegexp? {
        switch operand {
        case .compiled(let regex):
            return regex
        case .dynamic(let operand):
            guard case .string(let pattern)? = value(of: operand, current: current) else { return nil }
            // Patterns taken from the document are compiled per evaluation; the core keeps no cache.
            return IRegexp(pattern)
        }
    }
}
