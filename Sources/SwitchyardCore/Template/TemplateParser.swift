/// Splits template text into literal runs and `{{name}}` placeholders.
enum TemplateParser {
    static func parts(of text: String) throws(TemplateError) -> [Template.Part] {
        guard text.contains("{{") || text.contains("}}") else { return text.isEmpty ? [] : [.literal(text)] }
        var parts: [Template.Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("{{") {
                guard let close = rest.firstRange(of: "}}") else {
                    throw TemplateError(
                        message: "unterminated placeholder: '{{' without '}}'", offset: text.distance(from: text.startIndex, to: index))
                }
                let name = rest[rest.index(index, offsetBy: 2)..<close.lowerBound].trimmingSpaces()
                guard isVariableName(name) else {
                    throw TemplateError(
                        message:
                            "malformed placeholder '{{\(rest[rest.index(index, offsetBy: 2)..<close.lowerBound])}}'; write {{name}} or {{name.field}}",
                        offset: text.distance(from: text.startIndex, to: index))
                }
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.variable(name))
                index = close.upperBound
            } else if rest.hasPrefix("}}") {
                throw TemplateError(message: "'}}' without a matching '{{'", offset: text.distance(from: text.startIndex, to: index))
            } else {
                literal.append(text[index])
                index = text.index(after: index)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// Character offset of the first placeholder naming `name`, for error positions.
    static func offset(ofPlaceholder name: String, in text: String) -> Int? {
        var search = text.startIndex
        while let open = text[search...].firstRange(of: "{{") {
            guard let close = text[open.upperBound...].firstRange(of: "}}") else { return nil }
            if text[open.upperBound..<close.lowerBound].trimmingSpaces() == name {
                return text.distance(from: text.startIndex, to: open.lowerBound)
            }
            search = close.upperBound
        }
        return nil
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ".") }
            && !name.hasSuffix(".") && !name.contains("..")
    }
}
