/// Round axis steps, so ticks fall on values a reader can add up in their head.
enum ChartScale {
    /// The smallest of 1, 2 or 5 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        for factor in [1.0, 2, 5, 10] where magnitude * factor >= raw { return magnitude * factor }
        return magnitude * 10
    }

    /// Ticks from 0 to at least `maximum`, about `count` of them; integral when `integral`.
    static func ticks(upTo maximum: Double, count: Int = 5, integral: Bool = false) -> [Double] {
        var step = niceStep(Swift.max(maximum, 0) / Double(Swift.max(count, 1)))
        if integral { step = Swift.max(step, 1).rounded(.up) }
        if maximum <= 0 { return [0, step] }
        let last = (maximum / step).rounded(.up)
        return (0...Int(last)).map { Double($0) * step }
    }

    /// Virtual-time tick spacing in milliseconds: at most about eight ticks across `span`.
    static func timeStep(span: Int64) -> Int64 {
        let candidates: [Int64] = [
            1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000,
            21_600_000, 43_200_000, 86_400_000,
        ]
        for step in candidates where span / step <= 8 { return step }
        var step: Int64 = 86_400_000
        while span / step > 8 { step *= 2 }
        return step
    }
}
