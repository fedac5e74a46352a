/// Splits template text into literal runs and `{{name}}` placeholders.
enum TemplateParser {
    private static let open = UInt8(ascii: "{")
    private static let close = UInt8(ascii: "}")

    /// Scans UTF-8 bytes: `{` and `}` are ASCII, so byte offsets split the text correctly.
    static func parts(of text: String) throws(TemplateError) -> [Template.Part] {
        let bytes = Array(text.utf8)
        var parts: [Template.Part] = []
        var literalStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if byte == open, next == open {
                guard let end = closing(in: bytes, from: index + 2) else {
                    throw TemplateError(message: "unterminated placeholder: '{{' without '}}'", offset: characterOffset(text, byteOffset: index))
                }
                let inner = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                let name = inner.trimmingSpaces()
                guard isVariableName(name) else {
                    throw TemplateError(
                        message: "malformed placeholder '{{\(inner)}}'; write {{name}} or {{name.field}}",
                        offset: characterOffset(text, byteOffset: index))
                }
                if literalStart < index { parts.append(.literal(String(decoding: bytes[literalStart..<index], as: UTF8.self))) }
                parts.append(.variable(name))
                index = end + 2
                literalStart = index
            } else if byte == close, next == close {
                throw TemplateError(message: "'}}' without a matching '{{'", offset: characterOffset(text, byteOffset: index))
            } else {
                index += 1
            }
        }
        if literalStart < bytes.count {
            parts.append(.literal(literalStart == 0 ? text : String(decoding: bytes[literalStart...], as: UTF8.self)))
        }
        return parts
    }

    private static func closing(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == close, bytes[index + 1] == close { return index }
            index += 1
        }
        return nil
    }

    /// Error offsets count characters, as people see them.
    private static func characterOffset(_ text: String, byteOffset: Int) -> Int {
        let index = text.utf8.index(text.utf8.startIndex, offsetBy: byteOffset)
        return text.distance(from: text.startIndex, to: index)
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
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        var previousDot = false
        for byte in name.utf8 {
            let dot = byte == UInt8(ascii: ".")
            guard dot || isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_"),
                !(dot && previousDot)
            else { return false }
            previousDot = dot
        }
        return !previousDot
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
