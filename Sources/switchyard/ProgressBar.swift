import Foundation
import SwitchyardCore
import SwitchyardSimulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on stderr for long simulations. It exists only when stderr is a
/// terminal, so pipes, files and tests never see it, and it cannot change what the run
/// computes: it only reads the progress the simulator reports.
final class ProgressBar {
    private let total: Int?
    private let clock = ContinuousClock()
    private var lastDrawn: ContinuousClock.Instant
    private var drawn = false
    /// Redraws at most this often, so a fast run spends no time on the terminal.
    private static let period = Duration.milliseconds(100)

    /// Nil unless stderr is a terminal that understands erasing a line.
    /// - Parameter total: the number of requests, when known before the run.
    init?(total: Int?) {
        guard isatty(2) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return nil }
        self.total = total
        lastDrawn = clock.now
    }

    func update(_ progress: Simulator.Progress) {
        let now = clock.now
        guard now - lastDrawn >= Self.period else { return }
        lastDrawn = now
        drawn = true
        Terminal.standardError.showStatus(Self.line(progress, total: total))
    }

    /// Erases the bar, so the tally and any error that follows start on a clean line.
    func finish() {
        guard drawn else { return }
        Terminal.standardError.clearStatus()
    }

    /// `simulating [██████░░░░░░░░░░░░░░]  31%  12,288 of 40,000 requests, virtual 1:42:10`.
    static func line(_ progress: Simulator.Progress, total: Int?) -> String {
        let requests = ReportFormat.count(progress.requests)
        let virtual = "virtual \(virtualClock(progress.elapsed))"
        guard let total, total > 0 else { return "simulating: \(requests) requests, \(virtual)" }
        let fraction = min(Double(progress.requests) / Double(total), 1)
        let width = 20
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down)))
        return
            "simulating [\(bar)] \(String(repeating: " ", count: 3 - percent.count))\(percent)%  \(requests) of \(ReportFormat.count(total)) requests, \(virtual)"
    }

    private static func virtualClock(_ elapsed: Duration) -> String {
        let seconds = elapsed.components.seconds
        let pad = { (value: Int64) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(seconds / 3600):\(pad(seconds % 3600 / 60)):\(pad(seconds % 60))"
    }
}
