/// A glob over error codes: `*` matches any run of characters, `?` one character.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    private let characters: [Character]

    public init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    public func matches(_ text: String) -> Bool {
        let text = Array(text)
        var (p, t) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < characters.count, characters[p] == "?" || characters[p] == text[t] {
                p += 1
                t += 1
            } else if p < characters.count, characters[p] == "*" {
                star = (p, t)
                p += 1
            } else if let backtrack = star {
                p = backtrack.pattern + 1
                t = backtrack.text + 1
                star = (backtrack.pattern, backtrack.text + 1)
            } else {
                return false
            }
        }
        while p < characters.count, characters[p] == "*" { p += 1 }
        return p == characters.count
    }

    public var description: String { source }
}
