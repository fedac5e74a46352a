/// Orders entries by weighted random choice without replacement, from one uniform draw.
///
/// The draw picks the first entry by weight; what is left of the draw inside the chosen
/// entry's slice, rescaled to [0, 1), picks the next, and so on. One input, every position
/// weighted, and the same draw always gives the same order.
enum WeightedOrder {
    static func permute<T>(_ items: [T], weights: [Int], draw: Double) -> [T] {
        var remaining = Array(zip(items, weights))
        var result: [T] = []
        result.reserveCapacity(items.count)
        var u = min(max(draw, 0), 0.999_999_999_999)
        while !remaining.isEmpty {
            let total = remaining.reduce(0) { $0 + $1.1 }
            guard total > 0 else {
                result.append(contentsOf: remaining.map(\.0))
                break
            }
            let target = u * Double(total)
            var cumulative = 0.0
            var chosen = remaining.count - 1
            for (index, item) in remaining.enumerated() where item.1 > 0 {
                let next = cumulative + Double(item.1)
                if target < next {
                    chosen = index
                    u = (target - cumulative) / Double(item.1)
                    break
                }
                cumulative = next
            }
            result.append(remaining.remove(at: chosen).0)
        }
        return result
    }
}
