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
    /// Strict, like the config: provider ids are checked against `knownProviders`, and unknown
    /// keys and wrong types are errors, so a typo is never a silent no-op.
    public static func decode(_ json: JSONValue, knownProviders: [String]) -> Result<WorldState, RequestErrors> {
        var errors: [RequestError] = []
        func fail(_ field: String, _ message: String) {
            errors.append(RequestError(field: field, message: message, code: "invalid_state"))
        }
        func object(_ value: JSONValue?, _ field: String, example: String) -> JSONObject? {
            guard let value, !value.isNull else { return nil }
            guard let members = value.objectValue else {
                fail(field, "expected an object such as \(example), got \(value.typeName)")
                return nil
            }
            return members
        }
        guard let root = json.objectValue else {
            return .failure(RequestErrors([RequestError(field: "", message: "the state must be a JSON object", code: "invalid_state")]))
        }
        for key in root.keys where !["providers", "budgets"].contains(key) {
            fail(key, "unknown field\(Suggestion.hint(for: key, in: ["providers", "budgets"]))")
        }
        var state = WorldState()
        for (id, value) in object(root["providers"], "providers", example: #"{"veo3": {"available": false}}"#) ?? [:] {
            guard knownProviders.contains(id) else {
                fail("providers.\(id)", "unknown provider\(Suggestion.hint(for: id, in: knownProviders))")
                continue
            }
            guard let fields = object(value, "providers.\(id)", example: #"{"available": false}"#) else { continue }
            var status = ProviderStatus()
            for (key, field) in fields {
                switch (key, field) {
                case ("available", .bool(let flag)): status.available = flag
                case ("disabled", .bool(let flag)): status.disabled = flag
                case ("reason", .string(let text)): status.reason = text
                case ("available", _), ("disabled", _): fail("providers.\(id).\(key)", "expected true or false, got \(field.typeName)")
                case ("reason", _): fail("providers.\(id).reason", "expected a string, got \(field.typeName)")
                default: fail("providers.\(id).\(key)", "unknown field\(Suggestion.hint(for: key, in: ["available", "disabled", "reason"]))")
                }
            }
            state.providers[id] = status
        }
        for (user, value) in object(root["budgets"], "budgets", example: #"{"user_123": {"spent_today": 98.0}}"#) ?? [:] {
            guard let fields = object(value, "budgets.\(user)", example: #"{"spent_today": 98.0}"#) else { continue }
            for key in fields.keys where key != "spent_today" {
                fail("budgets.\(user).\(key)", "unknown field\(Suggestion.hint(for: key, in: ["spent_today"]))")
            }
            guard let spent = fields["spent_today"] else {
                fail("budgets.\(user).spent_today", "missing")
                continue
            }
            guard let amount = spent.doubleValue, amount >= 0 else {
                fail("budgets.\(user).spent_today", "expected a non-negative amount, got \(spent.jsonString())")
                continue
            }
            guard let money = Money(amount) else {
                fail("budgets.\(user).spent_today", "\(spent.jsonString()) has more than 6 decimal places or is too large")
                continue
            }
            state.spentToday[user] = money
        }
        return errors.isEmpty ? .success(state) : .failure(RequestErrors(errors))
    }
}
