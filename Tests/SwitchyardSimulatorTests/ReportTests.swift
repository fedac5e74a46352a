import Foundation
import OrderedCollections
import Testing

@testable import SwitchyardCore
@testable import SwitchyardSimulator

/// The timeline behind the report's charts: constant memory, exact totals.
@Suite struct SimulationTimelineTests {
    static func result(_ status: ExecutionResult.Status, provider: String?, cost: Int64 = 0, fallback: Bool = false) -> ExecutionResult {
        ExecutionResult(
            requestID: nil, status: status, provider: provider, tier: nil, outputs: [:], cost: Money(micros: cost), currency: "INR", attempts: 1,
            fallbackUsed: fallback, failureCode: status == .failed ? "all_providers_failed" : nil, message: nil)
    }

    @Test func wideningKeepsEveryCountInTheIntervalItArrivedIn() {
        var timeline = SimulationTimeline(providers: ["a", "b"], capacity: 60)
        var draws = SplitMix64(seed: 3)
        var arrivals: [(time: Int64, result: ExecutionResult?)] = []
        var time: Int64 = 0
        for index in 0..<20_000 {
            time += Int64(draws.nextUnit() * 2_000)
            let result: ExecutionResult? =
                switch index % 5 {
                case 0: nil
                case 1: Self.result(.failed, provider: nil)
                case 2: Self.result(.succeeded, provider: "b", cost: 1_500_000, fallback: true)
                default: Self.result(.succeeded, provider: "a", cost: 4_500_000)
                }
            arrivals.append((time, result))
            if let result { timeline.record(result, cacheHit: false, arrival: time) } else { timeline.recordRejected(arrival: time) }
        }
        #expect(timeline.buckets.count <= 60)
        #expect(SimulationTimeline.ladder.contains(timeline.width))
        #expect(Int64(timeline.buckets.count - 1) == time / timeline.width)
        #expect(timeline.lastArrival == time)
        // Each merged interval holds exactly what a timeline with that width from the start would.
        var expected = Array(
            repeating: (requests: 0, succeeded: 0, fallback: 0, failed: 0, served: [0, 0], cost: Money.zero), count: timeline.buckets.count)
        for (time, result) in arrivals {
            let index = Int(time / timeline.width)
            expected[index].requests += 1
            if let result, result.status == .succeeded {
                expected[index].succeeded += 1
                expected[index].cost += result.cost
                if result.fallbackUsed { expected[index].fallback += 1 }
                expected[index].served[result.provider == "a" ? 0 : 1] += 1
            } else {
                expected[index].failed += 1
            }
        }
        for (bucket, want) in zip(timeline.buckets, expected) {
            #expect(bucket.requests == want.requests)
            #expect(bucket.succeeded == want.succeeded)
            #expect(bucket.fallbackUsed == want.fallback)
            #expect(bucket.failed == want.failed)
            #expect(bucket.served == want.served)
            #expect(bucket.cost == want.cost)
        }
        let total = timeline.total
        #expect(total.requests == 20_000)
        #expect(total.succeeded == 12_000)
        #expect(total.failed == 8_000)
        #expect(total.fallbackUsed == 4_000)
        #expect(total.served == [8_000, 4_000])
        #expect(total.cost == Money(micros: 8_000 * 4_500_000 + 4_000 * 1_500_000))
    }

    @Test func aLateArrivalWidensStraightToAFittingInterval() {
        var timeline = SimulationTimeline(providers: [], capacity: 100)
        timeline.record(Self.result(.succeeded, provider: nil), cacheHit: true, arrival: 500)
        #expect(timeline.width == 1_000)
        timeline.recordRejected(arrival: 3 * 86_400_000)
        #expect(timeline.width == 3_600_000)
        #expect(timeline.buckets.count == 73)
        #expect(timeline.buckets.first?.cacheHits == 1 && timeline.buckets.last?.failed == 1)
        // Past a day, widths double.
        timeline.recordRejected(arrival: 400 * 86_400_000)
        #expect(timeline.width == 8 * 86_400_000)
        #expect(timeline.total.requests == 3)
    }
}

/// The report's figures come from the same run as the summary and agree with it.
@Suite struct SimulationReportTests {
    static let outage = """
        seed: 5
        providers:
          veo3:
            latency: {distribution: exponential, mean: 40s}
            faults:
              - {status: 500, from: 0s, until: 10m}
              - {status: 429, retry_after: 2s, probability: 0.1}
              - {job_failure: render_crash, probability: 0.05}
          runway: {latency: {distribution: lognormal, p50: 60s, p99: 3m}, faults: [{error: connection, probability: 0.05}]}
          nano-banana: {latency: {distribution: uniform, min: 10s, max: 30s}}
        """

