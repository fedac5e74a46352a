/// When a fault can fire: from `from` (inclusive) to `until` (exclusive), measured from the
/// scenario's start.
public struct ScenarioWindow: Sendable, Hashable {
    public var from: Duration
    /// nil: to the end of the run.
    public var until: Duration?

    public init(from: Duration = .zero, until: Duration? = nil) {
        self.from = from
        self.until = until
    }

    /// Every time from the start on.
    public static let always = ScenarioWindow()

    public var isAlways: Bool { from == .zero && until == nil }

    public func contains(_ elapsed: Duration) -> Bool {
        elapsed >= from && until.map { elapsed < $0 } ?? true
    }
}
