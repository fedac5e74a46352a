import OrderedCollections

/// Receives the nodes a query selects, in nodelist order.
protocol NodeSink {
    associatedtype Location: NodeLocation

    /// Takes one selected node; returns false to stop the traversal early.
    mutating func accept(_ value: JSONValue, at location: Location) -> Bool
}

/// Applies a query's segments depth-first, handing each result node straight to a sink.
///
/// Depth-first application yields nodes in exactly the order of the RFC's segment-by-segment
/// nodelists (each node's results are contiguous and in order), without materializing any
/// intermediate nodelist, and lets sinks such as existence tests stop at the first node.
struct QueryWalker<Sink: NodeSink> {
    let evaluator: JSONPathEvaluator
    let segments: [PathSegment]
    var sink: Sink

    /// Applies the segments from `index` on to `value`; returns false once the sink has stopped.
    mutating func walk(_ value: JSONValue, at location: Sink.Location, segment index: Int = 0) -> Bool {
        guard index < segments.count else { return sink.accept(value, at: location) }
        let segment = segments[index]
        if segment.isDescendant {
            return walkDescendants(value, at: location, selectors: segment.selectors, next: index + 1)
        }
        return apply(segment.selectors, to: value, at: location, next: index + 1)
    }

    /// Applies `selectors` to `value` and then to each of its descendants, parents before
    /// children and array elements in order (§2.5.2.2).
    private mutating func walkDescendants(
        _ value: JSONValue,
        at location: Sink.Location,
        selectors: [PathSelector],
        next: Int
    ) -> Bool {
        guard apply(selectors, to: value, at: location, next: next) else { return false }
        switch value {
        case .array(let array):
            for (index, element) in array.enumerated() {
                let childLocation = location.appending(index: index)
                guard walkDescendants(element, at: childLocation, selectors: selectors, next: next) else {
                    return false
                }
            }
        case .object(let object):
            for (key, member) in object {
                let childLocation = location.appending(name: key)
                guard walkDescendants(member, at: childLocation, selectors: selectors, next: next) else {
                    return false
                }
            }
        default:
            break
        }
        return true
    }

    private mutating func apply(
        _ selectors: [PathSelector],
        to value: JSONValue,
        at location: Sink.Location,
        next: Int
    ) -> Bool {
        for selector in selectors {
            switch selector {
            case .name(let name):
                if case .object(let object) = value, let member = object[name] {
                    guard walk(member, at: location.appending(name: name), segment: next) else { return false }
                }
            case .index(let index):
                if case .array(let array) = value, let position = normalizedArrayIndex(index, count: array.count) {
                    guard walk(array[position], at: location.appending(index: position), segment: next) else {
                        return false
                    }
                }
            case .wildcard:
                guard walkChildren(of: value, at: location, next: next, where: { _ in true }) else { return false }
            case .slice(let slice):
                if case .array(let array) = value {
                    for position in slice.indices(count: array.count) {
                        guard walk(array[position], at: location.appending(index: position), segment: next) else {
                            return false
                        }
                    }
                }
            case .filter(let expression):
                let evaluator = evaluator
                let passed = walkChildren(of: value, at: location, next: next) { child in
                    evaluator.test(expression, current: child)
                }
                guard passed else { return false }
            }
        }
        return true
    }

    private mutating func walkChildren(
        of value: JSONValue,
        at location: Sink.Location,
        next: Int,
        where include: (JSONValue) -> Bool
    ) -> Bool {
        switch value {
        case .array(let array):
            for (index, element) in array.enumerated() where include(element) {
                guard walk(element, at: location.appending(index: index), segment: next) else { return false }
            }
        case .object(let object):
            for (key, member) in object where include(member) {
                guard walk(member, at: location.appending(name: key), segment: next) else { return false }
            }
        default:
            break
        }
        return true
    }
}

/// Maps a possibly negative index (§2.3.3.2) onto `0..<count`, or nil when out of range.
@inline(__always)
func normalizedArrayIndex(_ index: Int, count: Int) -> Int? {
    let position = index >= 0 ? index : count + index
    return position >= 0 && position < count ? position : nil
}

extension SliceSelector {
    /// The array positions the slice selects, in selection order (§2.3.4.2.2).
    func indices(count: Int) -> StrideTo<Int> {
        func normalized(_ bound: Int) -> Int { bound >= 0 ? bound : count + bound }
        if step > 0 {
            let lower = min(max(normalized(start ?? 0), 0), count)
            let upper = min(max(normalized(end ?? count), 0), count)
            return stride(from: lower, to: upper, by: step)
        }
        if step < 0 {
            let upper = min(max(normalized(start ?? count - 1), -1), count - 1)
            let lower = min(max(normalized(end ?? -count - 1), -1), count - 1)
            return stride(from: upper, to: lower, by: step)
        }
        return stride(from: 0, to: 0, by: 1)
    }
}

/// Collects the selected values.
struct ValueCollector: NodeSink {
    var values: [JSONValue] = []

    mutating func accept(_ value: JSONValue, at location: NoLocation) -> Bool {
        values.append(value)
        return true
    }
}

/// Collects the selected nodes with their normalized paths.
struct LocatedCollector: NodeSink {
    var nodes: [(path: NormalizedPath, value: JSONValue)] = []

    mutating func accept(_ value: JSONValue, at location: NormalizedPath) -> Bool {
        nodes.append((location, value))
        return true
    }
}

/// Keeps the first selected value and stops.
struct FirstValueSink: NodeSink {
    var value: JSONValue?

    mutating func accept(_ value: JSONValue, at location: NoLocation) -> Bool {
        self.value = value
        return false
    }
}

/// Counts the selected nodes, stopping once `limit` is reached.
///
/// Existence tests use a limit of 1 and `value()` a limit of 2, so neither walks further than it
/// must.
struct CountingSink: NodeSink {
    let limit: Int
    var count = 0
    var lastValue: JSONValue?

    init(limit: Int = .max) {
        self.limit = limit
    }

    mutating func accept(_ value: JSONValue, at location: NoLocation) -> Bool {
        count += 1
        lastValue = value
        return count < limit
    }
}
