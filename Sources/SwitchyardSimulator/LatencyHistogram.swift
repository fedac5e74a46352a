/// Percentiles of millisecond values in constant memory: 128 buckets per power of two, so any
/// percentile is within 1 % of the true value however many values are recorded.
struct LatencyHistogram: Sendable {
    private var counts: [Int] = Array(repeating: 0, count: 64 * 128)
    private(set) var count = 0
    private(set) var sum: Int64 = 0
    private(set) var max: Int64 = 0

    mutating func record(_ milliseconds: Int64) {
        let value = Swift.max(0, milliseconds)
        counts[Self.bucket(value)] += 1
        count += 1
        sum += value
        max = Swift.max(max, value)
    }

    var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// The value below which `fraction` of the values fall (the bucket's upper bound).
    func percentile(_ fraction: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = Int((fraction * Double(count)).rounded(.up))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank { return Swift.min(Self.upperBound(index), max) }
        }
        return max
    }

    /// Counts in `count` equal bins from 0 to `limit` milliseconds, and how many values lie
    /// beyond. Each fine bucket goes to the bin holding its midpoint: a fine bucket is at most 1 %
    /// wide, so a chart cannot tell the difference.
    func bins(upTo limit: Int64, count binCount: Int) -> (bins: [Int], beyond: Int) {
        var bins = Array(repeating: 0, count: Swift.max(binCount, 1))
        var beyond = 0
        let limit = Swift.max(limit, 1)
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            let lower = index == 0 ? 0 : Self.upperBound(index - 1) + 1
            let middle = Swift.min(lower / 2 + Self.upperBound(index) / 2, max)  // halves first: no overflow in the top buckets
            if middle >= limit {
                beyond += bucketCount
            } else {
                bins[Swift.min(Int(Double(middle) / Double(limit) * Double(bins.count)), bins.count - 1)] += bucketCount
            }
        }
        return (bins, beyond)
    }

    private static func bucket(_ value: Int64) -> Int {
        guard value >= 128 else { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        return (exponent - 6) * 128 + Int(value >> (exponent - 7)) - 128
    }

    private static func upperBound(_ index: Int) -> Int64 {
        guard index >= 128 else { return Int64(index) }
        let exponent = index / 128 + 6
        let mantissa = Int64(index % 128 + 128)
        return ((mantissa + 1) << (exponent - 7)) - 1
    }
}
