/// Appends compact JSON text to a growing byte buffer, one value at a time.
///
/// The tree serializer (``JSONValue/jsonString(sortedKeys:prettyPrinted:)``) is built on it, so
/// text written here is byte for byte what the tree would print. Hot outputs (a plan per line
/// of `plan --batch`) write their fields straight into the buffer instead of building a tree
/// of `OrderedDictionary` members first, which costs dozens of allocations per line.
///
/// A class over raw memory rather than an `[UInt8]`: a plan line is a hundred small appends,
/// and each `Array.append(contentsOf:)` pays for uniqueness and generic copying checks. One
/// writer is meant to be reused line after line (``removeAll()``) by a single thread.
public final class JSONByteWriter {
    private struct State {
        var start: UnsafeMutablePointer<UInt8>
        var count: Int
        var capacity: Int
    }

    /// Behind a pointer, not in `var`s: the class's stored `var`s would be checked for
    /// exclusive access at run time on every append, which cost more than the appends.
    private let state: UnsafeMutablePointer<State>

    public init(capacity: Int = 256) {
        let capacity = max(capacity, 16)
        state = .allocate(capacity: 1)
        state.initialize(to: State(start: .allocate(capacity: capacity), count: 0, capacity: capacity))
    }

    deinit {
        state.pointee.start.deallocate()
        state.deallocate()
    }

    /// Bytes written so far.
    public var count: Int { state.pointee.count }

    /// The text written so far; valid until the next write.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: state.pointee.start, count: state.pointee.count) }

    /// The text written so far, as a `String`.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Forgets the text, keeping the memory for the next line.
    public func removeAll() { state.pointee.count = 0 }

    /// Text copied as is: punctuation and keys known to need no escaping, such as `{"tier":`.
    public func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    public func null() { raw("null") }

    public func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    public func int(_ value: Int) {
        reserve(20)
        var magnitude = value.magnitude
        var digits = 0
        var remaining = magnitude
        repeat {
            digits += 1
            remaining /= 10
        } while remaining > 0
        if value < 0 { append(UInt8(ascii: "-")) }
        let start = state.pointee.start
        var position = state.pointee.count + digits
        state.pointee.count = position
        repeat {
            position -= 1
            start[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
    }

    /// Swift's shortest round-trip form, which keeps ".0" on integral values; `null` when not
    /// finite, since JSON cannot express it.
    public func double(_ value: Double) {
        guard value.isFinite else { return null() }
        var text = value.description
        text.withUTF8 { append($0) }
    }

    /// `units / 10^scale` written exactly as ``double(_:)`` writes the nearest double, without
    /// formatting a double: money and durations are decimals, and plans print several per line.
    /// Up to 15 significant digits the shortest round-trip form of that double is the decimal
    /// itself; outside that, and where Swift switches to exponents (below 10^-4, from 2^53),
    /// it falls back to ``double(_:)``.
    public func decimal(_ units: Int64, scale: Int) {
        let divisor = Self.powersOfTen[scale]
        let magnitude = units.magnitude
        guard magnitude < 1_000_000_000_000_000, magnitude == 0 || magnitude >= divisor / 10_000 else {
            return double(Double(units) / Double(divisor))
        }
        if units < 0 { append(UInt8(ascii: "-")) }
        int(Int(magnitude / divisor))
        append(UInt8(ascii: "."))
        var fraction = magnitude % divisor
        guard fraction > 0 else { return append(UInt8(ascii: "0")) }
        // The fraction's digits, zero-padded to `scale`, without trailing zeros.
        var digits = scale
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var place = Self.powersOfTen[digits - 1]
        while place > 0 {
            append(UInt8(ascii: "0") + UInt8(fraction / place % 10))
            place /= 10
        }
    }

    private static let powersOfTen: [UInt64] = (0...18).map { power in (0..<power).reduce(1) { product, _ in product * 10 } }

    /// A string literal; only `"`, `\` and C0 controls are escaped.
    public func string(_ value: String) {
        append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Unescaped runs are copied whole.
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(byte)
                runStart = index + 1
            }
            append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        append(UInt8(ascii: "\""))
    }

    /// A string literal, or `null` for nil.
    public func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// Text that is JSON already, such as a value written earlier, copied as is.
    public func json(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// A whole value in compact form, for the parts of an output that are trees already.
    public func value(_ value: JSONValue) {
        JSONWriter(sortedKeys: false, prettyPrinted: false).write(value, indent: 0, to: self)
    }

    func append(_ byte: UInt8) {
        reserve(1)
        state.pointee.start[state.pointee.count] = byte
        state.pointee.count += 1
    }

    func append(_ source: UnsafeBufferPointer<UInt8>) {
        guard let base = source.baseAddress, !source.isEmpty else { return }
        reserve(source.count)
        (state.pointee.start + state.pointee.count).update(from: base, count: source.count)
        state.pointee.count += source.count
    }

    private func reserve(_ extra: Int) {
        let needed = state.pointee.count + extra
        guard needed > state.pointee.capacity else { return }
        let grown = max(state.pointee.capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.update(from: state.pointee.start, count: state.pointee.count)
        state.pointee.start.deallocate()
        state.pointee.start = moved
        state.pointee.capacity = grown
    }

    private func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            let digits: StaticString = "0123456789abcdef"
            raw("\\u00")
            digits.withUTF8Buffer { digits in
                append(digits[Int(byte >> 4)])
                append(digits[Int(byte & 0xF)])
            }
        }
    }
}
