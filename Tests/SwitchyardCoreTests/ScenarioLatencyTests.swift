import Foundation
import Testing

@testable import SwitchyardCore

/// Latency samples by inverse CDF, checked against known quantiles.
@Suite struct ScenarioLatencyTests {
    func seconds(_ duration: Duration) -> Double { LatencyDistribution.seconds(duration) }

    func close(_ a: Double, _ b: Double, within tolerance: Double) -> Bool { abs(a - b) <= tolerance }

    @Test func theNormalQuantileMatchesReferenceValues() {
        let reference: [(Double, Double)] = [
            (0.5, 0), (0.975, 1.959_963_984_540_054), (0.99, 2.326_347_874_040_841), (0.01, -2.326_347_874_040_841),
            (0.001, -3.090_232_306_167_813), (0.841_344_746_068_542_9, 1), (1e-10, -6.361_340_902_404_056),
            (0.02425, -1.972_961_051_311_884_5), (0.9999, 3.719_016_485_455_708_4),
        ]
        for (p, z) in reference {
            #expect(close(NormalDistribution.quantile(p), z, within: 1e-12 * max(1, abs(z))), "p = \(p)")
        }
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        for p in stride(from: 0.001, to: 1, by: 0.01) {
            #expect(close(NormalDistribution.cdf(NormalDistribution.quantile(p)), p, within: 1e-14))
        }
    }

    @Test func fixedAndUniform() {
        #expect(LatencyDistribution.fixed(.seconds(3)).sample(0.7) == .seconds(3))
        let uniform = LatencyDistribution.uniform(min: .seconds(1), max: .seconds(3))
        #expect(uniform.sample(0) == .seconds(1))
        #expect(uniform.sample(0.25) == .milliseconds(1500))
        #expect(uniform.sample(0.5) == .seconds(2))
        #expect(uniform.mean == .seconds(2))
    }

    @Test func exponentialQuantiles() {
        let exponential = LatencyDistribution.exponential(mean: .seconds(40))
        #expect(exponential.sample(0) == .zero)
        // The median is mean * ln 2; the 1 - 1/e quantile is the mean itself.
        #expect(close(seconds(exponential.sample(0.5)), 40 * 0.693_147_180_559_945_3, within: 1e-6))
        #expect(close(seconds(exponential.sample(1 - 0.367_879_441_171_442_3)), 40, within: 1e-6))
        #expect(close(seconds(exponential.sample(0.99)), 40 * 4.605_170_185_988_091, within: 1e-6))
        #expect(exponential.mean == .seconds(40))
    }

    @Test func lognormalHitsItsMedianAndP99() {
        let lognormal = LatencyDistribution.lognormal(p50: .seconds(10), p99: .seconds(60))
        #expect(close(seconds(lognormal.sample(0.5)), 10, within: 1e-6))
        #expect(close(seconds(lognormal.sample(0.99)), 60, within: 1e-6))
        // Symmetric in log space: the 1st percentile is p50² / p99.
        #expect(close(seconds(lognormal.sample(0.01)), 100.0 / 60, within: 1e-6))
        #expect(lognormal.sample(0) == .zero)
        let (mu, sigma) = LatencyDistribution.lognormalParameters(p50: .seconds(10), p99: .seconds(60))
        #expect(close(sigma, (log(60.0) - log(10.0)) / 2.326_348, within: 1e-6))
        #expect(close(seconds(lognormal.mean), exp(mu + sigma * sigma / 2), within: 1e-6))
        #expect(LatencyDistribution.lognormal(p50: .seconds(5), p99: .seconds(5)).sample(0.9) == .seconds(5))
    }

    @Test func samplesAreMonotonicAndBounded() {
        let distributions: [LatencyDistribution] = [
            .uniform(min: .seconds(1), max: .seconds(9)), .exponential(mean: .seconds(40)),
            .lognormal(p50: .seconds(30), p99: .seconds(300)), .lognormal(p50: .milliseconds(1), p99: .seconds(365 * 86_400)),
        ]
        for distribution in distributions {
            var previous = Duration.zero
            for u in stride(from: 0.0, to: 1, by: 0.001) {
                let sample = distribution.sample(u)
                #expect(sample >= previous, "\(distribution) at \(u)")
                previous = sample
            }
            #expect(distribution.sample(1.0.nextDown) <= LatencyDistribution.maxSample)
            #expect(distribution.sample(7) <= LatencyDistribution.maxSample)
            #expect(distribution.sample(-1) >= .zero)
            #expect(distribution.sample(.nan) >= .zero)
        }
    }

    @Test func sampledMeansConvergeOverASeededStream() {
        var stream = Scenario(seed: 1).drawStream(for: "veo3")
        let exponential = LatencyDistribution.exponential(mean: .seconds(40))
        let count = 50_000
        var total = 0.0
        for _ in 0..<count { total += seconds(exponential.sample(stream.nextUnit())) }
        // The standard error of the mean is 40 / sqrt(50000) ≈ 0.18 s.
        #expect(close(total / Double(count), 40, within: 1.2))
    }
}
