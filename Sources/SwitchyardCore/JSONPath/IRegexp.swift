/// An I-Regexp (RFC 9485), translated to a Swift `Regex` once, for `match()` and `search()`.
///
/// The translation spells out I-Regexp's semantics where Swift's defaults differ: matching runs on
/// Unicode scalars rather than grapheme clusters, `.` excludes only LF and CR (not U+2028/U+2029),
/// groups do not capture, and every literal but ASCII letters and digits is emitted as a `\u{…}`
/// escape so that no character is reinterpreted by Swift's richer syntax. Anything outside the
/// I-Regexp grammar, such as `\d`, lazy quantifiers or backreferences, makes the pattern invalid.
///
/// `^` and `$` are read as start- and end-of-string anchors. RFC 9485's grammar lists them as
/// ordinary characters, but its mappings to the common regex dialects (§5) pass them through as
/// anchors, and the JSONPath compliance suite ("explicit caret"/"explicit dollar") expects that.
///
/// `Regex` declares no `Sendable` conformance, hence `@unchecked`: a `Regex` is an immutable value
/// whose only shared state is its lazily lowered program, which the standard library publishes
/// with an atomic store. The initializer lowers it eagerly anyway, so concurrent evaluations only
/// ever read it.
struct IRegexp: @unchecked Sendable {
    private let regex: Regex<Substring>

    /// Compiles `pattern`, or returns nil when it is not a valid I-Regexp.
    init?(_ pattern: String) {
        var translator = IRegexpTranslator(pattern)
        guard let translated = translator.translate(), let regex = try? Regex(translated, as: Substring.self) else {
            return nil
        }
        self.regex = regex.matchingSemantics(.unicodeScalar)
        _ = try? self.regex.firstMatch(in: "")
    }

    /// Whether the whole of `string` matches, as `match()` requires.
    func matchesWhole(_ string: String) -> Bool {
        (try? regex.wholeMatch(in: string)) != nil
    }

    /// Whether some substring of `string` matches, as `search()` requires.
    func matchesSubstring(_ string: String) -> Bool {
        (try? regex.firstMatch(in: string)) != nil
    }
}

/// Validates an I-Regexp against RFC 9485's grammar while emitting equivalent Swift regex syntax.
private struct IRegexpTranslator {
    private static let maxGroupDepth = 64

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var groupDepth = 0
    private var output = ""

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func translate() -> String? {
        guard translateBranches(), position == scalars.count else { return nil }
        return output
    }

    private mutating func translateBranches() -> Bool {
        while true {
            while let scalar = peek(), scalar != "|", scalar != ")" {
                guard translateAtom(), translateQuantifier() else { return false }
            }
            guard peek() == "|" else { return true }
            position += 1
            output += "|"
        }
    }

    private mutating func translateAtom() -> Bool {
        guard let scalar = peek() else { return false }
        position += 1
        switch scalar {
        case "(":
            guard groupDepth < Self.maxGroupDepth else { return false }
            groupDepth += 1
            defer { groupDepth -= 1 }
            output += "(?:"
            guard translateBranches(), peek() == ")" else { return false }
            position += 1
            output += ")"
            return true
        case ".":
            output += "[^\\n\\r]"
            return true
        case "[":
            return translateClass()
        case "\\":
            if let category = translateCategoryEscape() {
                output += category
                return true
            }
            guard let literal = translateSingleCharEscape() else { return false }
            appendLiteral(literal)
            return true
        case "^":
            output += "\\A"
            return true
        case "$":
            output += "\\z"
            return true
        case "*", "+", "?", "{", "}", "]", ")", "|":
            return false
        default:
            appendLiteral(scalar)
            return true
        }
    }

    private mutating func translateQuantifier() -> Bool {
        switch peek() {
        case "*", "+", "?":
            output.unicodeScalars.append(scalars[position])
            position += 1
            return true
        case "{":
            position += 1
            guard let minimum = parseQuantity() else { return false }
            var maximum: Int? = minimum
            if peek() == "," {
                position += 1
                maximum = peek() == "}" ? nil : parseQuantity()
                if maximum == nil && peek() != "}" { return false }
            }
            guard peek() == "}" else { return false }
            position += 1
            if let maximum, maximum < minimum { return false }
            switch maximum {
            case minimum?: output += "{\(minimum)}"
            case let maximum?: output += "{\(minimum),\(maximum)}"
            case nil: output += "{\(minimum),}"
            }
            return true
        default:
            return true
        }
    }

