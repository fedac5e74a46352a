import OrderedCollections
import SwitchyardCore

/// The segments of a singular JSONPath such as `$.output[0]` or `$['a'].b`, so the simulator
/// can build a body that the descriptor's own path reads back. Filters and wildcards have no
/// single inverse, so they give nil.
enum SimplePath {
    enum Segment: Hashable {
        case name(String)
        case index(Int)
    }

    static func segments(of path: JSONPath) -> [Segment]? {
        var text = Substring(path.source)
        guard text.first == "$" else { return nil }
        text = text.dropFirst()
        var segments: [Segment] = []
        while let first = text.first {
            if first == "." {
                text = text.dropFirst()
                let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                guard !name.isEmpty else { return nil }
                segments.append(.name(String(name)))
                text = text.dropFirst(name.count)
            } else if first == "[" {
                guard let close = text.firstIndex(of: "]") else { return nil }
                let inner = text[text.index(after: text.startIndex)..<close]
                if let index = Int(inner), index >= 0 {
                    segments.append(.index(index))
                } else if inner.count >= 2, let quote = inner.first, quote == "'" || quote == "\"", inner.last == quote {
                    segments.append(.name(String(inner.dropFirst().dropLast())))
                } else {
                    return nil
                }
                text = text[text.index(after: close)...]
            } else {
                return nil
            }
        }
        return segments
    }

    /// Places `value` where `segments` read in `root`, creating objects and arrays on the way.
    /// In place: each container on the path is taken out of its parent while it changes, so it
    /// is never copied.
    static func set(_ value: JSONValue, at segments: [Segment], in root: inout JSONValue) {
        set(value, at: segments[...], in: &root)
    }

    private static func set(_ value: JSONValue, at segments: ArraySlice<Segment>, in node: inout JSONValue) {
        guard let segment = segments.first else {
            node = value
            return
        }
        switch segment {
        case .name(let name):
            var object = node.objectValue ?? [:]
            node = .null
            if segments.count == 1 {
                object[name] = value
            } else {
                set(value, at: segments.dropFirst(), in: &object[name, default: .null])
            }
            node = .object(object)
        case .index(let index):
            var array = node.arrayValue ?? []
            node = .null
            while array.count <= index { array.append(.null) }
            set(value, at: segments.dropFirst(), in: &array[index])
            node = .array(array)
        }
    }
}
