import Testing

@testable import SwitchyardSimulator
@testable import switchyard

/// The progress bar's line: what a person sees on a terminal while a long run goes on.
@Suite struct ProgressBarTests {
    @Test func aKnownTotalShowsABarAndAPercentage() {
        let line = ProgressBar.line(.init(requests: 12_288, elapsed: .seconds(6_130)), total: 40_000)
        #expect(line == "simulating [██████░░░░░░░░░░░░░░]  30%  12,288 of 40,000 requests, virtual 1:42:10")
    }

    @Test func anUnknownTotalShowsTheCountAndTheVirtualTime() {
        let line = ProgressBar.line(.init(requests: 4_096, elapsed: .seconds(59)), total: nil)
        #expect(line == "simulating: 4,096 requests, virtual 0:00:59")
    }

    @Test func aTotalPassedNeverOverflowsTheBar() {
        let line = ProgressBar.line(.init(requests: 9_000, elapsed: .zero), total: 8_192)
        #expect(line.hasPrefix("simulating [████████████████████] 100%"))
    }
}
