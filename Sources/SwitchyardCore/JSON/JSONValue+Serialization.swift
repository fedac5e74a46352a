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
        let output = JSONByteWriter()
        JSONWriter(sortedKeys: sortedKeys, prettyPrinted: prettyPrinted).write(self, indent: 0, to: output)
        return output.string
    }

    /// Appends the compact JSON text of the value to `output`.
    public func write(to output: inout String, sortedKeys: Bool) {
        output += jsonString(sortedKeys: sortedKeys)
    }
}

/// Walks a value into a byte buffer, which is decoded into a `String` once at the end.
///
/// Appending bytes is much cheaper than appending many small `String`s, each of which re-checks
/// capacity, ASCII-ness and breadcrumbs.
struct JSONWriter {
    let sortedKeys: Bool
    let prettyPrinted: Bool

    func write(_ value: JSONValue, indent: Int, to output: JSONByteWriter) {
        switch value {
        case .null: output.null()
        case .bool(let bool): output.bool(bool)
        case .int(let int): output.int(int)
        case .double(let double): output.double(double)
        case .string(let string): output.string(string)
        case .array(let array): writeArray(array, indent: indent, to: output)
        case .object(let object): writeObject(object, indent: indent, to: output)
        }
    }

    private func writeArray(_ array: [JSONValue], indent: Int, to output: JSONByteWriter) {
        guard !array.isEmpty else {
            output.raw("[]")
            return
        }
        output.raw("[")
        for (position, element) in array.enumerated() {
            if position > 0 { output.raw(",") }
            newline(indent: indent + 2, to: output)
            write(element, indent: indent + 2, to: output)
        }
        newline(indent: indent, to: output)
        output.raw("]")
    }

    private func writeObject(_ object: JSONObject, indent: Int, to output: JSONByteWriter) {
        guard !object.isEmpty else {
            output.raw("{}")
            return
        }
        output.raw("{")
        if sortedKeys {
            let members = object.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (position, member) in members.enumerated() {
                writeMember(member.key, member.value, isFirst: position == 0, indent: indent, to: output)
            }
        } else {
            for (position, member) in object.enumerated() {
                writeMember(member.key, member.value, isFirst: position == 0, indent: indent, to: output)
            }
        }
        newline(indent: indent, to: output)
        output.raw("}")
    }

    private func writeMember(_ key: String, _ value: JSONValue, isFirst: Bool, indent: Int, to output: JSONByteWriter) {
        if !isFirst { output.raw(",") }
        newline(indent: indent + 2, to: output)
        output.string(key)
        output.raw(":")
        if prettyPrinted { output.raw(" ") }
        write(value, indent: indent + 2, to: output)
    }

    private func newline(indent: Int, to output: JSONByteWriter) {
        guard prettyPrinted else { return }
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<indent { output.append(UInt8(ascii: " ")) }
    }
}