    static func run(
        _ scenario: String = outage, count: Int = 1_500, events: ((DecisionEvent) -> Void)? = nil
    ) throws -> (SimulationSummary, SimulationReport) {
        var simulator = Simulator(config: try SimulatorTests.config(), scenario: try SimulatorTests.scenario(scenario))
        let summary = simulator.run(SimulatorTests.traffic(count, every: 1.2), decisions: events)
        return (summary, simulator.report())
    }

    @Test func theReportAgreesWithTheSummary() throws {
        var skipped = 0
        var excluded = 0
        let (summary, report) = try Self.run { event in
            if event.event == "attempt_skipped" { skipped += 1 }
            if event.event == "plan" { excluded += event.fields["excluded"]?.arrayValue?.count ?? 0 }
        }
        let json = summary.json
        #expect(report.totals.requests == 1_500)
        #expect(json["succeeded"]?.doubleValue == Double(report.totals.succeeded))
        #expect(json["fallback_used"]?.doubleValue == Double(report.totals.fallbackUsed))
        #expect(json["cost"]?["total"] == report.totals.cost.json)
        #expect(report.timeline.total.requests == report.totals.requests)
        #expect(report.timeline.total.succeeded == report.totals.succeeded)
        #expect(report.timeline.total.cost == report.totals.cost)
        #expect(report.providers.map(\.id) == ["nano-banana", "runway", "veo3"])
        for provider in report.providers {
            let row = json["by_provider"]?[provider.id]
            #expect(row?["attempts"]?.doubleValue ?? 0 == Double(provider.attempts))
            #expect(row?["failed"]?.doubleValue ?? 0 == Double(provider.failed))
            let failures = report.failedAttempts.filter { $0.provider == provider.id }.reduce(0) { $0 + $1.count }
            #expect(failures == provider.failed)
        }
        #expect(report.providers.reduce(0) { $0 + $1.servedAfterFallback } <= report.totals.fallbackUsed)
        #expect(report.failedAttempts.contains { $0.provider == "veo3" && $0.reason == "HTTP 500" })
        #expect(report.failedAttempts.contains { $0.provider == "veo3" && $0.reason == "job_failed (render_crash)" })
        #expect(report.failuresByCode.reduce(0) { $0 + $1.count } == report.totals.failed)
        #expect(report.skippedAttempts.reduce(0) { $0 + $1.count } == skipped)
        #expect(report.exclusions.reduce(0) { $0 + $1.count } == excluded)
        #expect(excluded > 0)
        #expect(report.latency.bins.reduce(0, +) + report.latency.beyond == report.latency.count)
        #expect(Double(report.latency.p99) / 1000 == json["latency_s"]?["p99"]?.doubleValue)
    }

    @Test func progressIsReportedEveryIntervalAndChangesNothing() throws {
        let count = 2 * Simulator.progressInterval + 100
        let traffic = SimulatorTests.traffic(count, every: 0.05)
        var plain = Simulator(config: try SimulatorTests.config(), scenario: try SimulatorTests.scenario(Self.outage))
        let expected = plain.run(traffic)
        var watched = Simulator(config: try SimulatorTests.config(), scenario: try SimulatorTests.scenario(Self.outage))
        var seen: [Simulator.Progress] = []
        let summary = watched.run(traffic, progress: { seen.append($0) })
        #expect(summary == expected)
        #expect(seen.map(\.requests) == [Simulator.progressInterval, 2 * Simulator.progressInterval])
        #expect(seen[0].elapsed == traffic[Simulator.progressInterval - 1].at)
    }
}

