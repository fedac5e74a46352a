/// A YAML node as the config decoders read it: scalars keep their text and whether they were
/// quoted, collections their order, and every node where it starts. Aliases are resolved when
/// the document is composed, so an alias reads as the node its anchor names.
enum YAMLNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// A position in the file, from 1.
    struct Mark: Sendable, Hashable {
        var line: Int
        var column: Int
    }

    struct Scalar: Sendable {
        enum Style: Sendable {
            case plain, singleQuoted, doubleQuoted, literal, folded
        }

        /// The text after YAML's unquoting and folding.
        var string: String
        var style: Style
        var mark: Mark
    }

    /// Key and value pairs in file order.
    struct Mapping: Sendable, RandomAccessCollection {
        var pairs: [(key: YAMLNode, value: YAMLNode)]
        var mark: Mark

        var startIndex: Int { pairs.startIndex }
        var endIndex: Int { pairs.endIndex }
        subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[position] }
    }

    struct Sequence: Sendable, RandomAccessCollection {
        var nodes: [YAMLNode]
        var mark: Mark

        var startIndex: Int { nodes.startIndex }
        var endIndex: Int { nodes.endIndex }
        subscript(position: Int) -> YAMLNode { nodes[position] }
    }

    /// Where the node starts.
    var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }
}
