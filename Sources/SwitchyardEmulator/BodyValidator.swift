import OrderedCollections
import SwitchyardCore

/// One problem with a request body, in terms each provider's error shape can render.
struct BodyIssue: Sendable, Hashable {
    enum Kind: String, Sendable {
        case missing
        case wrongType
        case invalidValue
        case unknownField
        case tooLong
    }

    /// From the body's root, such as `["image", "data"]`.
    var path: [String]
    var kind: Kind
    /// What is wrong, after the field name: `must be an integer, got a string`.
    var problem: String
    /// The JSON type the field needs (`integer`, `string`...), for type errors.
    var expectedType: String?

    var field: String { path.joined(separator: ".") }

    /// `duration_s must be an integer, got a string`.
    var message: String { "\(field.isEmpty ? "the body" : field) \(problem)" }
}

/// Reads a JSON request body the way a strict API does: required fields present, every field
/// of the right JSON type and in range, and no field it does not know, so that a descriptor
/// whose template drifts from the API fails loudly. Optional fields may be null.
struct BodyValidator {
    private let object: JSONObject
    private let path: [String]
    private var asked: [String] = []
    private(set) var issues: [BodyIssue] = []

    init(_ object: JSONObject, path: [String] = []) {
        self.object = object
        self.path = path
    }

    /// A field's value for custom checks; nil when absent or null (an issue when required).
    mutating func value(_ key: String, required: Bool, type: String) -> JSONValue? {
        asked.append(key)
        guard let value = object[key], !value.isNull else {
            if required { issues.append(BodyIssue(path: path + [key], kind: .missing, problem: "is required", expectedType: type)) }
            return nil
        }
        return value
    }

    mutating func string(_ key: String, required: Bool = false, oneOf allowed: [String]? = nil, maxLength: Int? = nil) -> String? {
        guard let value = value(key, required: required, type: "string") else { return nil }
        guard let text = value.stringValue else { return wrongType(key, "a string", value, type: "string") }
        if let allowed, !allowed.contains(text) {
            return invalid(key, "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(text)\"")
        }
        if text.isEmpty, required { return invalid(key, "must not be empty") }
        if let maxLength, text.count > maxLength {
            issues.append(BodyIssue(path: path + [key], kind: .tooLong, problem: "must be at most \(maxLength) characters, got \(text.count)"))
            return nil
        }
        return text
    }

    mutating func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = value(key, required: required, type: "integer") else { return nil }
        guard case .int(let number) = value else { return wrongType(key, "an integer", value, type: "integer") }
        if let range, !range.contains(number) {
            return invalid(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    mutating func number(_ key: String, required: Bool = false, in range: ClosedRange<Double>? = nil) -> Double? {
        guard let value = value(key, required: required, type: "number") else { return nil }
        guard let number = value.doubleValue else { return wrongType(key, "a number", value, type: "number") }
        if let range, !range.contains(number) {
            return invalid(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required, type: "boolean") else { return nil }
        guard let flag = value.boolValue else { return wrongType(key, "true or false", value, type: "boolean") }
        return flag
    }

    /// A nested object, read by `body` with the same rules.
    mutating func object<T>(_ key: String, required: Bool = false, _ body: (inout BodyValidator) -> T) -> T? {
        guard let value = value(key, required: required, type: "object") else { return nil }
        guard let members = value.objectValue else { return wrongType(key, "an object", value, type: "object") }
        var nested = BodyValidator(members, path: path + [key])
        let result = body(&nested)
        nested.finish()
        issues += nested.issues
        return result
    }

    /// Records a problem found by a custom check of `key`.
    mutating func invalid<T>(_ key: String, _ problem: String) -> T? {
        issues.append(BodyIssue(path: path + [key], kind: .invalidValue, problem: problem))
        return nil
    }

    /// Takes the issues of a validator run over part of this body.
    mutating func absorb(_ other: BodyValidator) {
        issues += other.issues
    }

    /// Reports every field nobody asked for.
    mutating func finish() {
        for key in object.keys where !asked.contains(key) {
            issues.append(BodyIssue(path: path + [key], kind: .unknownField, problem: "is not a known field"))
        }
    }

    private mutating func wrongType<T>(_ key: String, _ expected: String, _ value: JSONValue, type: String) -> T? {
        let got: String
        switch value {
        case .double: got = "a fractional number"
        case .array, .object: got = "an \(value.typeName)"
        default: got = "a \(value.typeName)"
        }
        issues.append(BodyIssue(path: path + [key], kind: .wrongType, problem: "must be \(expected), got \(got)", expectedType: type))
        return nil
    }
}
