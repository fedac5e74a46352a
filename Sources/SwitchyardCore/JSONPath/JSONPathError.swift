/// Why a JSONPath query failed to compile: a syntax error or an ill-typed function use.
///
/// `offset` is the 0-based index, in Unicode scalars, of the offending character in the query
/// text; RFC 9535's grammar is defined over scalars, and for the ASCII queries seen in practice
/// it equals the character index.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0-based index, in Unicode scalars, into the query text.
    public let offset: Int
    /// What was wrong, in words.
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "at offset \(offset): \(message)" }
}
