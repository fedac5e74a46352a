/// A recursive-descent parser for RFC 9535 queries that type-checks filter expressions as it goes.
///
/// It works on Unicode scalars because the RFC's grammar is defined over code points; error
/// offsets are therefore scalar indices.
struct JSONPathParser {
    /// Caps nesting of filters, parentheses and function calls so that hostile queries cannot
    /// exhaust the stack of this recursive parser (or of the evaluator later).
    private static let maxNesting = 64

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var nesting = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    /// Parses a whole `jsonpath-query`: `$` followed by segments, with nothing around it.
    mutating func parseQuery() throws(JSONPathError) -> PathQuery {
        guard peek() == "$" else {
            throw error(
                peek() == nil ? "empty query, expected '$'" : "a query must start with '$', found \(describe(position))"
            )
        }
        position += 1
        let segments = try parseSegments()
        if position < scalars.count {
            throw error("unexpected \(describe(position))")
        }
        return PathQuery(origin: .root, segments: segments)
    }

    private mutating func parseSegments() throws(JSONPathError) -> [PathSegment] {
        var segments: [PathSegment] = []
        while true {
            // Blank space may separate segments, but belongs to whatever follows when no segment does.
            let beforeBlank = position
            skipBlank()
            switch peek() {
            case "[":
                segments.append(try parseBracketedSelection(isDescendant: false))
            case "." where peek(1) == ".":
                position += 2
                segments.append(try parseDescendantSegment())
            case ".":
                position += 1
                segments.append(try parseShorthand(isDescendant: false, after: "."))
            default:
                position = beforeBlank
                return segments
            }
        }
    }

    private mutating func parseDescendantSegment() throws(JSONPathError) -> PathSegment {
        if peek() == "[" { return try parseBracketedSelection(isDescendant: true) }
        return try parseShorthand(isDescendant: true, after: "..")
    }

