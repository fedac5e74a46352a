/// An exact amount of money in fixed point (millionths of a unit), so prices, caps and budgets
/// add and compare without the rounding of binary floating point.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Millionths of a currency unit.
    public var micros: Int64

    public static let scale: Int64 = 1_000_000
    public static let zero = Money(micros: 0)
    public static let max = Money(micros: .max)

    public init(micros: Int64) { self.micros = micros }

    /// Parses a plain decimal such as `0.039`, `10` or `-2.5`; at most six fractional digits.
    public init?(decimal text: some StringProtocol) {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit)
        else { return nil }
        guard let units = Int64(whole), units <= Int64.max / Money.scale - 1 else { return nil }
        let paddedFraction = fraction + String(repeating: "0", count: 6 - fraction.count)
        let micros = units * Money.scale + Int64(paddedFraction)!
        self.micros = negative ? -micros : micros
    }

    /// Converts a JSON number; nil if it has more than six fractional digits or is out of range.
    public init?(_ value: Double) {
        guard value.isFinite, abs(value) < Double(Int64.max / Money.scale) else { return nil }
        let scaled = (value * Double(Money.scale)).rounded()
        // Reject values whose decimal form needs more precision than we keep.
        guard abs(scaled / Double(Money.scale) - value) <= abs(value) * 1e-12 else { return nil }
        self.micros = Int64(scaled)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.micros < rhs.micros }
    // Arithmetic saturates: an absurd config or request yields a huge amount, never a trap.
    public static func + (lhs: Money, rhs: Money) -> Money {
        let (sum, overflow) = lhs.micros.addingReportingOverflow(rhs.micros)
        return Money(micros: overflow ? (rhs.micros > 0 ? .max : .min) : sum)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        let (difference, overflow) = lhs.micros.subtractingReportingOverflow(rhs.micros)
        return Money(micros: overflow ? (rhs.micros < 0 ? .max : .min) : difference)
    }

    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }

    /// The amount times a whole count (seconds, images), saturating instead of trapping.
    public func times(_ count: Int) -> Money {
        let (product, overflow) = micros.multipliedReportingOverflow(by: Int64(count))
        return Money(micros: overflow ? ((micros < 0) != (count < 0) ? .min : .max) : product)
    }

    /// The nearest double. Exact in the decimal sense for amounts of up to 15 significant
    /// digits, which print back to the same decimal text.
    public var doubleValue: Double { Double(micros) / Double(Money.scale) }

    /// At least two fractional digits, more only when needed: `4.50`, `0.039`, `12.00`.
    /// Written byte by byte: the planner writes amounts into the reason of every candidate a cap
    /// or budget excludes.
    public var description: String {
        let magnitude = micros.magnitude
        let units = DecimalDigits(Int(magnitude / UInt64(Money.scale)))
        var fraction = Int(magnitude % UInt64(Money.scale))
        var fractionDigits = 6
        while fractionDigits > 2, fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        let sign = micros < 0 ? 1 : 0
        return String(unsafeUninitializedCapacity: sign + units.count + 1 + fractionDigits) { buffer in
            if sign == 1 { buffer[0] = UInt8(ascii: "-") }
            var end = sign + units.write(into: buffer, at: sign)
            buffer[end] = UInt8(ascii: ".")
            end += 1 + fractionDigits
            for position in stride(from: end - 1, to: end - 1 - fractionDigits, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return end
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
