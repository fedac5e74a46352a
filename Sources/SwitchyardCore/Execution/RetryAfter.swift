/// Reads a provider's "wait this long" hint: a Retry-After header (seconds or an HTTP date) or
/// a body value such as Gemini's `"37s"`.
enum RetryAfter {
    /// The hint in `response`, from the first source that has one.
    static func hint(in response: HTTPResponse, sources: [RetryAfterSource], now: Timestamp) -> Duration? {
        for source in sources {
            switch source {
            case .header(let name):
                if let value = response.header(name), let delay = parseHeader(value, now: now) { return delay }
            case .body(let path):
                if let json = response.body.json, let value = path.first(json), let delay = parseBody(value) { return delay }
            }
        }
        return nil
    }

    /// `120`, `1.5`, or an IMF-fixdate such as `Wed, 21 Oct 2015 07:28:00 GMT`.
    static func parseHeader(_ value: String, now: Timestamp) -> Duration? {
        let text = value.trimmingSpaces()
        if let seconds = Double(text) { return seconds.isFinite && seconds >= 0 ? duration(seconds: seconds) : nil }
        guard let date = httpDate(text) else { return nil }
        // The same one-day cap as the seconds form.
        return .milliseconds(min(max(0, date.millisecondsSinceEpoch - now.millisecondsSinceEpoch), 86_400_000))
    }

    /// A number of seconds, or text such as `"37s"`, `"1.5s"` or `"2m"`.
    static func parseBody(_ value: JSONValue) -> Duration? {
        if let number = value.doubleValue { return number.isFinite && number >= 0 ? duration(seconds: number) : nil }
        guard let text = value.stringValue?.trimmingSpaces() else { return nil }
        if text.hasSuffix("s"), !text.hasSuffix("ms"), let number = Double(text.dropLast()), number.isFinite, number >= 0 {
            return duration(seconds: number)
        }
        return TimeSpan.parse(text) ?? Double(text).flatMap { $0.isFinite && $0 >= 0 ? duration(seconds: $0) : nil }
    }

    /// Capped at a day: a larger hint is a broken provider, not a plan.
    private static func duration(seconds value: Double) -> Duration {
        .milliseconds(Int64((min(value, 86_400) * 1000).rounded()))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses the IMF-fixdate form of RFC 9110 (the only one senders may generate).
    static func httpDate(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        let seconds = Int64(days) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
        return Timestamp(millisecondsSinceEpoch: seconds * 1000)
    }

    /// Howard Hinnant's days-from-civil algorithm.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