    /// Parses `*` or a member name directly after `.` or `..`; no blank space may intervene.
    private mutating func parseShorthand(
        isDescendant: Bool, after prefix: String
    ) throws(JSONPathError)
        -> PathSegment
    {
        if peek() == "*" {
            position += 1
            return PathSegment(isDescendant: isDescendant, selectors: [.wildcard], isCompact: true)
        }
        guard let first = peek(), Self.isNameFirst(first) else {
            throw error("expected a member name or '*' after '\(prefix)', found \(describe(position))")
        }
        let start = position
        position += 1
        while let scalar = peek(), Self.isNameFirst(scalar) || Self.isDigit(scalar) { position += 1 }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[start..<position])
        return PathSegment(isDescendant: isDescendant, selectors: [.name(String(name))], isCompact: true)
    }

    private mutating func parseBracketedSelection(isDescendant: Bool) throws(JSONPathError) -> PathSegment {
        let open = position
        position += 1
        var isCompact = !skipBlank()
        var selectors = [try parseSelector()]
        while true {
            if skipBlank() { isCompact = false }
            switch peek() {
            case "]":
                position += 1
                return PathSegment(isDescendant: isDescendant, selectors: selectors, isCompact: isCompact)
            case ",":
                position += 1
                skipBlank()
                selectors.append(try parseSelector())
            case nil:
                throw error("unclosed '['", at: open)
            default:
                throw error("expected ',' or ']' after a selector, found \(describe(position))")
            }
        }
    }

    private mutating func parseSelector() throws(JSONPathError) -> PathSelector {
        switch peek() {
        case "'", "\"":
            return .name(try parseStringLiteral())
        case "*":
            position += 1
            return .wildcard
        case "?":
            position += 1
            skipBlank()
            return .filter(try nested { (parser) throws(JSONPathError) in try parser.parseLogicalOr() })
        case "-", ":":
            return try parseIndexOrSlice()
        case let scalar? where Self.isDigit(scalar):
            return try parseIndexOrSlice()
        case "]":
            throw error("expected a selector: brackets cannot be empty or end with ','")
        default:
            throw error("expected a selector (name, index, slice, '*' or filter), found \(describe(position))")
        }
    }

    private mutating func parseIndexOrSlice() throws(JSONPathError) -> PathSelector {
        let start = peek() == ":" ? nil : try parseInteger()
        let afterStart = position
        skipBlank()
        guard peek() == ":" else {
            position = afterStart
            // `start` is non-nil here: the selector began with a digit or '-'.
            return .index(start ?? 0)
        }
        position += 1
        skipBlank()
        var end: Int?
        if startsInteger() {
            end = try parseInteger()
            skipBlank()
        }
        var step: Int?
        if peek() == ":" {
            position += 1
            skipBlank()
            if startsInteger() { step = try parseInteger() }
        }
        return .slice(SliceSelector(start: start, end: end, step: step ?? 1))
    }

    private func startsInteger() -> Bool {
        guard let scalar = peek() else { return false }
        return scalar == "-" || Self.isDigit(scalar)
    }

    /// Parses an `int`: no leading zeros, no `-0`, and within I-JSON's exact range (±(2⁵³−1)).
    private mutating func parseInteger() throws(JSONPathError) -> Int {
        let start = position
        let isNegative = peek() == "-"
        if isNegative { position += 1 }
        guard let first = peek(), Self.isDigit(first) else {
            throw error("expected a digit, found \(describe(position))")
        }
        if first == "0" {
            position += 1
            if isNegative { throw error("'-0' is not a valid integer here", at: start) }
            if let next = peek(), Self.isDigit(next) { throw error("leading zeros are not allowed", at: start) }
            return 0
        }
        let limit = 9_007_199_254_740_991
        var magnitude = 0
        while let scalar = peek(), Self.isDigit(scalar) {
            magnitude = magnitude * 10 + Int(scalar.value - 0x30)
            if magnitude > limit { throw error("integer out of range ±(2^53-1)", at: start) }
            position += 1
        }
        return isNegative ? -magnitude : magnitude
    }

    /// Parses a single- or double-quoted string literal (§2.3.1.1).
    private mutating func parseStringLiteral() throws(JSONPathError) -> String {
        let start = position
        let quote = scalars[position]
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else { throw error("unterminated string literal", at: start) }
            switch scalar {
            case quote:
                position += 1
                return String(result)
            case "\\":
                result.append(try parseEscape(quote: quote))
            case "\u{00}"..."\u{1F}":
                throw error("control character U+\(fourDigitHex(scalar.value)) must be escaped in a string literal")
            default:
                result.append(scalar)
                position += 1
            }
        }
    }

    private mutating func parseEscape(quote: Unicode.Scalar) throws(JSONPathError) -> Unicode.Scalar {
        let start = position
        position += 1
        guard let scalar = peek() else { throw error("unterminated string literal", at: start) }
        position += 1
        switch scalar {
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "/", "\\": return scalar
        case quote: return quote
        case "u":
            let high = try parseHex4(escapeStart: start)
            if (0xDC00...0xDFFF).contains(high) {
                throw error("unpaired low surrogate \\u\(fourDigitHex(high))", at: start)
            }
            guard (0xD800...0xDBFF).contains(high) else { return Unicode.Scalar(high)! }
            guard peek() == "\\", peek(1) == "u" else {
                throw error(
                    "high surrogate \\u\(fourDigitHex(high)) must be followed by a low surrogate escape", at: start)
            }
            position += 2
            let low = try parseHex4(escapeStart: position - 2)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw error(
                    "high surrogate \\u\(fourDigitHex(high)) must be followed by a low surrogate escape", at: start)
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        default:
            throw error("invalid escape sequence '\\\(scalar.escaped(asASCII: true))'", at: start)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONPathError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = peek(), let digit = Self.hexDigit(scalar) ?? Self.hexLetter(scalar) else {
                throw error("\\u escape needs four hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Runs `body` one nesting level deeper, failing when the query nests too deeply.
    private mutating func nested<T>(
        _ body: (inout JSONPathParser) throws(JSONPathError) -> T
    )
        throws(JSONPathError) -> T
    {
        guard nesting < Self.maxNesting else {
            throw error("expression nested deeper than \(Self.maxNesting) levels")
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    private mutating func parseLogicalOr(
        startingWith first: FilterExpression? = nil
    ) throws(JSONPathError)
        -> FilterExpression
    {
        var terms: [FilterExpression] = if let first { [first] } else { [try parseLogicalAnd()] }
        while true {
            let beforeBlank = position
            skipBlank()
            guard peek() == "|", peek(1) == "|" else {
                position = beforeBlank
                break
            }
            position += 2
            skipBlank()
            terms.append(try parseLogicalAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseLogicalAnd(
        startingWith first: FilterExpression? = nil
    ) throws(JSONPathError)
        -> FilterExpression
    {
        var terms: [FilterExpression] = if let first { [first] } else { [try parseBasicExpression()] }
        while true {
            let beforeBlank = position
            skipBlank()
            guard peek() == "&", peek(1) == "&" else {
                position = beforeBlank
                break
            }
            position += 2
            skipBlank()
            terms.append(try parseBasicExpression())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseBasicExpression() throws(JSONPathError) -> FilterExpression {
        let start = position
        if peek() == "!" {
            position += 1
            skipBlank()
            if peek() == "(" { return .not(try parseParenthesized()) }
            let test = try testExpression(try parseOperand())
            let afterTest = position
            skipBlank()
            if comparisonOperatorAhead() {
                throw error("'!' negates only a test or a parenthesized expression; write '!(… op …)'", at: start)
            }
            position = afterTest
            return .not(test)
        }
        if peek() == "(" { return try parseParenthesized() }
        return try finishBasicExpression(try parseOperand())
    }

    /// Completes a comparison whose left side is `operand`, or takes `operand` as a test.
    private mutating func finishBasicExpression(_ operand: Operand) throws(JSONPathError) -> FilterExpression {
        let afterOperand = position
        skipBlank()
        guard let comparisonOperator = parseComparisonOperator() else {
            position = afterOperand
            return try testExpression(operand)
        }
        skipBlank()
        let right = try parseOperand()
        return .comparison(try comparable(operand), comparisonOperator, try comparable(right))
    }

    private mutating func parseParenthesized() throws(JSONPathError) -> FilterExpression {
        let open = position
        position += 1
        return try nested { (parser) throws(JSONPathError) in
            parser.skipBlank()
            let expression = try parser.parseLogicalOr()
            parser.skipBlank()
            guard parser.peek() == ")" else {
                throw parser.error(
                    parser.peek() == nil
                        ? "unclosed '(' at offset \(open)" : "expected ')', found \(parser.describe(parser.position))"
                )
            }
            parser.position += 1
            return expression
        }
    }

    private func comparisonOperatorAhead() -> Bool {
        switch (peek(), peek(1)) {
        case ("=", "="), ("!", "="), ("<", _), (">", _): true
        default: false
        }
    }

    private mutating func parseComparisonOperator() -> ComparisonOperator? {
        let result: ComparisonOperator
        switch (peek(), peek(1)) {
        case ("=", "="): result = .equal
        case ("!", "="): result = .notEqual
        case ("<", "="): result = .lessOrEqual
        case (">", "="): result = .greaterOrEqual
        case ("<", _): result = .less
        case (">", _): result = .greater
        default: return nil
        }
        position += result.rawValue.unicodeScalars.count
        return result
    }

    /// A literal, query or function call, before it is known whether it is compared or tested.
    struct Operand {
        enum Kind {
            case literal(JSONValue)
            case query(PathQuery)
            case function(FunctionExpression)
            /// Only as a function argument: a logical expression that is not a bare operand.
            case logical(FilterExpression)
        }

        var kind: Kind
        var offset: Int
    }

    private mutating func parseOperand() throws(JSONPathError) -> Operand {
        let start = position
        switch peek() {
        case "$", "@":
            let origin: PathQuery.Origin = peek() == "$" ? .root : .current
            position += 1
            let segments = try parseSegments()
            return Operand(kind: .query(PathQuery(origin: origin, segments: segments)), offset: start)
        case "'", "\"":
            return Operand(kind: .literal(.string(try parseStringLiteral())), offset: start)
        case "-":
            return Operand(kind: .literal(try parseNumberLiteral()), offset: start)
        case let scalar? where Self.isDigit(scalar):
            return Operand(kind: .literal(try parseNumberLiteral()), offset: start)
        case let scalar? where ("a"..."z").contains(scalar):
            let name = parseIdentifier()
            if peek() == "(" {
                return Operand(kind: .function(try parseFunctionCall(name: name, at: start)), offset: start)
            }
            switch name {
            case "true": return Operand(kind: .literal(.bool(true)), offset: start)
            case "false": return Operand(kind: .literal(.bool(false)), offset: start)
            case "null": return Operand(kind: .literal(.null), offset: start)
            default:
                if JSONPathFunction(rawValue: name) != nil, peek().map(Self.isBlank) == true {
                    throw error("no blank space is allowed between a function name and '('")
                }
                throw error("unknown identifier '\(name)'", at: start)
            }
        case nil:
            throw error("unexpected end of query, expected a query, literal or function call")
        default:
            throw error("expected a query, literal or function call, found \(describe(position))")
        }
    }

    private mutating func parseIdentifier() -> String {
        let start = position
        while let scalar = peek(), ("a"..."z").contains(scalar) || Self.isDigit(scalar) || scalar == "_" {
            position += 1
        }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[start..<position])
        return String(name)
    }

    /// Parses a `number` literal (§2.3.5.1): JSON's number syntax, plus `-0`.
    private mutating func parseNumberLiteral() throws(JSONPathError) -> JSONValue {
        let start = position
        if peek() == "-" { position += 1 }
        guard let first = peek(), Self.isDigit(first) else {
            throw error("expected a digit, found \(describe(position))")
        }
        position += 1
        if first == "0", let next = peek(), Self.isDigit(next) {
            throw error("leading zeros are not allowed in numbers", at: start)
        }
        skipDigits()
        var isInteger = true
        if peek() == "." {
            isInteger = false
            position += 1
            guard let digit = peek(), Self.isDigit(digit) else {
                throw error("expected a digit after the decimal point, found \(describe(position))")
            }
            skipDigits()
        }
        if peek() == "e" || peek() == "E" {
            isInteger = false
            position += 1
            if peek() == "+" || peek() == "-" { position += 1 }
            guard let digit = peek(), Self.isDigit(digit) else {
                throw error("expected a digit in the exponent, found \(describe(position))")
            }
            skipDigits()
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<position])
        let literal = String(text)
        if isInteger, let integer = Int(literal) { return .int(integer) }
        // The syntax was checked above, so only the magnitude can make this fail.
        return .double(Double(literal) ?? .infinity)
    }

    private mutating func parseFunctionCall(
        name: String, at start: Int
    ) throws(JSONPathError)
        -> FunctionExpression
    {
        guard let function = JSONPathFunction(rawValue: name) else {
            throw error("unknown function '\(name)'", at: start)
        }
        position += 1
        let arguments = try nested { (parser) throws(JSONPathError) in
            try parser.parseFunctionArguments()
        }
        return try function.makeExpression(arguments: arguments, at: start)
    }

    private mutating func parseFunctionArguments() throws(JSONPathError) -> [Operand] {
        var arguments: [Operand] = []
        skipBlank()
        if peek() == ")" {
            position += 1
            return arguments
        }
        while true {
            arguments.append(try parseFunctionArgument())
            skipBlank()
            switch peek() {
            case ",":
                position += 1
                skipBlank()
            case ")":
                position += 1
                return arguments
            case nil:
                throw error("unexpected end of query in function arguments")
            default:
                throw error("expected ',' or ')' after a function argument, found \(describe(position))")
            }
        }
    }

    /// Parses a `function-argument`: a bare literal, query or function call keeps its own type;
    /// anything longer is a logical expression.
    private mutating func parseFunctionArgument() throws(JSONPathError) -> Operand {
        let start = position
        if peek() == "!" || peek() == "(" {
            return Operand(kind: .logical(try parseLogicalOr()), offset: start)
        }
        let operand = try parseOperand()
        let afterOperand = position
        skipBlank()
        if peek() == "," || peek() == ")" {
            position = afterOperand
            return operand
        }
        position = afterOperand
        let basic = try finishBasicExpression(operand)
        let conjunction = try parseLogicalAnd(startingWith: basic)
        return Operand(kind: .logical(try parseLogicalOr(startingWith: conjunction)), offset: start)
    }

    /// Checks that `operand` may appear in a comparison: literals, singular queries and functions
    /// returning ValueType (§2.4.3).
    private func comparable(_ operand: Operand) throws(JSONPathError) -> ValueOperand {
        switch operand.kind {
        case .literal(let value):
            return .literal(value)
        case .query(let query):
            guard let steps = query.singularSteps else {
                throw error("a non-singular query cannot be compared: \(query.nonSingularReason)", at: operand.offset)
            }
            return .singularQuery(query.origin, steps)
        case .function(let function):
            guard function.resultType == .value else {
                throw error(
                    "the result of \(function.name)() is \(function.resultType) and cannot be compared",
                    at: operand.offset
                )
            }
            return .function(function)
        case .logical:
            throw error("a logical expression cannot be compared", at: operand.offset)
        }
    }

    /// Checks that `operand` may stand alone as a test: queries and functions returning
    /// LogicalType or NodesType (§2.4.3).
    private func testExpression(_ operand: Operand) throws(JSONPathError) -> FilterExpression {
        switch operand.kind {
        case .literal:
            throw error("a literal cannot be a test on its own; compare it with something", at: operand.offset)
        case .query(let query):
            return .exists(query)
        case .function(let function):
            guard function.resultType != .value else {
                throw error(
                    "the result of \(function.name)() is ValueType and must be compared", at: operand.offset
                )
            }
            return .test(function)
        case .logical(let expression):
            return expression
        }
    }

    private func peek(_ lookahead: Int = 0) -> Unicode.Scalar? {
        let index = position + lookahead
        return index < scalars.count ? scalars[index] : nil
    }

    /// Skips blank space (§2.1.1: space, tab, LF, CR); returns whether there was any.
    @discardableResult
    private mutating func skipBlank() -> Bool {
        let start = position
        while let scalar = peek(), Self.isBlank(scalar) { position += 1 }
        return position != start
    }

    private mutating func skipDigits() {
        while let scalar = peek(), Self.isDigit(scalar) { position += 1 }
    }

    private func describe(_ offset: Int) -> String {
        guard offset < scalars.count else { return "end of query" }
        let scalar = scalars[offset]
        if Self.isBlank(scalar) { return "blank space" }
        if scalar.value >= 0x21 && scalar.value < 0x7F { return "'\(scalar)'" }
        return "U+\(fourDigitHex(scalar.value))"
    }

    private func error(_ message: String, at offset: Int? = nil) -> JSONPathError {
        JSONPathError(offset: offset ?? position, message: message)
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    /// `name-first` of `member-name-shorthand`: ALPHA, `_` or any non-ASCII scalar.
    private static func isNameFirst(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar.value >= 0x80
    }

    private static func hexDigit(_ scalar: Unicode.Scalar) -> UInt32? {
        ("0"..."9").contains(scalar) ? scalar.value - 0x30 : nil
    }

    private static func hexLetter(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }
}
