public import OrderedCollections

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Traffic a scenario generates instead of, or besides, a traffic file:
/// `arrivals: {process: poisson, rate_per_s: 2, count: 10000, users: 500, mix: [{weight, request}]}`.
///
/// Pure data; ``makeIterator(seed:)`` yields the arrivals from a seed, so the same scenario gives
/// the same traffic.
public struct ScenarioArrivals: Sendable, Hashable {
    public enum Process: String, Sendable, Hashable, CaseIterable {
        /// Exponential gaps with mean 1 / rate: independent arrivals, as real users make them.
        case poisson
        /// Evenly spaced, 1 / rate apart, the first at `from`.
        case uniform
    }

    /// One kind of request in the mix, picked with probability weight / total weight.
    public struct Entry: Sendable, Hashable {
        public var weight: Double
        /// The request as written: its strings may hold `{n}` (the arrival's number, from 1) and
        /// `{user}` (a user number drawn from 1 to `users`).
        public var request: JSONValue

        public init(weight: Double, request: JSONValue) {
            self.weight = weight
            self.request = request
        }
    }

    public var process: Process
    public var ratePerSecond: Double
    public var count: Int
    /// When the first arrival may come, from the scenario's start.
    public var from: Duration
    /// How many distinct users `{user}` draws from.
    public var users: Int
    public var mix: [Entry]

    public init(process: Process, ratePerSecond: Double, count: Int, from: Duration = .zero, users: Int = 1, mix: [Entry]) {
        self.process = process
        self.ratePerSecond = ratePerSecond
        self.count = count
        self.from = from
        self.users = users
        self.mix = mix
    }

    /// One generated request and its arrival time, from the scenario's start.
    public struct Arrival: Sendable, Hashable {
        public var at: Duration
        public var request: Request
    }

    /// The arrivals, in time order, numbered `arrival-1`, `arrival-2`, … (a mix request has no `id`).
    public func makeIterator(seed: UInt64) -> Iterator { Iterator(arrivals: self, seed: seed) }

    /// The request an entry makes for arrival `number` and user `user`, or why it is invalid.
    public static func request(from template: JSONValue, number: Int, user: Int) -> Result<Request, RequestErrors> {
        Request.decode(substituting(template, number: "\(number)", user: "\(user)"))
    }

    private static func substituting(_ value: JSONValue, number: String, user: String) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(placeholdersFilled(text, number: number, user: user))
        case .array(let items):
            return .array(items.map { substituting($0, number: number, user: user) })
        case .object(let members):
            var object = JSONObject()
            for (key, member) in members { object[key] = substituting(member, number: number, user: user) }
            return .object(object)
        default:
            return value
        }
    }

    /// `{n}` and `{user}` filled in, in one pass over the UTF-8 (every arrival runs this, and
    /// the generic `replacing` costs more than the rest of a simulated request).
    static func placeholdersFilled(_ text: String, number: String, user: String) -> String {
        var utf8 = text.utf8[...]
        guard utf8.contains(UInt8(ascii: "{")) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count + 8)
        while let brace = utf8.firstIndex(of: UInt8(ascii: "{")) {
            result += utf8[..<brace]
            let rest = utf8[brace...]
            if rest.starts(with: "{n}".utf8) {
                result += number.utf8
                utf8 = rest.dropFirst(3)
            } else if rest.starts(with: "{user}".utf8) {
                result += user.utf8
                utf8 = rest.dropFirst(6)
            } else {
                result.append(UInt8(ascii: "{"))
                utf8 = rest.dropFirst()
            }
        }
        result += utf8
        return String(decoding: result, as: UTF8.self)
    }

    public struct Iterator: IteratorProtocol {
        private let arrivals: ScenarioArrivals
        private var draws: SplitMix64
        private var produced = 0
        private var seconds: Double
        private let totalWeight: Double
        /// Entries without placeholders decode once.
        private var fixed: [Request?]

        init(arrivals: ScenarioArrivals, seed: UInt64) {
            self.arrivals = arrivals
            var mixer = SplitMix64(seed: seed ^ 0xA771_7A15_0000_0001)
            draws = SplitMix64(seed: mixer.next())
            seconds = Double(arrivals.from.milliseconds) / 1000
            totalWeight = arrivals.mix.reduce(0) { $0 + $1.weight }
            fixed = arrivals.mix.map { entry in
                let text = entry.request.jsonString()
                guard !text.contains("{n}"), !text.contains("{user}") else { return nil }
                return try? ScenarioArrivals.request(from: entry.request, number: 0, user: 0).get()
            }
        }

        public mutating func next() -> Arrival? {
            guard produced < arrivals.count, totalWeight > 0 else { return nil }
            produced += 1
            switch arrivals.process {
            case .poisson: seconds += -log1p(-draws.nextUnit()) / arrivals.ratePerSecond
            case .uniform: if produced > 1 { seconds += 1 / arrivals.ratePerSecond }
            }
            var pick = draws.nextUnit() * totalWeight
            var index = 0
            while index < arrivals.mix.count - 1, pick >= arrivals.mix[index].weight {
                pick -= arrivals.mix[index].weight
                index += 1
            }
            let user = 1 + Int(draws.nextUnit() * Double(arrivals.users))
            // Load-time validation decoded every entry, so a failure here cannot happen; skip it
            // rather than trap if it ever does.
            guard var request = fixed[index] ?? (try? ScenarioArrivals.request(from: arrivals.mix[index].request, number: produced, user: user).get())
            else { return next() }
            request.id = "arrival-\(produced)"
            // Milliseconds are the simulator's resolution; the sum stays exact in seconds.
            return Arrival(at: .milliseconds(Int64((seconds * 1000).rounded())), request: request)
        }
    }
}
