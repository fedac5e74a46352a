import SwitchyardCore

/// Text for the report: HTML escaping and numbers in human units. Written by hand rather than
/// with Foundation's formatters so the same run gives the same bytes on every machine and locale.
public enum ReportFormat {
    /// Text safe inside HTML and SVG elements and quoted attributes. Every string that comes
    /// from a config, a scenario or traffic goes through here.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// `12,345`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `value` with exactly `digits` decimals and grouped thousands: `1,234.50`.
    static func fixed(_ value: Double, digits: Int, grouped: Bool = true) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e17 else { return value < 0 ? "-∞" : "∞" }
        let units = Int64(scaled)
        let whole = Int(units / Int64(scale))
        var text = (value < 0 && units != 0 ? "-" : "") + (grouped ? count(whole) : String(whole))
        if digits > 0 {
            let fraction = String(units % Int64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// An SVG coordinate: one decimal at most, no grouping.
    static func coordinate(_ value: Double) -> String {
        let text = fixed(value, digits: 1, grouped: false)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A tick label: no more decimals than the step needs, and thousands as `k` and millions
    /// as `M` once the step is that large, so labels stay short beside the plot.
    static func tick(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        if step >= 1_000_000 { return decimals(value / 1_000_000, step: step / 1_000_000) + "M" }
        if step >= 10_000 { return decimals(value / 1_000, step: step / 1_000) + "k" }
        return decimals(value, step: step)
    }

    private static func decimals(_ value: Double, step: Double) -> String {
        var digits = 0
        var probe = step
        while digits < 4, (probe - probe.rounded()).magnitude > 1e-9 {
            probe *= 10
            digits += 1
        }
        return fixed(value, digits: digits)
    }

    /// `92.3%`; `0%` of nothing.
    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        return fixed(Double(part) / Double(whole) * 100, digits: 1) + "%"
    }

    /// `1,234.56 INR`: two decimals, or more for amounts under one unit so `0.039` stays visible.
    static func money(_ amount: Double, currency: String?) -> String {
        let digits = amount != 0 && abs(amount) < 1 ? 3 : 2
        let text = fixed(amount, digits: digits)
        guard let currency else { return text }
        return "\(text) \(escape(currency))"
    }

    static func money(_ amount: Money, currency: String?) -> String { money(amount.doubleValue, currency: currency) }

    /// Virtual time from the start as a clock: `1:05` (h:mm), `2d 1:05` past a day, or `4:05`
    /// (m:ss) when `seconds`, or `1:04:05` when both are needed.
    static func clock(_ milliseconds: Int64, seconds: Bool) -> String {
        let total = milliseconds / 1000
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        let rest = total % 60
        let pad = { (value: Int64) in value < 10 ? "0\(value)" : "\(value)" }
        if !seconds {
            // Past a day, days first: "2d", "2d 6:00".
            guard hours >= 24 else { return "\(hours):\(pad(minutes))" }
            let rest = hours % 24 == 0 && minutes == 0 ? "" : " \(hours % 24):\(pad(minutes))"
            return "\(hours / 24)d\(rest)"
        }
        return hours > 0 ? "\(hours):\(pad(minutes)):\(pad(rest))" : "\(minutes):\(pad(rest))"
    }

    /// A duration for people: `850 ms`, `38.9 s`, `3 min 12 s`, `1 h 02 min`, `11 d 14 h`.
    static func duration(_ milliseconds: Int64) -> String {
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds < 60_000 { return fixed(Double(milliseconds) / 1000, digits: 1) + " s" }
        let seconds = (milliseconds + 500) / 1000
        if seconds < 3600 { return "\(seconds / 60) min \(seconds % 60) s" }
        let minutes = (seconds + 30) / 60
        if minutes >= 48 * 60 {
            let hours = (minutes + 30) / 60
            return "\(hours / 24) d \(hours % 24) h"
        }
        let rest = minutes % 60
        return "\(minutes / 60) h \(rest < 10 ? "0" : "")\(rest) min"
    }

    /// An interval width as an adjective, `1-minute`, `30-second`, `2-hour`, or (`short`) as a
    /// unit, `1 min`, `30 s`, `2 h`.
    static func interval(_ milliseconds: Int64, short: Bool = false) -> String {
        let seconds = milliseconds / 1000
        let (value, unit, symbol): (Int64, String, String) =
            seconds % 86_400 == 0
            ? (seconds / 86_400, "day", "d")
            : seconds % 3600 == 0 ? (seconds / 3600, "hour", "h") : seconds % 60 == 0 ? (seconds / 60, "minute", "min") : (seconds, "second", "s")
        return short ? "\(value) \(symbol)" : "\(value)-\(unit)"
    }
}
