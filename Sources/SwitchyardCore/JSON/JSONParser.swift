import OrderedCollections

extension JSONValue {
    /// Parses a JSON text strictly per RFC 8259.
    ///
    /// Whitespace may surround the value; comments, trailing commas, leading zeros, `NaN` and unpaired
    /// surrogate escapes are rejected. Duplicate object keys keep the last value (at the first key's
    /// position). Integer literals that fit in `Int` become `.int`, every other number `.double`; a
    /// number whose magnitude overflows `Double` is rejected.
    ///
    /// - Parameter maxDepth: The deepest nesting of arrays and objects accepted; guards the recursive
    ///   parser against stack exhaustion on hostile input.
    public static func parse(_ text: String, maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            var parser = JSONParser(bytes: buffer, maxDepth: maxDepth, validatesUTF8: false)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        return try result.get()
    }

    /// Parses UTF-8 encoded JSON bytes strictly per RFC 8259; see ``parse(_:maxDepth:)``.
    ///
    /// Invalid UTF-8 inside strings is rejected rather than repaired, and so is a byte order mark.
    public static func parse(
        bytes: some Sequence<UInt8>, maxDepth: Int = 512
    ) throws(JSONParseError)
        -> JSONValue
    {
        let parse = { (buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> in
            var parser = JSONParser(bytes: buffer, maxDepth: maxDepth, validatesUTF8: true)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        if let result = bytes.withContiguousStorageIfAvailable(parse) {
            return try result.get()
        }
        return try Array(bytes).withUnsafeBufferPointer(parse).get()
    }
}

/// A recursive-descent parser over UTF-8 bytes.
///
/// Working on bytes instead of `Character`s avoids grapheme breaking, which dominates the cost of
/// naive `String`-based parsers.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    /// `String` input is valid UTF-8 by construction; only raw bytes need checking.
    private let validatesUTF8: Bool
    private var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, validatesUTF8: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.validatesUTF8 = validatesUTF8
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw error("unexpected \(describeByte(at: index)) after the JSON value")
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectKeyword("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectKeyword("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectKeyword("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error("unexpected \(describeByte(at: index)), expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw error("nesting deeper than the maximum depth of \(maxDepth)") }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject())
        }
        // Members are gathered in two arrays and handed over whole: inserting them one by one
        // cost most of a request line's parse. A repeated key keeps its first place and its
        // last value, as the dictionary's setter did.
        var keys: [String] = []
        var values: [JSONValue] = []
        keys.reserveCapacity(8)
        values.reserveCapacity(8)
        /// Key positions, once an object is too large to search linearly.
        var positions: [String: Int]?
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw error("expected a string key, found \(describeByte(at: index))")
            }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw error("expected ':' after object key, found \(describeByte(at: index))")
            }
            index += 1
            let value = try parseValue(depth: depth)
            let existing = positions.map { $0[key] } ?? keys.firstIndex(of: key)
            if let existing {
                values[existing] = value
            } else {
                positions?[key] = keys.count
                keys.append(key)
                values.append(value)
                if positions == nil, keys.count > 16 { positions = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices)) }
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(uncheckedUniqueKeys: keys, values: values))
            default:
                throw error("expected ',' or '}' in object, found \(describeByte(at: index))")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw error("nesting deeper than the maximum depth of \(maxDepth)") }
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(array)
        }
        while true {
            array.append(try parseValue(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(array)
            default:
                throw error("expected ',' or ']' in array, found \(describeByte(at: index))")
            }
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        let contentStart = index
        // Most strings have no escapes: find the closing quote and copy the bytes in one go.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<index]), as: UTF8.self)
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character U+\(fourDigitHex(UInt32(byte))) in string") }
            index += byte >= 0x80 && validatesUTF8 ? try utf8SequenceLength() : 1
        }
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        return try parseEscapedString(contentStart: contentStart, stringStart: start)
    }

    private mutating func parseEscapedString(contentStart: Int, stringStart: Int) throws(JSONParseError) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(index - contentStart + 16)
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case ..<0x20:
                throw error("unescaped control character U+\(fourDigitHex(UInt32(byte))) in string")
            default:
                let length = byte >= 0x80 && validatesUTF8 ? try utf8SequenceLength() : 1
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
        }
        throw error("unterminated string", at: stringStart)
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw error("unterminated string", at: escapeStart) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(escapeStart: escapeStart)
            if (0xD800...0xDBFF).contains(scalar) {
                let low: UInt32
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    low = try parseHex4(escapeStart: index - 2)
                } else {
                    low = 0
                }
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("unpaired high surrogate \\u\(fourDigitHex(scalar))", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("unpaired low surrogate \\u\(fourDigitHex(scalar))", at: escapeStart)
            }
            // Only surrogates fail here, and they were rejected above.
            buffer.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            throw error("invalid escape sequence '\\\(describeEscapedByte(byte))'", at: escapeStart)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Self.hexDigitValue(bytes[index]) else {
                throw error("\\u escape needs four hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Checks the multi-byte UTF-8 sequence at the current byte and returns its length.
    ///
    /// Checking inline, only for non-ASCII bytes, is much cheaper than validating every string
    /// separately, and pinpoints the bad byte.
    private func utf8SequenceLength() throws(JSONParseError) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: throw error("invalid UTF-8 byte 0x\(String(lead, radix: 16, uppercase: true)) in string")
        }
        guard index + length <= bytes.count else { throw error("truncated UTF-8 sequence in string") }
        var scalar = UInt32(lead) & (0x7F >> length)
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { throw error("invalid UTF-8 sequence in string") }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not valid UTF-8.
        let isValid =
            switch length {
            case 3: scalar >= 0x800 && !(0xD800...0xDFFF).contains(scalar)
            case 4: scalar >= 0x10000 && scalar <= 0x10FFFF
            default: true
            }
        guard isValid else { throw error("invalid UTF-8 sequence in string") }
        return length
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else {
            throw error("expected a digit after '-', found \(describeByte(at: index))")
        }
        index += 1
        if first == UInt8(ascii: "0"), let next = peek(), isDigit(next) {
            throw error("leading zeros are not allowed in numbers", at: start)
        }
        skipDigits()
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let digit = peek(), isDigit(digit) else {
                throw error("expected a digit after the decimal point, found \(describeByte(at: index))")
            }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), isDigit(digit) else {
                throw error("expected a digit in the exponent, found \(describeByte(at: index))")
            }
            skipDigits()
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if isInteger, let integer = parseInt(text) { return .int(integer) }
        guard let double = Double(String(decoding: text, as: UTF8.self)), double.isFinite else {
            throw error("number out of range", at: start)
        }
        return .double(double)
    }

    /// Accumulates negatively so that `Int.min` parses; returns nil on overflow.
    private func parseInt(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        let negative = text.first == UInt8(ascii: "-")
        var value = 0
        for byte in text.dropFirst(negative ? 1 : 0) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    private mutating func expectKeyword(_ keyword: StaticString) throws(JSONParseError) {
        let start = index
        let count = keyword.utf8CodeUnitCount
        let matches =
            index + count <= bytes.count
            && keyword.withUTF8Buffer { expected in
                expected.elementsEqual(UnsafeBufferPointer(rebasing: bytes[index..<index + count]))
            }
        guard matches else { throw error("invalid literal, expected '\(keyword)'", at: start) }
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func describeEscapedByte(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : "\\u{\(String(byte, radix: 16))}"
    }

    private func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(bytes: bytes, offset: offset ?? index, message: message)
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

/// `value` as at least four uppercase hexadecimal digits, as in `U+001F` or `\uD800`.
func fourDigitHex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
