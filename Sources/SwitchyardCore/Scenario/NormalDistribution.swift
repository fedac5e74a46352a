#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution's quantile function, for log-normal latencies.
enum NormalDistribution {
    /// z(0.99), the 99th percentile of the standard normal distribution.
    static let z99 = 2.326_347_874_040_840_8

    private static let a = [
        -3.969_683_028_665_376e+01, 2.209_460_984_245_205e+02, -2.759_285_104_469_687e+02,
        1.383_577_518_672_690e+02, -3.066_479_806_614_716e+01, 2.506_628_277_459_239e+00,
    ]
    private static let b = [
        -5.447_609_879_822_406e+01, 1.615_858_368_580_409e+02, -1.556_989_798_598_866e+02,
        6.680_131_188_771_972e+01, -1.328_068_155_288_572e+01,
    ]
    private static let c = [
        -7.784_894_002_430_293e-03, -3.223_964_580_411_365e-01, -2.400_758_277_161_838e+00,
        -2.549_732_539_343_734e+00, 4.374_664_141_464_968e+00, 2.938_163_982_698_783e+00,
    ]
    private static let d = [
        7.784_695_709_041_462e-03, 3.224_671_290_700_398e-01, 2.445_134_137_142_996e+00,
        3.754_408_661_907_416e+00,
    ]

    /// The z with P(Z < z) = p, for p in (0, 1): -infinity at 0, +infinity at 1.
    ///
    /// Acklam's rational approximation (relative error below 1.2e-9), then one step of
    /// Halley's method on the exact CDF, which brings it to full double precision.
    static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let low = 0.024_25
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = tail(q)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -tail(q)
        }
        let error = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// The lower tail's rational function of q = sqrt(-2 ln p).
    private static func tail(_ q: Double) -> Double {
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }

    /// P(Z < z), for tests and reports.
    static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }
}