    private mutating func parseQuantity() -> Int? {
        let start = position
        var value = 0
        while let scalar = peek(), ("0"..."9").contains(scalar) {
            // Larger counts would only make Swift's regex compiler unroll absurdly large programs.
            value = value * 10 + Int(scalar.value - 0x30)
            if value > 100_000 { return nil }
            position += 1
        }
        return position == start ? nil : value
    }

    /// Translates a `charClassExpr` after its `[`.
    private mutating func translateClass() -> Bool {
        output += "["
        if peek() == "^" {
            position += 1
            output += "^"
        }
        var isFirst = true
        while let scalar = peek() {
            switch scalar {
            case "]" where !isFirst:
                position += 1
                output += "]"
                return true
            case "-" where isFirst || peek(1) == "]":
                // A literal '-' may only open or close the class.
                position += 1
                output += escaped(scalar)
            default:
                if scalar == "\\", let category = translateEscapeInClass() {
                    output += category
                } else {
                    guard let low = classCharacter() else { return false }
                    if peek() == "-", let next = peek(1), next != "]" {
                        position += 1
                        guard let high = classCharacter(), low.value <= high.value else { return false }
                        output += escaped(low) + "-" + escaped(high)
                    } else {
                        output += escaped(low)
                    }
                }
            }
            isFirst = false
        }
        return false
    }

    private mutating func translateEscapeInClass() -> String? {
        position += 1
        if let category = translateCategoryEscape() { return category }
        position -= 1
        return nil
    }

    /// Reads one `CCchar`: any scalar but `-`, `[`, `\` and `]`, or a single-character escape.
    private mutating func classCharacter() -> Unicode.Scalar? {
        guard let scalar = peek() else { return nil }
        position += 1
        switch scalar {
        case "\\": return translateSingleCharEscape()
        case "-", "[", "]": return nil
        default: return scalar
        }
    }

    /// Reads a `SingleCharEsc` after its backslash.
    private mutating func translateSingleCharEscape() -> Unicode.Scalar? {
        guard let scalar = peek() else { return nil }
        position += 1
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "(", ")", "*", "+", "-", ".", "?", "[", "\\", "]", "^", "{", "|", "}": return scalar
        default: return nil
        }
    }

    /// Reads `p{…}` or `P{…}` after a backslash, leaving the position unchanged if absent.
    private mutating func translateCategoryEscape() -> String? {
        guard let kind = peek(), kind == "p" || kind == "P", peek(1) == "{" else { return nil }
        let start = position
        position += 2
        guard let major = peek() else {
            position = start
            return nil
        }
        position += 1
        let minors: String
        switch major {
        case "L": minors = "lmotu"
        case "M": minors = "cen"
        case "N": minors = "dlo"
        case "P": minors = "cdefios"
        case "Z": minors = "lps"
        case "S": minors = "ckmo"
        case "C": minors = "cfno"
        default:
            position = start
            return nil
        }
        var category = String(major)
        if let minor = peek(), minor != "}" {
            guard minors.unicodeScalars.contains(minor) else {
                position = start
                return nil
            }
            position += 1
            category.unicodeScalars.append(minor)
        }
        guard peek() == "}" else {
            position = start
            return nil
        }
        position += 1
        return "\\\(kind){\(category)}"
    }

    private mutating func appendLiteral(_ scalar: Unicode.Scalar) {
        output += escaped(scalar)
    }

    private func escaped(_ scalar: Unicode.Scalar) -> String {
        if scalar.properties.isASCIIHexDigit || ("g"..."z").contains(scalar) || ("G"..."Z").contains(scalar) {
            return String(scalar)
        }
        return "\\u{\(String(scalar.value, radix: 16))}"
    }

    private func peek(_ lookahead: Int = 0) -> Unicode.Scalar? {
        let index = position + lookahead
        return index < scalars.count ? scalars[index] : nil
    }
}
