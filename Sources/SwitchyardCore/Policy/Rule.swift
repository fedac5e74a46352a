/// One routing rule: when its conditions hold, its plan is used.
public struct Rule: Sendable, Hashable {
    public var name: String
    /// All must hold; empty matches every request.
    public var conditions: [Condition]
    public var plan: [PlanEntrySpec]
    public var strategy: Strategy
    public var location: SourceLocation
}

/// A provider in a rule's plan, optionally on a fixed tier (a planned downgrade).
public struct PlanEntrySpec: Sendable, Hashable {
    public var provider: String
    public var tier: String?
    /// For `strategy: weighted`.
    public var weight: Int
    public var location: SourceLocation
}

/// How a rule orders the providers left after filtering.
public enum Strategy: String, Sendable, Hashable, CaseIterable {
    /// As written.
    case ordered
    /// By estimated cost, cheapest first; ties keep the written order.
    case cheapest
    /// A weighted random first choice (the draw is an input), then the same for the rest.
    case weighted
}
