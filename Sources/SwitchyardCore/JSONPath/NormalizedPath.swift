/// Where a node sits in the document, as far as the caller needs to know.
///
/// Evaluation is generic over this so that plain selection, which never needs paths, pays
/// nothing for them: ``NoLocation`` is empty and its methods compile away.
protocol NodeLocation {
    func appending(name: String) -> Self
    func appending(index: Int) -> Self
}

/// A location that records nothing.
struct NoLocation: NodeLocation {
    @inline(__always) func appending(name: String) -> NoLocation { self }
    @inline(__always) func appending(index: Int) -> NoLocation { self }
}

/// The location of a node as an RFC 9535 normalized path (§2.7), such as `$['a'][0]`.
///
/// Steps form a persistent linked list, so a child's path shares its parent's and appending is
/// one small allocation; the text is only built for nodes that end up in the result.
struct NormalizedPath: NodeLocation, CustomStringConvertible {
    private final class Link: Sendable {
        let parent: Link?
        let step: SingularStep

        init(parent: Link?, step: SingularStep) {
            self.parent = parent
            self.step = step
        }
    }

    private let last: Link?

    /// The path of the root node, `$`.
    init() {
        last = nil
    }

    private init(last: Link) {
        self.last = last
    }

    func appending(name: String) -> NormalizedPath {
        NormalizedPath(last: Link(parent: last, step: .name(name)))
    }

    func appending(index: Int) -> NormalizedPath {
        NormalizedPath(last: Link(parent: last, step: .index(index)))
    }

    var description: String {
        var steps: [SingularStep] = []
        var link = last
        while let current = link {
            steps.append(current.step)
            link = current.parent
        }
        var text = "$"
        for step in steps.reversed() {
            switch step {
            case .name(let name):
                text += "['"
                NormalizedPath.appendEscaped(name, to: &text)
                text += "']"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// Escapes a member name the one way §2.7 allows: named escapes where they exist, `\u00xx`
    /// with lowercase hex for other controls, and nothing else.
    private static func appendEscaped(_ name: String, to text: inout String) {
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "'": text += "\\'"
            case "\\": text += "\\\\"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                text += hex.count == 1 ? "\\u000\(hex)" : "\\u00\(hex)"
            default: text.unicodeScalars.append(scalar)
            }
        }
    }
}
