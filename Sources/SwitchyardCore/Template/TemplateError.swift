/// A template that does not compile, or a render that lacks a variable's value.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Character offset of the problem in the template text, when known.
    public var offset: Int?

    public var description: String { message }
}
