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
        var milliseconds = duration.milliseconds
        if milliseconds == 0 { return "0s" }
        var text = ""
        for (suffix, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1_000), ("ms", 1)] where milliseconds >= size {
            text += "\(milliseconds / size)\(suffix)"
            milliseconds %= size
        }
        return text
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
