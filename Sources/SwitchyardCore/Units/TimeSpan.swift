/// Parses human durations as config files write them: `300s`, `5m`, `1h`, `1h30m`, `250ms`.
public enum TimeSpan {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The duration, or nil when the text is not a sequence of `<number><unit>` parts.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingSpaces())
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, let count = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix(while: { $0.isLetter })
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            let (part, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !sumOverflow else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// `90s` → `1m30s`; the inverse of ``parse(_:)`` for display.
    public static func format(_ duration: Duration) -> String {
        format(duration, after: "", before: "")
    }

    /// `prefix`, the duration as ``format(_:)`` writes it, then `suffix`, written byte by byte
    /// into one string: an open circuit's reason ("circuit open for 12s345ms more") is written
    /// for every request planned around it, and interpolating its parts cost more than planning.
    public static func format(_ duration: Duration, after prefix: StaticString, before suffix: StaticString) -> String {
        let milliseconds = duration.milliseconds
        var count = prefix.utf8CodeUnitCount + suffix.utf8CodeUnitCount
        forEachPart(of: milliseconds) { digits, unit in count += digits.count + unit.utf8CodeUnitCount }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var position = copy(prefix, into: buffer, at: 0)
            forEachPart(of: milliseconds) { digits, unit in
                position += digits.write(into: buffer, at: position)
                position = copy(unit, into: buffer, at: position)
            }
            return copy(suffix, into: buffer, at: position)
        }
    }

    private static let displayUnits: [(unit: StaticString, size: Int64)] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)]

    /// Hours, minutes, seconds and milliseconds, each while what is left reaches its size;
    /// zero is `0s`.
    private static func forEachPart(of milliseconds: Int64, _ body: (DecimalDigits, StaticString) -> Void) {
        guard milliseconds != 0 else { return body(DecimalDigits(0), "s") }
        var left = milliseconds
        for (unit, size) in displayUnits where left >= size {
            body(DecimalDigits(Int(left / size)), unit)
            left %= size
        }
    }

    /// Copies `text` into `buffer` at `position`; returns where it ends.
    private static func copy(_ text: StaticString, into buffer: UnsafeMutableBufferPointer<UInt8>, at position: Int) -> Int {
        let count = text.utf8CodeUnitCount
        if count > 0 { (buffer.baseAddress! + position).update(from: text.utf8Start, count: count) }
        return position + count
    }
}

extension Duration {
    /// Whole milliseconds, truncated toward zero.
    ///
    /// Read on every step of every execution, so done in one hardware division: 10^15 is
    /// 2^15 · 5^15, so the attoseconds are shifted, then divided by 5^15 128-by-64 bits.
    /// `components` would take two 128-bit multiplications and a division in software.
    public var milliseconds: Int64 {
        let attoseconds = self.attoseconds
        let shifted = attoseconds.magnitude >> 15
        let high = UInt64(truncatingIfNeeded: shifted >> 64)
        let fivePower15: UInt64 = 30_517_578_125
        // Beyond Int64 milliseconds (millions of years), the slow way, which traps as before.
        guard high < fivePower15 else { return Self.slowMilliseconds(self) }
        let (quotient, _) = fivePower15.dividingFullWidth((high: high, low: UInt64(truncatingIfNeeded: shifted)))
        guard quotient <= UInt64(Int64.max) else { return Self.slowMilliseconds(self) }
        return attoseconds < 0 ? -Int64(quotient) : Int64(quotient)
    }

    static func slowMilliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// `.milliseconds(count)` in one native multiplication, for the hot paths.
    public init(milliseconds count: Int64) {
        self.init(attoseconds: Int128(count) * 1_000_000_000_000_000)
    }

    /// Seconds as a double, for JSON output.
    public var secondsValue: Double { Double(milliseconds) / 1_000 }
}
