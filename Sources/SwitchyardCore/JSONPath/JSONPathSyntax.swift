/// A compiled JSONPath query (RFC 9535 §2.1), absolute (`$…`) or relative to the current node (`@…`).
struct PathQuery: Sendable {
    enum Origin: Sendable {
        case root
        case current
    }

    var origin: Origin
    var segments: [PathSegment]
    /// The query's steps when it is a singular query (§2.3.5.1), so evaluation can follow them
    /// directly instead of building node lists.
    var singularSteps: [SingularStep]?

    init(origin: Origin, segments: [PathSegment]) {
        self.origin = origin
        self.segments = segments
        singularSteps = PathQuery.singularSteps(of: segments)
    }

    /// Why a query is not singular, for error messages.
    var nonSingularReason: String {
        let onlySingleSelectors = segments.allSatisfy { segment in
            guard !segment.isDescendant, segment.selectors.count == 1 else { return false }
            switch segment.selectors[0] {
            case .name, .index: return true
            default: return false
            }
        }
        return onlySingleSelectors
            ? "blank space inside its brackets makes the query non-singular"
            : "the query may select several nodes"
    }

    private static func singularSteps(of segments: [PathSegment]) -> [SingularStep]? {
        var steps: [SingularStep] = []
        steps.reserveCapacity(segments.count)
        for segment in segments {
            // The grammar's name-segment and index-segment leave no room for blank space inside
            // the brackets, so `@[ 'a' ]` is not singular even though it selects one node.
            guard !segment.isDescendant, segment.isCompact, segment.selectors.count == 1 else { return nil }
            switch segment.selectors[0] {
            case .name(let name): steps.append(.name(name))
            case .index(let index): steps.append(.index(index))
            default: return nil
            }
        }
        return steps
    }
}

/// One step of a singular query.
enum SingularStep: Sendable {
    case name(String)
    case index(Int)
}

/// A child segment (`[…]`, `.name`, `.*`) or a descendant segment (`..[…]`, `..name`, `..*`).
struct PathSegment: Sendable {
    var isDescendant: Bool
    var selectors: [PathSelector]
    /// Whether the segment was written without blank space inside its brackets (or as shorthand),
    /// which the singular-query grammar requires.
    var isCompact: Bool
}

/// A selector inside a segment (§2.3).
enum PathSelector: Sendable {
    case name(String)
    case wildcard
    case index(Int)
    case slice(SliceSelector)
    case filter(FilterExpression)
}

/// An array slice `start:end:step` (§2.3.4); nil bounds take the step-dependent defaults.
struct SliceSelector: Sendable {
    var start: Int?
    var end: Int?
    var step: Int
}

/// A logical expression in a filter selector (§2.3.5), already type-checked.
indirect enum FilterExpression: Sendable {
    case or([FilterExpression])
    case and([FilterExpression])
    case not(FilterExpression)
    /// A test of a query: true when it selects at least one node.
    case exists(PathQuery)
    /// A test of a function whose declared result type is LogicalType.
    case test(FunctionExpression)
    case comparison(ValueOperand, ComparisonOperator, ValueOperand)
}

/// The operators of a comparison expression (§2.3.5.2.2).
enum ComparisonOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// Something that produces a ValueType value: a comparable, or a ValueType function argument.
indirect enum ValueOperand: Sendable {
    case literal(JSONValue)
    case singularQuery(PathQuery.Origin, [SingularStep])
    case function(FunctionExpression)
}

/// A regular-expression argument of `match` or `search`.
enum RegexOperand: Sendable {
    /// A literal pattern, compiled when the query was; nil when it is not a valid I-Regexp.
    case compiled(IRegexp?)
    /// A pattern computed per node, compiled during evaluation.
    case dynamic(ValueOperand)
}

/// A call of one of the RFC 9535 function extensions (§2.4), after type checking.
indirect enum FunctionExpression: Sendable {
    case length(ValueOperand)
    case count(PathQuery)
    case value(PathQuery)
    case match(ValueOperand, RegexOperand)
    case search(ValueOperand, RegexOperand)
}
