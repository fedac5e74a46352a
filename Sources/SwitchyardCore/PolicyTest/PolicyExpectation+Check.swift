/// A failed expectation of a test case, as `switchyard test` prints it.
public struct PolicyTestFailure: Sendable, Hashable, CustomStringConvertible {
    public var testName: String
    /// The expectation's line.
    public var location: SourceLocation
    /// `expected rule 'premium', got 'default'`.
    public var message: String

    public init(testName: String, location: SourceLocation, message: String) {
        self.testName = testName
        self.location = location
        self.message = message
    }

    /// `FILE:LINE: FAIL name: expected X, got Y`.
    public var description: String { "\(location.file):\(location.line): FAIL \(testName): \(message)" }
}

extension PolicyTestCase {
    /// One failure per expectation that does not hold, in the fixed order of the `expect` keys.
    public func failures(for observed: PolicyTestObservation) -> [PolicyTestFailure] {
        expectations.compactMap { expectation in
            expectation.check(observed).map { PolicyTestFailure(testName: name, location: expectation.location, message: $0) }
        }
    }
}

extension PolicyExpectation {
    /// nil when the expectation holds; otherwise `expected X, got Y`.
    public func check(_ observed: PolicyTestObservation) -> String? {
        switch kind {
        case .policy(let policy):
            guard let got = observed.policy else { return "expected policy '\(policy)', got \(Self.noPlan(observed))" }
            return got == policy ? nil : "expected policy '\(policy)', got '\(got)'"
        case .rule(let rule):
            guard let got = observed.rule else { return "expected rule '\(rule)', got \(Self.noPlan(observed))" }
            return got == rule ? nil : "expected rule '\(rule)', got '\(got)'"
        case .plan(let expected):
            let expectedText = "expected plan [\(expected.map(\.description).joined(separator: ", "))]"
            guard observed.rule != nil else { return "\(expectedText), got \(Self.noPlan(observed))" }
            let holds =
                expected.count == observed.plan.count
                && zip(expected, observed.plan).allSatisfy { want, got in want.provider == got.provider && (want.tier ?? got.tier) == got.tier }
            guard !holds else { return nil }
            let showTiers = expected.contains { $0.tier != nil }
            let got = observed.plan.map { showTiers ? "\($0.provider) (\($0.tier))" : $0.provider }
            return "\(expectedText), got [\(got.joined(separator: ", "))]"
        case .excluded(let expected):
            let expectedText = "expected excluded \(Self.render(expected.map { ($0.provider, $0.reason.rawValue) }))"
            guard observed.rule != nil else { return "\(expectedText), got \(Self.noPlan(observed))" }
            let want = Set(expected.map { "\($0.provider)=\($0.reason.rawValue)" })
            // A provider planned on two tiers can be left out twice; like the JSON output, the
            // first reason is the one a test names.
            var firstReasons: [String: String] = [:]
            for exclusion in observed.excluded where firstReasons[exclusion.provider] == nil { firstReasons[exclusion.provider] = exclusion.reason }
            let got = Set(firstReasons.map { "\($0.key)=\($0.value)" })
            return want == got ? nil : "\(expectedText), got \(Self.render(observed.excluded.map { ($0.provider, $0.reason) }))"
        case .outcome(let outcome):
            return Self.holds(outcome, observed) ? nil : "expected \(Self.describe(outcome)), got \(observed.outcomeDescription)"
        case .cost(let low, let high):
            let expectedText = "expected cost \(Self.describeBounds(low?.description, high?.description))"
            guard let result = observed.result else { return "\(expectedText), got \(observed.outcomeDescription)" }
            let holds = low.map { result.cost >= $0 } != false && high.map { result.cost <= $0 } != false
            return holds ? nil : "\(expectedText), got \(result.cost)\(result.currency.map { " \($0)" } ?? "")"
        case .attempts(let count):
            guard let result = observed.result else { return "expected \(count) attempts, got \(observed.outcomeDescription)" }
            return result.attempts == count ? nil : "expected \(count) attempts, got \(result.attempts)"
        case .elapsed(let low, let high):
            let expectedText = "expected elapsed \(Self.describeBounds(low.map(TimeSpan.format), high.map(TimeSpan.format)))"
            guard let elapsed = observed.elapsed else { return "\(expectedText), got \(observed.outcomeDescription)" }
            let holds = low.map { elapsed >= $0 } != false && high.map { elapsed <= $0 } != false
            return holds ? nil : "\(expectedText), got \(TimeSpan.format(elapsed))"
        case .fallbackUsed(let flag):
            guard let result = observed.result else { return "expected fallback_used \(flag), got \(observed.outcomeDescription)" }
            return result.fallbackUsed == flag ? nil : "expected fallback_used \(flag), got \(result.fallbackUsed)"
        case .onError(let rows):
            let got = observed.errorRows.map(\.key)
            return got == rows ? nil : "expected error-table rows \(Self.list(rows)), got \(Self.list(got))"
        }
    }

    private static func holds(_ outcome: ExpectedOutcome, _ observed: PolicyTestObservation) -> Bool {
        switch outcome {
        case .succeeded(let provider):
            guard let result = observed.result, result.succeeded else { return false }
            return provider == nil || provider == result.provider
        case .failed(let code, let message):
            guard let result = observed.result, !result.succeeded else { return false }
            return (code == nil || code == result.code) && (message == nil || message == result.message)
        case .rejected(let code):
            guard let errors = observed.rejection else { return false }
            return code == nil || errors.contains { $0.code == code }
        }
    }

    private static func describe(_ outcome: ExpectedOutcome) -> String {
        switch outcome {
        case .succeeded(let provider): provider.map { "succeeded via \($0)" } ?? "succeeded"
        case .failed(let code, let message): "failed\(code.map { " with \($0)" } ?? "")\(message.map { " \"\($0)\"" } ?? "")"
        case .rejected(let code): "rejected\(code.map { " with \($0)" } ?? "")"
        }
    }

    private static func describeBounds(_ low: String?, _ high: String?) -> String {
        switch (low, high) {
        case (let low?, let high?) where low == high: "\(low)"
        case (let low?, let high?): "between \(low) and \(high)"
        case (let low?, nil): "at least \(low)"
        case (nil, let high?): "at most \(high)"
        case (nil, nil): "of any amount"
        }
    }

    private static func noPlan(_ observed: PolicyTestObservation) -> String {
        "no plan (\(observed.outcomeDescription))"
    }

    private static func render(_ pairs: [(String, String)]) -> String {
        pairs.isEmpty ? "{}" : "{\(pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", "))}"
    }

    private static func list(_ items: [String]) -> String {
        "[\(items.joined(separator: ", "))]"
    }
}
