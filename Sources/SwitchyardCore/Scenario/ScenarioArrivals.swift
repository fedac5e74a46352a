import OrderedCollections

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
        Request.decode(substituting(template, number: DecimalDigits(number), user: DecimalDigits(user)))
    }

    private static func substituting(_ value: JSONValue, number: DecimalDigits, user: DecimalDigits) -> JSONValue {
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

    /// `{n}` and `{user}` filled in. A text without a brace is returned as it is.
    static func placeholdersFilled(_ text: String, number: DecimalDigits, user: DecimalDigits) -> String {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return text }
        return PlaceholderText(text).filled(number: number, user: user)
    }

    public struct Iterator: IteratorProtocol {
        private let arrivals: ScenarioArrivals
        private var draws: SplitMix64
        private var produced = 0
        private var seconds: Double
        private let totalWeight: Double
        /// Each entry decoded once; an arrival fills in only the fields that hold placeholders.
        private let templates: [Template]

        init(arrivals: ScenarioArrivals, seed: UInt64) {
            self.arrivals = arrivals
            var mixer = SplitMix64(seed: seed ^ 0xA771_7A15_0000_0001)
            draws = SplitMix64(seed: mixer.next())
            seconds = Double(arrivals.from.milliseconds) / 1000
            totalWeight = arrivals.mix.reduce(0) { $0 + $1.weight }
            templates = arrivals.mix.map { Template($0.request) }
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
            guard let request = templates[index].request(number: produced, user: user) else { return next() }
            // Milliseconds are the simulator's resolution; the sum stays exact in seconds.
            return Arrival(at: .milliseconds(Int64((seconds * 1000).rounded())), request: request)
        }
    }

    /// A mix entry, ready to make requests from: decoding the JSON for every arrival costs more
    /// than the rest of a simulated request. Indirect, so reading one out of the array is a
    /// reference count, not a copy of every field of its request.
    private indirect enum Template {
        /// No placeholders: every arrival gets the same request.
        case fixed(Request?)
        /// Placeholders only in fields whose text the decoder does not check (id, user, prompt,
        /// quality, voice, metadata): the entry is decoded once, and each arrival fills them in.
        case freeText(FreeText)
        /// Placeholders where the decoder checks the text (kind, aspect ratio, image): each
        /// arrival is substituted and decoded, as the request it makes could be invalid.
        case decoded(JSONValue)

        init(_ json: JSONValue) {
            let holding = (json.objectValue ?? [:]).filter { ScenarioArrivals.hasPlaceholders($0.value) }.keys
            let texts = holding.compactMap(TextField.init(rawValue:))
            let objects = holding.compactMap(ObjectField.init(rawValue:))
            if holding.isEmpty {
                self = .fixed(try? ScenarioArrivals.request(from: json, number: 0, user: 0).get())
            } else if texts.count + objects.count == holding.count, let request = try? Request.decode(json).get() {
                self = .freeText(FreeText(request: request, texts: texts, objects: objects))
            } else {
                self = .decoded(json)
            }
        }

        /// The request for arrival `number`, named `arrival-<number>`.
        func request(number: Int, user: Int) -> Request? {
            switch self {
            case .fixed(var request):
                request?.id = String("arrival-", decimal: number)
                return request
            case .decoded(let json):
                var request = try? ScenarioArrivals.request(from: json, number: number, user: user).get()
                request?.id = String("arrival-", decimal: number)
                return request
            case .freeText(let template):
                return template.request(number: number, user: user)
            }
        }
    }

    /// An entry decoded once, with its free-text fields split at their placeholders. A class,
    /// so an arrival borrows it instead of copying the request and texts out of the template.
    private final class FreeText: Sendable {
        let request: Request
        let texts: [(field: TextField, text: PlaceholderText)]
        let objects: [ObjectField]

        init(request: Request, texts: [TextField], objects: [ObjectField]) {
            self.request = request
            // The id is filled in like the other fields, as changing a copied request outside
            // this loop makes the optimizer copy the whole request again. A field the decoder
            // left out stays out, as filling it in would leave it.
            self.texts =
                [(.id, PlaceholderText("arrival-{n}"))]
                + texts.compactMap { field in field == .id ? nil : field.value(in: request).map { (field, PlaceholderText($0)) } }
            self.objects = objects
        }

        /// The request for arrival `number`, named `arrival-<number>`.
        func request(number: Int, user: Int) -> Request {
            var request = request
            let numberDigits = DecimalDigits(number)
            let userDigits = DecimalDigits(user)
            for (field, text) in texts {
                field.set(text.filled(number: numberDigits, user: userDigits), in: &request)
            }
            for field in objects {
                field.fill(&request, number: numberDigits, user: userDigits)
            }
            return request
        }
    }

    /// A text field an arrival fills in, set through a switch: a key path would be applied
    /// through the generic key-path machinery on every arrival.
    private enum TextField: String {
        case id, user, prompt, quality

        func value(in request: Request) -> String? {
            switch self {
            case .id: request.id
            case .user: request.user
            case .prompt: request.prompt
            case .quality: request.quality
            }
        }

        func set(_ text: String, in request: inout Request) {
            switch self {
            case .id: request.id = text
            case .user: request.user = text
            case .prompt: request.prompt = text
            case .quality: request.quality = text
            }
        }
    }

    /// An object field whose values an arrival fills in.
    private enum ObjectField: String {
        case voice, metadata

        func fill(_ request: inout Request, number: DecimalDigits, user: DecimalDigits) {
            switch self {
            case .voice: request.voice = substituting(.object(request.voice), number: number, user: user).objectValue ?? [:]
            case .metadata: request.metadata = substituting(.object(request.metadata), number: number, user: user).objectValue ?? [:]
            }
        }
    }

    private static func hasPlaceholders(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.contains("{n}") || text.contains("{user}")
        case .array(let items): items.contains(where: hasPlaceholders)
        case .object(let members): members.values.contains(where: hasPlaceholders)
        default: false
        }
    }
}
