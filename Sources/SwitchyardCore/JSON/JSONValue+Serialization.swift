import OrderedCollections

extension JSONValue {
    /// The value as RFC 8259 JSON text.
    ///
    /// Compact output has no insignificant whitespace (`{"a":1,"b":[1,2]}`); pretty output indents by
    /// two spaces and writes `"key": value`. Sorted keys are ordered by Unicode code point, so the
    /// output does not depend on locale or normalization. Strings escape only `"`, `\` and control
    /// characters. Doubles use Swift's shortest round-trip form (`12.0`, `1e-07`); non-finite
    /// doubles, which JSON cannot express, are written as `null`.
    public func jsonString(sortedKeys: Bool = false, prettyPrinted: Bool = false) -> String {
        var writer = JSONWriter(sortedKeys: sortedKeys, prettyPrinted: prettyPrinted)
        writer.write(self, indent: 0)
        return writer.string
    }

    /// Appends the compact JSON text of the value to `output`.
    public func write(to output: inout String, sortedKeys: Bool) {
        var writer = JSONWriter(sortedKeys: sortedKeys, prettyPrinted: false)
        writer.write(self, indent: 0)
        output += writer.string
    }
}

/// Serializes into a byte buffer and decodes it once at the end.
///
/// Appending bytes is much cheaper than appending many small `String`s, each of which re-checks
/// capacity, ASCII-ness and breadcrumbs.
private struct JSONWriter {
    let sortedKeys: Bool
    let prettyPrinted: Bool
    private var bytes: [UInt8] = []

    init(sortedKeys: Bool, prettyPrinted: Bool) {
        self.sortedKeys = sortedKeys
        self.prettyPrinted = prettyPrinted
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let bool): append(bool ? "true" : "false")
        case .int(let int): writeInt(int)
        // `description` is the shortest text that round-trips, and keeps ".0" on integral values.
        case .double(let double): append(double.isFinite ? double.description : "null")
        case .string(let string): writeString(string)
        case .array(let array): writeArray(array, indent: indent)
        case .object(let object): writeObject(object, indent: indent)
        }
    }

    private mutating func writeArray(_ array: [JSONValue], indent: Int) {
        guard !array.isEmpty else {
            append("[]")
            return
        }
        bytes.append(UInt8(ascii: "["))
        for (position, element) in array.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(indent: indent + 2)
            write(element, indent: indent + 2)
        }
        newline(indent: indent)
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject, indent: Int) {
        guard !object.isEmpty else {
            append("{}")
            return
        }
        bytes.append(UInt8(ascii: "{"))
        if sortedKeys {
            let members = object.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (position, member) in members.enumerated() {
                writeMember(member.key, member.value, isFirst: position == 0, indent: indent)
            }
        } else {
            for (position, member) in object.enumerated() {
                writeMember(member.key, member.value, isFirst: position == 0, indent: indent)
            }
        }
        newline(indent: indent)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeMember(_ key: String, _ value: JSONValue, isFirst: Bool, indent: Int) {
        if !isFirst { bytes.append(UInt8(ascii: ",")) }
        newline(indent: indent + 2)
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        if prettyPrinted { bytes.append(UInt8(ascii: " ")) }
        write(value, indent: indent + 2)
    }

    private mutating func newline(indent: Int) {
        guard prettyPrinted else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    private mutating func writeInt(_ int: Int) {
        guard int != .min else {
            append(String(int))
            return
        }
        var magnitude = int < 0 ? -int : int
        if int < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Only `"`, `\` and C0 controls need escaping, so unescaped runs are copied whole.
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                writeEscape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        default:
            let digits: StaticString = "0123456789abcdef"
            append("\\u00")
            digits.withUTF8Buffer { digits in
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0xF)])
            }
        }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