/// The HTML page: self-contained, complete, escaped, deterministic.
@Suite struct ReportRendererTests {
    @Test func thePageIsSelfContainedAndHasEverySection() throws {
        let (summary, report) = try SimulationReportTests.run()
        let html = ReportRenderer().html(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["http://", "https://", "<script", "src=", "href=", "@import", "url(", "<link"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        for heading in ["Outcomes over time", "Who served", "Share over time", "Cost over time", "Latency distribution", "Fallbacks and failures"] {
            #expect(html.contains("<h2>\(heading)</h2>") || html.contains("<h3>\(heading)</h3>"), "\(heading)")
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4)
        #expect(html.contains(ReportFormat.count(summary.requests)))
        #expect(!report.failuresByCode.isEmpty)
        for failure in report.failuresByCode { #expect(html.contains("<code>\(failure.name)</code>")) }
        #expect(html.contains("HTTP 500"))
        #expect(html.contains("INR"))
        #expect(html.components(separatedBy: "<div").count == html.components(separatedBy: "</div>").count)
        #expect(html.components(separatedBy: "<svg").count == html.components(separatedBy: "</svg>").count)
    }

    @Test func theSameRunGivesTheSameBytes() throws {
        let a = ReportRenderer().html(try SimulationReportTests.run().1)
        let b = ReportRenderer().html(try SimulationReportTests.run().1)
        #expect(a == b)
    }

    @Test func everyNameFromConfigOrInputIsEscaped() {
        let hostile = "<img src=x onerror=alert(1)>&\"'"
        var timeline = SimulationTimeline(providers: [hostile, "veo3"])
        timeline.record(
            SimulationTimelineTests.result(.succeeded, provider: hostile, cost: 2_000_000, fallback: true), cacheHit: false, arrival: 1_000)
        timeline.record(SimulationTimelineTests.result(.failed, provider: nil), cacheHit: false, arrival: 2_000)
        let report = SimulationReport(
            seed: 1,
            totals: .init(requests: 2, succeeded: 1, failed: 1, fallbackUsed: 1, attempts: 3, cost: Money(micros: 2_000_000), currency: "<b>INR</b>"),
            providers: [
                .init(id: hostile, attempts: 1, succeeded: 1, cost: Money(micros: 2_000_000), servedAfterFallback: 1),
                .init(id: "veo3", attempts: 2, failed: 2),
            ],
            timeline: timeline, latency: .init(count: 2, p50: 1_000, p90: 2_000, p99: 2_000, max: 2_000, bins: [1, 1], binWidth: 1_000),
            queueWaitP99: 0, failuresByCode: [.init(name: "<script>alert(2)</script>", count: 1)],
            failedAttempts: [.init(provider: "veo3", reason: "job_failed (<i>x</i>)", count: 2)],
            skippedAttempts: [.init(provider: "veo3", reason: "at <s>limit</s>", count: 1)],
            exclusions: [.init(provider: hostile, reason: "<u>reason</u>", count: 1)], inputs: [.init("scenario", "/tmp/<evil>.yaml")])
        let html = ReportRenderer().html(report)
        for raw in [hostile, "<script>", "<b>INR", "<i>x", "<s>limit", "<u>reason", "<evil>", "onerror=alert(1)>"] {
            #expect(!html.contains(raw), "\(raw) is not escaped")
        }
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;"))
        #expect(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"))
    }

    @Test func anEmptyRunRendersWithoutNumbersThatMakeNoSense() throws {
        var simulator = Simulator(config: try SimulatorTests.config(), scenario: try SimulatorTests.scenario("providers: {}\n"))
        _ = simulator.run([SimulatedArrival]())
        let html = ReportRenderer().html(simulator.report())
        #expect(html.contains("No request failed."))
        #expect(!html.contains("NaN") && !html.contains("∞") && !html.contains("inf%"))
    }

    @Test func numbersAndTimesReadAsPeopleWriteThem() {
        #expect(ReportFormat.count(1_234_567) == "1,234,567")
        #expect(ReportFormat.fixed(1234.5, digits: 2) == "1,234.50")
        #expect(ReportFormat.fixed(-0.004, digits: 2) == "0.00")
        #expect(ReportFormat.money(0.039, currency: "INR") == "0.039 INR")
        #expect(ReportFormat.percent(1, of: 3) == "33.3%")
        #expect(ReportFormat.clock(3_725_000, seconds: false) == "1:02")
        #expect(ReportFormat.clock(125_000, seconds: true) == "2:05")
        #expect(ReportFormat.clock(2 * 86_400_000, seconds: false) == "2d")
        #expect(ReportFormat.clock(2 * 86_400_000 + 21_600_000, seconds: false) == "2d 6:00")
        #expect(ReportFormat.duration(1_001_340_000) == "11 d 14 h")
        #expect(ReportFormat.duration(38_940) == "38.9 s")
        #expect(ReportFormat.duration(192_000) == "3 min 12 s")
        #expect(ReportFormat.duration(7_200_000) == "2 h 00 min")
        #expect(ReportFormat.interval(60_000) == "1-minute")
        #expect(ReportFormat.interval(30_000) == "30-second")
        #expect(ReportFormat.interval(7_200_000, short: true) == "2 h")
        #expect(ChartScale.niceStep(125) == 200)
        #expect(ReportFormat.tick(600_000, step: 200_000) == "600k")
        #expect(ReportFormat.tick(2_500, step: 500) == "2,500")
        #expect(ReportFormat.tick(0.25, step: 0.05) == "0.25")
        #expect(ChartScale.ticks(upTo: 7, count: 5, integral: true) == [0, 2, 4, 6, 8])
    }
}
