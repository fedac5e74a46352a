/// `${env:NAME}` and `${env:NAME:-default}` substitution in config strings.
enum EnvironmentInterpolation {
    /// The text with every reference replaced, or nil after reporting an unset variable
    /// that has no default.
    static func expand(_ text: String, variables: [String: String], report: (String) -> Void) -> String? {
        // A byte scan first: most config strings have no `$`, and the substring search is slow.
        guard text.utf8.contains(UInt8(ascii: "$")), text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                report("unterminated \"${\"")
                return nil
            }
            let reference = rest[start.upperBound..<end]
            guard reference.hasPrefix("env:") else {
                report("unknown reference \"${\(reference)}\"; write ${env:NAME} or ${env:NAME:-default}")
                return nil
            }
            let body = reference.dropFirst(4)
            let name: Substring
            let fallback: Substring?
            if let separator = body.firstRange(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isVariableName(name) else {
                report("invalid environment variable name \"\(name)\"")
                return nil
            }
            if let value = variables[String(name)], !value.isEmpty {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                report("environment variable \(name) is not set (write ${env:\(name):-default} to give a default)")
                return nil
            }
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }

    static func isVariableName(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic && first.isASCII
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
