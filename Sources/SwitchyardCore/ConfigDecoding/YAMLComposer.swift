import CYaml

/// Composes a YAML stream into ``YAMLNode`` documents from libyaml's events (the libyaml that
/// Yams builds). Yams' own composer builds richer nodes (tags, resolvers) and checks duplicate
/// keys by hashing whole nodes; on a large config that was most of the load. Here a node is
/// only what the decoders read, and duplicate keys are found by their text.
struct YAMLComposer {
    /// Why a stream cannot be composed, and where.
    struct Failure: Error {
        var message: String
        /// nil when libyaml gives no position.
        var mark: YAMLNode.Mark?
    }

    /// Every document of `text`, in order.
    static func documents(_ text: String) -> Result<[YAMLNode], Failure> {
        var text = text
        return text.withUTF8 { bytes in
            let events = EventReader(bytes)
            defer { events.close() }
            var composer = YAMLComposer(events: events)
            do throws(Failure) {
                return .success(try composer.stream())
            } catch {
                return .failure(error)
            }
        }
    }

    private let events: EventReader
    /// The current document's anchors; a later anchor of the same name replaces an earlier one.
    private var anchors: [String: YAMLNode] = [:]

    private init(events: EventReader) { self.events = events }

    private mutating func stream() throws(Failure) -> [YAMLNode] {
        _ = try events.next()  // stream start
        var documents: [YAMLNode] = []
        while true {
            let event = try events.next()
            guard event.type == YAML_DOCUMENT_START_EVENT else { break }  // stream end
            anchors = [:]
            documents.append(try node(from: try events.next()))
            _ = try events.next()  // document end
        }
        return documents
    }

    private mutating func node(from event: Event) throws(Failure) -> YAMLNode {
        let node: YAMLNode
        switch event.type {
        case YAML_ALIAS_EVENT:
            guard let target = anchors[event.anchor ?? ""] else { throw Failure(message: "YAML syntax: found undefined alias", mark: event.mark) }
            return target
        case YAML_SCALAR_EVENT:
            node = .scalar(YAMLNode.Scalar(string: event.value, style: event.style, mark: event.mark))
        case YAML_SEQUENCE_START_EVENT:
            var nodes: [YAMLNode] = []
            while true {
                let next = try events.next()
                if next.type == YAML_SEQUENCE_END_EVENT { break }
                nodes.append(try self.node(from: next))
            }
            node = .sequence(YAMLNode.Sequence(nodes: nodes, mark: event.mark))
        case YAML_MAPPING_START_EVENT:
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            while true {
                let next = try events.next()
                if next.type == YAML_MAPPING_END_EVENT { break }
                let key = try self.node(from: next)
                pairs.append((key, try self.node(from: try events.next())))
            }
            try Self.checkDuplicateKeys(pairs)
            node = .mapping(YAMLNode.Mapping(pairs: pairs, mark: event.mark))
        default:
            throw Failure(message: "YAML syntax: unexpected event", mark: event.mark)
        }
        if let anchor = event.anchor { anchors[anchor] = node }
        return node
    }

    /// Scalar keys written twice: reported together, at the first one's first occurrence in
    /// sorted order, as Yams reported them.
    private static func checkDuplicateKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(Failure) {
        guard pairs.count > 1 else { return }
        var first: [String: YAMLNode.Mark] = [:]
        var duplicates: Set<String> = []
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            if first[key.string] == nil { first[key.string] = key.mark } else { duplicates.insert(key.string) }
        }
        guard let earliest = duplicates.min() else { return }
        let names = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
        throw Failure(message: "duplicate key \(names) in a mapping", mark: first[earliest])
    }

    /// What the composer needs of one libyaml event, copied out so the event can be freed at once.
    private struct Event {
        var type: yaml_event_type_t
        var mark: YAMLNode.Mark
        var anchor: String?
        var value: String = ""
        var style: YAMLNode.Scalar.Style = .plain
    }

    /// libyaml's parser over a UTF-8 buffer that outlives it.
    private final class EventReader {
        private var parser = yaml_parser_t()

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            yaml_parser_initialize(&parser)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        }

        func close() { yaml_parser_delete(&parser) }

        func next() throws(Failure) -> Event {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw failure() }
            defer { yaml_event_delete(&event) }
            let mark = YAMLNode.Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            var copied = Event(type: event.type, mark: mark)
            switch event.type {
            case YAML_ALIAS_EVENT:
                copied.anchor = Self.text(event.data.alias.anchor)
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                copied.anchor = Self.text(scalar.anchor)
                copied.value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                copied.style = Self.style(scalar.style)
            case YAML_SEQUENCE_START_EVENT:
                copied.anchor = Self.text(event.data.sequence_start.anchor)
            case YAML_MAPPING_START_EVENT:
                copied.anchor = Self.text(event.data.mapping_start.anchor)
            default:
                break
            }
            return copied
        }

        private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }

        private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Scalar.Style {
            switch style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
        }

        /// The parser's error, worded as the decoders report syntax errors.
        private func failure() -> Failure {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            let mark = YAMLNode.Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            switch parser.error {
            case YAML_READER_ERROR:
                return Failure(message: "cannot read the file: \(problem)", mark: nil)
            case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
                let context = parser.context.map { " " + String(cString: $0) } ?? ""
                return Failure(message: "YAML syntax: \(problem)\(context)", mark: mark)
            default:
                return Failure(message: "YAML error: \(problem)", mark: nil)
            }
        }
    }
}
