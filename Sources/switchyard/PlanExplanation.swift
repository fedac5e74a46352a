import SwitchyardCore

/// The plan as a few lines for people: what will be tried, in which order, and why the rest
/// will not.
enum PlanExplanation {
    static func text(_ plan: Plan) -> String {
        var lines: [String] = []
        lines.append(
            "request \(plan.requestID ?? "-"): policy \(plan.policy), rule \(plan.rule), tier \(plan.tier), strategy \(plan.strategy.rawValue)")
        if plan.entries.isEmpty {
            lines.append("plan: empty; no provider can serve this request")
        } else {
            lines.append("plan:")
            let width = plan.entries.map(\.provider.count).max() ?? 0
            for (index, entry) in plan.entries.enumerated() {
                let params = [
                    entry.params.resolution?.description, entry.params.fps.map { "\($0) fps" }, entry.params.bitrateKbps.map { "\($0) kbps" },
                ]
                .compactMap { $0 }.joined(separator: " ")
                lines.append(
                    "  \(index + 1). \(entry.provider.padding(width)) \(entry.tier) (\(params)) \(entry.estimatedCost) \(entry.currency)\(entry.downgrade ? ", downgrade" : "")"
                )
            }
        }
        if !plan.excluded.isEmpty {
            lines.append("excluded:")
            for exclusion in plan.excluded {
                lines.append("  - \(exclusion.provider) [\(exclusion.reason.rawValue)]: \(exclusion.detail)")
            }
        }
        let worst = plan.worstCase
        var capped = ""
        if worst.uncappedAttempts > worst.attempts { capped += "; \(worst.uncappedAttempts) attempts without max_attempts" }
        if worst.uncappedWallTime > worst.wallTime { capped += "; \(TimeSpan.format(worst.uncappedWallTime)) without the deadline" }
        lines.append(
            "worst case: \(worst.attempts) attempts, \(TimeSpan.format(worst.wallTime)), \(worst.cost)\(plan.currency.map { " \($0)" } ?? "") if every attempt were charged\(capped)"
        )
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
