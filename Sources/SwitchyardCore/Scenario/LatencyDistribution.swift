#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How long a provider's jobs take, from acceptance to their end.
public enum LatencyDistribution: Sendable, Hashable {
    /// Always the same time.
    case fixed(Duration)
    /// Evenly spread between the bounds.
    case uniform(min: Duration, max: Duration)
    /// Memoryless, with the given mean.
    case exponential(mean: Duration)
    /// Log-normal, given by its median and 99th percentile.
    case lognormal(p50: Duration, p99: Duration)

    /// The names the scenario format uses.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case fixed, uniform, exponential, lognormal
    }

    /// The latency of a provider the scenario does not describe.
    public static let `default` = LatencyDistribution.fixed(.seconds(2))

    /// No sample is longer than this, so a draw in the far tail cannot overflow a clock.
    public static let maxSample: Duration = .seconds(365 * 86_400)

    public var kind: Kind {
        switch self {
        case .fixed: .fixed
        case .uniform: .uniform
        case .exponential: .exponential
        case .lognormal: .lognormal
        }
    }

    /// The sample for a uniform draw `u` in [0, 1), by the inverse of the distribution's CDF,
    /// so `sample(0.5)` is the median and `sample(0.99)` the 99th percentile.
    ///
    /// Log-normal: with mu = ln p50 and sigma = (ln p99 - ln p50) / z(0.99), where z is the
    /// standard normal quantile (2.3263...), the sample is exp(mu + sigma * z(u)).
    public func sample(_ u: Double) -> Duration {
        let u = u.isNaN ? 0 : Swift.min(Swift.max(u, 0), 1.0.nextDown)
        let seconds: Double
        switch self {
        case .fixed(let value):
            return value
        case .uniform(let low, let high):
            seconds = Self.seconds(low) + (Self.seconds(high) - Self.seconds(low)) * u
        case .exponential(let mean):
            seconds = -Self.seconds(mean) * log1p(-u)
        case .lognormal(let p50, let p99):
            guard u > 0 else { return .zero }
            let (mu, sigma) = Self.lognormalParameters(p50: p50, p99: p99)
            seconds = exp(mu + sigma * NormalDistribution.quantile(u))
        }
        return Self.duration(seconds: seconds)
    }

    /// The distribution's mean, for reports and queueing checks.
    public var mean: Duration {
        switch self {
        case .fixed(let value): value
        case .uniform(let low, let high): Self.duration(seconds: (Self.seconds(low) + Self.seconds(high)) / 2)
        case .exponential(let mean): mean
        case .lognormal(let p50, let p99):
            Self.duration(
                seconds: {
                    let (mu, sigma) = Self.lognormalParameters(p50: p50, p99: p99)
                    return exp(mu + sigma * sigma / 2)
                }())
        }
    }

    /// mu and sigma of the underlying normal distribution, in log-seconds.
    static func lognormalParameters(p50: Duration, p99: Duration) -> (mu: Double, sigma: Double) {
        let mu = log(seconds(p50))
        return (mu, (log(seconds(p99)) - mu) / NormalDistribution.z99)
    }

    /// Seconds as a double, with the attoseconds kept (`secondsValue` truncates to milliseconds).
    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    private static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return seconds.isNaN || seconds <= 0 ? .zero : maxSample }
        guard seconds < Self.seconds(maxSample) else { return maxSample }
        // Whole microseconds: finer than any clock the drivers use, and exact in Duration.
        return .microseconds(Int64((seconds * 1_000_000).rounded()))
    }
}
