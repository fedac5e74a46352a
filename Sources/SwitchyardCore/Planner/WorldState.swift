import OrderedCollections

/// What the planner knows about the world at one moment: provider health and users' spending.
/// A driver builds it from its breakers and stores; `plan --state FILE` reads it from JSON.
public struct WorldState: Sendable, Hashable {
    public var providers: [String: ProviderStatus]
    /// Spent today, per user.
    public var spentToday: [String: Money]

    public struct ProviderStatus: Sendable, Hashable {
        public var available: Bool
        public var disabled: Bool
        /// Why, when it is unavailable or disabled: "circuit open since 10:02".
        public var reason: String?

        public init(available: Bool = true, disabled: Bool = false, reason: String? = nil) {
            self.available = available
            self.disabled = disabled
            self.reason = reason
        }
    }

    public init(providers: [String: ProviderStatus] = [:], spentToday: [String: Money] = [:]) {
        self.providers = providers
        self.spentToday = spentToday
    }

    public static let empty = WorldState()

    /// Decodes `{"providers": {"veo3": {"available": false}}, "budgets": {"user_123": {"spent_today": 98.0}}}`.
    /// Provider ids are checked against `knownProviders`, so a typo is an error, not a no-op.
    public static func decode(_ json: JSONValue, knownProviders: [String]) -> Result<WorldState, RequestErrors> {
        var errors: [RequestError] = []
        func fail(_ field: String, _ message: String) {
            errors.append(RequestError(field: field, message: message, code: "invalid_state"))
        }
        guard let object = json.objectValue else {
            return .failure(RequestErrors([RequestError(field: "", message: "the state must be a JSON object", code: "invalid_state")]))
        }
        for key in object.keys where !["providers", "budgets"].contains(key) {
            fail(key, "unknown field\(Suggestion.hint(for: key, in: ["providers", "budgets"]))")
        }
        var state = WorldState()
        for (id, value) in object["providers"]?.objectValue ?? [:] {
            guard knownProviders.contains(id) else {
                fail("providers.\(id)", "unknown provider\(Suggestion.hint(for: id, in: knownProviders))")
                continue
            }
            guard let fields = value.objectValue else {
                fail("providers.\(id)", "expected an object such as {\"available\": false}")
                continue
            }
            var status = ProviderStatus()
            for (key, field) in fields {
                switch key {
                case "available", "disabled":
                    guard let flag = field.boolValue else {
                        fail("providers.\(id).\(key)", "expected true or false")
                        continue
                    }
                    if key == "available" { status.available = flag } else { status.disabled = flag }
                case "reason":
                    status.reason = field.stringValue
                default:
                    fail("providers.\(id).\(key)", "unknown field\(Suggestion.hint(for: key, in: ["available", "disabled", "reason"]))")
                }
            }
            state.providers[id] = status
        }
        for (user, value) in object["budgets"]?.objectValue ?? [:] {
            guard let spent = value["spent_today"]?.doubleValue, let money = Money(spent), money >= .zero else {
                fail("budgets.\(user).spent_today", "expected a non-negative amount")
                continue
            }
            state.spentToday[user] = money
        }
        return errors.isEmpty ? .success(state) : .failure(RequestErrors(errors))
    }
}
